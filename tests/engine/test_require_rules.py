"""The ``require`` rule kind's data (rules/letter_types.yaml and any rule file): a mistake is one
Danish line naming file and line, and ``each``'s ``when``/``unless`` limit one needed thing."""

from __future__ import annotations

import textwrap

import pytest

from lettercheck.engine.ruleset import RuleError, parse_rules
from lettercheck.testing.examples import check_text

HEAD = """\
- code: LC599
  name: test-require
  title: Prøve
  severity: warning
  types: [tilbud]
  message: Mangler {missing}.
  why: Fordi (kilde).
  example: Tilbud om praktik.
  better: Tilbud om praktik fra 2. marts, 15 timer om ugen.
  pass:
    - |
      # Tilbud om praktik
      Kære Ida
      Vi tilbyder dig en praktik fra 2. marts, 15 timer om ugen.
      Med venlig hilsen
      Mette Frost
  fail:
    - |
      # Tilbud om praktik
      Kære Ida
      Vi tilbyder dig en praktik.
      Med venlig hilsen
      Mette Frost
"""


def _parse(require: str):
    text = HEAD + "  require:\n" + textwrap.indent(textwrap.dedent(require), "    ")
    return parse_rules([("rules/test.yaml", text)])


def _error(require: str) -> str:
    with pytest.raises(RuleError) as caught:
        _parse(require)
    return str(caught.value)


def test_a_good_require_rule_loads() -> None:
    ruleset = _parse(
        """\
        where: letter
        each:
          - name: perioden
            patterns: ['\\bfra\\s+\\d']
          - name: timerne
            when: ['praktik']
            unless: ['\\bmentor']
            patterns: ['\\btimer\\b']
        """
    )
    rule = ruleset.get("test-require")
    assert rule is not None and rule.requirement is not None
    assert [n.name for n in rule.requirement.needed] == ["perioden", "timerne"]
    assert rule.requirement.needed[1].unless[0].pattern == "\\bmentor"


@pytest.mark.parametrize(
    ("require", "expected"),
    [
        ("wher: letter\npatterns: ['x']\n", "rules/test.yaml:25: ukendt nøgle 'wher' i require"),
        ("wher: letter\npatterns: ['x']\n", "(mente du 'where'?)"),
        ("patterns: ['x']\n", "rules/test.yaml:25: require mangler 'where'"),
        ("where: brevet\npatterns: ['x']\n", "rules/test.yaml:25: ukendt sted 'brevet'"),
        ("where: letter\nlines: 3\npatterns: ['x']\n", ":26: 'lines' gælder kun first-lines"),
        ("where: first-lines\nlines: 0\npatterns: ['x']\n", ":26: 'lines' skal være 1-100"),
        ("where: section\npatterns: ['x']\n", ":25: where: section kræver 'section'"),
        ("where: letter\nsection: ['x']\npatterns: ['x']\n", ":26: 'section' kræver where"),
        ("where: letter\n", ":25: require mangler 'patterns' eller 'each'"),
        ("where: letter\npatterns: ['(x']\n", "rules/test.yaml:26:"),
        (
            "where: letter\neach:\n  - name: a\n    patterns: ['x']\n    unles: ['y']\n",
            "rules/test.yaml:29: ukendt nøgle 'unles' i each (mente du 'unless'?)",
        ),
        ("where: letter\neach:\n  - patterns: ['x']\n", "rules/test.yaml:27: mangler 'name'"),
        (
            "where: letter\neach:\n  - name: a\n",
            "rules/test.yaml:27: mangler 'patterns' eller 'fields'",
        ),
        (
            "where: letter\npatterns: ['x']\neach:\n  - name: a\n    patterns: ['x']\n",
            "brug enten 'each' eller 'patterns'/'fields'",
        ),
        (
            "where: letter\npatterns:\n  - pattern: '\\bsenest\\b'\n    matches: inden fredag\n",
            "rules/test.yaml:27:",
        ),
    ],
)
def test_require_data_errors_name_file_and_line(require: str, expected: str) -> None:
    message = _error(require)
    assert expected in message, message
    assert "\n" not in message


def test_each_unless_drops_one_needed_thing() -> None:
    """Hours are needed for a praktik (LC511), not when what is offered is a mentor."""
    praktik = (
        "# Tilbud om virksomhedspraktik\nKære Ida\n"
        "Vi kan tilbyde dig en praktik hos Bygma fra 2. marts til 27. marts.\n"
        "Med venlig hilsen\nMette Frost\n"
    )
    mentor = (
        "# Du får en mentor i din praktik\nKære Ida\n"
        "Du får en mentor fra 2. marts til 27. marts, som støtter dig i praktikken.\n"
        "Med venlig hilsen\nMette Frost\n"
    )
    fired = [f for f in check_text(praktik) if f.rule == "offer-missing-period"]
    assert fired and "hvor mange timer" in fired[0].message
    assert not [f for f in check_text(mentor) if f.rule == "offer-missing-period"]
