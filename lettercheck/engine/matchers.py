"""Compiling rule data into matchers: spaCy PhraseMatchers for phrase lists, a Matcher for token
patterns, and one joined regex per regex rule for a quick "does any pattern occur here" scan.
Built once per process (and set of extra phrases from the configuration) and reused for every
letter, because building the matchers costs far more than running them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from lettercheck.engine.ruleset import Item, Phrase, Rule, RuleSet


@dataclass(slots=True)
class Compiled:
    """spaCy matchers for every phrase and pattern rule, built once and reused for every letter."""

    lemma_matcher: Any
    lower_matcher: Any
    token_matcher: Any
    phrase_of: dict[int, tuple[Rule, Phrase]]
    pattern_of: dict[int, tuple[Rule, Item]]


#: (phrase rule's name, (phrase, alternative) pairs) the configuration adds (``config-key``)
Extra = tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]

_COMPILED: dict[tuple[int, Extra], Compiled] = {}


def _get_nlp() -> Any:
    from lettercheck.language.danish import get_nlp

    return get_nlp()


def compile_rules(ruleset: RuleSet, extra: Extra = ()) -> Compiled:
    key = (id(ruleset), extra)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = _get_nlp()
    lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    token_matcher = Matcher(nlp.vocab)
    phrase_of: dict[int, tuple[Rule, Phrase]] = {}
    pattern_of: dict[int, tuple[Rule, Item]] = {}
    entries: list[tuple[Rule, Phrase]] = []
    added = dict(extra)
    for rule in ruleset:
        phrases = rule.phrases
        if rule.name in added:
            phrases += tuple(Phrase(p, a, "lemma", "konfiguration") for p, a in added[rule.name])
        entries.extend((rule, phrase) for phrase in phrases)
        for number, item in enumerate(rule.items if rule.kind == "patterns" else ()):
            match_key = f"{rule.name}#pattern{number}"
            token_matcher.add(match_key, [item.pattern])
            pattern_of[nlp.vocab.strings[match_key]] = (rule, item)
    from lettercheck.language.danish import lemma

    for number, (rule, phrase) in enumerate(entries):
        match_key = f"{rule.name}#phrase{number}"
        phrase_of[nlp.vocab.strings.add(match_key)] = (rule, phrase)
        doc = nlp.make_doc(phrase.phrase)
        lower_matcher.add(match_key, [doc])
        if phrase.match == "lemma":
            # Phrases are written in dictionary form, but the lookup table does not always map a
            # dictionary form to itself ("have" -> "hav"): match both the words as written and
            # their table lemmas.
            as_written = nlp.make_doc(phrase.phrase)
            for token in as_written:
                token.lemma_ = token.lower_
            looked_up = nlp.make_doc(phrase.phrase)
            for token in looked_up:
                token.lemma_ = lemma(token.text)
            lemma_matcher.add(match_key, [as_written, looked_up])
    compiled = Compiled(lemma_matcher, lower_matcher, token_matcher, phrase_of, pattern_of)
    _COMPILED[key] = compiled
    return compiled


def any_pattern(items: tuple[Item, ...]) -> re.Pattern[str] | None:
    """One regex that tells whether any of a regex rule's patterns occurs in a text (one scan
    instead of one per pattern, for the many blocks where none does), or None when there is
    nothing to gain or the patterns cannot be joined without changing their meaning."""
    if len(items) < 2:
        return None
    return _join_patterns(tuple((item.pattern.pattern, item.pattern.flags) for item in items))


@functools.lru_cache(maxsize=64)
def _join_patterns(patterns: tuple[tuple[str, int], ...]) -> re.Pattern[str] | None:
    flags = {f for _p, f in patterns}
    if len(flags) != 1:
        return None  # each pattern keeps its own flags only when run alone
    try:
        if any(re.compile(p, f).groups for p, f in patterns):
            return None  # group numbers (and back-references to them) would shift in a join
        # re.compile(str) adds re.UNICODE to the flags; passing it back is harmless.
        return re.compile("|".join(f"(?:{p})" for p, _f in patterns), flags.pop())
    except re.error:
        return None
