"""Load test for ``lettercheck serve`` on loopback: many clients, corpus letters mixed with hostile
files, bounded in count and time.

    python benchmarks/serve_load.py                      # 50 clients, 2,000 checks, ≤ 10 min
    python benchmarks/serve_load.py --clients 10 --requests 100

Starts ``python -m lettercheck serve`` on a free 127.0.0.1 port (or uses ``--url`` of a running
one: loopback only), sends POST /api/check from ``--clients`` threads, and reports p50/p99 latency,
throughput, the statuses, and the server's memory (the web process, the forkserver and its
workers) after a warm-up and after the run. Every good letter must get 200 and every hostile
file a 4xx; ``tests/app/test_serve_browser.py`` runs a small version of it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SUFFIXES = {".docx", ".dotx", ".docm", ".dotm", ".txt"}


def hostile_files(folder: Path) -> list[tuple[str, bytes]]:
    """The hostile and broken files of tests/hostile.py the CLI refuses, as uploads."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import hostile
    finally:
        sys.path.pop(0)
    made = [
        hostile.legacy_doc(folder / "gammel.doc"),
        hostile.encrypted_docx(folder / "krypteret.docx"),
        hostile.zip_bomb(folder / "bombe.docx", 256 * 1024 * 1024),
        hostile.billion_laughs(folder / "latter.docx"),
        hostile.external_entity(folder / "entitet.docx", folder / "hemmelig.txt"),
        hostile.random_bytes(folder / "stoej.docx"),
        hostile.truncated_zip(hostile.good_letter(folder / "afkortet.docx")),
        hostile.empty(folder / "tom.docx"),
    ]
    files = [(p.name, p.read_bytes()) for p in made]
    files.append(("faktura.pdf", b"%PDF-1.4 not a letter"))
    return files


def good_files() -> list[tuple[str, bytes]]:
    return [
        (p.name, p.read_bytes())
        for p in sorted(CORPUS.iterdir())
        if p.suffix in SUFFIXES and p.name != "README.md"
    ]


def run(
    base: str,
    *,
    clients: int = 50,
    requests: int = 2000,
    time_limit: float = 600,
    hostile_share: float = 0.2,
    seed: int = 15,
) -> dict:
    """Send ``requests`` checks from ``clients`` threads (stopping at ``time_limit`` seconds)."""
    if urlparse(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("serve_load: only against a server on loopback")
    with tempfile.TemporaryDirectory() as folder:
        bad = hostile_files(Path(folder))
    good = good_files()
    rng = random.Random(seed)
    plan = [
        ("hostile", rng.choice(bad)) if rng.random() < hostile_share else ("good", rng.choice(good))
        for _ in range(requests)
    ]
    lock = threading.Lock()
    todo = iter(plan)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    counts = Counter()
    started = time.perf_counter()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while time.perf_counter() - started < time_limit:
                with lock:
                    item = next(todo, None)
                if item is None:
                    return
                kind, (name, data) = item
                began = time.perf_counter()
                try:
                    status = http.post("/api/check", files={"file": (name, data)}).status_code
                except httpx.HTTPError as error:
                    status = 0
                    failures.append(f"{name}: {type(error).__name__}")
                took = time.perf_counter() - began
                with lock:
                    counts[kind] += 1
                    statuses[f"{kind} {status}"] += 1
                    if kind == "good":
                        latencies.append(took)
                        if status != 200:
                            counts["good_failed"] += 1
                            failures.append(f"{name}: {status}")
                    elif not 400 <= status < 500:
                        counts["hostile_not_4xx"] += 1
                        failures.append(f"{name}: {status}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = counts["good"] + counts["hostile"]
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    return {
        "clients": clients,
        "requests": done,
        "good": counts["good"],
        "hostile": counts["hostile"],
        "good_failed": counts["good_failed"],
        "hostile_not_4xx": counts["hostile_not_4xx"],
        "seconds": round(elapsed, 1),
        "throughput_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "good_p50_ms": round(percentile(50), 1),
        "good_p99_ms": round(percentile(99), 1),
        "good_mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "failures": failures[:20],
    }


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=600)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--url", default=None, help="a running server on loopback")
    args = parser.parse_args()

    process = None
    base = args.url
    if base is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        command = [sys.executable, "-m", "lettercheck", "serve", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
    try:
        run(base, clients=10, requests=100, time_limit=60)  # warm-up: caches filled
        before = tree_rss_mb(process.pid) if process else None
        report = run(base, clients=args.clients, requests=args.requests, time_limit=args.time_limit)
        report["memory_mb_before"] = before
        report["memory_mb_after"] = tree_rss_mb(process.pid) if process else None
        report["workers"] = httpx.get(base + "/healthz").json()["workers"]
        report["cpus"] = len(os.sched_getaffinity(0))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = report["good_failed"] == 0 and report["hostile_not_4xx"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
