"""``lettercheck audit``: check hundreds or thousands of letters and write the HTML and CSV report.

An audit of 10,000 templates must not hold 10,000 documents, so workers return only each letter's
``FileResult`` (never its ``Document``), slimmed to what the reports show: the finding's ``why``
is dropped (the rule catalog has it once) and the strings every finding of a rule shares are
interned in the parent. Results stream back in input order through ``lettercheck.runner``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lettercheck.findings import FileResult, Finding


def audit_one(path: Path) -> FileResult:
    """Check one letter in a worker and return its slim result (no document, no ``why``)."""
    from lettercheck.pipeline import check_file

    result = check_file(path).result
    if result.findings:
        result.findings = [replace(f, why="") for f in result.findings]
    return result


def _intern(finding: Finding) -> Finding:
    """Share the strings that repeat across letters (rule, code, message, part)."""
    return replace(
        finding,
        rule=sys.intern(finding.rule),
        code=sys.intern(finding.code),
        message=sys.intern(finding.message),
        part=sys.intern(finding.part) if finding.part is not None else None,
    )


def collect(results: Iterable[FileResult]) -> Iterator[FileResult]:
    """Slim each result as it arrives (strings interned) so many letters stay small in memory."""
    for result in results:
        if result.findings:
            result.findings = [_intern(f) for f in result.findings]
        yield result


@dataclass(slots=True)
class AuditOutcome:
    letters: int
    unreadable: int
    findings: int


def run_audit(
    paths: list[Path],
    *,
    html_path: Path | None,
    csv_path: Path | None,
    jobs: int,
    on_done: Callable[[object, int, int], None] | None = None,
    base: Path | None = None,
) -> AuditOutcome:
    """Check ``paths`` and write the reports; each report is written to a temporary file and
    renamed, so a failed run never leaves half a report."""
    from lettercheck.reporters import csv as csv_reporter
    from lettercheck.reporters import html as html_reporter
    from lettercheck.reporters.catalog import rule_catalog
    from lettercheck.runner import run

    results = list(collect(run(paths, jobs, audit_one, on_done=on_done)))
    rules = rule_catalog()
    base = html_reporter.common_base(results) if base is None else base
    if html_path is not None:
        _write(html_path, html_reporter.iter_render(results, rules=rules, base=base), newline="\n")
    if csv_path is not None:
        _write(csv_path, [csv_reporter.render(results, rules=rules, base=base)], newline="")
    return AuditOutcome(
        letters=len(results),
        unreadable=sum(1 for r in results if r.error is not None),
        findings=sum(len(r.findings or ()) for r in results),
    )


def _write(path: Path, pieces: Iterable[str], newline: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        # backslashreplace: a file name that is not UTF-8 (a lone surrogate) must not fail the
        # whole report; it is shown as a \udcXX escape.
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace", newline=newline) as out:
            for piece in pieces:
                out.write(piece)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk or Ctrl-C leaves no half report behind
        raise
