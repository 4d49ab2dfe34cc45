"""``lettercheck audit --history``: the audit's recommendation shares at each commit of a git
repository of templates (or per month), so a team sees whether its letters get better.

The repository is only read, with git itself: ``git log --first-parent`` for the commits that
touched the path (the branch's own history, not the states inside merged branches), ``git
ls-tree`` for the files at each commit and one ``git cat-file --batch`` for their contents. No
checkout, no index, no lock: ``GIT_OPTIONAL_LOCKS=0``, and nothing is written into the
repository or its working tree.

Which files are letters is decided as for a folder check (``files``): the letter suffixes, no
hidden files or folders, no ``~$`` lock files, no README and the like, no symbolic links, no
folder of annotated copies, and the configuration's ``exclude``. The configuration is today's,
found from where each file lies in the working tree, so the numbers change only when the letters
do.

Each distinct content is checked once: most templates do not change between commits, so the
results are cached by the blob's hash (and its path, which the configuration may look at:
``letter-types``, ``per-file-ignores``). The contents are written into a temporary folder that
mirrors the working tree's absolute paths (under a folder per blob), so the configuration's
globs see the same relative paths, and are checked by the runner's worker processes. The folder
is removed on every path out, also Ctrl-C and a forced stop (``interrupt.TEMP_FOLDERS``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from lettercheck.app import interrupt
from lettercheck.app.files import ANNOTATED_MARKER, ANNOTATED_MARKER_TEXT, _is_letter_name
from lettercheck.app.interrupt import StopSignals, interruptible
from lettercheck.model.findings import FileResult, Finding
from lettercheck.reporters.history import HistoryPoint

#: Default of ``--history-limit``: the newest this many commits (or months) are shown.
DEFAULT_LIMIT = 100
#: Largest file read from the history (as ``word.package`` caps a file).
MAX_BLOB_BYTES = 512 * 1024 * 1024
_BLOB_MODES = ("100644", "100755")


class HistoryError(Exception):
    """The history cannot be read (not a git repository, git missing, git failing): one Danish
    line, exit 2."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    short: str
    date: _dt.datetime
    subject: str


@dataclass(slots=True)
class HistoryOutcome:
    points: list[HistoryPoint]
    total: int  # commits (or months) before --history-limit
    checked: int  # distinct file contents checked
    letters: int  # letters at the newest point


# ---------------------------------------------------------------- git


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_OPTIONAL_LOCKS="0",  # never refresh the index or take a lock
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        LC_ALL="C",
        GIT_LITERAL_PATHSPECS="1",  # a folder named "*" is that folder
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


_GIT = ("git", "-c", "core.quotepath=off", "-c", "log.showSignature=false")


def git(cwd: Path, *args: str) -> bytes:
    """Run a read-only git command; Ctrl-C stops it at once (the child is killed)."""
    try:
        with interruptible():
            done = subprocess.run(
                [*_GIT, *args],
                cwd=cwd,
                capture_output=True,
                env=_git_env(),
                stdin=subprocess.DEVNULL,
                check=False,
            )
    except FileNotFoundError as error:
        if error.filename in (None, "git", _GIT[0]):
            raise HistoryError(
                "git findes ikke på denne maskine; --history læser brevenes historik med git. "
                "Installér git, eller kør gennemgangen uden --history."
            ) from None
        raise HistoryError(f"{cwd}: findes ikke") from None
    except NotADirectoryError:
        raise HistoryError(f"{cwd}: er ikke en mappe") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(message[0] if message else f"git {args[0]} fejlede")
    return done.stdout


class GitFailed(HistoryError):
    pass


def locate(path: Path) -> tuple[Path, str]:
    """The repository's top folder and ``path`` relative to it (a pathspec; ``.`` for all)."""
    folder = path if path.is_dir() else path.parent
    try:
        top = git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape")
    except GitFailed:
        raise HistoryError(
            f"{path} ligger ikke i et git-repository med en arbejdsmappe; --history læser "
            "brevenes historik med git."
        ) from None
    root = Path(top.strip()).resolve()
    relative = os.path.relpath(path.resolve(), root)
    if relative == os.curdir:
        return root, "."
    if relative.startswith(os.pardir):
        raise HistoryError(f"{path} ligger ikke i git-repositoriet {root}.")
    return root, PurePosixPath(Path(relative)).as_posix()


def commits(root: Path, pathspec: str) -> list[Commit]:
    """The commits of the current branch's first-parent history that touched ``pathspec``,
    newest first."""
    try:
        out = git(
            root,
            "log",
            "--first-parent",
            "-z",
            "--format=%H%x1f%h%x1f%cI%x1f%s",
            "HEAD",
            "--",
            pathspec,
        )
    except GitFailed as error:
        raise HistoryError(f"{root}: git-historikken kan ikke læses ({error}).") from None
    found = []
    for record in out.decode("utf-8", "replace").split("\0"):
        record = record.strip("\n")
        if not record:
            continue
        sha, short, date, subject = record.split("\x1f", 3)
        found.append(Commit(sha, short, _dt.datetime.fromisoformat(date), subject))
    return found


def select(found: list[Commit], by: str, limit: int) -> tuple[list[Commit], int]:
    """The commits to show, oldest first, and how many there were before ``limit``: every
    commit, or per month the last commit of the month; the newest ``limit`` of them."""
    if by == "month":
        months: dict[str, Commit] = {}
        for commit in found:  # newest first: the first seen of a month is its last commit
            months.setdefault(f"{commit.date:%Y-%m}", commit)
        candidates = list(months.values())
    else:
        candidates = list(found)
    return list(reversed(candidates[:limit])), len(candidates)


class Blobs:
    """File contents by hash, through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        try:
            self.process = subprocess.Popen(
                [*_GIT, "cat-file", "--batch"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_git_env(),
            )
        except FileNotFoundError:
            raise HistoryError("git findes ikke på denne maskine.") from None

    def read(self, sha: str, limit: int = MAX_BLOB_BYTES) -> bytes | None:
        """The blob's bytes, or None when it is larger than ``limit`` (skipped, not read)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        with interruptible():
            self.process.stdin.write(sha.encode("ascii") + b"\n")
            self.process.stdin.flush()
            header = self.process.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise HistoryError(f"git kunne ikke læse filindholdet {sha[:12]}.")
            size = int(header[2])
            if size > limit:
                left = size + 1
                while left:
                    left -= len(self.process.stdout.read(min(left, 1 << 20)) or b"\0" * left)
                return None
            data = self.process.stdout.read(size)
            self.process.stdout.read(1)  # the newline after the content
        return data

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()


def letters_at(root: Path, commit: str, pathspec: str, blobs: Blobs) -> list[tuple[str, str]]:
    """(path relative to the repository, blob hash) of the letters at ``commit``, sorted."""
    out = git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", pathspec)
    entries: list[tuple[str, str, str]] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split()
        entries.append((mode, kind, sha, name.decode("utf-8", "surrogateescape")))  # type: ignore[arg-type]
    # Folders of annotated copies (the marker with its exact text): not letters, except the
    # folder the user named.
    named = "" if pathspec == "." else pathspec
    skipped = {
        str(PurePosixPath(name).parent)
        for mode, kind, sha, name in entries  # type: ignore[misc]
        if PurePosixPath(name).name == ANNOTATED_MARKER
        and mode in _BLOB_MODES
        and str(PurePosixPath(name).parent) != named
        and blobs.read(sha, 4096) == ANNOTATED_MARKER_TEXT.encode("utf-8")
    }
    letters = []
    for mode, kind, sha, name in entries:  # type: ignore[misc]
        if kind != "blob" or mode not in _BLOB_MODES:
            continue  # symbolic links and submodules are not followed
        path = PurePosixPath(name)
        inside = path.relative_to(named) if named and path.is_relative_to(named) else path
        if any(part.startswith((".", "~$")) for part in inside.parts):
            continue
        if named == name:
            pass  # a file named on the command line is checked whatever its name
        elif not _is_letter_name(path.name):
            continue
        if any(str(parent) in skipped for parent in path.parents):
            continue
        letters.append((name, sha))
    return sorted(letters)


# ---------------------------------------------------------------- checking


def _config_for(path: Path, mirror: Path):  # type: ignore[no-untyped-def]
    """The configuration of the file's place in the working tree, its root moved into the
    mirror (so globs relative to it match the mirrored file)."""
    from lettercheck.engine.config import load_config

    relative = path.relative_to(mirror)
    anchor = Path(Path.cwd().anchor)
    real = anchor.joinpath(*relative.parts[1:])
    config = load_config(real.parent)
    if config.root is not None:
        with contextlib.suppress(ValueError):
            inside = Path(config.root).resolve().relative_to(anchor)
            config = replace(config, root=mirror / relative.parts[0] / inside, _cache={})
    return config


def history_one(path: Path, mirror: Path, timeout: float | None = None) -> FileResult:
    """Check one mirrored file in a worker; the result keeps one slim finding per rule (the
    shares need no more)."""
    from lettercheck.app.pipeline import DEFAULT_TIMEOUT, timed_check

    config = _config_for(path, mirror)
    if timeout is None:
        timeout = config.letter_timeout or DEFAULT_TIMEOUT
    result = timed_check(path, timeout, config).result
    if result.findings:
        first: dict[str, Finding] = {}
        for finding in result.findings:
            first.setdefault(finding.rule, replace(finding, why="", text=None, suggestion=None))
        result.findings = list(first.values())
    return result


@contextlib.contextmanager
def _temporary_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="lettercheck-historik-")).resolve()
    interrupt.TEMP_FOLDERS.add(str(folder))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        interrupt.TEMP_FOLDERS.discard(str(folder))


def run_history(
    path: Path,
    *,
    by: str = "commit",
    limit: int = DEFAULT_LIMIT,
    jobs: int = 1,
    ctrl_c: StopSignals | None = None,
    timeout: float | None = None,
    on_total: Callable[[int], Callable | None] | None = None,
) -> HistoryOutcome:
    """Read the history of the letters under ``path`` and check each distinct content once.
    ``on_total(n)`` is told how many contents will be checked and may return the runner's
    ``on_done`` (a progress bar)."""
    from lettercheck.app.runner import run
    from lettercheck.engine.config import load_config
    from lettercheck.reporters.catalog import catalog_with_findings, rule_catalog
    from lettercheck.reporters.history import share_counts

    held = ctrl_c if ctrl_c is not None else StopSignals()
    with contextlib.nullcontext(held) if ctrl_c is not None else held:
        root, pathspec = locate(path)
        found = commits(root, pathspec)
        if not found:
            raise HistoryError(f"ingen commits i git-historikken rører {path}.")
        chosen, total = select(found, by, limit)
        held.check()
        blobs = Blobs(root)
        try:
            trees: list[list[tuple[str, str]]] = []
            excluded: dict[str, bool] = {}
            for commit in chosen:
                kept = []
                for name, sha in letters_at(root, commit.sha, pathspec, blobs):
                    if name not in excluded:
                        real = root / name
                        excluded[name] = load_config(real.parent).excludes(real)
                    if not excluded[name]:
                        kept.append((name, sha))
                trees.append(kept)
                held.check()
            keys = sorted({key for tree in trees for key in tree})
            with _temporary_folder() as mirror:
                anchor = Path(root.anchor)
                paths: list[Path] = []
                too_big: dict[tuple[str, str], FileResult] = {}
                for name, sha in keys:
                    held.check()
                    target = mirror / sha / (root / name).relative_to(anchor)
                    data = blobs.read(sha)
                    if data is None:
                        too_big[(name, sha)] = FileResult(
                            path=Path(name),
                            error="Filen er for stor til at være et brev og er ikke kontrolleret.",
                        )
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    paths.append(target)
                on_done = on_total(len(paths)) if on_total is not None else None

                def done(item: object, count: int, all_: int) -> None:
                    held.check()
                    if on_done is not None:
                        on_done(item, count, all_)

                work = functools.partial(history_one, mirror=mirror, timeout=timeout)
                results = list(run(paths, jobs, work, on_done=done))
                held.check()
        finally:
            blobs.close()
        cache: dict[tuple[str, str], FileResult] = dict(too_big)
        checked_keys = [key for key in keys if key not in too_big]
        for key, result in zip(checked_keys, results, strict=True):
            result.path = Path(key[0])
            cache[key] = result
        known = {r.name for r in catalog_with_findings(rule_catalog(), cache.values())}
        points = []
        for commit, tree in zip(chosen, trees, strict=True):
            here = [cache[key] for key in tree]
            readable = sum(1 for r in here if r.error is None and r.readability is not None)
            points.append(
                HistoryPoint(
                    commit=commit.sha,
                    short=commit.short,
                    date=commit.date,
                    subject=commit.subject,
                    letters=readable,
                    unreadable=len(here) - readable,
                    shares=share_counts(here, known),
                )
            )
    return HistoryOutcome(
        points=points,
        total=total,
        checked=len(checked_keys),
        letters=points[-1].letters if points else 0,
    )


def write_reports(
    outcome: HistoryOutcome,
    *,
    html_path: Path | None,
    csv_path: Path | None,
    by: str,
    limit: int,
    where: str,
    ctrl_c: StopSignals,
) -> None:
    """Both reports to temporary files, renamed into place together (see ``audit``)."""
    from lettercheck.app.audit import _stage
    from lettercheck.app.safewrite import Staged, commit_together
    from lettercheck.reporters import history as reporter

    staged: list[Staged] = []
    try:
        if html_path is not None:
            pieces = reporter.iter_render(
                outcome.points, by=by, total=outcome.total, limit=limit, where=where
            )
            staged.append(_stage(html_path, "--html", pieces, "\n", ctrl_c.check))
        if csv_path is not None:
            pieces = [reporter.render_csv(outcome.points, by=by)]
            staged.append(_stage(csv_path, "--csv", pieces, "", ctrl_c.check))
        ctrl_c.check()
        commit_together(staged)
    except BaseException:
        for one in staged:
            one.discard()
        raise
