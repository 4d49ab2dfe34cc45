"""Issue 13 §7: ``lettercheck audit --history`` on a git repository of templates.

A small repository is built in tmp_path from corpus letters: the first commit has a decision
that names a law before the message and has no phone number (``stop.docx``) and a good one; the
second fixes ``stop.docx``; the third adds a bad letter (``sanktion.docx``). The shares at each
commit are the audit's shares of the letters at that commit.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile as h
import pytest
from click.testing import CliRunner

from lettercheck.app import history
from lettercheck.app.cli import main
from lettercheck.reporters.history import recommendations

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LEGAL = "Lovhenvisninger står sidst i brevet (%)"
PHONE = "Sagsbehandlerens telefonnummer står i brevet (%)"
EMAIL = "Sagsbehandlerens e-mail står i brevet (%)"


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _commit(repo: Path, message: str, date: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "skabelon-repo"
    folder = repo / "skabeloner"
    folder.mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(CORPUS / "afgoerelse_sygedagpenge_stop_bad.docx", folder / "stop.docx")
    shutil.copy(CORPUS / "afgoerelse_kontanthjaelp_bevilling_good.docx", folder / "bevilling.docx")
    (folder / "README.md").write_text("Skabelonerne til ydelser.\n", encoding="utf-8")
    _commit(repo, "Første skabeloner", "2024-01-10T10:00:00+01:00")
    shutil.copy(CORPUS / "afgoerelse_sygedagpenge_stop_good.docx", folder / "stop.docx")
    _commit(repo, "Ret stop: lovhenvisning sidst, telefon", "2024-02-10T10:00:00+01:00")
    shutil.copy(CORPUS / "afgoerelse_kontanthjaelp_sanktion_bad.docx", folder / "sanktion.docx")
    _commit(repo, "Ny skabelon: sanktion", "2024-02-20T10:00:00+01:00")
    return repo


def _snapshot(repo: Path) -> dict[str, str]:
    """Every file of the repository and its working tree (.git too), with its content hash and
    modification time: nothing may change."""
    out = {}
    for path in sorted(repo.rglob("*")):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(repo).as_posix()] = f"{digest} {stat.st_mtime_ns}"
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.DictReader(text[1:].splitlines(), delimiter=";"))


def _audit(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_history_rows_chart_and_numbers(repo: Path, tmp_path: Path) -> None:
    html_path, csv_path = tmp_path / "r.html", tmp_path / "r.csv"
    code, output = _audit(
        "--history", repo / "skabeloner", "--html", html_path, "--csv", csv_path, "--jobs", "1"
    )
    assert code == 0, output
    assert "3 commits gennemgået" in output and "4 forskellige brevversioner" in output
    rows = _rows(csv_path)
    shorts = _git(repo, "log", "--reverse", "--format=%h").split()
    assert [r["commit"] for r in rows] == shorts
    assert [r["dato"] for r in rows] == ["2024-01-10", "2024-02-10", "2024-02-20"]
    # README.md is not a letter; the third commit adds one
    assert [r["breve"] for r in rows] == ["2", "2", "3"]
    # the fix moves the legal reference and adds the phone number; the new letter is bad again
    assert [r[LEGAL] for r in rows] == ["50,0", "100,0", "66,7"]
    assert [r[PHONE] for r in rows] == ["50,0", "100,0", "100,0"]
    assert rows[-1][EMAIL] == "66,7"
    assert list(rows[0])[:3] == ["dato", "commit", "breve"]
    assert len(rows[0]) == 3 + len(recommendations())

    page = html_path.read_text("utf-8")
    assert page.count("<figure class=trend") == 6
    legal = re.search(r'<figure class=trend data-rule="legal-reference-early">.*?</figure>', page)
    assert legal is not None
    assert legal.group(0).count("<circle") == 3
    assert "<polyline" in legal.group(0)
    assert "67 %" in legal.group(0) and "+17 procentpoint siden 10.01.2024" in legal.group(0)
    table = re.findall(r"<tr data-commit=.*?</tr>", page)
    assert len(table) == 3 and shorts[-1] in table[0]  # newest first
    assert "50 % <span class=muted>(1 af 2)</span>" in table[-1]
    assert "Ny skabelon: sanktion" in page
    # self-contained: nothing from the network
    assert not re.search(r"""(src|href)=["']?https?:""", page)


def test_the_newest_point_says_what_an_audit_of_the_same_letters_says(
    repo: Path, tmp_path: Path
) -> None:
    code, _ = _audit("--history", repo / "skabeloner", "--csv", tmp_path / "h.csv", "-j", "1")
    assert code == 0
    code, _ = _audit(repo / "skabeloner", "--html", tmp_path / "a.html", "-j", "1")
    assert code == 0
    audit = tmp_path.joinpath("a.html").read_text("utf-8")
    last = _rows(tmp_path / "h.csv")[-1]
    for label, rule, _source, _note in recommendations():
        row = re.search(rf'<tr data-rule="{rule}">.*?</tr>', audit).group(0)  # type: ignore[union-attr]
        counts = re.search(r"(\d+) af (\d+)", row)
        assert counts is not None
        ok, whole = map(int, counts.groups())
        expected = f"{100 * ok / whole:.1f}".replace(".", ",") if whole else ""
        assert last[f"{label} (%)"] == expected, label


def test_each_content_is_checked_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lettercheck.app import pipeline

    seen: list[str] = []
    real = pipeline.timed_check

    def counting(path, timeout=None, config=None):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, timeout, config)

    monkeypatch.setattr(pipeline, "timed_check", counting)
    # four commits more that change nothing in the letters
    for n in range(4):
        (repo / f"noter{n}.txt").write_text("x", encoding="utf-8")
        _commit(repo, f"Noter {n}", f"2024-03-0{n + 1}T10:00:00+01:00")
        (repo / "skabeloner" / "README.md").write_text(f"Version {n}\n", encoding="utf-8")
        _commit(repo, f"README {n}", f"2024-03-0{n + 1}T11:00:00+01:00")
    outcome = history.run_history(repo / "skabeloner", jobs=1)
    # three letter states + 4 README-only commits; 4 distinct letter contents in all
    assert len(outcome.points) == 7
    assert outcome.checked == 4
    assert sorted(seen) == ["bevilling.docx", "sanktion.docx", "stop.docx", "stop.docx"]


def test_repository_and_working_tree_are_unchanged(repo: Path, tmp_path: Path) -> None:
    # an uncommitted change and an untracked letter: both stay, and neither is in the history
    (repo / "skabeloner" / "bevilling.docx").write_bytes(b"uncommitted")
    shutil.copy(CORPUS / "afgoerelse_sygedagpenge_stop_bad.docx", repo / "skabeloner" / "ny.docx")
    status = _git(repo, "status", "--porcelain", "--ignored")
    before = _snapshot(repo)  # git status may refresh the index: snapshot after it
    code, output = _audit("--history", repo / "skabeloner", "--csv", tmp_path / "r.csv", "-j", "1")
    assert code == 0, output
    assert _snapshot(repo) == before
    assert _git(repo, "status", "--porcelain", "--ignored") == status
    assert [r["breve"] for r in _rows(tmp_path / "r.csv")] == ["2", "2", "3"]
    leftovers = list(Path(history.tempfile.gettempdir()).glob("lettercheck-historik-*"))
    assert not [p for p in leftovers if p.stat().st_mtime > time.time() - 60]


def test_per_month_takes_the_last_commit_of_each_month(repo: Path, tmp_path: Path) -> None:
    code, output = _audit(
        "--history", repo / "skabeloner", "--history-by", "month",
        "--csv", tmp_path / "m.csv", "--html", tmp_path / "m.html", "-j", "1",
    )  # fmt: skip
    assert code == 0, output
    rows = _rows(tmp_path / "m.csv")
    newest = _git(repo, "log", "-1", "--format=%h").strip()
    assert [(r["dato"], r["breve"]) for r in rows] == [("2024-01", "2"), ("2024-02", "3")]
    assert rows[-1]["commit"] == newest
    assert "2 måneder" in output
    assert "Tal pr. måned" in (tmp_path / "m.html").read_text("utf-8")


def test_the_limit_keeps_the_newest_and_the_report_says_so(repo: Path, tmp_path: Path) -> None:
    code, output = _audit(
        "--history", repo / "skabeloner", "--history-limit", "2",
        "--csv", tmp_path / "r.csv", "--html", tmp_path / "r.html", "-j", "1",
    )  # fmt: skip
    assert code == 0, output
    assert [r["dato"] for r in _rows(tmp_path / "r.csv")] == ["2024-02-10", "2024-02-20"]
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "Kun de seneste 2 commits af 3 er med (--history-limit 2)" in page
    assert "Kun de seneste 2 commits af 3" in output


def test_which_files_count_as_letters(repo: Path, tmp_path: Path) -> None:
    folder = repo / "skabeloner"
    good = CORPUS / "afgoerelse_kontanthjaelp_bevilling_good.docx"
    shutil.copy(good, folder / "~$stop.docx")  # Word's lock file
    shutil.copy(good, folder / ".skjult.docx")
    (folder / "noter").mkdir()
    shutil.copy(good, folder / "noter" / "udkast.docx")
    (folder / "kommenteret").mkdir()
    shutil.copy(good, folder / "kommenteret" / "stop.docx")
    (folder / "kommenteret" / ".lettercheck-kommenteret").write_text(
        history.ANNOTATED_MARKER_TEXT, encoding="utf-8"
    )
    os.symlink("stop.docx", folder / "link.docx")
    _commit(repo, "Støj", "2024-03-01T10:00:00+01:00")
    # today's configuration leaves the notes out, for every commit
    (repo / ".lettercheck.toml").write_text('exclude = ["skabeloner/noter/*"]\n', "utf-8")
    code, output = _audit("--history", folder, "--csv", tmp_path / "r.csv", "-j", "1")
    assert code == 0, output
    assert _rows(tmp_path / "r.csv")[-1]["breve"] == "3"


def test_history_options_need_history(repo: Path, tmp_path: Path) -> None:
    code, output = _audit(repo, "--history-by", "month", "--csv", tmp_path / "r.csv")
    assert code == 2 and "--history-by gælder kun sammen med --history" in output


def test_not_in_a_git_repository_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "breve"
    folder.mkdir()
    shutil.copy(CORPUS / "afgoerelse_sygedagpenge_stop_bad.docx", folder / "stop.docx")
    env = h.cli_env(GIT_CEILING_DIRECTORIES=str(tmp_path))
    done = h.run_cli("audit", "--history", folder, "--csv", tmp_path / "r.csv", env=env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"lettercheck: {folder} ligger ikke i et git-repository med en arbejdsmappe; --history "
        "læser brevenes historik med git."
    ]
    assert not (tmp_path / "r.csv").exists()


def test_git_missing_is_one_line_and_exit_2(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = h.cli_env(PATH=str(empty))
    done = subprocess.run(
        [sys.executable, "-m", "lettercheck", "audit", "--history", str(repo), "--csv",
         str(tmp_path / "r.csv")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("lettercheck: git findes ikke")


@pytest.mark.slow
def test_history_with_worker_processes_matches_one_process(repo: Path, tmp_path: Path) -> None:
    one = h.run_cli("audit", "--history", repo, "--csv", tmp_path / "1.csv", "--jobs", "1")
    two = h.run_cli("audit", "--history", repo, "--csv", tmp_path / "2.csv", "--jobs", "2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_ends_the_history_within_two_seconds(
    repo: Path, tmp_path: Path, sig: int, code: int
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    args = ["audit", "--history", repo, "--jobs", "2", "--timeout", "600"]
    proc = subprocess.Popen(
        h.misbehaving_cli_command(
            "slow-on",
            "sanktion.docx",
            *args,
            "--html",
            tmp_path / "r.html",
            "--csv",
            tmp_path / "r.csv",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=h.cli_env(TMPDIR=str(temp)),
        start_new_session=True,
    )
    time.sleep(8)  # spaCy is loaded and the slow letter is in hand
    assert proc.poll() is None, proc.communicate()
    sent = time.monotonic()
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    h.assert_no_traceback(out, err)
    assert proc.returncode == code, err
    assert took < 2.5, took
    assert err.strip().splitlines()[-1].startswith("Afbrudt")
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "r.csv").exists()
    assert list(temp.iterdir()) == []
    assert list(tmp_path.glob("*.tmp")) == []
