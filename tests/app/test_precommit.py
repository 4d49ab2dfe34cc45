"""The pre-commit hook, for real: a git repository of templates whose .pre-commit-config.yaml
points at this checkout (its path, rev = its current commit) blocks a bad letter and lets a good
one through.

pre-commit clones this checkout at that commit and pip-installs it into a hook environment, once
per commit, kept in a cache folder (``LETTERCHECK_PRE_COMMIT_HOME``, by default
``~/.cache/lettercheck-tests/pre-commit``; ``pre-commit gc`` drops environments of old commits).
Installing spaCy and friends from PyPI into each new environment would take about a minute, so the
test puts the dependencies the test interpreter already has on ``PYTHONPATH`` (a folder of links to
its site-packages, without lettercheck itself): pip sees them as installed and installs only
lettercheck from the clone, in about ten seconds. The hook still runs the lettercheck that
pre-commit installed from the commit. Building that wheel needs setuptools from PyPI (or pip's
cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
from _batch_letters import BAD, GOOD, write_letter

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[2]


def _git(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _checkout_rev() -> str:
    """The checkout's current commit; it must contain the hook definition pre-commit reads."""
    if shutil.which("git") is None or not (CHECKOUT / ".git").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("git and a git checkout are needed for the pre-commit test in CI")
        pytest.skip("not a git checkout")
    rev = _git("rev-parse", "HEAD", cwd=CHECKOUT).stdout.strip()
    if _git("cat-file", "-e", f"{rev}:.pre-commit-hooks.yaml", cwd=CHECKOUT).returncode != 0:
        pytest.fail("HEAD of this checkout has no .pre-commit-hooks.yaml committed")
    return rev


def _dependency_shim(folder: Path) -> Path:
    """A folder of links to the test interpreter's installed packages, lettercheck excluded."""
    folder.mkdir(parents=True, exist_ok=True)
    skip = (
        "lettercheck",
        "__editable__",
        "_lettercheck",
        "pip",
        "setuptools",
        "_distutils_hack",
        "pkg_resources",
        "distutils-precedence",
    )
    for site in dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]):
        for entry in Path(site).iterdir():
            if entry.name.startswith(skip) or entry.suffix == ".pth":
                continue
            link = folder / entry.name
            if not link.exists():
                link.symlink_to(entry)
    return folder


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Environment for git/pre-commit with the hook installed once for this module."""
    rev = _checkout_rev()
    home = Path(
        os.environ.get("LETTERCHECK_PRE_COMMIT_HOME")
        or Path.home() / ".cache" / "lettercheck-tests" / "pre-commit"
    )
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PYTHONPATH": str(_dependency_shim(tmp_path_factory.mktemp("shim"))),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "NO_COLOR": "1",
    }
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    config = (
        "repos:\n"
        f"  - repo: {CHECKOUT.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: lettercheck\n"
    )
    env["LETTERCHECK_TEST_CONFIG"] = config
    subprocess.run([sys.executable, "-m", "pre_commit", "gc"], env=env, capture_output=True)
    # One hook installation for the module (and, through the cache, for later sessions).
    warm = tmp_path_factory.mktemp("warm")
    _git("init", "-q", cwd=warm, env=env)
    (warm / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=warm,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def _template_repo(path: Path, env: dict) -> Path:
    path.mkdir()
    assert _git("init", "-q", cwd=path, env=env).returncode == 0
    (path / ".pre-commit-config.yaml").write_text(env["LETTERCHECK_TEST_CONFIG"], encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    _git("add", ".pre-commit-config.yaml", cwd=path, env=env)
    return path


def test_commit_of_a_good_letter_passes_and_a_bad_one_is_blocked(
    hook_env: dict, tmp_path: Path
) -> None:
    repo = _template_repo(tmp_path / "skabeloner", hook_env)
    write_letter(repo / "indkaldelse.docx", GOOD)
    _git("add", ".", cwd=repo, env=hook_env)
    good = _git("commit", "-m", "God skabelon", cwd=repo, env=hook_env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "lettercheck" in good.stdout + good.stderr and "Passed" in good.stdout + good.stderr

    write_letter(repo / "afgoerelser" / "indkaldelse-gammel.docx", BAD)
    _git("add", ".", cwd=repo, env=hook_env)
    bad = _git("commit", "-m", "Slem skabelon", cwd=repo, env=hook_env)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "Failed" in output
    assert "afgoerelser/indkaldelse-gammel.docx" in output
    # the text report names rules by code and Danish title
    for rule in ("LC101", "LC202", "LC203"):
        assert rule in output
    log = _git("log", "--format=%s", cwd=repo, env=hook_env).stdout.split("\n")
    assert log[0] == "God skabelon"  # the bad letter was not committed


def test_pre_commit_run_selects_word_files_only(hook_env: dict, tmp_path: Path) -> None:
    repo = _template_repo(tmp_path / "repo", hook_env)
    write_letter(repo / "slem.dotx", BAD)
    (repo / "noter.txt").write_text("I henhold til § 42 skal De møde op.\n", encoding="utf-8")
    _git("add", ".", cwd=repo, env=hook_env)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--files", "slem.dotx", "noter.txt"],
        cwd=repo,
        env=hook_env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "slem.dotx" in output and "noter.txt" not in output
