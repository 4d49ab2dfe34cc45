"""How many of the plain-language problems a reviewer marked does lettercheck catch?

    python -m lettercheck.app.evaluate_plain corpus/real/

Why this exists: officialese, passive voice and nominalisation are judged word by word, not letter
by letter, so ``evaluate``'s per-letter labels cannot measure them. A reviewer marked every clear
case in a set of letters before the rules ran (``plain_marks.csv``: file, rule, the exact words);
this module runs the real pipeline and counts, per rule, the marks a finding of that rule covers
(caught) and the findings that cover no mark (not marked: a false alarm, or a case the reviewer
did not find clear). A mark is caught when a finding of its rule in the same letter overlaps the
marked words (see ``_overlaps``); the same finding can catch several
marks. Findings in the legal section are left out, as the reviewer marked none there.
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


def evaluate_plain(folder: Path) -> dict[str, PlainScore]:
    """Score every rule the marks are for against ``folder``/plain_marks.csv."""
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
            hit = next(
                (
                    i
                    for i, f in enumerate(findings)
                    if f.rule == rule and _overlaps(f.text, mark["words"])
                ),
                None,
            )
            if hit is None:
                scores[rule].missed.append(f"{name}: {mark['words']}")
            else:
                scores[rule].caught += 1
                used[hit] += 1
        for i, finding in enumerate(findings):
            if not used[i]:
                scores[finding.rule].unmarked.append(f"{name}: {finding.text}")
    return scores


def format_plain(scores: dict[str, PlainScore], details: bool = False) -> str:
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
    if details:
        for rule, s in scores.items():
            for what, items in (("missed", s.missed), ("not marked", s.unmarked)):
                lines.extend(f"  {rule} {what}: {item}" for item in items)
    return "\n".join(lines)


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
    print(format_plain(evaluate_plain(args.folder), args.details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
