"""When the ``check:`` rules apply to a letter at all, for ``rules_applied`` and the audit's
shares (issue 12): "Brevet nævner målet" must count only the letters about an activity.

Kept apart from the checks themselves so each family's module stays as it is; a family can move
its ``@applies`` function next to its ``@check`` when it is reworked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lettercheck.checks import applies
from lettercheck.checks.purpose_goal import is_activity_letter

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis


@applies("missing-goal")
def goal_applies(analysis: Analysis, options: Mapping[str, Any]) -> bool:
    """missing-goal applies to a letter about an activity (samtale, praktik, forløb, …) only."""
    return is_activity_letter(analysis, options)
