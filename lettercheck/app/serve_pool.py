"""The worker processes behind ``lettercheck serve``: a bounded pool with a time limit per letter.

Why not ``app.runner``: the runner works through a known list of files and yields in order; a
server gets letters one request at a time, must answer the others while one letter is slow, and
must be able to stop a single letter that takes too long. So each worker is its own process with
a pipe, a letter is handed to an idle worker, and a worker that passes the time limit (or dies)
is killed and replaced without touching the others.

Workers are forked from a ``forkserver`` that has loaded spaCy and the rules once
(``lettercheck.app._serve_warm``), so a new worker is warm in milliseconds and the web process
itself never loads spaCy. This module imports no web framework: the pool is tested on its own.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

#: A worker is replaced by a fresh one after this many letters: spaCy's string store keeps every
#: new word it sees, so a long-running worker would grow (the runner recycles for the same reason).
RECYCLE_AFTER = 500


@dataclass(frozen=True, slots=True)
class Task:
    """One letter for a worker. ``kind``: ``check`` (the JSON object), ``annotate`` (also write
    the annotated copy to ``target``) or ``audit`` (a slim ``FileResult`` for the reports)."""

    kind: str
    path: str
    name: str
    target: str | None = None
    suggest: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """``status``: ``ok`` (``value`` is the worker's answer), ``timeout``, ``crash``, ``busy``
    (no worker became free in time) or ``error`` (``value`` is a Danish line: a bug)."""

    status: str
    value: Any = None


# -- inside a worker ---------------------------------------------------------------------------


def letter_json(checked, name: str) -> dict:
    """The ``--format json`` object of one file, plus what the web page needs to show the
    letter: each finding's ``place`` ("afsnit 4 (brødtekst)", as the text report says it) and
    the letter's ``blocks`` (index, text, part) that findings' ``block``/``start``/``end`` point
    into. The contract allows added keys; ``path`` is the name the file was uploaded with."""
    from lettercheck.reporters.catalog import block_label
    from lettercheck.reporters.json import file_to_json

    result = checked.result
    result.path = Path(name)
    data = file_to_json(result)
    for finding, shown in zip(result.findings, data["findings"], strict=True):
        shown["place"] = block_label(finding)
    document = checked.document
    data["blocks"] = (
        [
            {"index": b.index, "text": b.text, "part": str(b.part) if b.part else None}
            for b in document.blocks
        ]
        if document is not None
        else []
    )
    return data


def perform(task: Task, config) -> Any:
    """Do one task in this process (the worker's loop calls it; tests may call it directly)."""
    if task.kind == "ping":
        return None
    from lettercheck.app.pipeline import check_file
    from lettercheck.model.document import LetterError

    checked = check_file(Path(task.path), config)
    if task.kind == "audit":
        result = checked.result
        result.path = Path(task.name)
        result.findings = [replace(f, why="") for f in result.findings]
        return result
    if task.kind == "check":
        return letter_json(checked, task.name)
    # annotate
    data = letter_json(checked, task.name)
    if checked.document is None or data["error"]:
        return {"file": data, "written": False}
    from lettercheck.annotate.write import annotate_file

    try:
        annotate_file(
            Path(task.path),
            Path(task.target or ""),
            checked.document,
            checked.result.findings,
            checked.result.readability,
            suggest=task.suggest,
        )
    except LetterError as error:
        data["error"] = str(error)
        return {"file": data, "written": False}
    return {"file": data, "written": True}


def _worker_main(conn, config_folder: str | None) -> None:
    """A worker's loop: receive a task, send ``(True, answer)`` or ``(False, Danish line)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to take
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from lettercheck.app.pipeline import internal_error
    from lettercheck.engine.config import Config, load_config

    try:
        config = load_config(config_folder) if config_folder else Config()
    except Exception:
        config = Config()  # the server checked it at start; never die on it here
    gc.freeze()  # what the forkserver loaded stays shared (see runner._worker_start)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply = (True, perform(task, config))
        except Exception as error:
            reply = (False, internal_error(error))
        try:
            conn.send(reply)
        except Exception as error:  # an answer that cannot be pickled
            conn.send((False, internal_error(error)))


# -- in the server -----------------------------------------------------------------------------


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["lettercheck.app._serve_warm"])
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - not Linux


class _Worker:
    def __init__(self, context, config_folder: str | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, config_folder), daemon=True, name="lettercheck"
        )
        self.process.start()
        child.close()
        self.tasks = 0

    def call(self, task: Task, timeout: float) -> Outcome:
        self.tasks += 1
        try:
            self.conn.send(task)
            if not self.conn.poll(timeout):
                return Outcome("timeout")
            ok, value = self.conn.recv()  # EOF here: the worker died
        except (EOFError, OSError, BrokenPipeError):
            return Outcome("crash")
        return Outcome("ok" if ok else "error", value)

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if kill and self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """``workers`` processes; ``run(task)`` blocks until an idle worker has done it.

    A caller waits at most ``wait`` seconds for a worker and at most ``max_waiting`` callers wait
    at once (then ``busy``); a letter gets ``timeout`` seconds before its worker is killed and
    replaced. Safe to call from many threads.
    """

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = 30.0,
        wait: float = 60.0,
        max_waiting: int = 200,
        config_folder: Path | None = None,
        recycle_after: int = RECYCLE_AFTER,
    ) -> None:
        self.size = workers
        self.timeout = timeout
        self.wait = wait
        self.max_waiting = max_waiting
        self.recycle_after = recycle_after
        self._config_folder = str(config_folder) if config_folder is not None else None
        self._context = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self._config_folder)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=kill)
        if not self._closed:
            self._add()

    def run(self, task: Task) -> Outcome:
        with self._lock:
            if self._waiting >= self.max_waiting or self._closed:
                return Outcome("busy")
            self._waiting += 1
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            return Outcome("busy")
        finally:
            with self._lock:
                self._waiting -= 1
        outcome = worker.call(task, self.timeout)
        if outcome.status in ("timeout", "crash"):
            self._retire(worker, kill=True)
        elif worker.tasks >= self.recycle_after:
            self._retire(worker, kill=False)
        else:
            self._idle.put(worker)
        return outcome

    def warm(self, deadline: float = 120.0) -> None:
        """Wait until every worker answers (the first start loads spaCy in the forkserver)."""
        end = time.monotonic() + deadline
        taken = []
        try:
            for _ in range(self.size):
                taken.append(self._idle.get(timeout=max(0.1, end - time.monotonic())))
            for worker in taken:
                worker.conn.send(Task(kind="ping", path="", name=""))
            for worker in taken:
                with contextlib.suppress(EOFError, OSError):
                    if worker.conn.poll(max(0.1, end - time.monotonic())):
                        worker.conn.recv()
        finally:
            for worker in taken:
                self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
