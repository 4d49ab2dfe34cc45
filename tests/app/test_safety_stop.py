"""Issue 16 §7: whatever a letter contains, Ctrl-C and SIGTERM end a run within two seconds, and
a letter that takes longer than the per-letter limit is that letter's error.

The slow letter (tests/misbehaving_cli.py, slow-on) runs a catastrophic regex that never ends, the
way the quadratic pattern of §6 kept a run busy for minutes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import hostile as h
import pytest

#: langsom.docx never finishes (tests/misbehaving_cli.py)
SLOW = ("slow-on", "langsom.docx")


@pytest.fixture
def letters(tmp_path) -> Path:
    folder = tmp_path / "breve"
    folder.mkdir()
    h.good_letter(folder / "a.docx")
    h.good_letter(folder / "langsom.docx")
    h.good_letter(folder / "c.docx")
    return folder


def test_a_letter_over_the_time_limit_is_its_error_and_the_others_are_checked(letters):
    start = time.monotonic()
    result = h.run_cli(
        "--timeout", "2", "--jobs", "1", letters,
        misbehave=SLOW, timeout=60,
    )  # fmt: skip
    h.assert_no_traceback(result.stdout, result.stderr)
    assert time.monotonic() - start < 40
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = [x for x in result.stdout.splitlines() if "langsom.docx:" in x]
    assert "tog mere end 2 sekunder" in line, line
    assert "3 breve kontrolleret" in result.stdout or "2 breve kontrolleret" in result.stdout


def test_the_time_limit_comes_from_the_configuration_in_an_audit(letters, tmp_path):
    (letters / ".lettercheck.toml").write_text("letter-timeout = 2\n", encoding="utf-8")
    result = h.run_cli(
        "audit", "--jobs", "2", letters, "--csv", tmp_path / "r.csv",
        misbehave=SLOW, timeout=60,
    )  # fmt: skip
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any("langsom.docx" in r and "tog mere end 2 sekunder" in r for r in rows), rows


def test_a_bad_letter_timeout_is_one_line(letters):
    (letters / ".lettercheck.toml").write_text('letter-timeout = "lang"\n', encoding="utf-8")
    result = h.run_cli(letters, timeout=60)
    assert result.returncode == 2
    assert "letter-timeout" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "jobs", "sig", "code"),
    [
        ("check", "1", signal.SIGINT, 130),
        ("check", "1", signal.SIGTERM, 143),
        ("check", "2", signal.SIGINT, 130),
        ("audit", "1", signal.SIGTERM, 143),
        ("audit", "2", signal.SIGINT, 130),
    ],
)
def test_a_stop_ends_the_run_within_two_seconds_whatever_the_letter(
    letters, tmp_path, command, jobs, sig, code
):
    args = ["--jobs", jobs, "--timeout", "600", letters]
    if command == "audit":
        args = ["audit", *args, "--html", tmp_path / "r.html"]
    proc = subprocess.Popen(
        h.misbehaving_cli_command(*SLOW, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=h.cli_env(),
        start_new_session=True,
    )
    time.sleep(8)  # spaCy is loaded and the slow letter is in hand
    assert proc.poll() is None, proc.communicate()
    sent = time.monotonic()
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # as a terminal sends it: to the whole process group
    else:
        proc.send_signal(sig)  # as timeout or a CI time-out sends it
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    h.assert_no_traceback(out, err)
    assert proc.returncode == code, err
    assert took < 2.5, took
    assert "Afbrudt" in err
    assert not (tmp_path / "r.html").exists()
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert leftovers == []
