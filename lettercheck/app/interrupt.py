"""Stopping a run on Ctrl-C or SIGTERM at a safe point, never wherever the signal lands."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from lettercheck.model.document import LetterError

#: Seconds after Ctrl-C or SIGTERM within which a run has ended, whatever a letter contains: when
#: the run has not stopped by itself by then, it is stopped (see ``StopSignals._force``).
FORCE_AFTER = 1.5
#: Held while an annotated copy is being written in this process; a forced stop waits for it.
WRITING = threading.Lock()
#: Temporary folders of the run (``audit --history``'s copies of old letters); a forced stop
#: removes them.
TEMP_FOLDERS: set[str] = set()
_interruptible = 0  # > 0 while a letter is checked in this process (see ``interruptible``)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """A letter's check: here Ctrl-C and SIGTERM raise at once instead of waiting for the letter
    to end (a letter may take minutes), so the run stops within a moment. Nothing is written
    inside (the annotated copy is written after, with the signals held)."""
    global _interruptible
    _interruptible += 1
    try:
        yield
    finally:
        _interruptible -= 1


class LetterTimeout(LetterError):
    """A letter's check took longer than the per-letter limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`LetterTimeout` in the block after ``seconds`` (SIGALRM; the main thread of a
    process only; elsewhere no limit). The regex engine and Python code take it at once."""
    if (
        not seconds
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield
        return

    def expired(_signum: int, _frame: FrameType | None) -> None:
        shown = f"{seconds:g}".replace(".", ",")
        raise LetterTimeout(
            f"Kontrollen af filen tog mere end {shown} sekunder og blev stoppet; de andre filer "
            "kontrolleres. Del brevet op, eller sæt en højere grænse med --timeout eller "
            "letter-timeout i konfigurationen."
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class StopSignals:
    """Ctrl-C (SIGINT) and SIGTERM during a run, taken only where it is safe: between letters,
    between pieces of a report, and not once reports are being put in place.

    Python would raise ``KeyboardInterrupt`` wherever the signal lands, and at the start of a
    run that is inside third-party code where it is not reliable: spaCy's import, and the
    forking of the workers. Raised inside code run by ``exec()`` (how dataclasses and
    namedtuples are made while a module is imported), CPython records it as unhandled even when
    we catch it, so ``python -m lettercheck`` printed our line and then killed itself with
    SIGINT (exit -2, not 130). Raised inside a C extension's module init or a fork hook
    (logging's), it was swallowed and the run went on as if the key had not been pressed; inside
    the process pool's machinery it could leave the pool hanging. So the handler only notes the
    signal, and ``check()`` raises at the next safe point: a letter takes milliseconds, the
    first one (which loads spaCy) about a second.

    Forked workers inherit the handler until they ignore SIGINT (``runner._worker_start``), so a
    Ctrl-C to the whole process group while they start is harmless there too.

    SIGTERM (``timeout``, a cancelled CI job) is taken the same way; ``terminated`` tells the
    two apart, so the CLI can exit 143 for it
    (128 + 15, what a shell reports for a process ended by SIGTERM).
    """

    def __init__(
        self, unwritten: str = "Kopier og rapporter, der ikke var færdige, er ikke skrevet."
    ) -> None:
        self.unwritten = unwritten  # what the line of a forced stop says was not written
        self.pressed = False
        self.terminated = False
        self._previous: dict[int, Any] = {}
        self._timer: threading.Timer | None = None
        self._over = False

    def __enter__(self) -> StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._note)
            except ValueError:  # not the main thread: signals are not ours to handle
                break
        return self

    def __exit__(self, *exc: object) -> None:
        self._over = True
        if self._timer is not None:
            self._timer.cancel()
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self._previous = {}

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        self.terminated = self.terminated or signum == signal.SIGTERM
        if self._timer is None:
            # Whatever the letter in hand contains (C code that never returns to Python), the
            # run ends within two seconds of the signal.
            self._timer = threading.Timer(FORCE_AFTER, self._force)
            self._timer.daemon = True
            self._timer.start()
        if _interruptible:
            raise KeyboardInterrupt  # inside a letter's check: stop it now

    def _force(self) -> None:
        """The run has not stopped by itself: wait for a copy or report being put in place,
        remove temporary files, end the workers (they hold SIGTERM while writing a copy) and
        exit with the signal's code."""
        from lettercheck.app import safewrite

        if self._over:
            return
        WRITING.acquire(timeout=10)
        safewrite.RENAMING.acquire(timeout=10)
        if self._over:
            return
        for name in list(safewrite.PENDING):
            with contextlib.suppress(OSError):
                os.unlink(name)
        for folder in list(TEMP_FOLDERS):
            shutil.rmtree(folder, ignore_errors=True)
        for child in multiprocessing.active_children():
            with contextlib.suppress(Exception):
                child.terminate()
        how = "stoppet" if self.terminated else "Ctrl-C"
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        line = f"Afbrudt ({how}). {self.unwritten}\n"
        with contextlib.suppress(OSError):
            os.write(2, line.encode())
        os._exit(143 if self.terminated else 130)

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` here if Ctrl-C (or SIGTERM) came since the run began."""
        if self.pressed:
            raise KeyboardInterrupt
