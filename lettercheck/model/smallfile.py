"""Reading a small file that a configuration or an option names, safely: only a regular file
(a named pipe would block the run for good, ``/dev/zero`` never ends), and at most ``limit``
bytes (a huge file is refused instead of filling memory)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotAFile(OSError):
    """The path is not a regular file, or too large; ``str()`` is a Danish reason."""

    def __init__(self, message: str) -> None:
        super().__init__(0, message)

    def __str__(self) -> str:
        return str(self.strerror)


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (links followed), at most ``limit`` of them.
    Raises :class:`NotAFile` for a folder, pipe, device, dangling link or a file over the limit,
    and ``OSError`` when it cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise NotAFile("er et link til en fil, der ikke findes") from None
        raise
    if stat.S_ISDIR(mode):
        raise NotAFile("er en mappe, ikke en fil")
    if not stat.S_ISREG(mode):
        raise NotAFile("er ikke en almindelig fil (men fx en pipe eller en enhed)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check above
            raise NotAFile("er ikke en almindelig fil (men fx en pipe eller en enhed)")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise NotAFile(f"er for stor (over {limit // (1 << 20)} MB)")
    return b"".join(chunks)
