"""Tests for lettercheck.app.evaluate: the machinery on a tiny made-up corpus, and the accuracy bar
(precision and recall ≥ 0.95 per rule, on both splits) on the real corpus/."""

from __future__ import annotations

from pathlib import Path

import pytest

from lettercheck.app import evaluate

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SPLITS_WITH_BAR = {"tune", "holdout"}

GOOD = """\
# Invitation til samtale
Kære Ida
Du får dette brev, fordi vi skal tale om din plan. Målet er, at du får et job.
Med venlig hilsen
Birgitte Holm
Telefon 40 50 60 70
E-mail bho@solbaek.dk
"""

BAD = """\
# Indkaldelse til samtale
Kære Ida
Vi indkalder Dem til samtale, jf. § 16 i lov om en aktiv beskæftigelsesindsats.
Med venlig hilsen
Jobcenter Solbæk
"""

#: The rules labels.csv has columns for: the ones measured, in this order.
LABELLED_RULES = (
    "legal-reference-early",
    "missing-caseworker-name",
    "missing-caseworker-phone",
    "missing-caseworker-email",
    "missing-purpose",
    "missing-goal",
    "formal-address",
)
HEADER = "file,split,kind,lix," + ",".join(r.replace("-", "_") for r in LABELLED_RULES) + "\n"
#: The type rules corpus/types.csv has columns for.
TYPE_RULES = (
    "decision-result-late",
    "decision-without-reasons",
    "missing-complaint-guidance",
    "complaint-guidance-incomplete",
    "invitation-missing-time",
    "invitation-missing-place",
    "invitation-missing-change",
    "invitation-missing-consequence",
    "hearing-missing-deadline",
    "hearing-missing-subject",
    "offer-missing-period",
    "request-missing-deadline",
)


def _corpus(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "letters" / "bad.md").write_text(BAD, encoding="utf-8")
    (tmp_path / "labels.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    return tmp_path


def test_counts_and_table_on_a_small_corpus(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [
            "letters/good.md,tune,invitation,20,0,0,0,0,0,0,0\n",
            "letters/bad.md,holdout,invitation,40,1,1,1,1,1,1,1\n",
        ],
    )
    result = evaluate.evaluate(corpus)
    assert not result.errors
    # the rules measured are the label columns', in column order
    assert list(dict.fromkeys(rule for _split, rule in result.scores)) == list(LABELLED_RULES)
    for rule in _loaded(LABELLED_RULES):
        assert result.scores[("tune", rule)].tn == 1, rule
        assert result.scores[("holdout", rule)].tp == 1, rule
    assert all(s.passes for (_, rule), s in result.scores.items() if rule in _loaded([rule]))
    assert len(result.lix_differences["tune"]) == 1
    table = evaluate.format_table(result)
    assert "legal-reference-early" in table and "holdout" in table and "LIX tune" in table
    if len(_loaded(LABELLED_RULES)) == len(LABELLED_RULES):
        assert result.passes
        assert evaluate.main([str(corpus)]) == 0


def _loaded(rules: tuple[str, ...] | list[str]) -> list[str]:
    """The measured rules the engine has (formal-address belongs to another module)."""
    from lettercheck.engine.ruleset import load_rules

    ruleset = load_rules()
    return [rule for rule in rules if ruleset.get(rule) is not None]


def test_a_wrong_label_fails_the_bar_and_is_named_in_details(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [
            # good.md labelled as missing a name: a false negative for the rule.
            "good.md,tune,invitation,20,0,1,0,0,0,0,0\n",
            "bad.md,holdout,invitation,40,1,1,1,1,1,1,1\n",
        ],
    )
    result = evaluate.evaluate(corpus)
    score = result.scores[("tune", "missing-caseworker-name")]
    assert (score.tp, score.fn, score.recall) == (0, 1, 0.0)
    assert not result.passes
    assert "FN good.md" in evaluate.format_table(result, details=True)
    assert evaluate.main([str(corpus)]) == 1


def test_holdout_letters_are_never_listed(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        [
            "good.md,tune,invitation,20,0,0,0,0,0,0,0\n",
            "bad.md,holdout,invitation,40,0,0,0,0,0,0,0\n",
        ],
    )
    table = evaluate.format_table(evaluate.evaluate(corpus), details=True)
    assert "bad.md" not in table


def test_unreadable_letter_is_an_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, ["missing.docx,tune,invitation,20,0,0,0,0,0,0,0\n"])
    result = evaluate.evaluate(corpus)
    assert result.errors and not result.passes


def test_usage_error_without_labels(tmp_path: Path) -> None:
    assert evaluate.main([str(tmp_path)]) == 2


def test_bad_label_value_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus(tmp_path, ["good.md,tune,invitation,20,maybe,0,0,0,0,0,0\n"])
    assert evaluate.main([str(corpus)]) == 2
    assert "maybe" in capsys.readouterr().err


def test_corpus_meets_the_accuracy_bar_on_both_splits() -> None:
    """The issue's bar: precision and recall ≥ 0.95 for every measured rule, tune and holdout."""
    assert (CORPUS / "labels.csv").is_file(), "corpus/labels.csv is missing"
    result = evaluate.evaluate(CORPUS)
    table = evaluate.format_table(result)
    assert {"tune", "holdout"} <= set(result.letters), table
    assert not result.errors, "\n" + table
    # Only tune and holdout carry the bar; other splits (holdout-fresh, written blind after the
    # rules were tuned) are reported in the table as they are, not asserted.
    failing = [k for k, s in result.scores.items() if k[0] in SPLITS_WITH_BAR and not s.passes]
    assert not failing, "\n" + table


TYPES_HEADER = "file,letter_type," + ",".join(rule.replace("-", "_") for rule in TYPE_RULES) + "\n"


def _types_row(name: str, letter_type: str, **flags: int) -> str:
    cells = [str(flags.get(rule.replace("-", "_"), 0)) for rule in TYPE_RULES]
    return f"{name},{letter_type},{','.join(cells)}\n"


def test_letter_type_and_type_rules_are_scored_from_types_csv(tmp_path: Path) -> None:
    """types.csv gives each letter its type and the twelve rules' labels: the type is scored as
    a share right per split (the misses named), and a type rule is scored only where it is the
    labelled type's (invitation-missing-place on the invitation; nothing from it elsewhere)."""
    corpus = _corpus(
        tmp_path,
        [
            "letters/good.md,tune,invitation,20,0,0,0,0,0,0,0\n",
            "letters/bad.md,tune,invitation,40,1,1,1,1,1,1,1\n",
        ],
    )
    (corpus / "types.csv").write_text(
        TYPES_HEADER
        # good.md has no time or place: the rules must fire, and the labels say so
        + _types_row(
            "letters/good.md",
            "indkaldelse",
            invitation_missing_time=1,
            invitation_missing_place=1,
            invitation_missing_change=1,
        )
        # bad.md is labelled a decision (it is an invitation): the type is a miss, and the
        # invitation rules that fire there predict nothing
        + _types_row("letters/bad.md", "afgoerelse", missing_complaint_guidance=1),
        encoding="utf-8",
    )
    result = evaluate.evaluate(corpus)
    assert result.types["tune"] == (1, 2)
    (miss,) = result.type_misses["tune"]
    assert miss[:3] == ("letters/bad.md", "afgoerelse", "indkaldelse")
    assert result.scores[("tune", "invitation-missing-place")].tp == 1
    assert result.scores[("tune", "invitation-missing-place")].fp == 0
    guidance = result.scores[("tune", "missing-complaint-guidance")]
    assert (guidance.tp, guidance.fn) == (0, 1)  # a rule of another type predicts nothing
    table = evaluate.format_table(result, details=True)
    assert "type tune" in table and "right   1/2" in table and "UNDER 0.95" in table
    assert "letters/bad.md: afgoerelse ≠ indkaldelse" in table
    assert not result.passes


def test_unknown_letter_type_in_types_csv_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path, ["letters/good.md,tune,invitation,20,0,0,0,0,0,0,0\n"])
    (corpus / "types.csv").write_text(
        TYPES_HEADER + _types_row("letters/good.md", "afgorelse"), encoding="utf-8"
    )
    assert evaluate.main([str(corpus)]) == 2
    assert "types.csv:2: ukendt brevtype 'afgorelse'" in capsys.readouterr().err
