"""Totals over a run, shared by every reporter and by the exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lettercheck.model.findings import FileResult, Severity


@dataclass(slots=True)
class Summary:
    fail_on: Severity = Severity.ERROR
    files: int = 0
    checked: int = 0
    unreadable: int = 0  # files that could not be read (no readability)
    copies_failed: int = 0  # letters checked whose annotated copy was not written
    failing: int = 0  # letters with a finding at or above fail_on
    by_severity: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.error is not None:
            if result.readability is None:
                self.unreadable += 1
            else:
                self.copies_failed += 1
        if result.readability is not None:
            self.checked += 1
        failing = False
        for finding in result.findings:
            self.by_severity[str(finding.severity)] += 1
            self.by_rule[finding.rule] += 1
            failing = failing or finding.severity.rank >= self.fail_on.rank
        self.failing += failing

    @classmethod
    def of(cls, results: Iterable[FileResult], fail_on: Severity = Severity.ERROR) -> Summary:
        summary = cls(fail_on=fail_on)
        for result in results:
            summary.add(result)
        return summary

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read or its copy written, 1 when a finding reaches
        --fail-on, else 0."""
        if self.unreadable or self.copies_failed:
            return 2
        return 1 if self.failing else 0

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "checked": self.checked,
            "errors": self.unreadable + self.copies_failed,
            "findings": self.findings,
            "by_severity": {s.value: self.by_severity.get(s.value, 0) for s in Severity},
            "by_rule": dict(sorted(self.by_rule.items())),
            "fail_on": self.fail_on.value,
            "exit_code": self.exit_code,
        }
