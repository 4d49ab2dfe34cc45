"""The rule engine: runs the rules over an analysed letter, ``check(analysis, config) ->
list[Finding]``. Data rules (phrases, patterns, regex) go through the matchers of
``lettercheck.engine.matchers``; ``check:`` rules call their function in ``lettercheck.checks``.
Hits are
kept to the rule's scope, overlapping hits of one rule become one finding, and where two rules flag
the same words only the more severe finding is kept.

The rule types and their loading live in ``lettercheck.engine.ruleset``; the compiled matchers in
``lettercheck.engine.matchers``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lettercheck.checks import APPLIES, CHECKS, Hit
from lettercheck.engine.finding import rule_finding
from lettercheck.engine.matchers import Compiled, any_pattern, compile_rules
from lettercheck.engine.ruleset import (
    Item,
    Phrase,
    Rule,
    load_rules,
)
from lettercheck.language.literals import could_match
from lettercheck.model.document import Block, Document
from lettercheck.model.findings import Finding, LetterType

if TYPE_CHECKING:
    from lettercheck.engine.config import Config
    from lettercheck.language.analysis import Analysis

__all__ = ["Checked", "check", "check_letter", "letter_type_of"]


@dataclass(frozen=True, slots=True)
class Checked:
    """What the engine says about one letter: its findings, its type and the rules that applied
    to it (a rule of another letter type, or a check whose subject is absent, did not)."""

    findings: list[Finding]
    letter_type: LetterType
    rules_applied: tuple[str, ...]


def letter_type_of(document: Document, config: Config) -> LetterType:
    """The letter's type: stated in a ``lettercheck: type …`` comment, else by a
    ``letter-types`` glob in the configuration, else read from the text."""
    from lettercheck.language.letter_type import classify, stated_in_comment, unknown_stated_type

    stated = stated_in_comment(document)
    if stated is not None:
        return stated
    by_config = config.stated_type(document.path)
    if by_config is not None:
        letter_type, glob = by_config
        where = config.source.name if config.source is not None else "konfigurationen"
        return LetterType(letter_type, f"angivet i {where} (letter-types »{glob}«)", True)
    found = classify(document)
    unknown = unknown_stated_type(document)
    if unknown is not None:
        because = f"kommentaren nævner den ukendte type »{unknown}«; {found.because}"
        found = replace(found, because=because)
    return found


# --------------------------------------------------------------------------------------------
# Running


#: Words that agree with the noun after them: as an alternative they are advice, never in place.
_AGREEING = frozenset({"dette", "denne", "disse", "det", "den", "de"})
#: A phrase table's alternative that means "delete the phrase" (rules/officialese.tsv).
DELETE = "(slet)"


def _deletion(block: Block, start: int, end: int) -> tuple[int, int, str] | None:
    """The span to delete for a ``(slet)`` phrase at ``[start, end)`` of ``block.text`` and what
    goes in its place, so spacing and capitals come out right (rules/officialese.tsv's
    convention), or None when deleting would leave a verb first in a statement ("Hermed er
    sagen afsluttet"): then it is advice.

    * opening the sentence: the phrase, the space after it and the next word, replaced by that
      word with a capital ("Det bemærkes, at fristen" -> "Fristen"; whole words, so the finding's
      words and the tracked change read as Danish);
    * a clause after a comma at the sentence's end: from the comma ("…, hvilket herved
      meddeles." -> "….");
    * otherwise the phrase and the space before it ("Vi meddeler herved, at" -> "Vi meddeler,
      at")."""
    from lettercheck.checks.plain import is_verb
    from lettercheck.language.danish import lemma

    text = block.text
    before = text[:start].rstrip()
    after_space = len(text[end:]) - len(text[end:].lstrip(" "))
    following = text[end + after_space :]
    if not before or before[-1] in ".!?:":
        word = following.split(" ", 1)[0].strip(",.;:!?")
        if not word or not word[0].isalpha():
            return None
        if is_verb(lemma(word.lower())) and word.lower() not in ("du", "vi"):
            return None  # "Hermed er sagen afsluttet": the verb would open the statement
        new_end = end + after_space + len(word)
        return start, new_end, word[0].upper() + word[1:]
    if before.endswith(",") and following[:1] in (".", "!", "?"):
        return len(before) - 1, end, ""
    if start > 0 and text[start - 1] == " ":
        return start - 1, end, ""
    return None


_OG_AT = re.compile(r"\bog\s+at\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _dangling_og_at(text: str, phrase: str, end: int) -> bool:
    """Does deleting ``phrase`` (ending in "at") leave a coordinated "og at" with nothing to
    attach to, later in the same sentence?"""
    if not phrase.rstrip().lower().endswith(" at"):
        return False
    rest = _SENTENCE_END.split(text[end:], maxsplit=1)[0]
    return bool(_OG_AT.search(rest))


def _in_place(alternative: str, phrase: Phrase, matched: str, lemma: str) -> str | None:
    """The alternative in the form that can replace ``matched`` as it stands, or None.

    None means the form cannot be trusted, so the finding names the alternative as advice and
    ``--suggest`` makes no tracked change: a phrase in another form than the table's that we
    cannot give the alternative ("har truffet afgørelse" for "træffe afgørelse" → "afgøre"), or
    an alternative that is a choice or a rewrite ("jeg eller mig", "hvis …"). The alternative
    follows the matched words into the present tense ("har mulighed for at" → "kan", "tager
    udgangspunkt i" → "bygger på"), and a one-word alternative takes the inflection of the
    matched word when the lemma table knows the result ("fremsendte" → "sendte").
    """
    if " eller " in alternative or "…" in alternative:
        return None
    if alternative.lower() in _AGREEING:
        return None  # "nærværende" -> "dette" must agree with the noun after it ("denne skrivelse")
    from lettercheck.language.danish import lemma as lookup
    from lettercheck.language.danish import present

    lower = matched.lower()
    base = phrase.phrase.lower()
    result: str | None = alternative
    if lower != base:
        result = None
        words, base_words = lower.split(), base.split()
        alt_first, _, alt_rest = alternative.partition(" ")
        if (
            len(words) == len(base_words)
            and words[1:] == base_words[1:]
            and words[0] != base_words[0]
            and words[0] == present(base_words[0])
        ):
            # The present tense of the table's infinitive: the alternative's too.
            result = " ".join(filter(None, [present(alt_first), alt_rest]))
        elif lower.endswith("s") and not base.endswith("s"):
            # An s-passive ("påbegyndes"): the alternative's passive ("begyndes") is still
            # passive and often not Danish; the sentence needs a rewrite around who acts.
            result = None
        elif " " not in base and " " not in alternative and lemma == base:
            stem = lemma[:-1] if lemma.endswith("e") else lemma
            alt_stem = alternative[:-1] if alternative.endswith("e") else alternative
            if lower.startswith(stem):
                inflected = alt_stem + lower[len(stem) :]
                # Only a form the lemma table knows as one of the alternative's ("sendte" is;
                # "gører" from "gøre" is not).
                if lookup(inflected) == alternative.lower():
                    result = inflected
    if result is not None and matched[:1].isupper() and result[:1].islower():
        result = result[:1].upper() + result[1:]
    return result


def _data_hits(
    rule_hits: dict[str, list[Hit]],
    analysis: Analysis,
    compiled: Compiled,
    active: Mapping[str, Rule],
) -> None:
    """Run every phrase, pattern and regex rule over every block in its scope."""
    # The stretches each rule already has per block, so an overlapping match is found by a
    # binary search, not a pass over all earlier hits (quadratic in a long paragraph).
    taken: dict[tuple[str, int], _Disjoint] = {}
    document = analysis.document
    regex_rules = [(r, any_pattern(r.items)) for r in active.values() if r.kind == "regex"]
    use_phrases = any(r.kind == "phrases" for r in active.values())
    use_patterns = any(r.kind == "patterns" for r in active.values())
    for index, block in enumerate(document.blocks):
        if not block.text.strip():
            continue
        doc = analysis.docs[index]
        if use_phrases:
            spans: list[tuple[int, int, int]] = []
            for matcher in (compiled.lemma_matcher, compiled.lower_matcher):
                spans.extend(matcher(doc))
            if spans:
                _phrase_hits(rule_hits, block, doc, compiled, active, spans)
        if use_patterns:
            for match_id, first, last in compiled.token_matcher(doc):
                rule, item = compiled.pattern_of[match_id]
                if rule.name in active and rule.scope.covers(block):
                    start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
                    _add_item_hit(rule_hits, taken, rule, item, block, start, end)
        folded = block.text.casefold() if regex_rules else ""
        for rule, any_item in regex_rules:
            if not rule.scope.covers(block):
                continue
            if any_item is not None and (
                not could_match(any_item, folded) or any_item.search(block.text) is None
            ):
                continue  # none of the rule's patterns occurs in this block
            for item in rule.items:
                if not could_match(item.pattern, folded):
                    continue  # a literal the pattern needs is not in the block (literals.py)
                for match in item.pattern.finditer(block.text):
                    if match.end() > match.start():
                        _add_item_hit(
                            rule_hits, taken, rule, item, block, match.start(), match.end()
                        )


def _add_item_hit(
    rule_hits: dict[str, list[Hit]],
    taken: dict[tuple[str, int], _Disjoint],
    rule: Rule,
    item: Item,
    block: Block,
    start: int,
    end: int,
) -> None:
    text = block.text[start:end]
    suggestion = item.suggestion or rule.suggestion
    if suggestion and text[:1].isupper() and suggestion[:1].islower():
        # "Vedr.:" -> "Om": the report shows what the tracked change writes
        suggestion = suggestion[:1].upper() + suggestion[1:]
    message = rule.format_message(text, suggestion, item.message)
    hits = rule_hits.setdefault(rule.name, [])
    if not taken.setdefault((rule.name, block.index), _Disjoint()).take(start, end):
        return  # overlapping matches of one rule give one finding
    hits.append(Hit(block.index, start, end, message, suggestion))


def _phrase_hits(
    rule_hits: dict[str, list[Hit]],
    block: Block,
    doc: Any,
    compiled: Compiled,
    active: Mapping[str, Rule],
    spans: list[tuple[int, int, int]],
) -> None:
    # Longest match first, so "rette telefonisk henvendelse" wins over a shorter entry inside it.
    spans.sort(key=lambda s: (-(s[2] - s[1]), s[1]))
    taken: dict[str, _Disjoint] = {}
    for match_id, first, last in spans:
        rule, phrase = compiled.phrase_of[match_id]
        if rule.name not in active or not rule.scope.covers(block):
            continue
        if not taken.setdefault(rule.name, _Disjoint()).take(first, last):
            continue
        start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
        text = block.text[start:end]
        suggestion = advice = None
        if phrase.alternative == DELETE:
            # Delete the words: the finding covers what goes (with a space, a comma or the next
            # word), so --suggest's tracked change leaves the sentence right.
            deletion = _deletion(block, start, end)
            what = "ordene" if " " in text.strip() else "ordet"
            message = f"»{text}« er {rule.title.lower()}; slet {what}."
            if _dangling_og_at(block.text, text, end):
                # "Det bemærkes, at A, og at B": without the first "at" the second hangs.
                deletion = None
                message = (
                    f"»{text}« er {rule.title.lower()}; slet {what}, og skriv det, der står "
                    "efter »og at«, som en ny sætning."
                )
            if deletion is not None:
                start, end, suggestion = deletion
            rule_hits.setdefault(rule.name, []).append(
                Hit(block.index, start, end, message, suggestion)
            )
            continue
        if phrase.alternative:
            advice = phrase.alternative
            suggestion = _in_place(advice, phrase, text, doc[first].lemma_.lower())
        # A choice is quoted word by word: »jeg« eller »mig«.
        shown = (suggestion or advice or "").replace(" eller ", "« eller »")
        message = rule.format_message(text, shown)
        rule_hits.setdefault(rule.name, []).append(
            Hit(block.index, start, end, message, suggestion)
        )


#: Template logic a merge system resolves ("If betingelse Borger enlig … ”din” Else ”jeres”",
#: "{% if … %}"): a tracked change in such a paragraph can break the template, and its words are
#: not the letter's yet. Danish letters use neither "if" nor "else". (A plain slot such as
#: "{{ navn }}" is left alone: the words around it are the letter's.)
_TEMPLATE_LOGIC = re.compile(r"\bif\b[^.]{0,200}?\belse\b|\bif\s+betingelse\b|\{%", re.IGNORECASE)


def _no_edits_in_template_logic(findings: list[Finding], document: Document) -> list[Finding]:
    """The findings, with no replacement (advice only) in a paragraph holding template logic."""
    result = []
    for finding in findings:
        if (
            finding.suggestion is not None
            and finding.block is not None
            and _TEMPLATE_LOGIC.search(document.blocks[finding.block].text)
        ):
            finding = replace(finding, suggestion=None)
        result.append(finding)
    return result


def _in_scope(rule: Rule, document: Document, hit: Hit) -> bool:
    if hit.block is None or not rule.scope.explicit:
        return True
    return rule.scope.covers(document.blocks[hit.block])


def check(analysis: Analysis, config: Config | None = None) -> list[Finding]:
    """Run every active rule over an analysed letter; findings sorted by block and offset, the
    findings about the whole letter first."""
    return check_letter(analysis, config).findings


def check_letter(analysis: Analysis, config: Config | None = None) -> Checked:
    """``check`` with the letter's type and the rules that applied to it."""
    from lettercheck.engine.config import Config
    from lettercheck.engine.require import evaluate, join_danish
    from lettercheck.engine.suppress import apply_suppressions

    config = config or Config()
    ruleset = load_rules()
    document = analysis.document
    letter_type = letter_type_of(document, config)
    active = {
        r.name: r
        for r in ruleset
        if config.enabled(r, ruleset, document.path) and r.applies_to_type(letter_type.type)
    }
    applied = set(active)
    rule_hits: dict[str, list[Hit]] = {}
    for rule in active.values():
        if rule.kind == "require" and rule.requirement is not None:
            outcome = evaluate(document, rule.requirement)
            if not outcome.applies:
                applied.discard(rule.name)
            elif outcome.fails:
                values = {**rule.options, "text": "", "suggestion": ""}
                values["missing"] = join_danish(outcome.missing)
                rule_hits[rule.name] = [Hit(message=rule.message.format_map(values))]
        elif rule.kind == "check" and rule.check in APPLIES:
            options = {**rule.options, **config.options_for(rule)}
            if not APPLIES[rule.check](analysis, options):
                applied.discard(rule.name)
    if any(r.kind in ("phrases", "patterns", "regex") for r in active.values()):
        compiled = compile_rules(ruleset, config.extra_phrases(ruleset))
        _data_hits(rule_hits, analysis, compiled, active)
    for rule in active.values():
        if rule.kind != "check":
            continue
        options = {**rule.options, **config.options_for(rule)}
        hits = [h for h in CHECKS[rule.check](analysis, options) if _in_scope(rule, document, h)]
        rule_hits[rule.name] = hits
    for name, hits in rule_hits.items():
        rule_hits[name] = _without_overlaps(hits)
    findings = [
        _finding(active[name], hit, document, config)
        for name, hits in rule_hits.items()
        for hit in hits
    ]
    findings = apply_suppressions(findings, document, ruleset, active, config)
    findings = _giving_way(findings, active)
    findings = sorted(_most_severe_per_words(findings), key=_sort_key)
    findings = _no_edits_in_template_logic(findings, document)
    rules_applied = tuple(r.name for r in ruleset if r.name in applied)
    return Checked(findings, letter_type, rules_applied)


def _giving_way(findings: list[Finding], active: Mapping[str, Rule]) -> list[Finding]:
    """Drop a finding of a rule with ``gives-way-to`` whose words overlap a finding of one of
    those rules: the wider advice ("Der gøres opmærksom på" → "Vær opmærksom på") already covers
    them, and two comments on the same words would pull in different directions."""
    yielding = {name for name, rule in active.items() if rule.gives_way_to}
    if not yielding or not any(f.rule in yielding for f in findings):
        return findings
    # Per rule and block, the findings' starts in order with the largest end so far: whether a
    # stretch overlaps any of them is one binary search (not a pass over all of them).
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for finding in findings:
        if finding.located:
            key = (finding.rule, finding.block)
            spans.setdefault(key, []).append((finding.start, finding.end))  # type: ignore[arg-type]
    reach: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for key, pairs in spans.items():
        pairs.sort()
        furthest, ends = -1, []
        for _start, end in pairs:
            furthest = max(furthest, end)
            ends.append(furthest)
        reach[key] = ([start for start, _end in pairs], ends)

    def overlapped(finding: Finding) -> bool:
        for name in active[finding.rule].gives_way_to:
            found = reach.get((name, finding.block))  # type: ignore[arg-type]
            if found is None:
                continue
            starts, ends = found
            before = bisect.bisect_left(starts, finding.end)  # those starting before its end
            if before and ends[before - 1] > finding.start:  # type: ignore[operator]
                return True
        return False

    return [f for f in findings if f.rule not in yielding or not f.located or not overlapped(f)]


def _most_severe_per_words(findings: list[Finding]) -> list[Finding]:
    """Where two rules flag exactly the same words ("afholdes": officialese and passive voice),
    keep the more severe finding only, so the letter gets one comment there and not two pieces of
    advice that pull in different directions ("holdes" vs "vi afholder")."""
    best: dict[tuple, Finding] = {}
    for finding in findings:
        if not finding.located:
            continue
        key = (finding.block, finding.start, finding.end)
        kept = best.get(key)
        if kept is None or finding.severity.rank > kept.severity.rank:
            best[key] = finding
    return [f for f in findings if not f.located or best[(f.block, f.start, f.end)] is f]


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """One finding per stretch of words and rule: where two ways of matching a rule cover the
    same words ("Der udbetales" and "udbetales"), keep the longer, which carries the better
    suggestion, so the letter gets one comment there, not two."""
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    by_block: dict[int, _Disjoint] = {}
    for hit in sorted(hits, key=_widest_first):
        if hit.block is None or hit.start is None or hit.end is None:
            kept.append(hit)
            continue
        taken = by_block.setdefault(hit.block, _Disjoint())
        if taken.take(hit.start, hit.end, hit, _overlap):
            kept.append(hit)
    return kept


class _Disjoint:
    """Stretches that do not overlap, sorted by start: whether a new one overlaps any of them is
    a binary search and two comparisons, so a paragraph with thousands of findings costs
    n log n, not n² (an 800 KB paragraph took a minute when each was compared with all)."""

    __slots__ = ("ends", "items", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list[Any] = []

    def take(self, start: int, end: int, item: Any = None, overlap: Any = None) -> bool:
        """Add ``start``-``end`` unless it overlaps one already taken; True if it was added.
        ``overlap(item, other)`` decides for the (at most two) neighbours when given."""
        at = bisect.bisect_left(self.starts, start)
        for n in (at - 1, at):
            if 0 <= n < len(self.starts):
                if overlap is not None:
                    if overlap(item, self.items[n]):
                        return False
                elif self.starts[n] < end and start < self.ends[n]:
                    return False
        self.starts.insert(at, start)
        self.ends.insert(at, end)
        self.items.insert(at, item)
        return True


def _widest_first(hit: Hit) -> tuple:
    if hit.block is None or hit.start is None or hit.end is None:
        return (-1, 0, 0)
    return (hit.block, -(hit.end - hit.start), hit.start)


def _overlap(a: Hit, b: Hit) -> bool:
    return (
        a.block == b.block
        and None not in (a.start, a.end, b.start, b.end)
        and a.start < b.end
        and b.start < a.end
    )


def _sort_key(finding: Finding) -> tuple:
    return (
        -1 if finding.block is None else finding.block,
        finding.start or 0,
        finding.end or 0,
        finding.code,
    )


def _finding(rule: Rule, hit: Hit, document: Document, config: Config) -> Finding:
    return rule_finding(
        rule,
        config,
        document,
        block=hit.block,
        start=hit.start,
        end=hit.end,
        message=hit.message,
        suggestion=hit.suggestion,
    )
