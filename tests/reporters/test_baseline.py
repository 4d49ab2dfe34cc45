"""Baselines: old findings are accepted by file, rule and words, never by position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lettercheck.model.findings import FileResult, Finding, Readability, Severity
from lettercheck.reporters import baseline

READ = Readability(lix=30.0, band="let", words=100, sentences=10, long_words=20)


def _f(rule: str, text: str | None, block: int | None = 1, start: int | None = 0) -> Finding:
    end = None if start is None else start + len(text or "")
    return Finding(
        rule=rule,
        code="LC000",
        severity=Severity.ERROR,
        message="Besked",
        part="body",
        block=block,
        start=start,
        end=end,
        text=text,
    )


def _result(path: Path, *findings: Finding) -> FileResult:
    return FileResult(path=path, readability=READ, findings=list(findings))


def test_round_trip_drops_exactly_the_recorded_findings(tmp_path: Path) -> None:
    letter = tmp_path / "letters" / "a.docx"
    old = _result(
        letter, _f("legal-reference-early", "jf. § 19"), _f("missing-phone", None, None, None)
    )
    base_file = tmp_path / "lettercheck-baseline.json"
    assert baseline.write(base_file, [old]) == 2
    b = baseline.load(base_file)
    assert b.filter(old).findings == []
    assert b.suppressed == 2


def test_position_changes_do_not_make_old_findings_new(tmp_path: Path) -> None:
    letter = tmp_path / "a.docx"
    base_file = tmp_path / "b.json"
    baseline.write(base_file, [_result(letter, _f("formal-address", "Dem", block=3, start=10))])
    moved = _result(letter, _f("formal-address", "Dem", block=7, start=52))
    assert baseline.load(base_file).filter(moved).findings == []


def test_an_extra_occurrence_of_the_same_words_is_new(tmp_path: Path) -> None:
    letter = tmp_path / "a.docx"
    base_file = tmp_path / "b.json"
    baseline.write(base_file, [_result(letter, _f("officialese", "jf."), _f("officialese", "jf."))])
    now = _result(
        letter,
        _f("officialese", "jf.", block=1),
        _f("officialese", "jf.", block=2),
        _f("officialese", "jf.", block=9),
        _f("officialese", "iht.", block=9),
    )
    kept = baseline.load(base_file).filter(now).findings
    assert [(f.text, f.block) for f in kept] == [("jf.", 9), ("iht.", 9)]


def test_other_files_and_other_rules_are_not_accepted(tmp_path: Path) -> None:
    base_file = tmp_path / "b.json"
    baseline.write(base_file, [_result(tmp_path / "a.docx", _f("officialese", "jf."))])
    b = baseline.load(base_file)
    assert len(b.filter(_result(tmp_path / "b.docx", _f("officialese", "jf."))).findings) == 1
    assert len(b.filter(_result(tmp_path / "a.docx", _f("passive", "jf."))).findings) == 1


def test_whitespace_inside_the_words_does_not_matter(tmp_path: Path) -> None:
    base_file = tmp_path / "b.json"
    baseline.write(base_file, [_result(tmp_path / "a.docx", _f("legal", "§ 42,  stk. 2"))])
    now = _result(tmp_path / "a.docx", _f("legal", "§ 42,\u00a0stk.\n2"))
    assert baseline.load(base_file).filter(now).findings == []


def test_file_is_sorted_relative_and_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    results = [
        _result(Path("repo/sub/z.docx"), _f("b-rule", "y"), _f("a-rule", "x")),
        _result(Path("repo/a.docx").resolve(), _f("a-rule", None, None, None)),
        FileResult(path=Path("repo/broken.docx"), error="Kan ikke læses"),
    ]
    base_file = tmp_path / "repo" / "lettercheck-baseline.json"
    baseline.write(base_file, results)
    first = base_file.read_bytes()
    data = json.loads(first)
    assert list(data["files"]) == ["a.docx", "sub/z.docx"]
    assert [e["rule"] for e in data["files"]["sub/z.docx"]] == ["a-rule", "b-rule"]
    baseline.write(base_file, list(reversed(results)))
    assert base_file.read_bytes() == first
    # Used from another working directory, the same letters still match.
    monkeypatch.chdir(tmp_path / "repo" / "sub")
    b = baseline.load(base_file)
    assert b.filter(_result(Path("z.docx"), _f("a-rule", "x"))).findings == []


def test_errors_pass_through_untouched(tmp_path: Path) -> None:
    base_file = tmp_path / "b.json"
    baseline.write(base_file, [])
    broken = FileResult(path=tmp_path / "x.docx", error="Kan ikke læses")
    assert baseline.load(base_file).filter(broken) is broken


@pytest.mark.parametrize(
    "content",
    [None, "not json", '{"files": {}}', '{"lettercheck-baseline": 1, "files": {"a": [{"x": 1}]}}'],
)
def test_unusable_baseline_gives_a_danish_error(tmp_path: Path, content: str | None) -> None:
    base_file = tmp_path / "b.json"
    if content is not None:
        base_file.write_text(content, encoding="utf-8")
    with pytest.raises(baseline.BaselineError, match="--write-baseline"):
        baseline.load(base_file)


# ---------------------------------------------------------------- through the CLI, on real letters


def test_cli_baseline_lets_old_findings_pass_and_catches_new_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from click.testing import CliRunner

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from _batch_letters import BAD, write_letter

    from lettercheck.app.cli import main

    monkeypatch.chdir(tmp_path)
    write_letter(tmp_path / "letters" / "gammel.docx", BAD)
    runner = CliRunner()
    before = runner.invoke(main, ["--fail-on", "warning", "--jobs", "1", "letters"])
    assert before.exit_code == 1, before.output
    wrote = runner.invoke(
        main, ["--write-baseline", "lettercheck-baseline.json", "--jobs", "1", "letters"]
    )
    assert wrote.exit_code == 0, wrote.output
    args = ["--baseline", "lettercheck-baseline.json", "--fail-on", "warning", "--jobs", "1"]

    # An edit elsewhere moves every old finding: still nothing new.
    moved = [BAD[0], ("Vi har fået ny adresse.", None), *BAD[1:]]
    write_letter(tmp_path / "letters" / "gammel.docx", moved)
    again = runner.invoke(main, [*args, "--format", "json", "letters"])
    assert again.exit_code == 0, again.output
    assert '"findings": []' in again.output

    # A new formal "Dem" is a new finding and fails the run.
    added = [*moved[:4], ("Vi beder Dem ringe til os.", None), *moved[4:]]
    write_letter(tmp_path / "letters" / "gammel.docx", added)
    new = runner.invoke(main, [*args, "--format", "json", "letters"])
    assert new.exit_code == 1, new.output
    assert '"text": "Dem"' in new.output
    assert '"text": "Deres"' not in new.output
