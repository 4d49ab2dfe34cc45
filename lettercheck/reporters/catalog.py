"""What every report needs to know about the rules and where a finding is, in one place.

The SARIF, CSV, HTML and GitHub reporters and the audit describe rules the same way (code, name,
Danish title, severity, a message without placeholders, why) and name a finding's place the same
way ("afsnit 4 (brødtekst)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lettercheck.engine.ruleset import Recommendation
from lettercheck.model.findings import FileResult, Finding, Severity

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report needs to know about a rule, whatever the engine's own type looks like."""

    name: str  # kebab-case, the JSON contract's "rule"
    code: str
    severity: Severity
    message: str = ""
    why: str = ""
    title: str = ""  # Danish short name for readers ("De-form"); empty when unknown
    #: the letter types the rule applies to (issue 12); empty: every letter
    types: tuple[str, ...] = ()
    #: the recommendation the rule checks (``serves`` in its entry), for the audit's table
    serves: Recommendation | None = None
    #: the rule's place in the rule files: the audit lists recommendations in this order
    position: int = 0

    @property
    def label(self) -> str:
        """How a report names the rule to a reader: "LC301 De-form" (the kebab-case name when
        the rule has no title, e.g. one known only from a finding)."""
        return f"{self.code} {self.title or self.name}"


def _get(rule: Any, *keys: str) -> Any:
    """A field of a rule given as a mapping or an object, trying several names."""
    for key in keys:
        value = rule.get(key) if isinstance(rule, Mapping) else getattr(rule, key, None)
        if value is not None:
            return value
    return None


def rule_catalog(rules: Iterable[Any] | None = None) -> list[RuleInfo]:
    """The rules' metadata as ``RuleInfo``s sorted by code.

    ``rules`` defaults to ``lettercheck.engine.ruleset.load_rules()``; if the rules cannot be
    loaded the
    catalog is empty and reports fall back to what the findings say.
    """
    if rules is None:
        try:
            from lettercheck.engine.ruleset import load_rules

            rules = load_rules()
        except Exception:
            rules = []
    if isinstance(rules, Mapping):
        rules = rules.values()
    out: dict[str, RuleInfo] = {}
    for index, rule in enumerate(rules):
        name = _get(rule, "name", "rule")
        code = _get(rule, "code")
        if not name or not code:
            continue
        try:
            severity = Severity(str(_get(rule, "severity") or "warning"))
        except ValueError:
            severity = Severity.WARNING
        out[str(name)] = RuleInfo(
            name=str(name),
            code=str(code),
            severity=severity,
            # A message template's {text}/{limit} placeholders mean nothing without a finding.
            message=_PLACEHOLDER.sub("…", str(_get(rule, "message", "title", "summary") or "")),
            why=str(_get(rule, "why", "description") or ""),
            title=str(_get(rule, "title") or ""),
            types=tuple(str(t) for t in (_get(rule, "types") or ())),
            serves=_recommendation(_get(rule, "serves")),
            position=int(_first(_get(rule, "position"), index)),
        )
    return sorted(out.values(), key=lambda r: (r.code, r.name))


def _first(value: Any, default: Any) -> Any:
    return default if value is None else value


def _recommendation(value: Any) -> Recommendation | None:
    """A rule's ``serves`` given as a ``Recommendation`` or a mapping (label, source, note)."""
    if value is None or isinstance(value, Recommendation):
        return value
    return Recommendation(
        label=str(_get(value, "label") or ""),
        source=str(_get(value, "source") or ""),
        note=str(_get(value, "note") or ""),
    )


def recommendations(catalog: Iterable[RuleInfo]) -> list[RuleInfo]:
    """The rules that serve a recommendation, in rule-file order (the audit's table)."""
    return sorted((r for r in catalog if r.serves is not None), key=lambda r: r.position)


def catalog_with_findings(catalog: list[RuleInfo], results: Iterable[FileResult]) -> list[RuleInfo]:
    """``catalog`` plus a descriptor for every rule that fired but is not in it."""
    known = {r.name: r for r in catalog}
    for result in results:
        for f in result.findings or ():
            if f.rule not in known:
                known[f.rule] = RuleInfo(f.rule, f.code, f.severity, f.message, f.why)
    return sorted(known.values(), key=lambda r: (r.code, r.name))


#: Longest quote of a finding's words in a report line; a long sentence is cut at a word.
MAX_QUOTE = 80


def quoted_words(finding: Finding) -> str | None:
    """The finding's words on one line for a report, cut at a word with " …" when long; None
    when there are none or the message already names them (»fremsende« er …)."""
    if not finding.text or finding.text in finding.message:
        return None
    words = " ".join(finding.text.split())
    if len(words) > MAX_QUOTE:
        cut = words[: MAX_QUOTE - 1]
        words = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + " …"
    return words


def block_label(finding: Finding) -> str:
    """Where in the letter a located finding is, as Word users say it: "afsnit 4 (brødtekst)"."""
    from lettercheck.model.words import PART_DA

    if finding.block is None:
        label = "hele brevet"
    else:  # counted as the text report counts (``Document.paragraph_number``)
        number = finding.paragraph if finding.paragraph is not None else finding.block + 1
        label = f"afsnit {number}"
    return f"{label} ({PART_DA.get(finding.part, finding.part)})" if finding.part else label
