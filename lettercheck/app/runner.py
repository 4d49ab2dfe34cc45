"""Run one piece of work per letter, in parallel processes, with results in input order.

Why processes: checking a letter is pure Python (lxml, spaCy tokenizer, rules) and holds the GIL, so
threads would not scale; a process pool does. Why this module instead of a plain ``pool.map``:

* **Deterministic output.** Results are yielded in the order of ``paths`` whatever order the
  workers finish in, so a report is byte-identical at ``--jobs 1`` and ``--jobs 8``.
* **Bounded memory.** Only a window of a few chunks per worker is in flight; results are yielded
  as soon as they are next in line. An audit of 10,000 letters holds a handful of results, never
  all of them (nor any ``Document``: workers return small results only).
* **One bad letter never stops the run.** An exception in ``work`` becomes that letter's error
  result. A worker process that dies (``os._exit``, a segfault in a C extension, the OOM killer)
  breaks the whole pool in ``concurrent.futures``; we then start a new pool, retry the letters
  that were in flight one at a time in a single worker, and mark only the letter that kills that
  worker again as the culprit.
* **Warm start.** spaCy and the rules are loaded once in the parent before the pool forks, so each
  worker inherits them (copy-on-write) instead of loading them itself.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from lettercheck.app.interrupt import interruptible
from lettercheck.model.findings import FileResult

X = TypeVar("X")

#: Message of a letter whose worker process died; Danish, shown to the user like any read error.
CRASH_MESSAGE = (
    "Kontrollen af filen fik programmet til at stoppe uventet. "
    "Prøv at åbne og gemme filen igen i Word, og kontrollér den alene."
)


def default_jobs() -> int:
    """The number of CPUs this process may use (respects taskset/cgroup affinity where known)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: Letters each worker should get before one more worker pays for itself: starting a worker
#: (fork, freeing it, the pool's pipes) and the parent's own work cost about as much as checking
#: a few dozen letters, so a run of a few letters is faster in one process.
LETTERS_PER_WORKER = 50


def auto_jobs(letters: int) -> int:
    """``--jobs`` when it is not given: one worker per CPU that is free, but no more than one per
    ``LETTERS_PER_WORKER`` letters, and at least one.

    A CPU is counted busy for every whole runnable process in the one-minute load average: on a
    machine whose cores other work already uses, a second worker only competes with it (a run of
    1,500 letters at ``--jobs 2`` took longer than at ``--jobs 1`` while tests ran beside it)."""
    cpus = default_jobs()
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):  # pragma: no cover - no load average (Windows)
        busy = 0
    return max(1, min(cpus - busy, letters // LETTERS_PER_WORKER, cpus))


def error_result(path: Path, message: str) -> FileResult:
    """The default result for a letter whose work failed: a ``FileResult`` with ``error`` set."""
    return FileResult(path=path, error=message)


def warm_up() -> None:
    """Load what every letter needs (spaCy's Danish pipeline, the rules) before workers start.

    Missing modules are ignored so the runner works while parts of the package are being built and
    for work functions that do not need spaCy.
    """
    try:
        from lettercheck.language.danish import get_nlp

        get_nlp()
    except Exception:  # warm-up is an optimisation only
        pass
    try:
        from lettercheck.engine.ruleset import load_rules

        load_rules()
    except Exception:
        pass
    # Check one tiny letter: imports the reader and rules modules and fills the caches they fill
    # lazily (compiled patterns, matchers), so forked workers inherit them instead of each
    # paying for them on its first letter.
    try:
        import tempfile

        from lettercheck.app.pipeline import check_file

        with tempfile.TemporaryDirectory() as folder:
            letter = Path(folder) / "opvarmning.txt"
            letter.write_text(
                "Kære Anna\n\nDu får dette brev, fordi vi vil tale med dig jf. § 42, stk. 2.\n\n"
                "Med venlig hilsen\nMette Hansen, tlf. 72 10 60 12, mette@eksempel.dk\n",
                encoding="utf-8",
            )
            check_file(letter)
    except Exception:
        pass


def _unexpected(exc: BaseException) -> str:
    """A Danish one-line error for an exception that escaped ``work`` (a bug, not bad input)."""
    return f"Uventet fejl under kontrollen ({type(exc).__name__}: {exc})"


def _worker_start(initializer: Callable[[], None] | None = None) -> None:
    """In each worker: leave Ctrl-C to the parent. A terminal sends SIGINT to every process of
    the job; workers that took it would print tracebacks and could be killed mid-write. The
    parent stops the pool instead, and each worker finishes the letter in hand."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The CLI turns SIGTERM into a clean stop in the parent; a worker must die on it as usual,
    # since the pool itself stops broken workers with SIGTERM.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A forked worker shares the parent's heap page by page until it writes to it. The cyclic
    # garbage collector writes to every object it visits, so one full collection in a worker would
    # copy the parent's whole heap (spaCy, and in an audit the results so far) into the worker.
    # Freezing moves what the worker inherited out of the collector's sight.
    gc.freeze()
    if initializer is not None:
        initializer()


def _run_chunk(work: Callable[[Path], Any], chunk: Sequence[Path]) -> list[tuple[bool, Any]]:
    """Run ``work`` on each path of a chunk in a worker: (True, result) or (False, error text)."""
    out: list[tuple[bool, Any]] = []
    for path in chunk:
        try:
            out.append((True, work(path)))
        except Exception as exc:  # one bad letter must not stop the chunk
            out.append((False, _unexpected(exc)))
    return out


def _context() -> multiprocessing.context.BaseContext:
    """fork on Linux (cheap start, inherits the warmed-up spaCy); elsewhere a forkserver that has
    loaded spaCy and the rules once (``_serve_warm``, as ``lettercheck serve`` does), so workers
    do not import spaCy each (macOS, where fork is unsafe with system libraries); spawn only
    where neither exists (Windows)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["lettercheck.app._serve_warm"])
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _chunk_size(n: int, jobs: int) -> int:
    """Small chunks: enough to amortise inter-process overhead, small enough to balance load."""
    return max(1, min(8, n // (jobs * 16)))


def run(
    paths: Sequence[Path],
    jobs: int,
    work: Callable[[Path], X],
    on_done: Callable[[Path, int, int], None] | None = None,
    on_error: Callable[[Path, str], X] = error_result,  # type: ignore[assignment]
    initializer: Callable[[], None] | None = warm_up,
    recycle_after: int = 1000,
) -> Iterator[X]:
    """Apply ``work`` to every path and yield the results in the order of ``paths``.

    ``work`` must be picklable for ``jobs > 1`` (a module-level function or a
    ``functools.partial`` of one). It should catch bad input itself; anything it raises, and a
    worker process that dies, becomes ``on_error(path, message)`` for that path only.

    ``on_done(path, done, total)`` is called in the parent as each letter finishes (completion
    order), for a progress bar. ``initializer`` runs once in the parent before workers are forked
    (and again in each worker, where it is a no-op when inherited state is already loaded).
    Workers are replaced by fresh ones (forked from the warmed-up parent) after about
    ``recycle_after`` letters each, because spaCy's string store keeps every new word it sees
    and would otherwise grow through an audit of thousands of letters.
    """
    paths = list(paths)
    total = len(paths)
    if total == 0:
        return
    jobs = max(1, min(jobs, total))
    if jobs == 1:
        # No warm-up: in one process the first letter loads what it needs anyway.
        for done, path in enumerate(paths, 1):
            try:
                result = work(path)
            except Exception as exc:
                result = on_error(path, _unexpected(exc))
            if on_done is not None:
                on_done(path, done, total)
            yield result
        return
    yield from _run_parallel(paths, jobs, work, on_done, on_error, initializer, recycle_after)


def _run_parallel(
    paths: list[Path],
    jobs: int,
    work: Callable[[Path], X],
    on_done: Callable[[Path, int, int], None] | None,
    on_error: Callable[[Path, str], X],
    initializer: Callable[[], None] | None,
    recycle_after: int,
) -> Iterator[X]:
    """The pool loop: bounded window of chunks, in-order yield, recovery from dead workers."""
    total = len(paths)
    size = _chunk_size(total, jobs)
    context = _context()
    method = context.get_start_method()
    if initializer is not None and method == "fork":
        initializer()  # once, in the parent: forked workers inherit it
    # A forked worker inherits the parent's warm-up, and a forkserver's worker the server's
    # (which ran warm_up); any other initializer, and every spawned worker, runs it itself.
    inherited = method == "fork" or (method == "forkserver" and initializer is warm_up)
    worker_init = functools.partial(_worker_start, None if inherited else initializer)

    if context.get_start_method() == "fork":
        # The same on the parent's side: what exists now (spaCy, the rules) stays shared with
        # the workers only if the parent's own collector does not write to it either.
        gc.freeze()

    chunks = [list(range(i, min(i + size, total))) for i in range(0, total, size)]
    window = jobs * 4  # chunks in flight
    ready: dict[int, X] = {}  # finished results waiting for their turn, by input index
    next_out = 0
    done = 0
    suspects: list[int] = []  # indexes in flight when a worker died: retried one by one

    def finish(index: int, value: X) -> None:
        nonlocal done
        ready[index] = value
        done += 1
        if on_done is not None:
            on_done(paths[index], done, total)

    def drain() -> Iterator[X]:
        nonlocal next_out
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1

    def store(chunk: list[int], outcome: list[tuple[bool, Any]]) -> None:
        for index, (ok, value) in zip(chunk, outcome, strict=True):
            finish(index, value if ok else on_error(paths[index], value))

    todo = iter(chunks)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker_init)
    try:
        in_flight: dict[Future, list[int]] = {}
        exhausted = False
        per_pool = max(1, recycle_after) * jobs
        submitted = 0  # letters given to the current pool
        while True:
            while not exhausted and len(in_flight) < window and submitted < per_pool:
                chunk = next(todo, None)
                if chunk is None:
                    exhausted = True
                    break
                try:
                    future = pool.submit(_run_chunk, work, [paths[i] for i in chunk])
                except BrokenProcessPool:
                    suspects.extend(chunk)
                    continue
                in_flight[future] = chunk
                submitted += len(chunk)
            if not in_flight:
                if suspects:
                    # Before going on, settle the suspects so output order can advance.
                    pool.shutdown(wait=True, cancel_futures=True)
                    for index, value in _isolate(suspects, paths, work, on_error, context):
                        finish(index, value)
                    suspects = []
                    pool = ProcessPoolExecutor(
                        max_workers=jobs, mp_context=context, initializer=worker_init
                    )
                    submitted = 0
                    yield from drain()
                    continue
                if not exhausted:  # this pool has had its share: start fresh workers
                    pool.shutdown(wait=True)
                    pool = ProcessPoolExecutor(
                        max_workers=jobs, mp_context=context, initializer=worker_init
                    )
                    submitted = 0
                    continue
                break
            with interruptible():  # Ctrl-C while waiting for the workers: stop now
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                chunk = in_flight.pop(future)
                try:
                    store(chunk, future.result())
                except BrokenProcessPool:
                    suspects.extend(chunk)
                    broken = True
                except Exception:
                    # The chunk's results (or its paths) could not be sent between processes,
                    # e.g. a result that cannot be pickled: find out letter by letter.
                    for index, value in _isolate(chunk, paths, work, on_error, context):
                        finish(index, value)
            if broken:
                # Every other future of the broken pool fails too: collect them as suspects.
                for future, chunk in list(in_flight.items()):
                    try:
                        store(chunk, future.result())
                    except Exception:  # BrokenProcessPool, or see above
                        suspects.extend(chunk)
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                for index, value in _isolate(sorted(suspects), paths, work, on_error, context):
                    finish(index, value)
                suspects = []
                pool = ProcessPoolExecutor(
                    max_workers=jobs, mp_context=context, initializer=worker_init
                )
                submitted = 0
            yield from drain()
    except BaseException:
        # Ctrl-C, SIGTERM or the caller closing the results: the workers stop now, not after
        # the letter in hand (which may take minutes). They hold SIGTERM while writing an
        # annotated copy, so a copy is finished or not written at all.
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    yield from drain()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):  # already gone
            process.terminate()


def _isolate(
    indexes: list[int],
    paths: list[Path],
    work: Callable[[Path], X],
    on_error: Callable[[Path, str], X],
    context: multiprocessing.context.BaseContext,
) -> Iterator[tuple[int, X]]:
    """Retry letters one at a time in a one-worker pool: whichever kills it is the culprit.

    Running them one by one is slower, but only the few letters that were in flight when a
    worker died come here.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_worker_start)
    try:
        for index in indexes:
            try:
                ((ok, value),) = pool.submit(_run_chunk, work, [paths[index]]).result()
                yield index, value if ok else on_error(paths[index], value)
            except BrokenProcessPool:
                yield index, on_error(paths[index], CRASH_MESSAGE)
                pool.shutdown(wait=True)
                pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, initializer=_worker_start
                )
            except Exception as exc:  # the result could not come back (e.g. not picklable)
                yield index, on_error(paths[index], _unexpected(exc))
    finally:
        pool.shutdown(wait=True)
