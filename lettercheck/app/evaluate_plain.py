"""How many of the plain-language problems a reviewer marked does lettercheck catch?

    python -m lettercheck.app.evaluate_plain corpus/real/

Why this exists: officialese, passive voice and nominalisation are judged word by word, not letter
by letter, so ``evaluate``'s per-letter labels cannot measure them. A reviewer marked every clear
case in a set of letters before the rules ran (``plain_marks.csv``: file, rule, the exact words);
this module runs the real pipeline and counts, per rule, the marks a finding of that rule covers
(caught) and the findings that cover no mark (not marked: a false alarm, or a case the reviewer
did not find clear). A mark is caught when a finding of its rule in the same letter overlaps the
marked words (see ``_overlaps``). Marks have no position, so a mark is given to the finding
that fits it best: one no other mark has taken yet, then one whose words hold the mark's or are
held by it, then the first in the letter ("Kørslen bevilges" marked twice takes the two
findings "Kørslen bevilges", not the "Kasper bevilges" before them); only when every fitting
finding is taken may one finding catch a second mark. Findings in the legal section are left
out, as the reviewer marked none there.

Precision. The marks are the clear cases; a finding on words the reviewer did not mark is not
wrong by that alone. So the findings that caught no mark were judged one by one after the rules
ran, as a communication advisor would ("is this officialese, passive or nominal style that a
caseworker should change here?"), in ``plain_adjudicated.csv`` (file, rule, words, verdict
``correct`` or ``false_alarm``, why). A verdict covers every unmarked finding of that rule with
those words in that letter. When the file exists, the report adds

    precision = (findings that caught a mark + unmarked findings judged correct) / all findings

per rule and over the three; an unmarked finding without a verdict counts against precision and
is listed, so a new finding cannot raise the number before someone has judged it. Recall rests
on marks made before the rules ran; precision on a judgement made after them, by whoever signed
the adjudication (see the README), and is only as good as that judgement.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


def marked_rules(marks: list[dict[str, str]]) -> tuple[str, ...]:
    """The rules the marks are for (their ``rule`` column), in the rule files' order."""
    from lettercheck.engine.ruleset import load_rules

    named = {mark["rule"] for mark in marks}
    return tuple(rule.name for rule in load_rules() if rule.name in named)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(slots=True)
class PlainScore:
    """Marks caught and missed, and findings that matched no mark, for one rule."""

    caught: int = 0
    missed: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)
    #: findings that caught at least one mark
    matched: int = 0
    #: unmarked findings by verdict: "correct", "false_alarm", or "" (not judged)
    judged: Counter[str] = field(default_factory=Counter)
    unjudged: list[str] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return self.matched + len(self.unmarked)

    @property
    def precision(self) -> float:
        return (self.matched + self.judged["correct"]) / self.findings if self.findings else 1.0

    @property
    def marks(self) -> int:
        return self.caught + len(self.missed)

    @property
    def recall(self) -> float:
        return self.caught / self.marks if self.marks else 1.0


def _overlaps(finding_text: str, marked: str) -> bool:
    """The finding and the mark cover the same words: one holds the other, or they share a word
    of five letters or more ("har truffet afgørelse" marked, "truffet afgørelse om" found)."""
    a, b = _fold(finding_text), _fold(marked)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return bool({w for w in re.findall(r"\w{5,}", a)} & {w for w in re.findall(r"\w{5,}", b)})


def _holds(finding_text: str, marked: str) -> bool:
    a, b = _fold(finding_text), _fold(marked)
    return bool(a and b and (a in b or b in a))


def read_adjudication(folder: Path) -> dict[tuple[str, str, str], str] | None:
    """``folder``/plain_adjudicated.csv as (file, rule, folded words) -> verdict, or None."""
    path = folder / "plain_adjudicated.csv"
    if not path.is_file():
        return None
    verdicts: dict[tuple[str, str, str], str] = {}
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        verdict = row["verdict"].strip()
        if verdict not in ("correct", "false_alarm"):
            raise ValueError(f"{path}: verdict must be correct or false_alarm, not {verdict!r}")
        verdicts[(row["file"], row["rule"], _fold(row["words"]))] = verdict
    return verdicts


def evaluate_plain(folder: Path) -> dict[str, PlainScore]:
    """Score every rule the marks are for against ``folder``/plain_marks.csv (and, when it
    exists, plain_adjudicated.csv for precision)."""
    from lettercheck.app.pipeline import check_file
    from lettercheck.engine.config import Config

    marks = list(csv.DictReader((folder / "plain_marks.csv").read_text("utf-8").splitlines()))
    by_file: dict[str, list[dict[str, str]]] = {}
    for mark in marks:
        by_file.setdefault(mark["file"], []).append(mark)
    labelled = [
        row["file"]
        for row in csv.DictReader((folder / "labels.csv").read_text("utf-8").splitlines())
    ]
    rules = marked_rules(marks)
    scores = {rule: PlainScore() for rule in rules}
    verdicts = read_adjudication(folder)
    config = Config(select=rules)
    for name in labelled:
        result = check_file(folder / name, config).result
        findings = [
            f
            for f in result.findings or ()
            if f.rule in scores and f.text and str(f.part or "") != "legal"
        ]
        used: Counter[int] = Counter()
        for mark in by_file.get(name, []):
            rule = mark["rule"]
            if rule not in scores:
                continue
            fitting = [
                i
                for i, f in enumerate(findings)
                if f.rule == rule and _overlaps(f.text, mark["words"])
            ]
            hit = min(
                fitting,
                key=lambda i: (used[i] > 0, not _holds(findings[i].text, mark["words"]), i),
                default=None,
            )
            if hit is None:
                scores[rule].missed.append(f"{name}: {mark['words']}")
            else:
                scores[rule].caught += 1
                used[hit] += 1
        for i, finding in enumerate(findings):
            score = scores[finding.rule]
            if used[i]:
                score.matched += 1
                continue
            score.unmarked.append(f"{name}: {finding.text}")
            if verdicts is not None:
                verdict = verdicts.get((name, finding.rule, _fold(finding.text)), "")
                score.judged[verdict] += 1
                if not verdict:
                    score.unjudged.append(f"{name}: {finding.text}")
    return scores


def format_plain(
    scores: dict[str, PlainScore], details: bool = False, adjudicated: bool = False
) -> str:
    lines = ["rule             marks  caught  missed  not marked  recall"]
    total_marks = total_caught = 0
    for rule, s in scores.items():
        total_marks += s.marks
        total_caught += s.caught
        lines.append(
            f"{rule:<16} {s.marks:>5}  {s.caught:>6}  {len(s.missed):>6}  {len(s.unmarked):>10}"
            f"  {s.recall:>6.2f}"
        )
    overall = total_caught / total_marks if total_marks else 1.0
    lines.append(
        f"{'all three':<16} {total_marks:>5}  {total_caught:>6}  {'':>6}  {'':>10}  {overall:>6.2f}"
    )
    if adjudicated:
        lines.append("")
        lines.append(
            "rule             findings  caught marks  judged correct  false alarms  not judged"
            "  precision"
        )
        totals = PlainScore()
        for rule, s in scores.items():
            totals.matched += s.matched
            totals.unmarked += s.unmarked
            totals.judged.update(s.judged)
            lines.append(_precision_line(rule, s))
        lines.append(_precision_line("all three", totals))
        lines.append(
            "precision = (findings that caught a mark + unmarked findings judged correct) / all"
            " findings; not judged counts against"
        )
    if details:
        for rule, s in scores.items():
            for what, items in (
                ("missed", s.missed),
                ("not marked", s.unmarked),
                ("not judged", s.unjudged),
            ):
                lines.extend(f"  {rule} {what}: {item}" for item in items)
    return "\n".join(lines)


def _precision_line(rule: str, s: PlainScore) -> str:
    return (
        f"{rule:<16} {s.findings:>8}  {s.matched:>12}  {s.judged['correct']:>14}"
        f"  {s.judged['false_alarm']:>12}  {s.judged['']:>10}  {s.precision:>9.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lettercheck.app.evaluate_plain")
    parser.add_argument(
        "folder", type=Path, help="mappen med plain_marks.csv, labels.csv og brevene"
    )
    parser.add_argument(
        "--details", action="store_true", help="vis hvert overset og umarkeret fund"
    )
    args = parser.parse_args(argv)
    if not (args.folder / "plain_marks.csv").is_file():
        print(
            f"{args.folder}: plain_marks.csv findes ikke. Angiv mappen med markeringerne.",
            file=sys.stderr,
        )
        return 2
    adjudicated = (args.folder / "plain_adjudicated.csv").is_file()
    print(format_plain(evaluate_plain(args.folder), args.details, adjudicated))
    return 0


if __name__ == "__main__":
    sys.exit(main())
