"""Suppression comments: a writer silences a rule inside the letter itself, with a reason.

A Word comment whose text starts with

    lettercheck: ignore NAME-OR-CODE[,NAME-OR-CODE…] <reason>
    lettercheck: ignore-file NAME-OR-CODE[,…] <reason>

silences the named rules (name, code or code prefix such as "LC3"). ``ignore`` covers the findings
that lie inside the comment's anchor, plus the rule's whole-letter findings (they have no place to
anchor a comment on, so any ``ignore`` of the rule covers them); ``ignore-file`` covers the whole
letter wherever the comment sits. The reason is required, because a silenced finding without one is
a question the next writer cannot answer: a suppression without a reason is reported
(``suppression-without-reason``) but still applies, a suppression naming no known rule is reported
(``unknown-suppression``), and a suppression that silences nothing although its rule ran is reported
(``unused-suppression``, info), like ruff's unused ``noqa``. These findings point at the comment's
anchor and cannot themselves be suppressed by comments (only by configuration).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lettercheck.engine.finding import rule_finding
from lettercheck.model.document import Comment, Document
from lettercheck.model.findings import Finding

if TYPE_CHECKING:
    from lettercheck.engine.config import Config
    from lettercheck.engine.ruleset import Rule, RuleSet

_DIRECTIVE = re.compile(
    r"^\s*lettercheck\s*:\s*(?P<mode>ignore-file|ignore)\b\s*(?P<rules>[^\s]*)\s*(?P<reason>.*)$",
    re.IGNORECASE | re.DOTALL,
)
#: A comment that starts "lettercheck:" but is no directive ("lettercheck: ingore …"): reported,
#: never silently ignored.
_ANY_DIRECTIVE = re.compile(r"^\s*lettercheck\s*:\s*(?P<word>\S*)", re.IGNORECASE)
#: ", LC301" after the rules: Danish writers put a space after a comma.
_MORE_RULES = re.compile(r",?\s*(?P<rule>[^\s,]+),?\s*")

#: The engine's own rules (``engine: suppression`` in rules/suppression.yaml): this module is their
#: check, and names them as a ``lettercheck.checks`` module names its own in ``@check``.
WITHOUT_REASON = "suppression-without-reason"
UNKNOWN = "unknown-suppression"
UNUSED = "unused-suppression"


@dataclass(slots=True)
class Suppression:
    """One parsed suppression comment."""

    comment: Comment
    whole_file: bool
    selectors: tuple[str, ...]
    rules: frozenset[str]  # names of the rules it silences
    reason: str
    unknown: tuple[str, ...] = ()  # selectors that name no rule
    used: bool = False
    misspelt: str | None = None  # "ingore": a directive that is neither ignore nor ignore-file

    def covers(self, finding: Finding) -> bool:
        if finding.rule not in self.rules:
            return False
        if self.whole_file or not finding.located:
            return True
        c = self.comment
        if c.start_block is None or c.start is None or c.end_block is None or c.end is None:
            return False
        assert finding.block is not None and finding.start is not None and finding.end is not None
        return (c.start_block, c.start) <= (finding.block, finding.start) and (
            finding.block,
            finding.end,
        ) <= (c.end_block, c.end)


def parse_suppressions(document: Document, ruleset: RuleSet) -> list[Suppression]:
    """Every suppression comment of ``document`` (comments not starting with "lettercheck:" are
    ordinary comments and left alone)."""
    found = []
    for comment in document.comments:
        match = _DIRECTIVE.match(comment.text or "")
        if match is None:
            other = _ANY_DIRECTIVE.match(comment.text or "")
            if other is not None:
                found.append(
                    Suppression(
                        comment=comment,
                        whole_file=False,
                        selectors=(),
                        rules=frozenset(),
                        reason="",
                        misspelt=other.group("word") or "(intet)",
                    )
                )
            continue
        selectors, reason = _more_rules(
            [s for s in match.group("rules").split(",") if s],
            match.group("rules").endswith(","),
            match.group("reason"),
            ruleset,
        )
        names = frozenset(r.name for s in selectors for r in ruleset.matching(s))
        found.append(
            Suppression(
                comment=comment,
                whole_file=match.group("mode").lower() == "ignore-file",
                selectors=selectors,
                rules=names,
                reason=" ".join(reason.split()),
                unknown=tuple(s for s in selectors if not ruleset.matching(s)),
            )
        )
    return found


def _more_rules(
    selectors: list[str], open_comma: bool, rest: str, ruleset: RuleSet
) -> tuple[tuple[str, ...], str]:
    """The rules of "ignore LC302, LC301 Ordret citat": after the first word, a comma and a space
    may separate more rules. A word after ", " is a rule only when it names one ("LC302, ordret
    citat" keeps "ordret citat" as the reason), so the space never changes what is silenced."""
    while True:
        starts_with_comma = rest.lstrip().startswith(",")
        if not (open_comma or starts_with_comma):
            break
        more = _MORE_RULES.match(rest.lstrip())
        # "LC302." / "LC302:" at the end of the list: the punctuation is not part of the rule
        rule = more.group("rule").rstrip(".:;") if more is not None else ""
        if more is None or not _names_a_rule(rule, ruleset):
            if more is not None and re.fullmatch(r"LC\d+", rule, re.IGNORECASE):
                selectors.append(rule)  # looks like a code but names none: reported as unknown
                rest = rest.lstrip()[more.end() :]
                open_comma = more.group(0).rstrip().endswith(",")
                continue
            if starts_with_comma:
                rest = rest.lstrip()[1:]  # "LC302 , ordret citat": the comma is no reason
            break
        selectors.append(rule)
        open_comma = more.group(0).rstrip().endswith(",")
        rest = rest.lstrip()[more.end() :]
    return tuple(selectors), rest


def _names_a_rule(word: str, ruleset: RuleSet) -> bool:
    """Whether a word after ", " is one more rule: a name, a code, or a code prefix of at least
    one digit ("LC3"); a bare "LC" would silence every rule."""
    if word.upper() == "LC":
        return False
    return bool(ruleset.matching(word))


def apply_suppressions(
    findings: list[Finding],
    document: Document,
    ruleset: RuleSet,
    active: Mapping[str, Rule],
    config: Config,
) -> list[Finding]:
    """Drop the findings that suppression comments cover and add findings about the comments."""
    suppressions = parse_suppressions(document, ruleset)
    if not suppressions:
        return findings
    kept = []
    for finding in findings:
        covering = [s for s in suppressions if s.covers(finding)]
        for suppression in covering:
            suppression.used = True
        if not covering:
            kept.append(finding)
    for suppression in suppressions:
        problem = _problem(suppression, active)
        if problem is None:
            continue
        rule_name, message = problem
        rule = active.get(rule_name)
        if rule is None:  # the meta rule itself is switched off
            continue
        kept.append(_about_comment(rule, suppression, message, document, config))
    return kept


def _problem(suppression: Suppression, active: Mapping[str, Rule]) -> tuple[str, str] | None:
    words = " ".join(suppression.selectors) or "(ingen regel)"
    if suppression.misspelt is not None:
        return UNKNOWN, (
            f"Kommentaren begynder med »lettercheck:«, men »{suppression.misspelt}« er hverken "
            "ignore eller ignore-file, så den slår intet fra. Ret stavningen."
        )
    if not suppression.selectors:
        return UNKNOWN, (
            "Kommentaren skal slå en regel fra, men nævner ingen; skriv reglens navn eller kode "
            "efter ignore."
        )
    if suppression.unknown:
        named = ", ".join(suppression.unknown)
        return UNKNOWN, f"Kommentaren slår en regel fra, men {named} er ikke en kendt regel."
    if not suppression.reason:
        return WITHOUT_REASON, f"Kommentaren slår {words} fra uden at sige hvorfor; skriv en grund."
    if not suppression.used and any(name in active for name in suppression.rules):
        return UNUSED, f"Kommentaren slår {words} fra, men reglen finder intet her; fjern den."
    return None


def _about_comment(
    rule: Rule, suppression: Suppression, message: str, document: Document, config: Config
) -> Finding:
    """The finding about a suppression comment, on the words it is anchored on (to the end of its
    first paragraph when the anchor runs on), or about the whole letter."""
    comment = suppression.comment
    if comment.start_block is None or comment.start is None:
        return rule_finding(rule, config, document, message=message)
    block, start = comment.start_block, comment.start
    end = comment.end if comment.end_block == comment.start_block else None
    if end is None:
        end = len(document.blocks[block].text)
    return rule_finding(rule, config, document, block=block, start=start, end=end, message=message)
