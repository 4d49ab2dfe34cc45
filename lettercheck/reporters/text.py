"""The text report staff read in a terminal: per letter its LIX and findings, then a summary.

Written in Danish for the people who fix the letters. Each finding names where it is (paragraph
number, counted from 1 as a reader would, and the part of the letter) and quotes the exact words.
"""

from __future__ import annotations

import re

from lettercheck.language.lix import display
from lettercheck.model.findings import FileResult, Finding, Severity
from lettercheck.model.words import LETTER_TYPE_DA, PLURAL_DA, SEVERITY_DA
from lettercheck.reporters.catalog import block_label, quoted_words
from lettercheck.reporters.summary import Summary

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _style(text: str, colour: bool, **kwargs) -> str:
    if not colour:
        return text
    import click

    return click.style(text, **kwargs)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""Control characters as ``\xNN``: a file name with a newline must not split a report line,
    and a name or a .txt letter holding terminal escape codes must not drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_file(result: FileResult, *, colour: bool = False) -> str:
    path = printable(result.path.as_posix())
    if result.readability is None:
        unreadable = _style("kan ikke læses", colour, fg="red")
        return f"{_style(path, colour, bold=True)}: {unreadable}: {printable(result.error or '')}\n"
    lines = []
    head = _style(path, colour, bold=True)
    if result.readability is not None:
        r = result.readability
        head += f"  LIX {display(r.lix)} ({r.band}) · {r.words} ord · {r.sentences} sætninger"
    lines.append(head)
    if result.letter_type is not None:
        kind = result.letter_type
        word = LETTER_TYPE_DA.get(kind.type, kind.type)
        lines.append(f"  brevtype: {word} ({printable(kind.because)})")
    for finding in result.findings:
        lines.append("  " + _finding_line(finding, colour))
        if finding.suggestion:
            lines.append(f"      → {printable(finding.suggestion)}")
    if not result.findings:
        lines.append("  ingen fund")  # said, so a clean letter is not taken for one left out
    if result.error is not None:  # checked, but its annotated copy could not be written
        lines.append(f"  {_style('fejl', colour, fg='red')}: {printable(result.error)}")
    return "\n".join(lines) + "\n"


def _finding_line(finding: Finding, colour: bool) -> str:
    where = block_label(finding)
    severity = SEVERITY_DA[finding.severity]
    line = (
        f"{where}: {_style(severity, colour, fg=_COLOURS[finding.severity])} "
        f"{finding.code} {finding.title or finding.rule}: {finding.message}"
    )
    words = quoted_words(finding)
    if words is not None:
        line += f" »{printable(words)}«"
    return line


def render_unreadable(paths: list) -> str:
    """The files that could not be read, once more after the summary (their reasons stand at
    each file above)."""
    lines = ["Kunne ikke læses (se grunden ved filen ovenfor):"]
    lines += [f"  {printable(path.as_posix())}" for path in paths]
    return "\n".join(lines) + "\n"


def render_summary(summary: Summary) -> str:
    counts = ", ".join(
        f"{n} {SEVERITY_DA[s] if n == 1 else PLURAL_DA[s]}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        for n in [summary.by_severity.get(s.value, 0)]
    )
    letters = "brev" if summary.checked == 1 else "breve"
    text = f"{summary.checked} {letters} kontrolleret · {summary.findings} fund ({counts})"
    if summary.unreadable:
        text += f" · {summary.unreadable} kunne ikke læses"
    if summary.copies_failed:
        copies = "kopi" if summary.copies_failed == 1 else "kopier"
        text += f" · {summary.copies_failed} kommenterede {copies} ikke skrevet"
    return text + "\n"
