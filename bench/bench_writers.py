"""Concurrent writers: 8 processes x 10 imports into one store file, started together.

Ours: `ingest_rows` (every write BEGIN IMMEDIATE, waiting the busy timeout). Baseline, in the same run: the same
imports through the write pattern the store used before (a deferred BEGIN, a read, then the writes), which
SQLite cannot queue: the upgrade to a write lock fails at once with SQLITE_BUSY. Each import is the real last 2024
board republished on its own date (ratings moved a little, see `board_of`). Reported: failed imports, and the time
each import took (waiting included).

    .venv/bin/python bench/bench_writers.py [--write]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile  # noqa: E402
from bench.report import publish  # noqa: E402

WRITERS, IMPORTS = 8, 10


def board_of(date: str) -> list[dict]:
    """The real last 2024 board on another date, every rating moved by the day (made-up values), so no import
    is a republication of another (those are skipped, not stored)."""
    from tests.arena_2024 import republished  # noqa: PLC0415

    return republished(date, shift=int(date[5:7]) * 0.25 + int(date[8:]) * 0.01)


def timed_imports(
    writer: int, start: float, one: Callable[[list[dict]], None], refused: type[Exception]
) -> tuple[int, list[float]]:
    """This writer's imports, one after another from `start` (so every process begins together): failures of
    kind `refused`, and each import's time in ms, waiting included."""
    boards = [board_of(f"2025-{writer + 1:02d}-{i + 1:02d}") for i in range(IMPORTS)]
    while time.time() < start:
        time.sleep(0.001)
    failures, times = 0, []
    for rows in boards:
        began = time.perf_counter()
        try:
            one(rows)
        except refused:
            failures += 1
        times.append((time.perf_counter() - began) * 1000)
    return failures, times


def ours(path: str, writer: int, start: float) -> tuple[int, list[float]]:
    from bot.ingest import ingest_rows  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    store = Store(path)
    try:
        return timed_imports(
            writer, start, lambda rows: ingest_rows(store, "arena-raw", rows, origin=f"writer {writer}"), Exception
        )
    finally:
        store.close()


def baseline(path: str, writer: int, start: float) -> tuple[int, list[float]]:
    """A deferred transaction that reads before it writes, as `save_snapshots` did before."""
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)

    def one(rows: list[dict]) -> None:
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM rows").fetchone()
            values = [(r["model_name"], r["rating"], r["leaderboard_publish_date"]) for r in rows]
            conn.executemany("INSERT INTO rows VALUES (?, ?, ?)", values)
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            conn.execute("ROLLBACK")
            raise

    try:
        return timed_imports(writer, start, one, sqlite3.OperationalError)
    finally:
        conn.close()


def together(fn, path: str) -> tuple[int, list[float], float]:  # type: ignore[no-untyped-def]
    start = time.time() + 3.0  # every process imported and connected before the first write
    began = time.perf_counter()
    with ProcessPoolExecutor(max_workers=WRITERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(fn, [path] * WRITERS, range(WRITERS), [start] * WRITERS))
    wall = time.perf_counter() - began - 3.0
    return sum(f for f, _ in results), [t for _, times in results for t in times], wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    from db.store import Store  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "ours.db")
        Store(path).close()
        ours_result = together(ours, path)
        base = str(Path(tmp) / "base.db")
        conn = sqlite3.connect(base)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE rows (name TEXT, rating REAL, date TEXT)")
        conn.close()
        base_result = together(baseline, base)
        store = Store(path)
        stored = len(store.snapshots("arena-raw", "overall"))
        integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
        store.close()

    total = WRITERS * IMPORTS
    rows = []
    for label, (failed, times, wall) in (("ours (BEGIN IMMEDIATE, busy timeout)", ours_result),
                                         ("baseline (deferred BEGIN, read, then write)", base_result)):  # fmt: skip
        rows.append(
            f"| {label} | {failed} of {total} | {percentile(times, 0.5):.0f} ms | {percentile(times, 0.99):.0f} ms |"
            f" {wall:.1f} s |"
        )
    body = "\n".join(
        [
            f"{WRITERS} processes x {IMPORTS} imports of a 182-row board each, started together on one store file.",
            "",
            "| writers | failed imports | per import p50 (waiting included) | p99 | wall time |",
            "| --- | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Our store afterwards: {stored} boards ({total} imported into an empty store), integrity check:"
            f" {integrity}."
            f" System load (1-minute average) when the run ended: {os.getloadavg()[0]:.2f}.",
        ]
    )
    publish("Concurrent writers", body, command=".venv/bin/python bench/bench_writers.py --write", write=args.write)


if __name__ == "__main__":
    main()
