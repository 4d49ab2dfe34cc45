"""Literals a regex needs: a quick ``in`` test on the case-folded text before a regex search.

Many rule and letter-type patterns are case-insensitive alternations behind a word boundary
("vil du" or "du skal" or …), for which Python's ``re`` has no literal prefix to skip ahead by,
so it tries every position of the text. Most texts contain none of the words such a pattern
needs, which a substring test on the text's ``casefold()`` proves in C at memory speed. The
literals are read off the parsed pattern (``required_literals``); ``search`` uses them only where
that proof holds, so it finds exactly what ``regex.search`` finds (tests/test_speed_invariants.py).
"""

from __future__ import annotations

import functools
import re
import string
from typing import Any

#: Characters whose case-insensitive matches (``re.IGNORECASE``) all case-fold to themselves, so a
#: literal made of them that a pattern matches in a text stands in the text's ``casefold()``.
#: Not "i": Python's re also matches "ı" and "İ" to it, which fold to something else
#: (tests/test_speed_invariants.py checks every code point).
FOLD_SAFE = frozenset(
    string.ascii_lowercase.replace("i", "") + string.digits + string.punctuation + " æøå§"
)


def required_literals(pattern: str) -> frozenset[str] | None:
    """Literal strings one of which every match of ``pattern`` (compiled with ``re.IGNORECASE``)
    holds, case-folded; None when no such set can be read off the pattern.

    Read from the parsed pattern: a run of literal characters in its top-level sequence, or in a
    group or a repeat of at least one, or one such run from each branch of an alternation. The
    run with the longest shortest member is chosen. Only literals of ``FOLD_SAFE`` characters
    count, so "the text's ``casefold()`` contains none of them" proves the pattern cannot match.
    """
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        tree = sre_parse.parse(pattern, re.IGNORECASE | re.UNICODE)
    except re.error:
        return None
    return _sequence_literals(list(tree))


def _sequence_literals(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    from re import _constants as sre  # type: ignore[attr-defined]

    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL and chr(av) in FOLD_SAFE:
            run.append(chr(av))
            continue
        close()
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & ~(re.IGNORECASE | re.UNICODE):
                found = _sequence_literals(list(sub))
        elif op is sre.BRANCH:
            alternatives = [_sequence_literals(list(branch)) for branch in av[1]]
            if all(alternatives):
                found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _sequence_literals(list(av[2]))
        elif op is sre.ATOMIC_GROUP:
            found = _sequence_literals(list(av))
        if found:
            candidates.append(found)
    close()
    if not candidates:
        return None
    return max(candidates, key=lambda c: min(map(len, c)))


@functools.lru_cache(maxsize=1024)
def needs_digit(pattern: str) -> bool:
    """Whether every match of ``pattern`` holds a character ``\\d`` matches (a phone number's
    patterns): then a text without a digit cannot match, which one search for ``\\d`` tells."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        tree = sre_parse.parse(pattern, re.IGNORECASE | re.UNICODE)
    except re.error:
        return False
    return _sequence_needs_digit(list(tree))


def _sequence_needs_digit(items: list[tuple[Any, Any]]) -> bool:
    from re import _constants as sre  # type: ignore[attr-defined]

    for op, av in items:
        if op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
            return True
        if op is sre.SUBPATTERN and _sequence_needs_digit(list(av[3])):
            return True
        if op is sre.BRANCH and all(_sequence_needs_digit(list(b)) for b in av[1]):
            return True
        if (
            op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
            and av[0] >= 1
            and _sequence_needs_digit(list(av[2]))
        ):
            return True
        if op is sre.ATOMIC_GROUP and _sequence_needs_digit(list(av)):
            return True
    return False


#: One character ``\\d`` matches (the same Unicode digits as the patterns' ``\\d``).
DIGIT = re.compile(r"\d")


#: id(regex) -> (regex, its literals): the regex is kept so its id is never reused. Looked up
#: by id because hashing a compiled pattern hashes its whole code, which for these long
#: alternations cost more than the substring tests it saves.
_LITERALS: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def literals_of(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """The literals one of which every match of ``regex`` holds, case-folded; None when they
    cannot be known (a bytes pattern, or none to read off). A case-sensitive pattern's match
    holds its literal as written, and ``FOLD_SAFE`` characters fold to themselves, so the
    same test on the folded text holds for it too."""
    entry = _LITERALS.get(id(regex))
    if entry is not None and entry[0] is regex:
        return entry[1]
    literals = None
    if isinstance(regex.pattern, str):
        found = required_literals(regex.pattern)
        literals = tuple(sorted(found)) if found else None
    if len(_LITERALS) < 20_000:
        _LITERALS[id(regex)] = (regex, literals)
    return literals


def could_match(regex: re.Pattern[str], folded: str) -> bool:
    """False when ``regex`` cannot match the text whose ``casefold()`` is ``folded`` (none of
    the literals it needs is there); True when it may."""
    entry = _LITERALS.get(id(regex))  # literals_of's lookup, inline: this runs ~200 times a letter
    literals = entry[1] if entry is not None and entry[0] is regex else literals_of(regex)
    if literals is None:
        return True
    for literal in literals:  # noqa: SIM110 - a loop: any() with a generator is slower here
        if literal in folded:
            return True
    return False


def search(regex: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
    """``regex.search(text)``, first ruling out a text without any literal the regex needs;
    ``folded`` is ``text.casefold()``."""
    if not could_match(regex, folded):
        return None
    return regex.search(text)
