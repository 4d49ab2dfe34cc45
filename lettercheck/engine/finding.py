"""A rule's finding: the one place that turns a rule and a place in the letter into a ``Finding``
(the engine's hits and the suppression comments' own findings alike), so what a finding carries
from its rule (code, severity as configured, why, title, whether its suggestion replaces the
words) is decided once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lettercheck.model.document import Document
from lettercheck.model.findings import Finding

if TYPE_CHECKING:
    from lettercheck.engine.config import Config
    from lettercheck.engine.ruleset import Rule


def rule_finding(
    rule: Rule,
    config: Config,
    document: Document,
    *,
    block: int | None = None,
    start: int | None = None,
    end: int | None = None,
    message: str | None = None,
    suggestion: str | None = None,
) -> Finding:
    """The finding of ``rule`` on characters ``[start, end)`` of block ``block`` (all None: the
    whole letter). Without ``message`` the rule's message is filled in with its options (as the
    configuration sets them), the words and the suggestion."""
    part = text = paragraph = None
    if block is not None:
        target = document.blocks[block]
        part = str(target.part) if target.part is not None else None
        paragraph = document.paragraph_number(block)
        if start is not None and end is not None:
            text = target.text[start:end]
    if message is None:
        options = {**rule.options, **config.options_for(rule)}
        values = {**options, "text": text or "", "suggestion": suggestion or ""}
        message = rule.message.format_map(values)
    return Finding(
        rule=rule.name,
        code=rule.code,
        severity=config.severity_for(rule),
        message=message,
        part=part,
        block=block,
        start=start,
        end=end,
        text=text,
        suggestion=suggestion,
        why=rule.why,
        paragraph=paragraph,
        title=rule.title,
        replaces=rule.replaces,
    )
