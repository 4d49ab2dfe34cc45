"""Every rule's pass/fail examples (rules/*.yaml), run through the real pipeline: the example is
turned into a Document (engine.document_from_example), tagged with letter parts and analysed with
lettercheck.analysis.analyse. A rule must fire on each fail example and stay silent on each pass
example, and every rule must have both kinds."""

from __future__ import annotations

import pytest

from lettercheck.engine import check_text, load_rules

RULES = list(load_rules())
CASES = [
    pytest.param(rule.name, kind, example, id=f"{rule.name}-{kind}{number}")
    for rule in RULES
    for kind, examples in (("pass", rule.passes), ("fail", rule.fails))
    for number, example in enumerate(examples)
]


def test_every_rule_has_pass_and_fail_examples() -> None:
    missing = [r.name for r in RULES if not r.passes or not r.fails]
    assert not missing, f"rules without pass or fail examples: {missing}"


@pytest.mark.parametrize(("name", "kind", "example"), CASES)
def test_example(name: str, kind: str, example: str) -> None:
    findings = [f for f in check_text(example) if f.rule == name]
    if kind == "pass":
        assert not findings, f"{name} fired on a pass example: {[f.text for f in findings]}"
    else:
        assert findings, f"{name} did not fire on a fail example"
        for finding in findings:
            assert finding.message and finding.code and finding.why


def test_every_rule_has_example_better_and_source() -> None:
    for rule in RULES:
        assert rule.example.strip() and rule.better.strip() and rule.why.strip(), rule.name
