"""GitHub Actions workflow-command annotations: one ``::error``/``::warning``/``::notice`` line
per finding, so a workflow that runs ``lettercheck --format github letters/`` shows the findings
on the pull request.

Word letters have no lines, so no ``line=`` is given: GitHub then attaches the annotation to the
file. The message names the block and quotes the finding's words. Escaping follows GitHub's
runner (``toolkit/packages/core``): in the message ``%``, CR and LF are percent-encoded; in
property values (``file``, ``title``) also ``:`` and ``,``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from lettercheck.model.findings import FileResult, Finding, Severity
from lettercheck.reporters.catalog import block_label

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


#: Control characters besides CR and LF (those are %-encoded), DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # Other control characters (a terminal escape code in a letter or a file name) as \xNN, as
    # in the text report: a CI log shown in a terminal must not be driven by a letter.
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(path: Path, base: Path | None) -> str:
    """The path as GitHub wants it: relative to the repository root (the working directory)."""
    base = Path.cwd() if base is None else base
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()


def _line(command: str, file: str, title: str, message: str) -> str:
    return (
        f"::{command} file={escape_property(file)},title={escape_property(title)}::"
        + escape_data(message)
    )


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.text is not None:
        text += f" – »{finding.text}« ({block_label(finding)})"
    if finding.suggestion:
        text += f" Forslag: {finding.suggestion}"
    return text


def render(results: list[FileResult], *, base: Path | None = None, **_: Any) -> str:
    """One annotation line per finding and per unreadable file, in input order."""
    lines: list[str] = []
    for result in results:
        file = _path(result.path, base)
        if result.error is not None:
            lines.append(_line("error", file, "lettercheck: filen kunne ikke læses", result.error))
            continue
        for finding in result.findings or ():
            title = f"{finding.code} {finding.rule}"
            lines.append(_line(_COMMAND[finding.severity], file, title, _message(finding)))
    return "".join(line + "\n" for line in lines)
