"""``lettercheck audit``: check hundreds or thousands of letters and write the HTML and CSV report.

An audit of 10,000 templates must not hold 10,000 documents, so workers return only each letter's
``FileResult`` (never its ``Document``), slimmed to what the reports show: the finding's ``why``
is dropped (the rule catalog has it once) and the strings every finding of a rule shares are
interned in the parent. Results stream back in input order through ``lettercheck.app.runner``.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lettercheck.app.interrupt import StopSignals
from lettercheck.app.safewrite import Staged, commit_together
from lettercheck.model.findings import FileResult, Finding


def audit_one(path: Path, timeout: float | None = None) -> FileResult:
    """Check one letter in a worker and return its slim result (no document, no ``why``)."""
    from lettercheck.app.pipeline import timed_check

    result = timed_check(path, timeout).result
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
    ctrl_c: StopSignals | None = None,
    timeout: float | None = None,
) -> AuditOutcome:
    """Check ``paths`` and write the reports. Both reports are written to temporary files first
    and renamed into place together at the end, so a failed or interrupted run leaves neither
    half a report nor one report without the other. Ctrl-C is taken through ``ctrl_c`` (the
    caller's, when it must hold Ctrl-C beyond the audit, as the CLI does until its summary)."""
    from lettercheck.app.runner import run
    from lettercheck.reporters import csv as csv_reporter
    from lettercheck.reporters import html as html_reporter
    from lettercheck.reporters.catalog import rule_catalog

    with contextlib.nullcontext(ctrl_c) if ctrl_c is not None else StopSignals() as held:

        def done(path: object, count: int, total: int) -> None:
            held.check()
            if on_done is not None:
                on_done(path, count, total)

        work = functools.partial(audit_one, timeout=timeout)
        results = list(collect(run(paths, jobs, work, on_done=done)))
        held.check()
        rules = rule_catalog()
        base = html_reporter.common_base(results) if base is None else base
        staged: list[Staged] = []
        try:
            if html_path is not None:
                pieces = html_reporter.iter_render(results, rules=rules, base=base)
                staged.append(_stage(html_path, "--html", pieces, "\n", held.check))
            if csv_path is not None:
                pieces = [csv_reporter.render(results, rules=rules, base=base)]
                staged.append(_stage(csv_path, "--csv", pieces, "", held.check))
            held.check()  # the last point where Ctrl-C stops the audit
            commit_together(staged)  # both, under a lock against another audit's reports
        except BaseException:
            for one in staged:
                one.discard()  # a full disk or Ctrl-C leaves no report behind
            raise
    return AuditOutcome(
        letters=len(results),
        unreadable=sum(1 for r in results if r.error is not None),
        findings=sum(len(r.findings or ()) for r in results),
    )


def _stage(
    path: Path, option: str, pieces: Iterable[str], newline: str, check: Callable[[], None]
) -> Staged:
    """Write a report to a temporary file beside ``path`` (an unpredictable name, see safewrite)
    and return it staged; it is removed again if writing fails or Ctrl-C (``check``) stops it."""
    staged = Staged(path, newline=newline, option=option)
    try:
        for piece in pieces:
            check()
            staged.file.write(piece)
        staged.close()
    except BaseException:
        staged.discard()
        raise
    return staged
