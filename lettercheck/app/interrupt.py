"""Stopping a run on Ctrl-C or SIGTERM at a safe point, never wherever the signal lands."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any


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

    def __init__(self) -> None:
        self.pressed = False
        self.terminated = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._note)
            except ValueError:  # not the main thread: signals are not ours to handle
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self._previous = {}

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        self.terminated = self.terminated or signum == signal.SIGTERM

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` here if Ctrl-C (or SIGTERM) came since the run began."""
        if self.pressed:
            raise KeyboardInterrupt
