"""CSV for spreadsheets: one row per letter, made for Danish Excel.

Danish Excel opens a double-clicked ``.csv`` with the list separator of the Danish locale, which is
``;`` (the comma is the decimal separator there), and reads it as UTF-8 only when the file starts
with a byte order mark. So the file is UTF-8 with BOM, fields are separated by ``;``, decimals use a
comma (``31,2``) and lines end with CRLF. Quoting follows RFC 4180 (``"`` around fields holding
``;``, quotes or line breaks).

Columns: ``fil; brevtype; lix; niveau; ord; sætninger; lange ord (over 6 bogstaver)`` (the
letter's type, then the LIX counts; the last is LIX's long words, not the long-word rule),
``fund; fejl; advarsler; råd`` (the letter's findings, in all and by severity, so Excel can sort
the worst letters first), then one column per rule with how many times it fired, named as the
HTML report and the Word comments name it (``LC301 De-form``: the code, the stable handle that
sorts, and the Danish title for readers). Last, ``kunne ikke læses``: why the file could not be
read, empty otherwise. ``brevtype`` holds the stable values of the JSON report (``afgoerelse``,
``indkaldelse``, …). Rule columns come from the engine's catalog so every file of an audit has
the same columns, plus any rule that fired but is not in it.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lettercheck.model.findings import FileResult, Severity
from lettercheck.model.words import PLURAL_DA
from lettercheck.reporters.catalog import catalog_with_findings, rule_catalog

BOM = "\ufeff"
SEPARATOR = ";"
FIXED_COLUMNS = [
    "fil",
    "brevtype",
    "lix",
    "niveau",
    "ord",
    "sætninger",
    "lange ord (over 6 bogstaver)",
    "fund",
    # a column per severity, as the reports say it in the plural ("fejl", "advarsler", "råd")
    *(PLURAL_DA[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)),
]
#: The last column: why a file could not be read (empty for a letter that was checked).
ERROR_COLUMN = "kunne ikke læses"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _text(value: str) -> str:
    """Keep Excel from running a cell as a formula (a file named ``=HYPERLINK(…).docx``)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _display_path(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return _text(Path(os.path.abspath(path)).relative_to(os.path.abspath(base)).as_posix())
        except ValueError:
            pass
    return _text(Path(path).as_posix())


def render(
    results: list[FileResult],
    *,
    rules: Iterable[Any] | None = None,
    base: Path | None = None,
    **_: Any,
) -> str:
    """The CSV text, BOM included; write it with ``newline=""`` (or as bytes) to keep CRLF."""
    catalog = catalog_with_findings(rule_catalog(rules), results)
    rule_names = [r.name for r in catalog]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([*FIXED_COLUMNS, *(r.label for r in catalog), ERROR_COLUMN])
    for result in results:
        findings = result.findings or ()
        counts = Counter(f.rule for f in findings)
        severities = Counter(f.severity for f in findings)
        r = result.readability
        if r is None or result.error is not None:
            fixed = [_display_path(result.path, base), *("" for _ in FIXED_COLUMNS[1:])]
            per_rule = ["" for _ in rule_names]
        else:
            fixed = [
                _display_path(result.path, base),
                result.letter_type.type if result.letter_type is not None else "",
                _decimal(r.lix),
                r.band,
                str(r.words),
                str(r.sentences),
                str(r.long_words),
                str(len(findings)),
                str(severities[Severity.ERROR]),
                str(severities[Severity.WARNING]),
                str(severities[Severity.INFO]),
            ]
            per_rule = [str(counts.get(name, 0)) for name in rule_names]
        writer.writerow([*fixed, *per_rule, _text(result.error or "")])
    return BOM + buffer.getvalue()
