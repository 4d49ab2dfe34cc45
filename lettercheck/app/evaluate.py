"""Measure lettercheck's accuracy against the human labels of the corpus.

    python -m lettercheck.app.evaluate corpus/ [--details]

Why this exists: the structure rules (legal references last, the caseworker's contact details,
purpose, goal) and formal-address must be trustworthy before communication staff act on them. The
corpus's labels.csv says, for every letter, what a correct checker finds; this module runs the real
pipeline (reader → parts → analysis → engine, through ``pipeline.check_file``) on every letter and
compares. Part of the corpus (``split=holdout``) was never used for tuning, so the holdout column
shows how the rules do on letters they have not seen.

A rule *predicts* a problem in a letter when it makes at least one finding there; the label column
(the rule's name with "_" for "-") says whether the problem is really there. The rules measured
are those the label files have a column for, in column order: labels.csv's, then corpus/types.csv's
(what each letter type must contain, issue 12); a column that names no rule (file, split, lix, …)
is data about the letter. The shipped rules run
with the default configuration (``Config()``), so a pyproject.toml in the checkout cannot switch a
rule off for the measurement. Precision with no predictions and recall with no positives are 1.0
(nothing was wrong). The LIX line gives the mean absolute difference between lettercheck's LIX and
the labelled LIX. ``--details`` names the letters a rule gets wrong, for the tune split only: the
holdout letters must not steer the tuning.

Exit status: 0 when every rule reaches the bar (precision and recall ≥ 0.95) on both splits, 1 when
one does not or a letter could not be checked, 2 for a usage error (no labels.csv).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("tune", "holdout")
BAR = 0.95

_TRUE = {"1", "true", "yes", "ja", "x", "y", "sand"}
_FALSE = {"0", "false", "no", "nej", "", "n", "falsk"}


@dataclass(frozen=True, slots=True)
class Label:
    """One row of labels.csv."""

    file: str
    path: Path
    split: str
    lix: float | None
    problems: dict[str, bool]
    letter_type: str | None = None  # from types.csv


@dataclass(slots=True)
class Score:
    """Confusion counts of one rule on one split, and the letters behind the errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def passes(self) -> bool:
        return self.precision >= BAR and self.recall >= BAR


@dataclass(slots=True)
class Evaluation:
    """Scores per (split, rule), LIX differences per split and letters that could not be checked."""

    scores: dict[tuple[str, str], Score]
    lix_differences: dict[str, list[float]]
    letters: dict[str, int]
    errors: list[tuple[str, str]]
    #: per split: (letters typed right, letters with a labelled type), and the misses
    #: (file, labelled type, lettercheck's type, its because)
    types: dict[str, tuple[int, int]] = field(default_factory=dict)
    type_misses: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        types_ok = all(right >= BAR * total for right, total in self.types.values())
        return not self.errors and types_ok and all(score.passes for score in self.scores.values())


def _flag(value: str, where: str) -> bool:
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{where}: '{value}' er hverken 0/1 eller true/false")


def rule_columns(header: Sequence[str] | None) -> dict[str, str]:
    """A label file's columns that name a rule (its name with "_" for "-"): column -> rule name,
    in column order."""
    from lettercheck.engine.ruleset import load_rules

    names = {rule.name for rule in load_rules()}
    columns = {}
    for column in header or ():
        name = column.strip().replace("_", "-")
        if name in names:
            columns[column] = name
    return columns


def load_types(corpus: Path) -> dict[str, tuple[str, dict[str, bool]]]:
    """corpus/types.csv, if there is one: file -> (labelled type, the labels of the rules it has
    columns for)."""
    from lettercheck.model.words import LETTER_TYPES

    types_file = corpus / "types.csv"
    if not types_file.is_file():
        return {}
    reader = csv.DictReader(types_file.read_text(encoding="utf-8-sig").splitlines())
    rows = list(reader)
    columns = rule_columns(reader.fieldnames)
    out: dict[str, tuple[str, dict[str, bool]]] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{types_file}:{number}"
        name = (row.get("file") or "").strip()
        letter_type = (row.get("letter_type") or "").strip()
        if letter_type not in LETTER_TYPES:
            raise ValueError(f"{where}: ukendt brevtype '{letter_type}'")
        problems = {
            rule: _flag(row[column], f"{where} ({column})") for column, rule in columns.items()
        }
        out[name] = (letter_type, problems)
    return out


def load_labels(corpus: Path) -> list[Label]:
    """Read corpus/labels.csv (and types.csv beside it); a ``file`` is relative to the corpus
    folder (or found below it)."""
    types = load_types(corpus)
    labels_file = corpus / "labels.csv"
    reader = csv.DictReader(labels_file.read_text(encoding="utf-8-sig").splitlines())
    rows = list(reader)
    columns = rule_columns(reader.fieldnames)
    labels = []
    for number, row in enumerate(rows, start=2):
        where = f"{labels_file}:{number}"
        name = (row.get("file") or "").strip()
        path = corpus / name
        if not path.exists():
            found = sorted(corpus.rglob(Path(name).name))
            path = found[0] if found else path
        lix_text = (row.get("lix") or "").strip()
        problems = {
            rule: _flag(row[column], f"{where} ({column})") for column, rule in columns.items()
        }
        letter_type = None
        if name in types:
            letter_type, type_problems = types[name]
            problems.update(type_problems)
        labels.append(
            Label(
                file=name,
                path=path,
                split=(row.get("split") or "").strip().lower(),
                lix=float(lix_text.replace(",", ".")) if lix_text else None,
                problems=problems,
                letter_type=letter_type,
            )
        )
    return labels


def evaluate(corpus: Path) -> Evaluation:
    """Check every labelled letter with the real pipeline and compare with its labels."""
    from lettercheck.app.pipeline import check_file
    from lettercheck.engine.config import Config

    labels = load_labels(corpus)
    splits = sorted({label.split for label in labels}, key=_split_order)
    # the rules the label files have columns for, in column order (labels.csv, then types.csv)
    rules = list(dict.fromkeys(rule for label in labels for rule in label.problems))
    scores = {(split, rule): Score() for split in splits for rule in rules}
    types: dict[str, tuple[int, int]] = {}
    type_misses: dict[str, list[tuple[str, str, str, str]]] = {split: [] for split in splits}
    from lettercheck.engine.ruleset import load_rules

    rule_types = {r.name: r.types for r in load_rules()}
    lix_differences: dict[str, list[float]] = {split: [] for split in splits}
    letters = dict.fromkeys(splits, 0)
    errors: list[tuple[str, str]] = []
    config = Config()
    for label in labels:
        letters[label.split] += 1
        result = check_file(label.path, config).result
        if result.error is not None:
            errors.append((label.file, result.error))
            continue
        fired = {finding.rule for finding in result.findings or ()}
        if label.letter_type is not None:
            found = result.letter_type
            right, total = types.get(label.split, (0, 0))
            if found is not None and found.type == label.letter_type:
                right += 1
            else:
                type_misses[label.split].append(
                    (
                        label.file,
                        label.letter_type,
                        found.type if found else "-",
                        found.because if found else "",
                    )
                )
            types[label.split] = (right, total + 1)
        for rule, truth in label.problems.items():
            score = scores[(label.split, rule)]
            predicted = rule in fired
            allowed = rule_types.get(rule)
            if allowed is not None and label.letter_type not in allowed:
                predicted = False  # a rule of another type predicts nothing here
            if predicted and truth:
                score.tp += 1
            elif predicted:
                score.fp += 1
                score.false_positives.append(label.file)
            elif truth:
                score.fn += 1
                score.false_negatives.append(label.file)
            else:
                score.tn += 1
        if label.lix is not None and result.readability is not None:
            lix_differences[label.split].append(abs(result.readability.lix - label.lix))
    return Evaluation(scores, lix_differences, letters, errors, types, type_misses)


def _split_order(split: str) -> tuple[int, str]:
    return (SPLITS.index(split) if split in SPLITS else len(SPLITS), split)


def format_table(evaluation: Evaluation, details: bool = False) -> str:
    """The accuracy table: one line per rule and split, then LIX agreement and any errors."""
    splits = sorted({split for split, _ in evaluation.scores}, key=_split_order)
    # wide enough for every split in labels.csv (e.g. "holdout-fresh"); 8 for tune/holdout
    width = max([8, *(len(split) for split in splits)])
    lines = [
        f"{'rule':<30} {'split':<{width}} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} "
        f"{'precision':>9} {'recall':>6}  ok"
    ]
    measured = list(dict.fromkeys(rule for _split, rule in evaluation.scores))
    for rule in measured:
        for split in splits:
            score = evaluation.scores[(split, rule)]
            mark = "ok" if score.passes else "UNDER 0.95"
            lines.append(
                f"{rule:<30} {split:<{width}} "
                f"{score.tp:>3} {score.fp:>3} {score.fn:>3} {score.tn:>3} "
                f"{score.precision:>9.2f} {score.recall:>6.2f}  {mark}"
            )
            if details and split == "tune":
                for file in score.false_positives:
                    lines.append(f"    FP {file}")
                for file in score.false_negatives:
                    lines.append(f"    FN {file}")
    lines.append("")
    for split in splits:
        diffs = evaluation.lix_differences[split]
        if diffs:
            mean = sum(diffs) / len(diffs)
            within = sum(1 for d in diffs if d <= 1.0)
            lines.append(
                f"LIX {split:<{width}} letters {evaluation.letters[split]:>3}  "
                f"mean |Δ| {mean:.2f}  "
                f"max |Δ| {max(diffs):.1f}  within ±1: {within}/{len(diffs)}"
            )
    for split in splits:
        if split in evaluation.types:
            right, total = evaluation.types[split]
            share = right / total if total else 1.0
            mark = "ok" if right >= BAR * total else "UNDER 0.95"
            lines.append(f"type {split:<{width}} right {right:>3}/{total:<3} ({share:.2f})  {mark}")
            if details and split == "tune":
                for file, want, got, because in evaluation.type_misses[split]:
                    lines.append(f"    {file}: {want} ≠ {got} ({because})")
    for file, error in evaluation.errors:
        lines.append(f"FEJL {file}: {error}")
    lines.append(
        "Alle regler når 0,95 på alle dele af korpusset."
        if evaluation.passes
        else "Mindst én regel er under 0,95, eller et brev kunne ikke kontrolleres."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lettercheck.app.evaluate",
        description="Mål reglernes præcision og genkaldelse mod korpussets labels.",
    )
    parser.add_argument("corpus", type=Path, help="mappen med labels.csv og brevene")
    parser.add_argument(
        "--details",
        action="store_true",
        help="vis de breve i tune-delen, en regel tager fejl på (aldrig holdout-brevene)",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "labels.csv").is_file():
        print(f"{args.corpus}: labels.csv findes ikke. Angiv korpusmappen.", file=sys.stderr)
        return 2
    try:
        evaluation = evaluate(args.corpus)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(format_table(evaluation, details=args.details))
    return 0 if evaluation.passes else 1


if __name__ == "__main__":
    sys.exit(main())
