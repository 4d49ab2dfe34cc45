"""Baselines: accept today's findings so that only new ones count.

A team that adopts the pre-commit hook on a repository of old templates cannot fix every letter
on day one. ``lettercheck --write-baseline lettercheck-baseline.json letters/`` records what is
there; ``--baseline lettercheck-baseline.json`` then drops those findings, so the hook blocks only
what a commit adds.

A finding is identified by its file, its rule and its matched words (whitespace collapsed), plus
its occurrence among findings with the same file, rule and words, never by block or character
position: adding a paragraph above an old finding moves it but does not make it new. A letter
that has ``"jf."`` flagged twice in the baseline may keep two; a third one is new. Findings about
the whole letter (no words) are identified by file and rule.

The file is JSON, sorted and indented, with paths relative to the baseline file's own folder
(``/``-separated), so it is stable in git diffs and works from any working directory::

    {"lettercheck-baseline": 1,
     "files": {"letters/indkaldelse.docx": [{"rule": "legal-reference-early", "text": "jf. § 19",
                                             "count": 1}]}}
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lettercheck.model.findings import FileResult, Finding
from lettercheck.model.smallfile import NotAFile, read_regular

FORMAT_VERSION = 1
#: Largest baseline read (a repository of thousands of templates writes a few MB).
MAX_BASELINE_BYTES = 64 << 20
_KEY = "lettercheck-baseline"
_SPACE = re.compile(r"\s+")


class BaselineError(ValueError):
    """The baseline file cannot be read; the message is one Danish line for the user."""


def _words(finding: Finding) -> str | None:
    """The finding's identity text: its words with whitespace collapsed (None if not located)."""
    if finding.text is None:
        return None
    return _SPACE.sub(" ", finding.text).strip()


def _key_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute paths are resolved first)."""
    rel = os.path.relpath(Path(path).resolve(), root.resolve())
    return Path(rel).as_posix()


def _counts(findings: Iterable[Finding]) -> Counter[tuple[str, str | None]]:
    return Counter((f.rule, _words(f)) for f in findings)


def write(path: Path, results: Iterable[FileResult], opener: Any = None) -> int:
    """Write the baseline of ``results`` to ``path``; returns how many findings it holds.

    Files that could not be read are left out: their findings are unknown, so nothing is accepted
    for them. ``opener(path)`` is a context manager giving the stream to write (the CLI's safe
    writer: a temporary file with an unpredictable name, renamed when complete); without one the
    file is written the same way here.
    """
    path = Path(path)
    text, total = render(path, results)
    with (opener or _replaced_when_complete)(path) as out:
        out.write(text)
    return total


@contextlib.contextmanager
def _replaced_when_complete(path: Path) -> Iterator[Any]:
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def render(path: Path, results: Iterable[FileResult]) -> tuple[str, int]:
    """The baseline file's text for ``path`` (keys relative to its folder) and its finding count."""
    path = Path(path)
    root = path.parent
    files: dict[str, list[dict]] = {}
    total = 0
    for result in results:
        if result.error is not None or not result.findings:
            continue
        entries = files.setdefault(_key_path(result.path, root), [])
        for (rule, text), count in _counts(result.findings).items():
            entries.append({"rule": rule, "text": text, "count": count})
            total += count
    for key, entries in files.items():
        merged: Counter[tuple[str, str | None]] = Counter()
        for e in entries:
            merged[(e["rule"], e["text"])] += e["count"]
        files[key] = [
            {"rule": rule, "text": text, "count": count}
            for (rule, text), count in sorted(
                merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
            )
        ]
    data = {_KEY: FORMAT_VERSION, "files": dict(sorted(files.items()))}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n", total


@dataclass
class Baseline:
    """Accepted findings per file (keys relative to ``root``). ``suppressed`` counts what
    ``filter`` has dropped so far, for the summary line."""

    root: Path
    files: dict[str, Counter[tuple[str, str | None]]] = field(default_factory=dict)
    suppressed: int = 0
    matched: bool = False  # whether any file checked so far is named in the baseline
    source: Path | None = None

    def unmatched_warning(self) -> str | None:
        """A line when the baseline names files but none of those checked (a baseline from
        another folder, or paths that moved): it then accepted nothing."""
        if self.matched or not self.files:
            return None
        example = next(iter(self.files))
        return (
            f"baselinen {self.source or self.root} nævner ingen af de kontrollerede filer (fx "
            f"{example}, relativt til baseline-filens mappe), så den har ikke fjernet noget fund. "
            "Tjek, at det er den rigtige baseline, eller skriv den igen med --write-baseline."
        )

    def filter(self, result: FileResult) -> FileResult:
        """A copy of ``result`` without the findings the baseline accepts.

        Within one (rule, words) group the first ``count`` findings in document order are
        accepted and the rest are new.
        """
        key = _key_path(result.path, self.root)
        if key in self.files:
            self.matched = True
        if result.error is not None or not result.findings:
            return result
        accepted = self.files.get(key)
        if not accepted:
            return result
        left = Counter(accepted)
        kept: list[Finding] = []
        for finding in result.findings:
            key = (finding.rule, _words(finding))
            if left[key] > 0:
                left[key] -= 1
                self.suppressed += 1
            else:
                kept.append(finding)
        return replace(result, findings=kept)


def load(path: Path) -> Baseline:
    """Read a baseline written by :func:`write`; raises :class:`BaselineError` if it is unusable."""
    path = Path(path)
    try:
        data = json.loads(read_regular(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except NotAFile as error:
        raise BaselineError(
            f"Baseline-filen {path} {error}. Angiv en baseline skrevet med --write-baseline"
        ) from None
    except FileNotFoundError:
        raise BaselineError(
            f"Baseline-filen {path} findes ikke. Lav den med --write-baseline {path}"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise BaselineError(
            f"Baseline-filen {path} kan ikke læses. Lav den igen med --write-baseline"
        ) from None
    if not isinstance(data, dict) or data.get(_KEY) != FORMAT_VERSION:
        raise BaselineError(
            f"{path} er ikke en lettercheck-baseline. Lav den igen med --write-baseline"
        )
    files: dict[str, Counter[tuple[str, str | None]]] = {}
    try:
        for key, entries in data["files"].items():
            counter: Counter[tuple[str, str | None]] = Counter()
            for e in entries:
                count, rule, text = e["count"], e["rule"], e["text"]
                if (
                    isinstance(count, bool)
                    or not isinstance(count, int)
                    or not 1 <= count <= 1_000_000_000
                    or not isinstance(rule, str)
                    or not (text is None or isinstance(text, str))
                ):
                    raise ValueError(f"bad entry {e!r}")
                counter[(rule, text)] += count
            files[str(key)] = counter
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise BaselineError(
            f"Baseline-filen {path} er beskadiget. Lav den igen med --write-baseline"
        ) from None
    return Baseline(root=path.parent, files=files, source=path)
