"""LIX against a public Danish calculator on 80 speeches (issue 2, part 5: accuracy).

``<repo>/../shared/lix-reference/`` holds the speeches and ``expected.csv`` with the integer LIX
that nielsgamborg.dk's calculator gave each. That calculator knows no abbreviations: it ends a
sentence at every run of . ! ? : ; — also in "bl.a.", "d. 24. September", "ca. 60.000",
"mia. kr." — and its words are runs of letters and digits joined by hyphens.

Two things are checked separately, because they are different claims:

1. lettercheck's LIX with the calculator's sentence rule (``lix-sentences = "simple"``: every
   . ! ? : ; ends a sentence) reproduces the calculator: ≥78 of 80 within ±1 and ≥70 exact, the
   issue's bar. This proves the words, long words, paragraph ends and the formula.
2. lettercheck's default Danish LIX, which does not end sentences at abbreviations, ordinals and
   numbers, differs from the calculator only where the calculator counts a false sentence end,
   so it is never easier than the reference and at most ~5 points harder. These speeches are
   full of "bl.a.", "mia. kr.", "ca. 40.000" and "24. September" (about 22 false ends a speech),
   so the Danish value rounds to the reference for only about a quarter of them: README.md
   ("LIX, exactly defined") explains why lettercheck keeps the Danish rule as its default.
"""

from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

import pytest

from lettercheck.language.lix import lix_for_text
from lettercheck.model.findings import Readability

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "lix-reference"

pytestmark = pytest.mark.skipif(
    not (REFERENCE / "expected.csv").is_file(),
    reason=f"LIX reference texts not found: {REFERENCE} (expected ../shared beside the repo)",
)


def _round(value: float) -> int:
    return math.floor(value + 0.5)


@functools.cache
def _reference() -> list[tuple[str, int, str]]:
    with open(REFERENCE / "expected.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        (row["file"], int(row["lix"]), (REFERENCE / row["file"]).read_text(encoding="utf-8"))
        for row in rows
    ]


@functools.cache
def _ours(sentence_rule: str = "danish") -> dict[str, Readability]:
    """lettercheck's LIX of every speech, computed once per sentence rule."""
    return {name: lix_for_text(text, sentence_rule) for name, _, text in _reference()}


def _table(rows: list[tuple[str, int, float, str]]) -> str:
    lines = [f"{'file':<45} {'ref':>4} {'ours':>6}  counts"]
    lines += [f"{name:<45} {ref:>4} {ours:>6.1f}  {extra}" for name, ref, ours, extra in rows]
    return "\n".join(lines)


def _assert_accuracy(results: list[tuple[str, int, float, str]], what: str) -> None:
    exact = sum(_round(ours) == ref for _, ref, ours, _ in results)
    within = sum(abs(_round(ours) - ref) <= 1 for _, ref, ours, _ in results)
    misses = [r for r in results if _round(r[2]) != r[1]]
    assert within >= 78 and exact >= 70, (
        f"{what}: {exact}/{len(results)} exact, {within}/{len(results)} within ±1 "
        f"(need ≥70 and ≥78). Misses:\n{_table(misses)}"
    )


def test_reference_set_is_complete() -> None:
    rows = _reference()
    assert len(rows) == 80
    assert all(text.strip() for _, _, text in rows)


def test_lix_with_the_calculators_sentence_rule_matches_the_reference() -> None:
    results = []
    for name, ref, _text in _reference():
        r = _ours("simple")[name]
        counts = f"{r.words} w / {r.sentences} s / {r.long_words} l"
        results.append((Path(name).name, ref, r.lix, counts))
    _assert_accuracy(results, 'lix_for_text(text, "simple")')


def test_lix_for_text_differs_only_in_the_expected_direction() -> None:
    """What the Danish rules change is bounded: removing false sentence ends (at "bl.a.",
    "24. September", "mia. kr.") can only make a text score harder than the calculator, and on
    these speeches by at most ~5 points. A segmenter that missed real sentence ends would go
    far above; one that broke at abbreviations again would fall back to the calculator."""
    out_of_range = []
    for name, ref, _text in _reference():
        r = _ours()[name]
        if not ref - 0.5 <= r.lix <= ref + 5.5:
            counts = f"{r.words} w / {r.sentences} s / {r.long_words} l"
            out_of_range.append((Path(name).name, ref, r.lix, counts))
    assert not out_of_range, "LIX outside [ref-0.5, ref+5.5]:\n" + _table(out_of_range)
