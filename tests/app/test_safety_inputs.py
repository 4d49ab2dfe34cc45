"""Issue 16 §8–13: files the configuration names, clean errors instead of tracebacks, the
annotate marker, the pre-commit hook, GitHub output and honest silence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import hostile as h
import pytest

invoke = h.invoke_cli


@pytest.fixture
def letters(tmp_path) -> Path:
    folder = tmp_path / "breve"
    folder.mkdir()
    h.good_letter(folder / "a.docx")
    return folder


def one_line(result, *words: str) -> None:
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


# --- §8: named files are regular files under a size cap -----------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "zero", "folder", "dangling"])
def test_a_config_file_that_is_not_a_regular_file_is_one_line(letters, tmp_path, kind):
    target = letters / ".lettercheck.toml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to(tmp_path / "findes-ikke.toml")
    result = h.run_cli("--jobs", "1", letters, timeout=60)
    one_line(result, ".lettercheck.toml")


@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
def test_extra_officialese_and_baseline_files_must_be_regular(letters, tmp_path, kind):
    target = tmp_path / "fil"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    (letters / ".lettercheck.toml").write_text(f'extra-officialese = "{target}"\n')
    one_line(h.run_cli("--jobs", "1", letters, timeout=60), "extra-officialese")
    (letters / ".lettercheck.toml").unlink()
    one_line(h.run_cli("--jobs", "1", "--baseline", target, letters, timeout=60), "fil")


def test_a_huge_or_deeply_nested_baseline_is_one_line(letters, tmp_path):
    deep = tmp_path / "dyb.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    one_line(invoke("--jobs", "1", "--baseline", deep, letters), "dyb.json")
    huge = tmp_path / "stor.json"
    with open(huge, "wb") as out:
        out.truncate(300 * 1024 * 1024)  # sparse: 300 MB of nothing
    one_line(invoke("--jobs", "1", "--baseline", huge, letters), "stor.json")


# --- §9: clean lines instead of tracebacks ------------------------------------------------------


def test_pyproject_with_tool_not_a_table_is_one_line(letters):
    (letters / "pyproject.toml").write_text("tool = 5\n")
    one_line(invoke("--jobs", "1", letters), "pyproject.toml")


@pytest.mark.parametrize("count", ["1e400", "-1", '"1"', "0", "true", "1.5"])
def test_a_baseline_with_a_bad_count_is_one_line(letters, tmp_path, count):
    base = tmp_path / "bl.json"
    base.write_text(
        '{"lettercheck-baseline": 1, "files": {"breve/a.docx": '
        f'[{{"rule": "officialese", "text": "jf.", "count": {count}}}]}}}}'
    )
    one_line(invoke("--jobs", "1", "--baseline", base, letters), "bl.json")


@pytest.mark.parametrize("args", [["--format", "sarif"], ["--write-baseline", "bl.json"]])
def test_a_name_that_is_not_utf8_with_sarif_or_a_baseline(tmp_path, args):
    folder = tmp_path / "breve"
    folder.mkdir()
    h.good_letter(Path(os.fsdecode(bytes(folder) + b"/caf\xe9.docx")))
    result = h.run_cli(*args, "--jobs", "1", folder, timeout=120, cwd=tmp_path)
    h.assert_no_traceback(result.stdout, result.stderr)
    assert result.returncode in (0, 1), result.stderr
    if "sarif" in args:
        assert "caf" in json.loads(result.stdout)["runs"][0]["artifacts"][0]["location"]["uri"]
    else:
        assert "caf" in (tmp_path / "bl.json").read_text(encoding="utf-8")


def test_ctrl_c_while_the_command_starts_is_never_a_traceback():
    """A Ctrl-C in the first ~70 ms (while click is imported) printed a KeyboardInterrupt
    traceback; the entry point holds it until the command takes over."""
    import signal
    import subprocess
    import sys
    import time

    from lettercheck.app.entry import run  # noqa: F401 - the entry point exists

    # Python's own start (before any of our code runs) is not ours to hold: the child says when
    # the entry point's module is imported, and the signal comes 0-100 ms after that.
    child = "import lettercheck.app.entry as e; print('klar', flush=True); e.run()"
    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.06, 0.1):
        proc = subprocess.Popen(
            [sys.executable, "-c", child, "--help"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=h.cli_env(),
        )
        assert proc.stdout.readline().strip() == "klar"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        assert "Traceback" not in err, (delay, err)
        assert proc.returncode in (0, 130), (delay, proc.returncode, err)


# --- §10: only a marker lettercheck wrote hides a folder ----------------------------------------


def test_an_empty_marker_does_not_hide_letters(letters):
    hidden = letters / "sub"
    hidden.mkdir()
    h.good_letter(hidden / "b.docx")
    (hidden / ".lettercheck-kommenteret").write_text("")
    result = invoke("--jobs", "1", "--format", "json", letters)
    names = [Path(f["path"]).name for f in json.loads(result.stdout)["files"]]
    assert names == ["a.docx", "b.docx"]


def test_a_folder_skipped_for_its_marker_is_named(letters):
    out = letters / "kommenteret"
    invoke("--jobs", "1", "--annotate", out, letters / "a.docx")
    assert (out / "a.docx").is_file()
    result = invoke("--jobs", "1", letters)
    assert "kommenteret" in result.stderr, result.stderr
    assert "1 brev kontrolleret" in result.stdout


# --- §11: the pre-commit hook ------------------------------------------------------------------


def test_the_hook_takes_every_word_file_by_name():
    import re

    import yaml

    [hook] = yaml.safe_load(
        Path(__file__).parents[2].joinpath(".pre-commit-hooks.yaml").read_text()
    )
    pattern = re.compile(hook["files"])
    for name in ("a.docx", "BAD.DOCX", "x/Brev.Dotx", "-bad.docm", "b.DOTM"):
        assert pattern.search(name), name
    assert "binary" not in hook.get("types", []) and "binary" not in hook.get("types_or", [])
    assert hook["args"][-1] == "--" or hook["entry"].endswith(" --")


# --- §12: --format github escapes terminal codes ------------------------------------------------


def test_github_output_escapes_terminal_codes(tmp_path):
    letter = tmp_path / "brev.txt"
    letter.write_text(
        "Kære Anna\n\nVi skal jf. \x1b]0;pwned\x07reglerne \x1b[31mholde et møde\x1b[0m.\n",
        encoding="utf-8",
    )
    result = invoke("--format", "github", "--jobs", "1", letter)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "::" in result.stdout


# --- §13: honest silence ---------------------------------------------------------------------


def test_a_baseline_from_another_folder_gets_a_warning(letters, tmp_path):
    base = tmp_path / "bl.json"
    base.write_text(
        '{"lettercheck-baseline": 1, "files": {"andet/sted.docx": '
        '[{"rule": "officialese", "text": "jf.", "count": 1}]}}'
    )
    result = invoke("--jobs", "1", "--baseline", base, letters)
    assert "baseline" in result.stderr.lower() and "andet/sted.docx" in result.stderr
