"""Find the letters to check under the paths a user gives.

Folders are searched recursively in a stable (sorted) order so reports and exit codes do not depend
on the file system. Word's lock files (``~$brev.docx``) and hidden files are skipped. Symbolic links
inside a folder are not followed unless asked: a link can point out of the folder or loop, and an
unattended hook must neither wander nor hang. README, CHANGELOG and LICENSE text files in a folder
are its documentation, not letters, and a folder of annotated copies (marked by ``--annotate``) is
not checked again. A file or folder named on the command line is always checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lettercheck.app.pipeline import SUPPORTED_SUFFIXES, TEXT_SUFFIXES

#: A folder of letters often carries its own documentation; these are not letters to check when
#: met in a folder (named on the command line they are checked like any file).
#: Written by ``--annotate`` into its output folder, so that a later check of the folder around it
#: does not check the copies (with their comments) a second time. Named on the command line, an
#: output folder is checked like any other.
ANNOTATED_MARKER = ".lettercheck-kommenteret"
ANNOTATED_MARKER_TEXT = (
    "Denne mappe indeholder kopier af breve med kommentarer fra lettercheck --annotate.\n"
    "lettercheck springer mappen over, når den ligger inde i en mappe, der kontrolleres.\n"
)

_PROJECT_FILES = frozenset({"readme", "changelog", "changes", "license", "licence", "contributing"})


@dataclass(frozen=True, slots=True)
class Found:
    """A file to check, and the folder it was found under (``None`` for a file given by name)."""

    path: Path
    root: Path | None


def find_letters(
    paths: Iterable[Path],
    *,
    exclude: Iterable[Path] = (),
    follow_symlinks: bool = False,
    skipped: list[Path] | None = None,
) -> Iterator[Found]:
    """Yield each letter once. ``exclude`` are folders not to enter (the annotation output) and
    files not to check (the report), so a run's outputs inside its input are not checked again.
    A folder that cannot be listed is yielded itself: checking it gives a clear error line, so its
    letters are not lost in silence. Folders passed over as lettercheck's annotated copies are
    added to ``skipped``, so the run can name them."""
    excluded = {_real(p) for p in exclude}
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for file in _walk(path, excluded, follow_symlinks, skipped):
                real = _real(file)
                if real not in seen:
                    seen.add(real)
                    yield Found(file, path)
        else:
            real = _real(path)
            if real not in seen:
                seen.add(real)
                yield Found(path, None)


def _walk(
    root: Path, excluded: set[Path], follow_symlinks: bool, skipped: list[Path] | None = None
) -> Iterator[Path]:
    visited: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = _real(folder)
        if real in excluded or real in visited:
            continue
        visited.add(real)
        if folder != root and is_annotation_folder(folder):
            # annotated copies from an earlier --annotate run: not letters to check again
            if skipped is not None:
                skipped.append(folder)
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            yield folder  # cannot be listed: reported as that folder's error, not lost in silence
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            if entry.is_symlink() and not follow_symlinks:
                continue
            try:
                if entry.is_dir():
                    subfolders.append(Path(entry.path))
                elif entry.is_file() and _is_letter_name(entry.name):
                    if excluded and _real(Path(entry.path)) in excluded:
                        continue  # our own report (rapport.txt) inside the input folder
                    yield Path(entry.path)
            except OSError:
                continue
        stack.extend(reversed(subfolders))


def is_annotation_folder(folder: Path) -> bool:
    """Does ``folder`` hold the marker lettercheck wrote (its exact text)? An empty or other file
    of that name, a link or a pipe hides nothing: anyone could place one in a folder of letters."""
    from lettercheck.model.smallfile import read_regular

    marker = folder / ANNOTATED_MARKER
    try:
        if marker.is_symlink():
            return False
        return read_regular(marker, 4096) == ANNOTATED_MARKER_TEXT.encode("utf-8")
    except OSError:
        return False  # no marker; an unlistable folder is reported below


def _is_letter_name(name: str) -> bool:
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES and path.stem.lower() in _PROJECT_FILES:
        return False
    return suffix in SUPPORTED_SUFFIXES


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
