"""Issue 16 §6: no rule and no step of the engine takes quadratic time on long input.

Work is counted (lines run in the engine, a regex's time at two sizes with a wide margin), never
held against a tight wall-clock bound."""

from __future__ import annotations

import sys
import time

import pytest

from lettercheck.engine import run as engine_run
from lettercheck.engine.ruleset import RuleError, load_rules, parse_rules


def _lines_in_engine(text: str) -> int:
    """Lines executed in engine/run.py (generator expressions included) while checking ``text``."""
    from lettercheck.testing.examples import check_text

    check_text("Kære Anna\n\nVi skriver om din sag.\n")  # load spaCy and the rules first
    count = 0
    target = engine_run.__file__

    def local(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        return local if frame.f_code.co_filename == target else None

    sys.settrace(tracer)
    try:
        check_text(text)
    finally:
        sys.settrace(None)
    return count


def test_overlap_checks_grow_linearly_with_the_findings():
    """800 KB in one paragraph took a minute: every finding was compared with every other."""
    sentence = "Vi foretager en vurdering af din sag jf. reglerne. "
    small = _lines_in_engine("Kære Anna\n\n" + sentence * 400)
    large = _lines_in_engine("Kære Anna\n\n" + sentence * 1600)
    # Linear: about 4 times the work; quadratic: about 16 times.
    assert large < 8 * small, (small, large)


def test_without_overlaps_compares_each_hit_with_few_others(monkeypatch):
    from lettercheck.checks import Hit

    calls = 0
    real = engine_run._overlap

    def counting(a, b):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(engine_run, "_overlap", counting)
    hits = [Hit(0, 10 * n, 10 * n + 5) for n in range(3000)] + [Hit(0, 3, 12)]
    kept = engine_run._without_overlaps(hits)
    assert len(kept) == 2999  # the wide hit 3-12 wins over 0-5 and 10-15
    assert calls <= 4 * len(hits), calls


def _activity_patterns():
    from lettercheck.checks.common import compile_any

    rule = load_rules().get("missing-goal")
    return compile_any(rule.options["activity-patterns"])


def _seconds(pattern, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        pattern.search(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_activity_patterns_are_linear_in_a_long_word():
    """A heading "Indkaldelse " + 40,000 × "x" took 158 s (an unanchored leading \\w*)."""
    pattern = _activity_patterns()
    small = _seconds(pattern, "Indkaldelse " + "x" * 4_000)
    large = _seconds(pattern, "Indkaldelse " + "x" * 16_000)
    # Linear: about 4 times the time; quadratic: about 16 times.
    assert large < 10 * small + 0.005, (small, large)


_RULE = """\
- code: LC999
  name: test-rule
  title: Test
  severity: info
  message: Test
  why: Test
  example: Test
  better: Test
  check: missing-goal
  options:
    activity-patterns:
      - '{pattern}'
"""


@pytest.mark.parametrize("pattern", [r"\w*(?:møde)\w*", r"\w+møde", r"(?i)[a-zæøå]*møde"])
def test_a_rule_file_with_an_unanchored_leading_repetition_is_refused(pattern):
    with pytest.raises(RuleError) as raised:
        parse_rules([("test.yaml", _RULE.format(pattern=pattern))])
    message = str(raised.value)
    assert message.startswith("test.yaml:1") or message.startswith("test.yaml:1"), message
    assert "\\b" in message


@pytest.mark.parametrize("pattern", [r"\b\w*(?:møde)\w*", r"^\w+møde", r"\bmøde\w*"])
def test_anchored_patterns_are_accepted(pattern):
    parse_rules([("test.yaml", _RULE.format(pattern=pattern))])
