"""``python -m lettercheck`` with one letter that misbehaves, for the tests that need it end to end
(a worker that dies, a letter that never finishes). The package has no test hooks: this script
patches the seam every job goes through, ``pipeline.check_file`` (called by ``timed_check`` inside
the per-letter time limit), in the command's own process before the command runs. Worker
processes are forked from it (the runner's start method where the platform has fork), so they
inherit the patch.

    python tests/misbehaving_cli.py crash-on=brev3.docx ARGS…   # the worker dies (os._exit)
    python tests/misbehaving_cli.py slow-on=langsom.docx ARGS…  # a catastrophic regex, in C
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


def main() -> None:
    how, _, name = sys.argv[1].partition("=")
    if how not in ("crash-on", "slow-on") or not name:
        raise SystemExit(f"usage: {sys.argv[0]} crash-on=NAME|slow-on=NAME ARGS…")
    from lettercheck.app import pipeline

    original = pipeline.check_file

    def misbehaving(path: Path, config: object = None) -> pipeline.CheckedFile:
        if Path(path).name == name:
            if how == "crash-on":
                # die the way a segfault in a C extension or the OOM killer ends a worker,
                # without a Python exception
                os._exit(70)
            # never finishes, inside the regex engine (in C), as a catastrophic pattern does
            re.search(r"(x+x+)+y", "x" * 64)
        return original(path, config)

    pipeline.check_file = misbehaving  # type: ignore[assignment]
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    from lettercheck.app.entry import run

    run()


if __name__ == "__main__":
    main()
