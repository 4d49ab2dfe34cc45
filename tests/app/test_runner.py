"""The parallel runner: input order, per-letter errors, dead workers, progress, bounded window."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from lettercheck.app import runner
from lettercheck.model.findings import FileResult


def _slow_echo(path: Path) -> str:
    """Finishes out of order: early paths sleep longest."""
    time.sleep(0.02 * (int(path.stem) % 3))
    return f"ok:{path.stem}"


def _explodes(path: Path) -> str:
    if path.stem == "3":
        raise ValueError("boom")
    return f"ok:{path.stem}"


def _dies(path: Path) -> str:
    if path.stem == "4":
        os._exit(17)  # a worker that dies without a Python exception (like a segfault)
    time.sleep(0.01)
    return f"ok:{path.stem}"


def _pid(path: Path) -> int:
    time.sleep(0.05)
    return os.getpid()


def _paths(n: int) -> list[Path]:
    return [Path(f"{i}") for i in range(n)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_in_input_order(jobs: int) -> None:
    out = list(runner.run(_paths(12), jobs, _slow_echo, initializer=None))
    assert out == [f"ok:{i}" for i in range(12)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_becomes_that_letters_error(jobs: int) -> None:
    out = list(runner.run(_paths(6), jobs, _explodes, initializer=None))
    assert isinstance(out[3], FileResult)
    assert out[3].path == Path("3")
    assert "ValueError" in out[3].error and "boom" in out[3].error
    assert [o for i, o in enumerate(out) if i != 3] == [f"ok:{i}" for i in range(6) if i != 3]


def test_a_dead_worker_marks_only_its_letter_and_the_rest_complete() -> None:
    errors: list[tuple[Path, str]] = []

    def on_error(path: Path, message: str) -> str:
        errors.append((path, message))
        return "error"

    out = list(runner.run(_paths(10), 2, _dies, on_error=on_error, initializer=None))
    assert out == [("error" if i == 4 else f"ok:{i}") for i in range(10)]
    assert errors == [(Path("4"), runner.CRASH_MESSAGE)]


def test_work_really_runs_in_parallel_processes() -> None:
    pids = set(runner.run(_paths(8), 2, _pid, initializer=None))
    assert os.getpid() not in pids
    assert len(pids) == 2


def test_progress_is_reported_once_per_letter() -> None:
    seen: list[tuple[int, int]] = []
    list(
        runner.run(
            _paths(7), 2, _slow_echo, on_done=lambda p, d, t: seen.append((d, t)), initializer=None
        )
    )
    assert seen == [(d, 7) for d in range(1, 8)]


def test_results_stream_before_the_last_letter_is_done() -> None:
    """The first result is available while most letters are still waiting (bounded window)."""
    start = time.monotonic()
    results = runner.run(_paths(200), 2, _slow_echo, initializer=None)
    first = next(results)
    first_at = time.monotonic() - start
    rest = list(results)
    total = time.monotonic() - start
    assert first == "ok:0" and len(rest) == 199
    assert first_at < total / 2


def test_no_paths_no_results() -> None:
    assert list(runner.run([], 2, _slow_echo)) == []


def test_workers_are_recycled_and_order_holds() -> None:
    pids = list(runner.run(_paths(12), 2, _pid, initializer=None, recycle_after=2))
    assert len(set(pids)) >= 4  # 12 letters, 2 workers, at most 2 letters each per pool
    out = list(runner.run(_paths(12), 2, _slow_echo, initializer=None, recycle_after=1))
    assert out == [f"ok:{i}" for i in range(12)]


def test_recycling_and_a_dead_worker_together() -> None:
    out = list(
        runner.run(
            _paths(10), 2, _dies, on_error=lambda p, m: "error", initializer=None, recycle_after=1
        )
    )
    assert out == [("error" if i == 4 else f"ok:{i}") for i in range(10)]


def _unpicklable(path: Path) -> object:
    if path.stem == "2":
        return lambda: None  # cannot be sent back to the parent
    return f"ok:{path.stem}"


def test_a_result_that_cannot_come_back_is_that_letters_error() -> None:
    out = list(
        runner.run(_paths(6), 2, _unpicklable, on_error=lambda p, m: "error", initializer=None)
    )
    assert out == [("error" if i == 2 else f"ok:{i}") for i in range(6)]


def test_jobs_choose_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --jobs: one process for a few letters, one worker per free CPU for many, and one
    process on a machine whose CPUs other work already keeps busy."""
    monkeypatch.setattr(runner, "default_jobs", lambda: 4)
    monkeypatch.setattr(runner.os, "getloadavg", lambda: (0.3, 0.0, 0.0))
    assert runner.auto_jobs(1) == 1
    assert runner.auto_jobs(runner.LETTERS_PER_WORKER - 1) == 1
    assert runner.auto_jobs(2 * runner.LETTERS_PER_WORKER) == 2
    assert runner.auto_jobs(10_000) == 4
    monkeypatch.setattr(runner.os, "getloadavg", lambda: (2.7, 0.0, 0.0))
    assert runner.auto_jobs(10_000) == 2
    monkeypatch.setattr(runner.os, "getloadavg", lambda: (6.0, 0.0, 0.0))
    assert runner.auto_jobs(10_000) == 1
