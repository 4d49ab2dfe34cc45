"""Rules that need logic (letter structure, contact details, purpose and goal).

Most rules are data in rules/*.yaml and run by the engine. A rule that needs Python names a check
function here (``check: <name>`` in its YAML entry). A check function sees only the ``Analysis``
(document model and spaCy docs, never lxml or python-docx) and the rule's options, and yields
``Hit``s; the engine turns hits into findings with the rule's code, severity, message and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a rule fires; ``block``, ``start`` and ``end`` are None for a whole-letter finding.

    ``message`` replaces the rule's message when the check knows more ("Brevet nævner § 42, stk. 2
    før klagevejledningen"); ``suggestion`` is the better wording, if there is one.
    """

    block: int | None = None
    start: int | None = None
    end: int | None = None
    message: str | None = None
    suggestion: str | None = None


CheckFunction = Callable[["Analysis", Mapping[str, Any]], Iterable[Hit]]

#: check name (as written after ``check:`` in rules/*.yaml) -> function. Filled by @check.
CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under the name rules/*.yaml uses for it."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = function
        return function

    return register


AppliesFunction = Callable[["Analysis", Mapping[str, Any]], bool]

#: check name -> function telling whether the rule applies to a letter at all (missing-goal: only
#: a letter about an activity). The JSON's ``rules_applied`` and the audit's shares use it, so a
#: share counts only the letters a rule applies to. Filled by @applies.
APPLIES: dict[str, AppliesFunction] = {}


def applies(name: str) -> Callable[[AppliesFunction], AppliesFunction]:
    """Register when the check ``name`` applies to a letter (without it: every letter)."""

    def register(function: AppliesFunction) -> AppliesFunction:
        if name in APPLIES:
            raise ValueError(f"applicability of {name!r} is registered twice")
        APPLIES[name] = function
        return function

    return register
