"""The file system around the letters: links, permissions, odd names, many files, outputs inside
inputs, read-only and full output locations, Ctrl-C, a worker that dies.

Everything runs the real CLI in a child process with a hard timeout (a hang fails the test instead
of stalling CI). Permission cases need a process that file modes apply to: the tests run as root in
CI, so those children run without the capabilities that let root ignore file modes (see
``hostile.unprivileged``).
"""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import subprocess
import time
from pathlib import Path

import hostile as h
import pytest

invoke = h.invoke_cli


def report(result) -> dict:
    h.assert_no_traceback(result.stdout, result.stderr)
    return json.loads(result.stdout)


def names(rep: dict) -> list[str]:
    return [Path(entry["path"]).name for entry in rep["files"]]


# --- Symbolic links -----------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path) -> Path:
    """letters/ with a loop, a link out of the folder, a dangling link and a link to a device."""
    outside = tmp_path / "udenfor"
    outside.mkdir()
    h.good_letter(outside / "udenfor.docx")
    letters = tmp_path / "breve"
    (letters / "a" / "b").mkdir(parents=True)
    h.good_letter(letters / "a" / "god.docx")
    (letters / "a" / "b" / "loekke").symlink_to(letters / "a", target_is_directory=True)
    (letters / "op").symlink_to(letters, target_is_directory=True)
    (letters / "ud").symlink_to(outside, target_is_directory=True)
    (letters / "ud.docx").symlink_to(outside / "udenfor.docx")
    (letters / "vaek.docx").symlink_to(tmp_path / "findes-ikke.docx")
    (letters / "nul.txt").symlink_to("/dev/zero")
    return letters


def test_links_in_a_folder_are_not_followed_by_default(linked):
    result = invoke("--format", "json", "--jobs", "1", linked)
    assert names(report(result)) == ["god.docx"]
    assert result.returncode in (0, 1)


def test_follow_symlinks_terminates_and_checks_each_letter_once(linked):
    result = invoke("--format", "json", "--jobs", "1", "--follow-symlinks", linked)
    found = names(report(result))
    # udenfor.docx is reachable as ud.docx and as ud/udenfor.docx: one file, checked once.
    assert len(found) == 2 and "god.docx" in found, found
    assert {"ud.docx", "udenfor.docx"} & set(found), found
    assert result.returncode in (0, 1), result.stdout


def test_a_link_or_device_named_on_the_command_line_is_one_clean_line(linked):
    """A named file is always checked; a dangling link or a device must not hang or crash (a link
    to /dev/zero read naively is an endless file)."""
    result = h.run_cli("--jobs", "1", linked / "vaek.docx", linked / "nul.txt", timeout=60)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    h.assert_one_clean_error_line(result.stdout, linked / "nul.txt")
    h.assert_one_clean_error_line(result.stdout, linked / "vaek.docx")


def test_a_fifo_never_hangs(tmp_path):
    """Opening a named pipe blocks until someone writes to it; lettercheck must not open one."""
    fifo = tmp_path / "roer.txt"
    os.mkfifo(fifo)
    good = h.good_text_letter(tmp_path / "god.txt")
    result = h.run_cli("--jobs", "1", fifo, good, timeout=60)
    h.assert_no_traceback(result.stdout, result.stderr)
    h.assert_one_clean_error_line(result.stdout, fifo)
    assert "god.txt  LIX" in result.stdout
    folder = h.run_cli("--format", "json", "--jobs", "1", tmp_path, timeout=60)
    assert names(report(folder)) == ["god.txt"], "a FIFO in a folder is not a letter"


# --- Permissions --------------------------------------------------------------------------------


def test_unreadable_file_is_one_clean_line(tmp_path):
    good = h.good_letter(tmp_path / "god.docx")
    locked = h.good_letter(tmp_path / "laast.docx")
    locked_txt = h.good_text_letter(tmp_path / "laast.txt")
    for path in (locked, locked_txt):
        path.chmod(0)
    result = h.run_cli("--jobs", "1", tmp_path, timeout=120, **h.unprivileged())
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stdout + result.stderr
    for path in (locked, locked_txt):
        h.assert_one_clean_error_line(result.stdout, path, "adgang")
    (line,) = h.lines_naming(result.stdout, good)
    assert "LIX" in line


def test_an_unreadable_file_named_on_the_command_line_does_not_stop_the_others(tmp_path):
    """click would refuse the whole command in English ("Path … is not readable"); the file
    gets its Danish line like one found in a folder, and the next file is checked."""
    good = h.good_letter(tmp_path / "god.docx")
    locked = h.good_letter(tmp_path / "laast.docx")
    locked.chmod(0)
    result = h.run_cli("--jobs", "1", locked, good, timeout=120, **h.unprivileged())
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stdout + result.stderr
    h.assert_one_clean_error_line(result.stdout, locked, "adgang")
    (line,) = h.lines_naming(result.stdout, good)
    assert "LIX" in line


def assert_copy_failed(stdout: str, name: str) -> None:
    """The letter was checked (its findings are reported); one line says its copy failed."""
    errors = [line for line in stdout.splitlines() if line.startswith("  fejl: ") and name in line]
    assert len(errors) == 1 and "--annotate" in errors[0], stdout


def test_annotate_into_a_read_only_folder_is_a_clean_error(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(3):
        h.good_letter(letters / f"brev{n}.docx")
    out = tmp_path / "ud"
    out.mkdir()
    out.chmod(0o555)
    before = h.tree_hashes(letters)
    result = h.run_cli("--annotate", out, "--jobs", "1", letters, timeout=120, **h.unprivileged())
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stdout + result.stderr
    for n in range(3):
        assert_copy_failed(result.stdout, f"brev{n}.docx")
    assert list(out.iterdir()) == []
    assert h.tree_hashes(letters) == before


def test_report_to_a_read_only_folder_is_a_clean_error(tmp_path):
    good = h.good_letter(tmp_path / "god.docx")
    locked = tmp_path / "laast"
    locked.mkdir()
    locked.chmod(0o555)
    result = h.run_cli(
        "--format", "json", "--output", locked / "rapport.json", good, **h.unprivileged()
    )
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    assert "rapport.json" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "(ingen adgang). Vælg en anden placering." in result.stderr, result.stderr
    assert list(locked.iterdir()) == []


def test_full_disk_while_writing_the_report_leaves_no_partial_file(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(12):
        h.good_text_letter(letters / f"brev{n:02}.txt")
    out = tmp_path / "rapport"
    out.mkdir()
    result = h.run_cli("--output", out / "rapport.txt", letters, preexec_fn=h.file_size_limit(1000))
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    assert "rapport.txt" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Frigør plads, eller vælg en anden placering." in result.stderr, result.stderr
    assert list(out.iterdir()) == [], "no partial report, no temporary file"


def test_full_disk_while_annotating_leaves_no_partial_copy(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(3):
        h.good_letter(letters / f"brev{n}.docx")
    before = h.tree_hashes(letters)
    out = tmp_path / "ud"
    result = h.run_cli(
        "--annotate", out, "--jobs", "1", letters, preexec_fn=h.file_size_limit(2000)
    )
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    for n in range(3):
        assert_copy_failed(result.stdout, f"brev{n}.docx")
    written = [p for p in out.rglob("*") if p.is_file() and p.name != ".lettercheck-kommenteret"]
    assert written == [], "no partial copy (the folder's marker only)"
    assert h.tree_hashes(letters) == before


# --- Names --------------------------------------------------------------------------------------

ODD_NAMES = ["æøå brev.docx", "brev med  mellemrum.docx", "-brev.docx", "--help.docx", "Ærø.TXT"]


def test_odd_names_in_a_folder_and_after_double_dash(tmp_path, monkeypatch):
    letters = tmp_path / "breve med æøå"
    letters.mkdir()
    for name in ODD_NAMES:
        if name.endswith(".TXT"):
            h.good_text_letter(letters / name)
        else:
            h.good_letter(letters / name)
    result = invoke("--format", "json", "--jobs", "1", letters)
    assert sorted(names(report(result))) == sorted(ODD_NAMES)
    assert result.returncode in (0, 1)
    # Named one by one, relative to the folder, after "--" (a leading dash is not an option).
    monkeypatch.chdir(letters)
    result = invoke("--jobs", "1", "--", *ODD_NAMES)
    h.assert_no_traceback(result.stdout, result.stderr)
    for name in ODD_NAMES:
        (line,) = h.lines_naming(result.stdout, letters / name)
        assert "LIX" in line, line


def test_names_that_are_not_utf8_or_hold_control_characters(tmp_path):
    """A name from an old Samba share (Latin-1 bytes), with a newline, or with a terminal escape
    code must neither crash the report, nor break the one-line-per-file rule, nor reach the
    terminal raw."""
    letters = tmp_path / "breve"
    letters.mkdir()
    latin1 = os.fsdecode(b"\xe6bleskr\xf8d.docx")  # "æbleskrød" in Latin-1: not valid UTF-8
    h.good_letter(letters / latin1)
    h.empty(letters / "tom\nfalsk linje.docx")
    h.good_letter(letters / "farve\x1b[2J.docx")
    for fmt in ("text", "json"):
        result = h.run_cli("--format", fmt, "--jobs", "1", letters, timeout=120)
        h.assert_no_traceback(result.stdout, result.stderr)
        assert result.returncode == 2, result.stdout + result.stderr
        if fmt == "json":
            assert len(report(result)["files"]) == 3
            continue
        assert "\x1b" not in result.stdout, "a raw escape code reached the terminal"
        (line,) = [line for line in result.stdout.splitlines() if "kan ikke læses" in line]
        assert "tom\\x0afalsk linje.docx: kan ikke læses" in line, line
        assert "farve\\x1b[2J.docx  LIX" in result.stdout


# --- Many files, outputs inside inputs ----------------------------------------------------------


def test_a_folder_of_ten_thousand_files(tmp_path):
    """10,000 files (20 letters among non-letters) in nested folders: found, counted, in time."""
    letters = tmp_path / "arkiv"
    suffixes = [".pdf", ".png", ".xlsx", "", ".msg", ".docx.bak"]
    for n in range(10_000):
        folder = letters / f"mappe{n % 50:02}"
        folder.mkdir(parents=True, exist_ok=True)
        if n % 500 == 0:
            h.good_text_letter(folder / f"brev{n:05}.txt")
        else:
            (folder / f"fil{n:05}{suffixes[n % len(suffixes)]}").write_bytes(b"x")
    start = time.monotonic()
    result = invoke("--format", "json", "--jobs", "1", letters)
    assert time.monotonic() - start < 60
    rep = report(result)
    assert len(rep["files"]) == 20
    assert all(entry["error"] is None for entry in rep["files"])
    assert sorted(names(rep)) == [f"brev{n:05}.txt" for n in range(0, 10_000, 500)]


def test_outputs_inside_the_input_folder_are_not_checked_again(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    h.good_letter(letters / "brev.docx")
    out = letters / "kommenteret"
    rapport = letters / "rapport.txt"
    for run in range(2):
        args = ["--annotate", out, "--output", rapport, "--jobs", "1", letters]
        result = invoke(*(["--force"] if run else []), *args)
        h.assert_no_traceback(result.stdout, result.stderr)
        assert result.returncode in (0, 1), (run, result.stdout, result.stderr)
        text = rapport.read_text(encoding="utf-8")
        assert "1 brev kontrolleret" in text, text
        assert "rapport.txt" not in text and "kommenteret/" not in text, text
    assert (out / "brev.docx").is_file()


# --- Ctrl-C and dying workers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "jobs", "code"),
    [("ctrl-c", "1", 130), ("ctrl-c", "2", 130), ("sigterm", "1", 143), ("sigterm", "2", 143)],
)
def test_ctrl_c_during_annotate_leaves_no_partial_files(tmp_path, stop, jobs, code):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or SIGTERM to the
    command (as ``timeout`` or a CI time-out sends it) in the middle of --annotate: one line,
    no traceback, no temporary or half-written copy, inputs untouched."""
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(80):
        h.good_letter(letters / f"brev{n:03}.docx")
    before = h.tree_hashes(letters)
    out = tmp_path / "ud"
    proc = subprocess.Popen(
        h.cli_command("--annotate", out, "--jobs", jobs, letters),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=h.cli_env(),
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if out.is_dir() and len(list(out.glob("*.docx"))) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "finished before Ctrl-C: make the batch bigger"
        if stop == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    h.assert_no_traceback(stdout, stderr)
    assert proc.returncode == code, (proc.returncode, stderr)
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert h.leftovers(out) == []
    assert h.assert_complete_zips(out) < 80
    assert h.tree_hashes(letters) == before


@pytest.fixture(scope="module")
def many_letters(tmp_path_factory) -> Path:
    """1000 letters: far more than an audit gets through before a Ctrl-C test stops it."""
    letters = tmp_path_factory.mktemp("mange") / "breve"
    letters.mkdir()
    data = h.docx_bytes()
    for n in range(1000):
        (letters / f"brev{n:04}.docx").write_bytes(data)
    return letters


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc): the audit's workers."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat_file:
                fields = stat_file.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _signal_once_started(
    command: list[str], label: str, jobs: str, sig: str, to: str
) -> tuple[int, str, str]:
    """Run ``command`` in its own process group and send SIGINT or SIGTERM (``sig``) to the
    process or its whole group (``to``) as soon as it shows it is under way: its progress
    ``label`` is on stderr and, with --jobs 2, a worker has been forked. No sleep. Returns the
    exit code, stdout and all of stderr."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=h.cli_env(),
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if label.encode() in seen and (jobs == "1" or _children(proc.pid)):
                break
            if select.select([proc.stderr], [], [], 0.01)[0]:
                seen += os.read(proc.stderr.fileno(), 4096)
        assert proc.poll() is None, "finished before the signal: make the batch bigger"
        assert label.encode() in seen, seen
        signum = signal.SIGINT if sig == "INT" else signal.SIGTERM
        if to == "group":
            os.killpg(proc.pid, signum)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, signum)
        stdout, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return (
        proc.returncode,
        stdout.decode("utf-8", "replace"),
        (seen + rest).decode("utf-8", "replace"),
    )


@pytest.mark.parametrize(
    ("to", "jobs", "sig"),
    [
        ("process", "1", "INT"),
        ("process", "2", "INT"),
        ("group", "1", "INT"),
        ("group", "2", "INT"),
        ("process", "1", "TERM"),
        ("process", "2", "TERM"),
    ],
)
def test_ctrl_c_during_audit_is_one_line_and_leaves_no_report(
    tmp_path, many_letters, to, jobs, sig
):
    """Ctrl-C to the audit, or to its whole process group (workers included) as a terminal sends
    it: exit 130, one Danish line, neither report nor a temporary file. SIGTERM (``timeout``, a
    cancelled CI job) the same, with exit 143.

    The signal goes once the audit shows it is under way: its progress label is printed after
    the letters are found, and with --jobs 2 a worker has been forked. (A test like this one,
    dropped in 59fcf8d, failed now and then with exit -2: Python raised the interrupt inside
    spaCy's import, where it is not reliable; the audit now notes Ctrl-C and takes it between
    letters, see ``interrupt.StopSignals``.)"""
    report = tmp_path / "rapport"
    report.mkdir()
    html, csv = report / "r.html", report / "r.csv"
    command = h.cli_command(
        "audit", "--jobs", jobs, "--progress", "--html", html, "--csv", csv, many_letters
    )
    returncode, stdout, stderr = _signal_once_started(command, "Gennemg", jobs, sig, to)
    h.assert_no_traceback(stdout, stderr)
    assert returncode == (130 if sig == "INT" else 143), (returncode, stderr)
    how = "Ctrl-C" if sig == "INT" else "stoppet"
    assert stderr.splitlines() == [
        "Gennemgår breve",
        f"Afbrudt ({how}). Rapporterne er ikke skrevet.",
    ], stderr
    assert stdout == ""
    assert sorted(p.name for p in report.iterdir()) == []  # no html, csv or temporary file


@pytest.mark.parametrize(
    ("to", "jobs", "sig"),
    [
        ("process", "1", "INT"),
        ("group", "1", "INT"),
        ("group", "2", "INT"),
        ("process", "1", "TERM"),
        ("process", "2", "TERM"),
    ],
)
def test_stopping_a_check_as_it_starts_is_one_line(tmp_path, many_letters, to, jobs, sig):
    """Ctrl-C or SIGTERM at once, while the first letter loads spaCy (--jobs 1) or the workers
    are forked (--jobs 2): exit 130/143, one Danish line, no report file. Before the check
    command took these signals between letters (``interrupt.StopSignals``), an interrupt that
    landed inside spaCy's import could end the process with exit -2 or be swallowed."""
    report = tmp_path / "rapport"
    report.mkdir()
    command = h.cli_command(
        "--format", "json", "-o", report / "r.json", "--jobs", jobs, "--progress", many_letters
    )
    returncode, stdout, stderr = _signal_once_started(command, "Kontrollerer", jobs, sig, to)
    h.assert_no_traceback(stdout, stderr)
    assert returncode == (130 if sig == "INT" else 143), (returncode, stderr)
    how = "Ctrl-C" if sig == "INT" else "stoppet"
    assert stderr.splitlines()[-1] == (
        f"Afbrudt ({how}). Kopier og rapporter, der ikke var færdige, er ikke skrevet."
    ), stderr
    assert sorted(p.name for p in report.iterdir()) == []


def test_a_worker_that_dies_is_that_files_error(tmp_path):
    """A worker process killed on one letter (like a segfault in a C extension): that letter gets
    one line, the others are checked. tests/misbehaving_cli.py makes the worker die on it."""
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(8):
        h.good_letter(letters / f"brev{n}.docx")
    result = h.run_cli("--jobs", "2", letters, timeout=120, misbehave=("crash-on", "brev3.docx"))
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stdout + result.stderr
    h.assert_one_clean_error_line(result.stdout, letters / "brev3.docx", "stoppe uventet")
    for n in (0, 1, 2, 4, 5, 6, 7):
        (line,) = h.lines_naming(result.stdout, letters / f"brev{n}.docx")
        assert "LIX" in line, line


def test_unreadable_subfolder_is_reported_not_skipped_silently(tmp_path):
    """A folder that cannot be listed would otherwise lose its letters without a word."""
    h.good_letter(tmp_path / "god.docx")
    locked = tmp_path / "laast"
    locked.mkdir()
    h.good_letter(locked / "skjult-for-os.docx")
    locked.chmod(0)
    result = h.run_cli("--jobs", "1", tmp_path, timeout=120, **h.unprivileged())
    h.assert_no_traceback(result.stdout, result.stderr)
    assert "laast" in result.stdout + result.stderr
    assert result.returncode == 2
    assert stat.S_IMODE(locked.stat().st_mode) == 0


def test_a_reader_that_stops_reading_the_report_is_no_crash(tmp_path):
    """``lettercheck breve/ | head -1``: the pipe closes under us; stop quietly, no traceback."""
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(400):  # a report larger than the pipe's buffer, so writing must hit the close
        h.good_text_letter(letters / f"brev{n:03}.txt")
    proc = subprocess.Popen(
        h.cli_command("--jobs", "1", letters),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=h.cli_env(),
    )
    try:
        assert proc.stdout.readline()
        proc.stdout.close()  # like head after its first line
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = err.decode("utf-8", "replace")
    h.assert_no_traceback(stderr)
    assert stderr.strip() == "", stderr
    assert proc.returncode == 2, (proc.returncode, stderr)


def test_audit_survives_odd_names_and_a_read_only_report_folder(tmp_path):
    """``lettercheck audit``: a non-UTF-8 name does not fail the whole report, and a report
    folder it may not write to is one line and exit 2, with no temporary file left."""
    letters = tmp_path / "breve"
    letters.mkdir()
    h.good_letter(letters / os.fsdecode(b"\xe6ble.docx"))
    h.empty(letters / "tom.docx")
    csv = tmp_path / "rapport.csv"
    result = h.run_cli("audit", "--jobs", "1", "--csv", csv, letters, timeout=120)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    assert len(csv.read_text(encoding="utf-8-sig").strip().splitlines()) == 3  # header + 2
    locked = tmp_path / "laast"
    locked.mkdir()
    locked.chmod(0o555)
    html = locked / "rapport.html"
    result = h.run_cli("audit", "--jobs", "1", "--html", html, letters, **h.unprivileged())
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    assert str(html) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (".lettercheck.toml", b"fail-on = [[[\n"),
        (".lettercheck.toml", b"\xff\xfe\x00 not UTF-8"),
        ("baseline.json", b'{"lettercheck-baseline": '),
        ("baseline.json", b"\xff\xfe\x00 not UTF-8"),
    ],
)
def test_broken_configuration_or_baseline_is_one_line(tmp_path, name, content):
    """The other files lettercheck reads (its configuration, a baseline) are input too."""
    h.good_letter(tmp_path / "god.docx")
    (tmp_path / name).write_bytes(content)
    args = ["--baseline", tmp_path / name] if name.endswith(".json") else []
    result = h.run_cli("--jobs", "1", *args, tmp_path / "god.docx", timeout=120)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2
    assert name in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_annotate_into_the_input_folder_itself_is_refused(tmp_path):
    """The output folder is never searched, so ``--annotate breve breve`` would check nothing and
    pass in silence; it is a usage error instead, and nothing is written."""
    letters = tmp_path / "breve"
    letters.mkdir()
    h.good_letter(letters / "brev.docx")
    before = h.tree_hashes(letters)
    result = invoke("--annotate", letters, "--jobs", "1", letters)
    assert result.returncode == 2
    assert "--annotate" in result.stderr
    assert h.tree_hashes(letters) == before and sorted(letters.iterdir()) == [letters / "brev.docx"]
