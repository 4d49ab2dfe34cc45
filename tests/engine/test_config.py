"""Configuration: finding the nearest file, precedence, every key, strict validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from lettercheck.engine import config as config_module
from lettercheck.engine.config import Config, ConfigError, load_config, parse_config
from lettercheck.engine.ruleset import load_rules
from lettercheck.model.document import LetterError
from lettercheck.model.findings import Severity


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    config_module._CONFIG_CACHE.clear()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _set(config: Config, key: str) -> object:
    """What the configuration sets a rule's ``config-key`` to (None: the rule's default)."""
    return dict(config.overrides).get(key)


def test_defaults_without_any_file(tmp_path: Path) -> None:
    letter = _write(tmp_path / "a" / "brev.docx", "")
    config = load_config(letter)
    assert config == Config()
    assert config.fail_on is Severity.ERROR
    # the thresholds are the rules' own (rules/*.yaml), which no configuration overrides here
    rules = load_rules()
    assert config.options_for(rules.get("lix-too-high")) == {}
    assert rules.get("lix-too-high").options["limit"] == 40
    assert rules.get("long-sentence").options["max-words"] == 25


def test_a_configured_threshold_overrides_the_rules_default_and_only_then() -> None:
    """The YAML option is the default (it was dead while a Config default always won)."""
    rules = load_rules()
    lix = rules.get("lix-too-high")
    assert {**lix.options, **parse_config({}).options_for(lix)}["limit"] == 40
    assert {**lix.options, **parse_config({"lix-limit": 35}).options_for(lix)}["limit"] == 35


def test_pyproject_table_found_searching_up(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.lettercheck]\nlix-limit = 35\n'
    )
    letter = _write(tmp_path / "breve" / "gamle" / "brev.docx", "")
    config = load_config(letter)
    assert _set(config, "lix-limit") == 35 and config.source == tmp_path / "pyproject.toml"
    assert config.root == tmp_path


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path / ".lettercheck.toml", "max-sentence-words = 20\n")
    _write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert _set(load_config(tmp_path / "sub" / "brev.docx"), "max-sentence-words") == 20


def test_nearest_wins_and_dotfile_beats_pyproject(tmp_path: Path) -> None:
    _write(tmp_path / ".lettercheck.toml", "lix-limit = 30\n")
    _write(tmp_path / "sub" / "pyproject.toml", "[tool.lettercheck]\nlix-limit = 45\n")
    assert _set(load_config(tmp_path / "sub" / "x.docx"), "lix-limit") == 45
    assert _set(load_config(tmp_path / "y.docx"), "lix-limit") == 30
    _write(tmp_path / "sub" / ".lettercheck.toml", "lix-limit = 50\n")
    config_module._CONFIG_CACHE.clear()
    assert _set(load_config(tmp_path / "sub" / "x.docx"), "lix-limit") == 50


def test_cached_per_folder(tmp_path: Path) -> None:
    _write(tmp_path / ".lettercheck.toml", "lix-limit = 30\n")
    first = load_config(tmp_path / "a.docx")
    assert load_config(tmp_path / "b.docx") is first


def test_every_key(tmp_path: Path) -> None:
    _write(
        tmp_path / "ekstra.tsv",
        "phrase\tplain_alternative\nforetage\tgøre\n# kommentar\nbehørig\trigtig\n",
    )
    config = parse_config(
        {
            "select": ["LC3", "lix-too-high"],
            "ignore": ["passive-voice"],
            "severity": {"long-word": "warning", "LC3": "error"},
            "lix-limit": 42.5,
            "max-sentence-words": 20,
            "long-word-letters": 18,
            "extra-officialese": "ekstra.tsv",
            "per-path-ignores": {"skabeloner/gamle/*": ["LC3"]},
            "fail-on": "warning",
        },
        tmp_path / ".lettercheck.toml",
    )
    rules = load_rules()
    assert config.extra_phrases(rules) == (
        ("officialese", (("foretage", "gøre"), ("behørig", "rigtig"))),
    )
    assert config.enabled(rules.get("officialese"), rules, tmp_path / "x.docx")
    assert not config.enabled(rules.get("passive-voice"), rules, tmp_path / "x.docx")
    assert not config.enabled(rules.get("missing-goal"), rules, tmp_path / "x.docx")
    assert config.enabled(rules.get("lix-too-high"), rules, tmp_path / "x.docx")
    old = tmp_path / "skabeloner" / "gamle" / "a" / "brev.docx"
    assert not config.enabled(rules.get("officialese"), rules, old)
    assert config.enabled(rules.get("lix-too-high"), rules, old)
    assert config.severity_for(rules.get("long-word")) is Severity.WARNING  # name beats prefix
    assert config.severity_for(rules.get("officialese")) is Severity.ERROR
    assert config.severity_for(rules.get("lix-too-high")) is rules.get("lix-too-high").severity
    assert config.options_for(rules.get("lix-too-high")) == {"limit": 42.5}
    assert config.options_for(rules.get("long-sentence")) == {"max-words": 20}
    assert config.options_for(rules.get("long-word")) == {"max-letters": 18}
    assert config.fail_on is Severity.WARNING


def test_extra_officialese_inline() -> None:
    config = parse_config({"extra-officialese": {"foretage": "gøre"}})
    assert config.extra_phrases(load_rules()) == (("officialese", (("foretage", "gøre"),)),)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"lix-limt": 40}, "lix-limt: ukendt nøgle (mente du 'lix-limit'?)"),
        ({"lix-limit": "40"}, "lix-limit: skal være et tal"),
        ({"lix-limit": 400}, "lix-limit: skal ligge mellem"),
        ({"max-sentence-words": 2.5}, "max-sentence-words: skal være et heltal"),
        ({"max-sentence-words": True}, "max-sentence-words: skal være et heltal"),
        ({"select": "LC3"}, "select: skal være en liste"),
        ({"ignore": ["no-such-rule"]}, "ignore: ingen regel hedder eller har koden 'no-such-rule'"),
        ({"severity": {"officialese": "fatal"}}, "severity.officialese: 'fatal' er ikke error"),
        ({"severity": {"nope": "info"}}, "severity: ingen regel"),
        ({"fail-on": "never"}, "fail-on: 'never' er ikke"),
        ({"per-path-ignores": {"a/*": "LC3"}}, "per-path-ignores.a/*: skal være en liste"),
        ({"extra-officialese": 3}, "extra-officialese: skal være en tabel"),
        ({"extra-officialese": "findes-ikke.tsv"}, "extra-officialese: filen"),
        ({"exclude": "*.md"}, "exclude: skal være en liste af stier eller mønstre"),
    ],
)
def test_bad_values_are_one_line_naming_file_and_key(table: dict, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(table, Path("/x/.lettercheck.toml"))
    message = str(raised.value)
    assert isinstance(raised.value, LetterError)
    assert message.startswith("/x/.lettercheck.toml: ") and "\n" not in message
    assert words in message, message


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / ".lettercheck.toml", "lix-limit = = 3\n")
    with pytest.raises(ConfigError, match=r"\.lettercheck\.toml: ugyldig TOML"):
        load_config(tmp_path / "brev.docx")
    assert path.exists()


def test_bad_key_in_pyproject_names_pyproject(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.lettercheck]\nselekt = ['LC3']\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: selekt: ukendt nøgle"):
        load_config(tmp_path / "brev.docx")


def test_cli_takes_fail_on_from_config_and_reports_a_broken_config_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lettercheck.app.cli import main

    _write(
        tmp_path / "brev.txt",
        "Kære Anna\nVi fremsender brevet.\n"
        "Ring til mig på 72 10 60 12 eller skriv til lars@jobcenter.dk.\n",
    )
    runner = CliRunner()
    assert runner.invoke(main, ["--jobs", "1", str(tmp_path)]).exit_code == 0
    _write(tmp_path / ".lettercheck.toml", 'fail-on = "warning"\n')
    config_module._CONFIG_CACHE.clear()
    assert runner.invoke(main, ["--jobs", "1", str(tmp_path)]).exit_code == 1
    assert runner.invoke(main, ["--jobs", "1", "--fail-on", "error", str(tmp_path)]).exit_code == 0
    _write(tmp_path / ".lettercheck.toml", 'fail-onn = "warning"\n')
    config_module._CONFIG_CACHE.clear()
    result = runner.invoke(main, ["--jobs", "1", str(tmp_path)])
    assert result.exit_code == 2
    assert "fail-onn: ukendt nøgle" in result.output


def test_lix_sentences_simple_counts_every_period_as_public_calculators_do(tmp_path: Path) -> None:
    from lettercheck.app.pipeline import check_file

    text = "Mødet er kl. 10.00 bl.a. om din plan, jf. § 3, stk. 2.\n"
    letter = _write(tmp_path / "brev.txt", text)
    danish = check_file(letter, Config()).result.readability
    simple = check_file(letter, Config(lix_sentences="simple")).result.readability
    assert danish.sentences == 1
    assert simple.sentences > danish.sentences
    assert simple.words == danish.words
    with pytest.raises(ConfigError, match="lix-sentences"):
        parse_config({"lix-sentences": "engelsk"})


@pytest.mark.parametrize("command", [[], ["audit", "--csv", "r.csv"]])
def test_exclude_leaves_notes_among_the_templates_out_of_a_folder_search(
    tmp_path: Path, command: list[str]
) -> None:
    """Notes and lists kept beside the templates are not letters; a file named on the command
    line is still checked."""
    import json
    import subprocess
    import sys

    letter = "Kære Anna\nRing til mig på 72 10 60 12 eller skriv til lars@jobcenter.dk.\n"
    skabeloner = tmp_path / "skabeloner"
    _write(skabeloner / "brev.txt", letter)
    _write(skabeloner / "noter" / "huskeliste.txt", "Husk at rette datoen.\n")
    _write(skabeloner / "oversigt.md", "# Oversigt over skabeloner\n")
    _write(tmp_path / ".lettercheck.toml", 'exclude = ["skabeloner/noter/*", "*.md"]\n')

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "lettercheck", *command, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )

    if command:
        run("--jobs", "1", "skabeloner")
        rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
        assert [row.split(";")[0] for row in rows] == ["brev.txt"]
        return
    found = json.loads(run("--format", "json", "--jobs", "1", "skabeloner").stdout)["files"]
    assert [f["path"] for f in found] == ["skabeloner/brev.txt"]
    named = run("--format", "json", "--jobs", "1", "skabeloner/oversigt.md").stdout
    assert [f["path"] for f in json.loads(named)["files"]] == ["skabeloner/oversigt.md"]
    assert run("skabeloner/noter").returncode == 2  # only excluded files: no letters
