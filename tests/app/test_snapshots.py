"""Snapshot tests: the CLI's text and JSON output on chosen corpus letters, compared line by line
with the files in tests/snapshots/. A change in wording, order or findings shows up as a diff to
review. After a deliberate change, refresh them with

    LETTERCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parents[1] / "snapshots"
LETTERS = [
    "corpus/afgoerelse_sygedagpenge_bevilling_bad.docx",
    "corpus/afgoerelse_sygedagpenge_bevilling_good.docx",
    "corpus/template_invitation_mergefields_good.dotx",
    "corpus/virksomhedspraktik_tilbud_bad.docx",
]
CASES = {
    "check.txt": ["--jobs", "1", *LETTERS],
    "check.json": ["--format", "json", "--jobs", "1", *LETTERS],
    "rules.txt": ["rules"],
    "explain-legal-reference-early.txt": ["explain", "legal-reference-early"],
    "show.txt": ["show", "corpus/virksomhedspraktik_tilbud_bad.docx"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_output_matches_snapshot(name: str) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "lettercheck", *CASES[name]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in result.stderr
    snapshot = SNAPSHOTS / name
    if os.environ.get("LETTERCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stdout, encoding="utf-8")
    expected = snapshot.read_text(encoding="utf-8")
    assert result.stdout.splitlines() == expected.splitlines()
