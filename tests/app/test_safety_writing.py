"""Issue 16 §1–5: outputs are never written through a link, over what is not ours, over an input,
or mixed between two runs."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import hostile as h
import pytest

invoke = h.invoke_cli


@pytest.fixture
def letters(tmp_path) -> Path:
    folder = tmp_path / "ind"
    folder.mkdir()
    h.good_letter(folder / "a.docx")
    return folder


# --- §1: a target that is not a regular file is written to, never replaced ----------------------


def test_report_to_a_fifo_is_written_into_not_replaced(tmp_path, letters):
    fifo = tmp_path / "mynull"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = invoke("--jobs", "1", "-o", fifo, letters)
    reader.join(10)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert fifo.is_fifo(), "the FIFO was replaced by a plain file"
    assert b"kontrolleret" in b"".join(got)


def test_report_to_a_device_leaves_the_device(tmp_path, letters):
    """``mknod mynull c 1 3; lettercheck -o mynull``: a null device of our own (never the
    system's /dev/null: before the fix this test replaced it)."""
    device = tmp_path / "mynull"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    result = invoke("--jobs", "1", "-o", device, letters)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode in (0, 1), result.stderr
    assert device.is_char_device()


def test_audit_and_baseline_to_a_fifo_are_written_into(tmp_path, letters):
    for args in (["audit", letters, "--csv"], ["--jobs", "1", letters, "--write-baseline"]):
        fifo = tmp_path / f"fifo{len(args)}"
        os.mkfifo(fifo)
        got: list[bytes] = []
        reader = threading.Thread(
            target=lambda f=fifo, g=got: g.append(f.read_bytes()), daemon=True
        )
        reader.start()
        result = invoke(*args, fifo)
        reader.join(10)
        h.assert_no_traceback(result.stdout, result.stderr)
        assert fifo.is_fifo(), args
        assert got and got[0], args


# --- §2: --annotate never writes through a link -------------------------------------------------


def test_annotate_refuses_a_link_at_the_copy(tmp_path, letters):
    victim = tmp_path / "x.conf"
    victim.write_text("system settings\n")
    out = tmp_path / "ud"
    out.mkdir()
    (out / "a.docx").symlink_to(victim)
    for force in ([], ["--force"]):
        result = invoke(*force, "--jobs", "1", "--annotate", out, letters)
        h.assert_no_traceback(result.stdout, result.stderr)
        assert victim.read_text() == "system settings\n"
        assert (out / "a.docx").is_symlink()
        assert "link" in result.stdout + result.stderr


def test_annotate_refuses_a_linked_folder_inside_the_output_folder(tmp_path):
    letters = tmp_path / "ind"
    (letters / "sub").mkdir(parents=True)
    h.good_letter(letters / "sub" / "a.docx")
    elsewhere = tmp_path / "andetsteds"
    elsewhere.mkdir()
    out = tmp_path / "ud"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    result = invoke("--force", "--jobs", "1", "--annotate", out, letters)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert list(elsewhere.iterdir()) == []
    assert "link" in result.stdout + result.stderr


# --- §3: temporary files cannot be planted ------------------------------------------------------


def test_a_planted_link_at_the_old_temporary_names_is_not_followed(tmp_path, letters):
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    out = tmp_path / "r"
    (out).mkdir()
    (out / "bl2.json.tmp").symlink_to(victim)
    (out / ".r.html.html.tmp").symlink_to(victim)
    (out / ".r.html.csv.tmp").symlink_to(victim)
    invoke("--jobs", "1", letters, "--write-baseline", out / "bl2.json")
    invoke("audit", "--jobs", "1", letters, "--html", out / "r.html")
    assert victim.read_text() == "keep me\n"
    assert (out / "bl2.json").is_file() and (out / "r.html").is_file()


def test_a_full_disk_while_writing_a_baseline_leaves_no_temporary_file(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    for n in range(12):
        h.good_text_letter(letters / f"brev{n:02}.txt")
    out = tmp_path / "bl"
    out.mkdir()
    result = h.run_cli(
        "--write-baseline", out / "bl.json", letters, preexec_fn=h.file_size_limit(300)
    )
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    assert "kunne ikke skrives" in result.stderr, result.stderr
    assert list(out.iterdir()) == [], "no partial baseline, no temporary file"


# --- §4: an input is never an output -----------------------------------------------------------


def test_a_report_over_a_text_letter_in_the_input_is_refused(letters):
    note = letters / "note.txt"
    note.write_text("Kære Anna\n\nDu skal komme til møde.\n", encoding="utf-8")
    before = h.tree_hashes(letters)
    for option in ("-o", "--write-baseline"):
        result = invoke("--jobs", "1", option, note, letters)
        assert result.returncode == 2, (option, result.stderr)
        assert "note.txt" in result.stderr and "brev" in result.stderr
    brev = letters / "brev.md"
    brev.write_text("# Indkaldelse\n\nKære Anna\n", encoding="utf-8")
    before = h.tree_hashes(letters)
    result = invoke("--jobs", "1", "--write-baseline", brev, letters)
    assert result.returncode == 2
    assert h.tree_hashes(letters) == before


def test_a_report_path_linking_to_an_input_is_refused(letters):
    (letters / "rapport.txt").symlink_to(letters / "a.docx")
    before = h.tree_hashes(letters)
    result = invoke("--jobs", "1", "-o", letters / "rapport.txt", letters)
    assert result.returncode == 2, result.stderr
    assert "link" in result.stderr
    assert h.tree_hashes(letters) == before


def test_our_own_earlier_report_in_the_input_folder_may_be_replaced(letters):
    rapport = letters / "rapport.txt"
    for _ in range(2):
        result = invoke("--jobs", "1", "-o", rapport, letters)
        assert result.returncode in (0, 1), result.stderr


# --- §5: two reports of one audit, and two audits at once ----------------------------------------


def test_audit_with_the_same_file_for_html_and_csv_is_refused(tmp_path, letters):
    result = invoke("audit", letters, "--html", tmp_path / "x", "--csv", tmp_path / "x")
    assert result.returncode == 2
    assert "samme fil" in result.stderr


def test_two_audits_at_once_each_leave_complete_reports_from_one_run(tmp_path, letters):
    import subprocess

    other = tmp_path / "andre"
    other.mkdir()
    for n in range(3):
        h.good_letter(other / f"b{n}.docx")
    html, csv = tmp_path / "r.html", tmp_path / "r.csv"
    procs = [
        subprocess.Popen(
            h.cli_command("audit", "--jobs", "1", src, "--html", html, "--csv", csv),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=h.cli_env(),
        )
        for src in (letters, other, letters, other)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        h.assert_no_traceback(err)
    rows = csv.read_text(encoding="utf-8-sig").splitlines()[1:]
    in_html = html.read_text(encoding="utf-8")
    if len(rows) == 1:
        assert "a.docx" in rows[0] and "a.docx" in in_html and "b0.docx" not in in_html
    else:
        assert len(rows) == 3 and "b0.docx" in in_html and "a.docx" not in in_html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["andre", "ind", "r.csv", "r.html"]
