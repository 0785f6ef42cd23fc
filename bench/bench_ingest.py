"""Ingest time and memory: the bundled tables through `ingest_file`, against a plain `sqlite_utils` insert.

Cases: the final Open LLM table (4,576 rows, one snapshot) into an empty in-memory store and an empty file store
(WAL, as the bot uses it), and the whole 2024 LMArena history (5,597 rows, 39 boards) likewise. Ours is the
whole import: read and gunzip the file, parse, validate every cell, rank, hash, and write in one transaction. The
baseline, measured in the same run, reads and parses the same file and calls `insert_all` on the raw rows into a
fresh table: no validation, ranking, model identities or deduplication, so the gap is what those cost.

Time: median of 5 runs (plus 1 warm-up), a new empty store each run, store creation not timed.
Memory, per case in a fresh `spawn`ed process after imports: growth of peak RSS during one run (Linux `VmHWM`,
reset first through /proc/self/clear_refs; `ru_maxrss` cannot be used here because it keeps the parent's peak
across spawn's exec), then the `tracemalloc` peak of Python allocations during a second run.

    .venv/bin/python bench/bench_ingest.py [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from bot.ingest import ingest_file, open_store, register_boards  # noqa: E402
from bot.sources import get_source  # noqa: E402
from bot.sources.payloads import read_rows  # noqa: E402
from db.store import Store  # noqa: E402

DATA = ROOT / "db" / "data"
FILES = {
    "open-llm": DATA / "open-llm" / "contents-2025-03-21.jsonl.gz",
    "arena-raw": DATA / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz",
}
CASES = [("open-llm", "memory"), ("open-llm", "file"), ("arena-raw", "memory"), ("arena-raw", "file")]
RUNS = 5
TARGET_S = 1.5
COMMAND = ".venv/bin/python bench/bench_ingest.py --write"


def _open(kind: str, tmp: Path, name: str) -> tuple[Store | sqlite_utils.Database, Callable[[], None]]:
    path = ":memory:" if kind == "memory" else str(tmp / name)
    if name.startswith("ours"):
        store = Store(path)
        register_boards(store)
        return store, store.close
    db = sqlite_utils.Database(path)
    if kind == "file":  # the journal settings the store uses, so only the work differs
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
    return db, db.close


def ours(board: str, kind: str, tmp: Path, run: int) -> int:
    store, close = _open(kind, tmp, f"ours-{board}-{run}.db")
    try:
        started = time.perf_counter_ns()
        report = ingest_file(store, board, FILES[board])
        elapsed = time.perf_counter_ns() - started
        assert report.created and all(s.created for s in report.saved)
        return elapsed
    finally:
        close()


def baseline(board: str, kind: str, tmp: Path, run: int) -> int:
    db, close = _open(kind, tmp, f"plain-{board}-{run}.db")
    try:
        started = time.perf_counter_ns()
        with gzip.open(FILES[board], "rt", encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
        db["rows"].insert_all(rows)
        elapsed = time.perf_counter_ns() - started
        assert db["rows"].count == len(rows)
        return elapsed
    finally:
        close()


IMPORTERS = {"ours": ours, "baseline": baseline}


def median_seconds(importer: str, board: str, kind: str, tmp: Path) -> float:
    fn = IMPORTERS[importer]
    fn(board, kind, tmp, -1)  # warm-up: imports, page cache
    return statistics.median(fn(board, kind, tmp, run) for run in range(RUNS)) / 1e9


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def peak_rss_growth_kib(fn: Callable[[], object]) -> int:
    """How far peak RSS rose above the RSS before `fn`: Linux VmHWM after resetting it to the current RSS."""
    Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak RSS (VmHWM) to the current RSS
    before = _status_kib("VmRSS")
    fn()
    return _status_kib("VmHWM") - before


def memory(importer: str, board: str, kind: str) -> tuple[float, float]:
    """(peak RSS growth, tracemalloc peak) in MiB, measured in the calling (fresh) process."""
    fn = IMPORTERS[importer]
    with tempfile.TemporaryDirectory() as tmp:
        rss_kib = peak_rss_growth_kib(lambda: fn(board, kind, Path(tmp), 0))
        tracemalloc.start()
        fn(board, kind, Path(tmp), 1)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return rss_kib / 1024, peak / 2**20


def stages(board: str) -> dict[str, float]:
    """Median seconds of each stage of ours into an in-memory store: read + parse, validate + rank + hash, write."""
    source = get_source(board)
    times: dict[str, list[float]] = {"read": [], "convert": [], "write": []}
    for _ in range(RUNS):
        store = Store()
        register_boards(store)
        t0 = time.perf_counter()
        rows = read_rows(FILES[board])
        t1 = time.perf_counter()
        snapshots = source.to_snapshots(rows, origin=str(FILES[board]))
        t2 = time.perf_counter()
        store.save_snapshots(snapshots)
        t3 = time.perf_counter()
        store.close()
        for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def measure() -> list[dict]:
    results = []
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        for board, kind in CASES:
            row = {"board": board, "kind": kind}
            for importer in IMPORTERS:
                row[importer] = median_seconds(importer, board, kind, Path(tmp))
                with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                    row[f"{importer}_rss"], row[f"{importer}_traced"] = pool.submit(
                        memory, importer, board, kind
                    ).result()
            results.append(row)
    return results


def table(results: list[dict]) -> str:
    labels = {
        ("open-llm", "memory"): "Open LLM final table (4,576 rows, 1 snapshot) -> in-memory store",
        ("open-llm", "file"): "Open LLM final table (4,576 rows, 1 snapshot) -> file store (WAL)",
        ("arena-raw", "memory"): "LMArena 2024 history (5,597 rows, 39 boards) -> in-memory store",
        ("arena-raw", "file"): "LMArena 2024 history (5,597 rows, 39 boards) -> file store (WAL)",
    }
    lines = [
        "| case | ours, median | baseline `insert_all`, median | ours / baseline | under 1.5 s"
        " | peak RSS growth, ours / baseline | tracemalloc peak, ours / baseline |",
        "| --- | ---: | ---: | ---: | :---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {labels[(r['board'], r['kind'])]} | {r['ours']:.3f} s | {r['baseline']:.3f} s"
            f" | {r['ours'] / r['baseline']:.1f}x | {'yes' if r['ours'] < TARGET_S else '**no**'}"
            f" | {r['ours_rss']:.0f} / {r['baseline_rss']:.0f} MiB"
            f" | {r['ours_traced']:.0f} / {r['baseline_traced']:.0f} MiB |"
        )
    return "\n".join(lines)


def seed_seconds(tmp: Path, runs: int = 3) -> float:
    """First use: a new file store seeded from all the bundled data (3 Open LLM snapshots, 39 LMArena boards)."""
    times = []
    for run in range(runs):
        started = time.perf_counter()
        open_store(tmp / f"seed-{run}.db").close()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="update the Ingest section of BENCHMARKS.md")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results = measure()
    split = {board: stages(board) for board in FILES}
    with tempfile.TemporaryDirectory() as tmp:
        seeding = seed_seconds(Path(tmp))
    where = "; ".join(
        f"{board}: read + parse {s['read']:.3f} s, validate + rank + hash {s['convert']:.3f} s,"
        f" write {s['write']:.3f} s"
        for board, s in split.items()
    )
    notes = (
        f"Where our in-memory time goes (medians): {where}. System load (1-minute average) when the run started:"
        f" {load:.2f} on {os.cpu_count()} cores."
    )
    notes += (
        f" Seeding an empty file store on first use from all the bundled data (3 Open LLM snapshots, 9,480 rows;"
        f" 39 LMArena boards, 5,597 rows): {seeding:.2f} s, median of 3 (target: under 3 s)."
    )
    figures = table(results) + "\n\n" + textwrap.fill(notes, width=116)
    print(figures)
    if args.write:
        body = (
            "`ingest_file` on the bundled data: read and gunzip, parse, validate every cell, rank, hash, and write"
            " in one transaction. Baseline (same run, same file): gunzip + `json.loads` per line + `sqlite_utils`"
            " `insert_all` of the raw rows into a fresh table, with no validation, ranking, model identities or"
            " deduplication. Time is the median of 5 runs after a warm-up, a new empty store each run (creating"
            " it is not timed). Memory is measured per case in a fresh process after imports: peak RSS growth"
            " (Linux `VmHWM` after resetting it; `ru_maxrss` would keep the parent's peak) during one run, then"
            " the `tracemalloc` peak of Python allocations during a second run. Target: each import under"
            " 1.5\u00a0s."
        )
        write_section("Ingest", textwrap.fill(body, width=116) + "\n\n" + figures, command=COMMAND)


if __name__ == "__main__":
    main()
