"""Writing lettercheck's own outputs (reports, baselines) without harming anything else.

* A regular file (or a new one) is written to a temporary file with an unpredictable name,
  created exclusively in the target's folder (so a link planted at a guessable name is never
  followed), and renamed over the target only when complete. The temporary file is removed on
  every error path, also a full disk or Ctrl-C.
* A target that is not a regular file (a device such as ``/dev/null``, a named pipe, a terminal,
  ``/dev/stdout``) is written to directly: renaming over it would replace the device or pipe
  with a plain file.
* A target that is a symbolic link to a file, or a folder, is refused with one Danish line
  (:class:`OutputRefused`): writing through the link would change the file it points at, and
  replacing it would drop a link someone made on purpose.
* Reports renamed together (an audit's HTML and CSV) are renamed under an exclusive lock on their
  folders, so two runs writing the same paths at once leave both reports from one run.

Temporary files still pending are listed in :data:`PENDING`, so a stop that cannot wait for the
run to end (see ``interrupt``) can remove them first.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

try:  # pragma: no cover - always there on Linux and macOS
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Temporary files written but not yet renamed or removed.
PENDING: set[str] = set()
#: Held while outputs are renamed into place; a forced stop waits for it.
RENAMING = threading.Lock()


class OutputRefused(OSError):
    """An output path lettercheck will not write; the message (``strerror``) is one Danish line,
    so it is reported wherever a failed write is."""

    def __init__(self, message: str) -> None:
        super().__init__(0, message)

    def __str__(self) -> str:
        return str(self.strerror)


def refusal(path: Path, option: str = "") -> str | None:
    """Why ``path`` cannot be an output (a link, a folder), or None when it can."""
    named = f"{option} {path}" if option else str(path)
    try:
        lmode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return None  # reported when it is written
    if stat.S_ISLNK(lmode):
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = 0
        if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            return None  # /dev/stdout, a link to a terminal or pipe: written to directly
        return (
            f"{named} er et symbolsk link; lettercheck skriver ikke gennem links. "
            "Angiv selve filen, eller vælg en anden sti."
        )
    if stat.S_ISDIR(lmode):
        return f"{named} er en mappe. Angiv en fil."
    return None


def _direct(path: Path) -> bool:
    """Is ``path`` an existing target that is not a regular file (written to, never replaced)?"""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class Staged:
    """One output being written: ``file`` is the text stream; ``commit()`` puts it in place,
    ``discard()`` removes what was written. Direct targets need neither."""

    def __init__(self, path: Path, *, newline: str = "\n", option: str = "") -> None:
        self.path = Path(path)
        problem = refusal(self.path, option)
        if problem is not None:
            raise OutputRefused(problem)
        self.tmp: str | None = None
        if _direct(self.path):
            fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(
                prefix=f".{self.path.name[:80]}.", suffix=".tmp", dir=self.path.parent
            )
            PENDING.add(self.tmp)
        try:
            raw = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self.discard()
            raise
        # backslashreplace: a file name that is not UTF-8 (a lone surrogate) must not fail the
        # whole report; it is shown as a \udcXX escape.
        self.file: IO[str] = io.TextIOWrapper(
            raw, encoding="utf-8", errors="backslashreplace", newline=newline
        )

    def close(self) -> None:
        """Flush and close (a full disk shows here); the temporary file stays until commit."""
        self.file.close()

    def commit(self) -> None:
        self.close()
        if self.tmp is None:
            return
        try:
            os.chmod(self.tmp, _mode_for(self.path))
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise
        PENDING.discard(self.tmp)
        self.tmp = None

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.file.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            PENDING.discard(self.tmp)
            self.tmp = None


def _mode_for(path: Path) -> int:
    """The mode the file had, or what a new file gets under the umask (mkstemp makes 0600)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _folders_locked(paths: Sequence[Path]) -> Iterator[None]:
    """An exclusive lock on each folder the outputs go to (in a fixed order, so two runs cannot
    wait for each other), while they are renamed into place."""
    handles = []
    with RENAMING:
        try:
            if fcntl is not None:
                for folder in sorted({str(Path(p).parent.resolve()) for p in paths}):
                    try:
                        handle = os.open(folder, os.O_RDONLY)
                    except OSError:
                        continue
                    handles.append(handle)
                    with contextlib.suppress(OSError):
                        fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            for handle in handles:
                os.close(handle)  # closing releases the lock


def commit_together(staged: Sequence[Staged]) -> None:
    """Rename every staged output into place, as one step against other lettercheck runs."""
    try:
        with _folders_locked([s.path for s in staged]):
            for one in staged:
                one.commit()
    except BaseException:
        for one in staged:
            one.discard()
        raise


@contextlib.contextmanager
def output(path: Path, *, newline: str = "\n", option: str = "") -> Iterator[IO[str]]:
    """Write one output: the stream to write to; in place only when the block ends normally."""
    staged = Staged(path, newline=newline, option=option)
    try:
        yield staged.file
    except BaseException:
        staged.discard()
        raise
    commit_together([staged])


def same_file(a: Path, b: Path) -> bool:
    """Do two output paths name the same file (also through links or ``..``)?"""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()
