"""The rule engine: strict validation of rule files (with file and line), matching of phrase,
pattern and regex rules, scope, finding fields and order, configuration flowing into rules, and
speed. Rule files under test are given as text to engine.parse_rules, so the shipped rules are
not touched."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from lettercheck.engine import ruleset as engine
from lettercheck.engine.config import Config, parse_config
from lettercheck.engine.ruleset import RuleError, parse_rules
from lettercheck.engine.run import check
from lettercheck.language.analysis import analyse
from lettercheck.language.parts import tag_parts
from lettercheck.model.document import BlockKind, LetterError, LetterPart
from lettercheck.model.findings import Severity
from lettercheck.testing.examples import check_text, document_from_example

GOOD = """\
- code: LC399
  name: test-rule
  severity: info
  message: "«{text}» er testet."
  why: "Fordi (kilde)."
  example: "dårligt"
  better: "godt"
  regex: "fremsend\\\\w*"
  pass: ["ok"]
  fail: ["fremsendt"]
  title: Testregel
"""


def _error(text: str, name: str = "rules/test.yaml") -> str:
    with pytest.raises(RuleError) as raised:
        parse_rules([(name, text)])
    assert isinstance(raised.value, LetterError)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_good_rule_parses() -> None:
    rules = parse_rules([("rules/test.yaml", GOOD)])
    rule = rules.get("test-rule")
    assert rule is not None and rule is rules.get("LC399") and rule is rules.get("lc399")
    assert rule.kind == "regex" and rule.source == "rules/test.yaml:1"
    assert rules.matching("LC3") == [rule] and rules.matching("LC4") == []


def test_unknown_key_names_file_line_and_close_key() -> None:
    message = _error(GOOD.replace("  severity: info", "  severty: info"))
    assert message.startswith("rules/test.yaml:3: ukendt nøgle 'severty'")
    assert "severity" in message


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("  severity: info", "  severity: fatal"), 3, "ukendt alvor"),
        (("  severity: info", "  severity: [info]"), 3, "skal være en tekst"),
        (('  regex: "fremsend\\\\w*"', '  regex: "fremsend(["'), 8, "ugyldigt regulært udtryk"),
        (('  regex: "fremsend\\\\w*"', "  check: no-such-check"), 8, "ingen check-funktion"),
        (("  name: test-rule", "  name: Test_Rule"), 2, "kebab-case"),
        (("code: LC399", "code: LC39x"), 1, "LC123"),
        (('  message: "«{text}» er testet."', '  message: "{nope}"'), 4, "ukendt felt"),
        (('  pass: ["ok"]', "  pass: ok"), 9, "liste af tekster"),
        (('  better: "godt"', ""), 1, "mangler nøglen 'better'"),
        (("  title: Testregel", ""), 1, "mangler nøglen 'title'"),
        (("  title: Testregel", "  title: " + "x" * 41), 11, "højst 40 tegn"),
    ],
)
def test_bad_rule_is_an_error_at_its_line(change: tuple[str, str], line: int, words: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    message = _error(text)
    assert message.startswith(f"rules/test.yaml:{line}:"), message
    assert words in message


def test_gives_way_to_must_name_other_rules() -> None:
    text = GOOD.replace('  pass: ["ok"]', '  gives-way-to: [no-such-rule]\n  pass: ["ok"]')
    assert _error(text) == (
        "rules/test.yaml:9: gives-way-to nævner 'no-such-rule', som ikke er en anden regel"
    )
    text = GOOD.replace('  pass: ["ok"]', '  gives-way-to: [test-rule]\n  pass: ["ok"]')
    assert "som ikke er en anden regel" in _error(text)
    text = GOOD.replace('  pass: ["ok"]', '  gives-way-to: officialese\n  pass: ["ok"]')
    assert _error(text).startswith("rules/test.yaml:9: 'gives-way-to' skal være en liste")


def test_a_finding_gives_way_to_a_wider_one_on_the_same_words() -> None:
    """Passive inside officialese, "jf." inside an early legal reference: one piece of advice."""
    findings = check_text("Der gøres opmærksom på fristen.")
    assert [f.rule for f in findings if f.located] == ["officialese"]
    findings = check_text("Du får hjælp efter § 11 i lov om aktiv socialpolitik, jf. LBK nr. 981.")
    assert [f.rule for f in findings if f.located] == ["legal-reference-early"]
    # elsewhere in the letter the yielding rule still fires
    findings = check_text("Der gøres opmærksom på fristen. Pengene udbetales, evt. senere.")
    assert sorted(f.rule for f in findings if f.located) == [
        "abbreviation",
        "officialese",
        "passive-voice",
    ]


def test_two_kinds_or_none_is_an_error() -> None:
    assert "præcis én" in _error(GOOD.replace("  pass:", "  check: formal-address\n  pass:"))
    assert "præcis én" in _error(GOOD.replace('  regex: "fremsend\\\\w*"\n', ""))


def test_bad_token_pattern_is_an_error() -> None:
    text = GOOD.replace(
        '  regex: "fremsend\\\\w*"', '  patterns:\n    - [{"LEMMA": {"INN": ["a"]}}]'
    )
    message = _error(text)
    assert message.startswith("rules/test.yaml:9:") and "token-mønster" in message


def test_duplicate_code_and_name_across_files() -> None:
    other = GOOD.replace("name: test-rule", "name: other-rule")
    message = _error_two(GOOD, other)
    assert message.startswith("rules/b.yaml:1: koden LC399 bruges også i rules/a.yaml:1")
    message = _error_two(GOOD, GOOD.replace("LC399", "LC398"))
    assert "navnet test-rule bruges også" in message


def _error_two(first: str, second: str) -> str:
    with pytest.raises(RuleError) as raised:
        parse_rules([("rules/a.yaml", first), ("rules/b.yaml", second)])
    return str(raised.value)


def test_invalid_yaml_names_the_line() -> None:
    message = _error("- code: LC1\n  name: [unclosed\n")
    assert message.startswith("rules/test.yaml:") and "ugyldig YAML" in message


def test_scope_values_are_validated() -> None:
    text = GOOD.replace("  pass:", "  scope:\n    parts: [bodyy]\n  pass:")
    assert "ukendt værdi i 'parts'" in _error(text)


def test_shipped_rules_load_without_spacy_and_have_unique_codes() -> None:
    rules = engine.load_rules()
    names = [r.name for r in rules]
    assert len(set(names)) == len(names)
    for name in (
        "formal-address",
        "lix-too-high",
        "long-sentence",
        "officialese",
        "passive-voice",
        "abbreviation",
        "nominalization",
        "long-word",
    ):
        assert rules.get(name) is not None, name


# ---------------------------------------------------------------- matching


def _rule(findings: list, name: str) -> list:
    return [f for f in findings if f.rule == name]


@pytest.mark.parametrize(
    "word", ["fremsende", "fremsender", "fremsendes", "fremsendte", "fremsendt"]
)
def test_phrases_match_inflected_forms(word: str) -> None:
    findings = _rule(check_text(f"Vi {word} brevet."), "officialese")
    assert [f.text for f in findings] == [word]


def test_phrase_suggestion_takes_the_inflection_and_capital() -> None:
    (finding,) = _rule(check_text("Brevet fremsendte vi i går."), "officialese")
    assert finding.suggestion == "sendte"
    (finding,) = _rule(check_text("Såfremt du er syg, så ring."), "officialese")
    assert finding.suggestion == "Hvis"
    assert finding.message == "»Såfremt« er kancellisprog; skriv hellere »Hvis«."


def test_finding_fields() -> None:
    text = "Kære Anna\nVi har modtaget Deres ansøgning."
    findings = _rule(check_text(text), "formal-address")
    (finding,) = findings
    assert finding.code == "LC301" and finding.severity is Severity.WARNING
    assert (finding.block, finding.text, finding.suggestion) == (1, "Deres", None)
    assert finding.start == len("Vi har modtaget ") and finding.end == finding.start + 5
    assert finding.part == "body" and finding.why
    assert finding.message.startswith("»Deres« er gammeldags De-form")


def test_findings_sorted_whole_letter_first_then_block_and_offset() -> None:
    findings = check_text("Du bedes ringe. Såfremt De vil.\nVi fremsender brevet.")
    keys = [(-1 if f.block is None else f.block, f.start or 0) for f in findings]
    assert keys == sorted(keys)
    assert any(f.block is None for f in findings)


def test_data_rules_skip_headers_and_footers_but_read_text_boxes() -> None:
    text = (
        "Vi sender brevet.\n[header] Skrivelsen fremsendes\n[footer] Skrivelsen fremsendes\n"
        "[textbox] Skrivelsen fremsendes"
    )
    assert [f.block for f in _rule(check_text(text), "officialese")] == [3, 3]


def test_scope_exclude_parts() -> None:
    letter = (
        "# Afgørelse\nKære Anna\nVi har stoppet din ydelse.\n"
        "# Klagevejledning\nDu kan klage, jf. reglerne."
    )
    document = document_from_example(letter)
    tag_parts(document)
    assert document.blocks[-1].part is LetterPart.LEGAL
    assert _rule(check(analyse(document)), "abbreviation") == []
    assert _rule(check_text("Du kan klage, jf. reglerne."), "abbreviation")


def test_patterns_kind_through_a_custom_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    text = GOOD.replace(
        '  regex: "fremsend\\\\w*"',
        '  patterns:\n    - pattern: [{"LOWER": "du"}, {"LOWER": "bedes"}]\n'
        '      suggestion: "send"',
    )
    rules = parse_rules([("rules/test.yaml", text)])
    monkeypatch.setattr("lettercheck.engine.run.load_rules", lambda: rules)
    findings = check_text("Du bedes sende papirerne.")
    assert [(f.rule, f.text, f.suggestion) for f in findings] == [("test-rule", "Du bedes", "Send")]


def test_example_markup() -> None:
    document = document_from_example(
        "# Overskrift\n- punkt\n| a | b |\n[header] hoved\n[control Sagsbehandler mail] x@y.dk\n"
        "Ring til «SagsbehandlerNavn» om [[praktikken|en kommentar]]."
    )
    kinds = [b.kind for b in document.blocks]
    assert kinds == [
        BlockKind.HEADING,
        BlockKind.LIST_ITEM,
        BlockKind.TABLE_CELL,
        BlockKind.TABLE_CELL,
        BlockKind.HEADER,
        BlockKind.CONTENT_CONTROL,
        BlockKind.PARAGRAPH,
    ]
    assert document.blocks[5].controls[0].alias == "Sagsbehandler mail"
    last = document.blocks[6]
    assert last.text == "Ring til «SagsbehandlerNavn» om praktikken."
    assert last.placeholders[0].name == "SagsbehandlerNavn"
    (comment,) = document.comments
    assert last.text[comment.start : comment.end] == "praktikken" and comment.text == "en kommentar"


# ---------------------------------------------------------------- configuration into rules


def test_config_select_ignore_and_severity() -> None:
    text = "Vi fremsender brevet til Dem."
    names = {f.rule for f in check_text(text, Config(select=("LC3",)))}
    assert names == {"officialese", "formal-address"}
    names = {f.rule for f in check_text(text, Config(select=("LC3",), ignore=("officialese",)))}
    assert names == {"formal-address"}
    config = Config(select=("LC302",), severity=(("officialese", Severity.ERROR),))
    assert {f.severity for f in check_text(text, config)} == {Severity.ERROR}


def test_config_thresholds_reach_the_rules() -> None:
    sentence = "Du skal komme til et møde hos os på jobcentret i næste uge om din plan og dit job."
    assert not _rule(check_text(sentence), "long-sentence")
    findings = _rule(
        check_text(sentence, parse_config({"max-sentence-words": 10})), "long-sentence"
    )
    assert (
        findings
        and "over 10 ord" not in findings[0].message
        and "højst 10 ord" in findings[0].message
    )
    assert _rule(check_text(sentence, parse_config({"lix-limit": 5})), "lix-too-high")
    assert not _rule(check_text(sentence), "lix-too-high")
    assert _rule(
        check_text("Vi taler om praktikforløbet.", parse_config({"long-word-letters": 10})),
        "long-word",
    )


def test_extra_officialese_from_config() -> None:
    config = parse_config({"extra-officialese": {"foretage": "gøre"}})
    (finding,) = _rule(check_text("Vi foretager et opkald.", config), "officialese")
    # the present tense gets the alternative's present tense, irregular or not ("gør")
    assert (finding.text, finding.suggestion) == ("foretager", "gør")
    (finding,) = _rule(check_text("Vi foretog et opkald.", config), "officialese")
    # a past tense the lemma table cannot give: advice, never "Vi gøre"
    assert (finding.text, finding.suggestion) == ("foretog", None)
    assert "»gøre«" in finding.message
    (finding,) = _rule(check_text("Vi vil foretage et opkald.", config), "officialese")
    assert (finding.text, finding.suggestion) == ("foretage", "gøre")


def test_per_path_ignores(tmp_path: Path) -> None:
    config = Config(per_path_ignores=(("gamle/*", ("LC3",)),), root=tmp_path)
    text = "Vi fremsender brevet."
    old = str(tmp_path / "gamle" / "brev.docx")
    assert not _rule(check_text(text, config, path=old), "officialese")
    assert _rule(check_text(text, config, path=str(tmp_path / "nye" / "brev.docx")), "officialese")


# ---------------------------------------------------------------- speed


def test_check_is_fast_after_warm_up() -> None:
    letter = "\n".join(
        [
            "# Indkaldelse til samtale",
            "Kære Anna Hansen",
            "Du får dette brev, fordi vi vil tale med dig om din sygemelding og dit arbejde.",
            "Samtalen afholdes den 12. marts kl. 10.00 på jobcentret, Gothersgade 20.",
            "Vi vil foretage en vurdering af din arbejdsevne, og der sendes et brev til lægen.",
            "Målet er, at du kan komme tilbage til dit job, så du kan forsørge dig selv.",
        ]
        * 4
        + ["Med venlig hilsen", "Mette Jensen", "Telefon 72 10 60 12", "mette@fredericia.dk"]
    )
    document = document_from_example(letter)
    tag_parts(document)
    analysis = analyse(document)
    check(analysis)
    started = time.perf_counter()
    for _ in range(10):
        check(analysis)
    assert (time.perf_counter() - started) / 10 < 0.02


# ---------------------------------------------------------------- rules and explain commands


def test_explain_every_rule_via_cli() -> None:
    from click.testing import CliRunner

    from lettercheck.app.cli import main

    runner = CliRunner()
    for rule in engine.load_rules():
        for key in (rule.name, rule.code):
            result = runner.invoke(main, ["explain", key])
            assert result.exit_code == 0, result.output
            assert rule.code in result.output and "Hvorfor:" in result.output
            example = rule.example.splitlines()[0][:20]
            if example.startswith("[["):  # a comment on words, written out for the reader
                example = example[2:].split("|")[0]
                assert "(med Word-kommentaren »lettercheck:" in result.output
            assert example in result.output
            assert "[[" not in result.output
    result = runner.invoke(main, ["explain", "no-such-rule"])
    assert result.exit_code == 2 and "lettercheck rules" in result.output
    result = runner.invoke(main, ["explain", "officialeese"])
    assert result.exit_code == 2 and "Mente du 'officialese'?" in result.output


def test_rules_command_lists_every_rule_without_importing_spacy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from lettercheck.app.cli import main\n"
        "result = CliRunner().invoke(main, ['rules'])\n"
        "print(result.output)\n"
        "assert result.exit_code == 0\n"
        "assert 'spacy' not in sys.modules, 'spaCy imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for rule in engine.load_rules():
        assert rule.code in done.stdout and rule.name in done.stdout


# ---------------------------------------------------------------- offsets, whatever the text

_WORDS = [
    "Vi",
    "De",
    "Dem",
    "du",
    "fremsendes",
    "såfremt",
    "jf.",
    "evt.",
    "udbetales",
    "der",
    "sendes",
    "bliver",
    "bevilget",
    "foretage",
    "en",
    "justering",
    "af",
    "sygedagpengeopfølgningssamtalen",
    "kl.",
    "10.00",
    "§",
    "42,",
    "stk.",
    "2",
    ".",
    ",",
    "«",
    "»",
    "?",
    "mail@x.dk",
]


def test_findings_point_at_their_own_words() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    lines = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40).map(" ".join)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(lines, min_size=1, max_size=4))
    def run(paragraphs: list[str]) -> None:
        text = "\n".join(paragraphs) if len(paragraphs) > 1 else paragraphs[0] + "\n"
        document = document_from_example(text)
        tag_parts(document)
        for finding in check(analyse(document)):
            if finding.block is None:
                assert finding.start is None and finding.text is None
                continue
            block = document.blocks[finding.block]
            assert 0 <= finding.start < finding.end <= len(block.text)
            assert finding.text == block.text[finding.start : finding.end]

    run()


def test_overlapping_hits_of_one_rule_become_one_finding() -> None:
    from lettercheck.checks import Hit
    from lettercheck.engine.run import _without_overlaps

    wide, narrow, elsewhere = Hit(3, 0, 13), Hit(3, 4, 13), Hit(3, 40, 49)
    whole_letter = Hit()
    kept = _without_overlaps([narrow, elsewhere, wide, whole_letter])
    assert set(kept) == {wide, elsewhere, whole_letter}


def test_two_rules_on_the_same_words_keep_the_more_severe() -> None:
    from lettercheck.engine.run import _most_severe_per_words
    from lettercheck.model.findings import Finding, Severity

    passive = Finding("passive-voice", "LC303", Severity.INFO, "p", "body", 2, 4, 12, "afholdes")
    officialese = Finding(
        "officialese", "LC302", Severity.WARNING, "o", "body", 2, 4, 12, "afholdes"
    )
    elsewhere = Finding("passive-voice", "LC303", Severity.INFO, "p", "body", 2, 20, 27, "sendes")
    letter = Finding("missing-goal", "LC103", Severity.WARNING, "g")
    kept = _most_severe_per_words([passive, officialese, elsewhere, letter])
    assert kept == [officialese, elsewhere, letter]


@pytest.mark.parametrize(
    ("sentence", "active"),
    [
        ("Du vil blive indkaldt til en samtale.", "vi indkalder"),
        ("Du er blevet bevilget hjælp.", "vi har bevilget"),
    ],
)
def test_blive_passive_suggests_the_active_verb(sentence: str, active: str) -> None:
    (finding,) = _rule(check_text(sentence), "passive-voice")
    assert f"»{active}«" in finding.message


def test_paragraph_numbers_count_down_the_body_not_the_header() -> None:
    """ "afsnit N" is what a reader counts from the top of the body: the header's paragraphs do
    not push it on, and a finding in the header is numbered within the header."""
    from lettercheck.reporters.text import render_file

    letter = "\n".join(
        [
            "[header] Jobcenter Nordby · Skrivelse om ydelser",
            "[header] Tlf. 72 10 60 12",
            "# Om din ydelse",
            "Kære Anna",
            "Vi fremsender brevet.",
        ]
    )
    findings = _rule(check_text(letter), "officialese")
    assert [(f.block, f.paragraph, f.text) for f in findings] == [(4, 3, "fremsender")]
    from lettercheck.model.findings import FileResult, Readability

    text = render_file(FileResult(Path("brev.docx"), Readability(20.0, "let", 10, 2, 1), findings))
    assert "afsnit 3 (brødtekst)" in text


# A rule's identity in its entry (issue 14 §2): replaces, serves, config keys, validated strictly.


@pytest.fixture(autouse=True)
def _checks_registered() -> None:
    """``check: long-sentence`` below needs the check functions registered."""
    engine.import_checks()


THRESHOLD = """\
- code: LC398
  name: test-threshold
  title: Tærskel
  severity: info
  message: "Over {max-words}."
  why: "fordi"
  example: "skidt"
  better: "godt"
  check: long-sentence
  options:
    max-words:
      default: 25
      config-key: test-words
      min: 3
      max: 500
"""


def test_the_entry_says_replaces_serves_and_its_configuration_key() -> None:
    text = (
        GOOD
        + "  replaces: true\n"
        + "  serves: {label: Brevet er godt, source: Fredericia, note: alle tæller}\n"
    )
    rule = parse_rules([("rules/test.yaml", text + THRESHOLD)]).get("test-rule")
    assert rule is not None and rule.replaces
    assert rule.serves is not None
    assert (rule.serves.label, rule.serves.source, rule.serves.note) == (
        "Brevet er godt",
        "Fredericia",
        "alle tæller",
    )
    threshold = parse_rules([("rules/test.yaml", THRESHOLD)]).get("test-threshold")
    assert threshold is not None and threshold.options["max-words"] == 25  # the default
    (setting,) = threshold.settings
    assert (setting.option, setting.config_key, setting.number) == (
        "max-words",
        "test-words",
        False,
    )
    assert (setting.low, setting.high) == (3, 500)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            GOOD + "  serves: {label: x, sorce: y}\n",
            "ukendt nøgle 'sorce' i serves (mente du 'source'?)",
        ),
        (GOOD + "  serves: {label: x}\n", "'serves' mangler 'source'"),
        (GOOD + "  replaces: ja\n", "'replaces' skal være sand/falsk"),
        (GOOD + "  config-key: extra-test\n", "'config-key' på reglen gælder kun phrases"),
        (THRESHOLD.replace("config-key:", "config-kye:"), "(mente du 'config-key'?)"),
        (THRESHOLD.replace("      config-key: test-words\n", ""), "mangler 'config-key'"),
        (THRESHOLD.replace("default: 25", "default: 2"), "uden for min-max"),
        (
            THRESHOLD.replace("default: 25", "default: 2.5").replace("min: 3", "type: integer"),
            "skal være et heltal",
        ),
        (THRESHOLD.replace("min: 3", "type: decimal"), "integer eller number"),
    ],
)
def test_bad_identity_keys_are_errors_naming_file_and_line(text: str, words: str) -> None:
    message = _error(text)
    assert re.match(r"rules/test\.yaml:\d+: ", message), message
    assert words in message, message


def test_replaces_is_only_for_rules_whose_suggestion_is_the_words() -> None:
    message = _error(THRESHOLD + "  replaces: true\n")
    assert "'replaces' gælder kun phrases, patterns, regex" in message


def test_a_config_key_is_named_by_one_rule_only() -> None:
    second = THRESHOLD.replace("LC398", "LC397").replace("test-threshold", "test-other")
    assert "config-key 'test-words' bruges også i rules/test.yaml:1" in _error(THRESHOLD + second)
