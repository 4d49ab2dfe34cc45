"""The ``lettercheck`` command's entry point: Ctrl-C and SIGTERM while Python imports click and
the command line (the first ~70 ms) are answered with one line, never a traceback.

A ``KeyboardInterrupt`` raised while a module is being imported is not reliable (CPython may
record it as unhandled even when it is caught, and the process then dies by SIGINT, exit -2; see
interrupt.StopSignals), so during an import the signal is only noted and answered when the import
is done; anywhere else it raises as usual (a command that does not hold the signals itself, such
as a server, still stops on Ctrl-C).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _importing(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def run() -> None:
    noted: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        noted.append(signum)
        if not _importing(frame):
            raise KeyboardInterrupt

    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, hold)
        from lettercheck.app.cli import main

        if not noted:
            main()
    except KeyboardInterrupt:
        pass
    except SystemExit:
        if not noted:
            raise
    finally:
        # The command is over and the process is exiting: a late signal changes nothing (raised
        # during Python's shutdown it would end the process by SIGINT instead of its exit code).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
    if noted:
        terminated = signal.SIGTERM in noted
        sys.stderr.write(f"Afbrudt ({'stoppet' if terminated else 'Ctrl-C'}).\n")
        sys.exit(143 if terminated else 130)
