"""The word-by-word measure of the plain-language rules against a reviewer's marks."""

from pathlib import Path

from lettercheck.app.evaluate_plain import _overlaps, evaluate_plain, main

REAL = Path(__file__).resolve().parents[2] / "corpus" / "real"


def test_overlap_is_containment_or_a_shared_long_word() -> None:
    assert _overlaps("fremsendes", "Brevet fremsendes")
    assert _overlaps("truffet afgørelse om", "har truffet afgørelse")
    assert not _overlaps("samt", "i henhold til")
    assert not _overlaps("", "samt")


def test_every_mark_is_counted_once_as_caught_or_missed() -> None:
    scores = evaluate_plain(REAL)
    marks = [
        line.split(",")[1]
        for line in (REAL / "plain_marks.csv").read_text("utf-8").splitlines()[1:]
        if line
    ]
    # the rules the marks are for, in the rule files' order
    assert list(scores) == ["officialese", "passive-voice", "nominalization"]
    for rule in scores:
        assert scores[rule].marks == marks.count(rule)


def test_a_folder_without_marks_is_one_danish_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([str(tmp_path)]) == 2
    assert "plain_marks.csv findes ikke" in capsys.readouterr().err
