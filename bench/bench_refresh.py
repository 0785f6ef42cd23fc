"""The Arena from the Hub: refreshing when nothing changed, a `latest` file of every text category, and the whole
text history (`refresh --history`), each against a baseline in the same run; then answering on that history.

Every file is synthetic but in the exact upstream schema (`tests/parquet_files.py`), served by the local Hub of the
tests (`tests/hub_server.py`) on 127.0.0.1:

- unchanged: every arena's `latest` file on the Hub (the agent arena's in its own schema), stored once; then a
  refresh of all of them when nothing changed: the requests made and the time, median of 5.
- latest: one `text_style_control` file of about 10,900 rows, 29 categories (as upstream's): `ingest_file` into an empty
  file store, time and peak RSS growth (fresh process each). Baseline: pyarrow reads it, `executemany` writes the
  raw rows into one plain table.
- history: a `full` file of about 1.2 million rows (247 publish dates x 29 categories, 434 models appearing over
  time), and a shorter one of about 800,000 rows (162 dates), each read with `leaderbot refresh --history`'s
  importer (`ingest_parquet`, one board at a time) into an empty file store, ours and the baseline taking turns
  (`--repeats`, default 3): median time and ratio, peak RSS growth, store size and bytes per stored row.
  Baseline: pyarrow read plus a plain `executemany` of the raw rows into one table, same process kind, same
  journal settings. Aim: within 2x the baseline, under 300 MB peak RSS at 800,000 rows.
- answering on the store holding that history: the history of one model, cold (a new store, its first question)
  and warm (p50 of 30), and rank questions (p50 and p99 of 200).

    .venv/bin/python bench/bench_refresh.py [--repeats N] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.profiles import profile  # noqa: E402

DATASET = "lmarena-ai/leaderboard-dataset"
CATEGORIES = list(profile("arena").categories)  # the 29 the text arenas publish
ORGS = ["openai", "google", "anthropic", "alibaba", "deepseek", "xai", "zai", "moonshot", "meta", "mistral"]
MODELS = 434
DATES = 247
SHORT_DATES = 162  # a history of about 800,000 rows: the memory aim is stated at that size
BLANK_DATES, BLANK_MODELS = 40, 63  # the last 40 boards leave the 63 oldest models' organization empty


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> int:
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def synthetic_table(dates: int, *, categories: list[str], latest_only: bool = False, share: float = 0.7) -> pa.Table:
    """LMArena-shaped boards: model i appears at date ~0.55 i and stays; each category holds a `share` of the models
    alive (overall: all); ratings drift a little from board to board; intervals narrow as votes grow; the last
    boards leave the oldest models' organization empty, as upstream does."""
    rng = np.random.default_rng(7)
    base = rng.normal(1250, 90, MODELS)
    born = (np.arange(MODELS) * (dates - 1) / MODELS * 0.9).astype(int)
    keep = rng.random((len(categories), MODELS)) < share
    keep[0] = True
    columns: dict[str, list] = {k: [] for k in ("model_name", "organization", "license", "rating", "rating_lower",
                                                "rating_upper", "variance", "vote_count", "rank", "category",
                                                "leaderboard_publish_date")}  # fmt: skip
    start = dates - 1 if latest_only else 0
    for d in range(start, dates):
        day = (np.datetime64("2023-05-08") + np.timedelta64(d * 5, "D")).astype(str)
        alive = np.flatnonzero(born <= d)
        for c, category in enumerate(categories):
            models = alive[keep[c, alive]]
            if len(models) == 0:
                continue
            ratings = base[models] + rng.normal(0, 2, len(models)) + (c % 5)
            votes = (d - born[models] + 1) * 40 + 200
            half = 300 / np.sqrt(votes)
            order = np.argsort(-ratings)
            columns["model_name"] += [f"model-{i}" for i in models[order]]
            blank = d >= dates - BLANK_DATES  # upstream empties the organization of older models (since 2026-04)
            columns["organization"] += [
                "" if blank and i < BLANK_MODELS else ORGS[i % len(ORGS)] for i in models[order]
            ]
            columns["license"] += ["Proprietary" if i % 3 else "Apache 2.0" for i in models[order]]
            columns["rating"] += ratings[order].tolist()
            columns["rating_lower"] += (ratings - half)[order].tolist()
            columns["rating_upper"] += (ratings + half)[order].tolist()
            columns["variance"] += ((half / 1.96) ** 2)[order].tolist()
            columns["vote_count"] += votes[order].astype(float).tolist()
            columns["rank"] += [float(r) for r in range(1, len(models) + 1)]
            columns["category"] += [category] * len(models)
            columns["leaderboard_publish_date"] += [day] * len(models)
    from parquet_files import bradley_terry_schema  # noqa: PLC0415

    return pa.table(columns, schema=bradley_terry_schema(float_counts=True))


# --- in fresh processes: one import each, its time and peak RSS -------------------------------------------------


def run_ours(path: str, db: str) -> tuple[float, float, int]:
    from bot.ingest import ingest_parquet, register_boards  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    store = Store(db)
    register_boards(store)
    before = _reset_peak()
    started = time.perf_counter()
    report = ingest_parquet(store, "arena", Path(path), origin=path)
    elapsed = time.perf_counter() - started
    peak = (_status_kib("VmHWM") - before) / 1024
    store.close()
    return elapsed, peak, sum(s.snapshot.row_count for s in report.created)


def run_baseline(path: str, db: str) -> tuple[float, float, int]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    before = _reset_peak()
    started = time.perf_counter()
    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    conn.execute(f"CREATE TABLE rows ({', '.join(names)})")
    count = 0
    with conn:
        for group in range(parquet.num_row_groups):
            batch = parquet.read_row_group(group).to_pylist()
            conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' for _ in names)})",
                             [tuple(r.values()) for r in batch])  # fmt: skip
            count += len(batch)
    elapsed = time.perf_counter() - started
    peak = (_status_kib("VmHWM") - before) / 1024
    conn.close()
    return elapsed, peak, count


def in_fresh_process(fn, *args):  # type: ignore[no-untyped-def]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# --- the Hub: nothing changed -----------------------------------------------------------------------------------


async def unchanged_refresh(tmp: Path) -> tuple[int, float, int]:
    from hub_server import HubServer  # noqa: PLC0415
    from parquet_files import AGENT_SCHEMA, agent_rows, board_rows, bradley_terry_schema, parquet_bytes  # noqa: PLC0415

    from bot.profiles import PROFILES  # noqa: PLC0415
    from bot.refresh import refresh  # noqa: PLC0415
    from bot.settings import Settings  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    arenas = [p for p in PROFILES.values() if p.upstream.dataset == DATASET]
    store = Store(tmp / "unchanged.db")
    async with HubServer() as hub:
        for p in arenas:
            if p.upstream.schema.value == "agent":
                data = parquet_bytes(agent_rows("2026-11-30", [(f"a{i}", 0.3 - i / 100, 0.02) for i in range(20)]),
                                     AGENT_SCHEMA)  # fmt: skip
            else:
                models = [(f"m{i}", 1400.0 - 3 * i, 4.0) for i in range(60)]
                data = parquet_bytes(board_rows("2026-11-30", models), bradley_terry_schema(float_counts=False))
            hub.put(DATASET, f"{p.upstream.config}/latest-00000-of-00001.parquet", data)
        settings = Settings(hf_endpoint=hub.url)
        boards = [p.id for p in arenas]
        await refresh(store, boards, settings)
        times, requests = [], []
        for _ in range(5):
            seen = len(hub.seen())
            started = time.perf_counter()
            reports = await refresh(store, boards, settings)
            times.append(time.perf_counter() - started)
            requests.append(len(hub.seen()) - seen)
            assert all(r.outcome == "unchanged" for r in reports)
    store.close()
    return max(requests), statistics.median(times) * 1000, len(boards)


# --- answering on the history -------------------------------------------------------------------------------------


def answering(db: str) -> dict[str, float]:
    from bot.core.answers import Answerer  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    store = Store(db)
    answerer = Answerer(store)
    started = time.perf_counter()
    first = answerer.ask("history of model-100")
    cold = (time.perf_counter() - started) * 1000
    assert first.kind == "history" and len(first.histories[0].points) > 100, first.text
    warm = timed(lambda: answerer.ask("history of model-100"), 30)
    names = [f"rank of model {i}" for i in range(0, MODELS, 7)]
    answerer.ask(names[0])
    ranks = [t for name in names for t in timed(lambda name=name: answerer.ask(name), 3)]
    category = timed(lambda: answerer.ask("top 10", category="coding"), 50)
    store.close()
    return {
        "history cold": cold,
        "history warm p50": percentile(warm, 0.5),
        "rank p50": percentile(ranks, 0.5),
        "rank p99": percentile(ranks, 0.99),
        "top 10 coding p50": percentile(category, 0.5),
    }


def history(tmp: Path, name: str, dates: int, repeats: int) -> dict[str, float]:
    """A `full` file of `dates` publish dates imported by ours and by the baseline, each in a fresh process, the two
    taking turns `repeats` times (so a busy moment of the machine falls on both): the median time of each and the
    median of the runs' ratios, the larger peak RSS growth, and each store's size (its files, after the connection
    closed) per row it holds."""
    path = tmp / f"{name}.parquet"
    table = synthetic_table(dates, categories=CATEGORIES)
    pq.write_table(table, path, row_group_size=100_000)
    rows = table.num_rows
    del table
    runs = []
    for turn in range(repeats):
        for db in tmp.glob(f"{name}-*.db*"):
            db.unlink()
        ours = in_fresh_process(run_ours, str(path), str(tmp / f"{name}-ours.db"))
        base = in_fresh_process(run_baseline, str(path), str(tmp / f"{name}-base.db"))
        runs.append((ours, base))
        print(f"{name} {turn + 1}/{repeats}: ours {ours[0]:.1f} s, baseline {base[0]:.1f} s", file=sys.stderr)
    size_ours = sum(f.stat().st_size for f in tmp.glob(f"{name}-ours.db*"))
    size_base = sum(f.stat().st_size for f in tmp.glob(f"{name}-base.db*"))
    stored = runs[0][0][2]
    return {
        "rows": rows, "dates": dates, "stored": stored, "repeats": repeats,
        "time": statistics.median(o[0] for o, _ in runs), "time base": statistics.median(b[0] for _, b in runs),
        "ratio": statistics.median(o[0] / b[0] for o, b in runs),
        "ratios": [o[0] / b[0] for o, b in runs],
        "peak": max(o[1] for o, _ in runs), "peak base": max(b[1] for _, b in runs),
        "size": size_ours, "size base": size_base,
        "per row": size_ours / stored, "per row base": size_base / runs[0][1][2],
    }  # fmt: skip


def history_rows(h: dict[str, float]) -> str:
    """The table rows of one history case: time, peak RSS, store size, bytes per stored row."""
    return f"""\
| history, {h["rows"]:,} rows ({h["dates"]} dates x {len(CATEGORIES)} categories): time, median of {h["repeats"]} | {h["time"]:.1f} s | {h["time base"]:.1f} s | {h["ratio"]:.1f}x (runs: {", ".join(f"{r:.1f}x" for r in h["ratios"])}) |
| history, {h["rows"]:,} rows: peak RSS growth | {h["peak"]:.0f} MB | {h["peak base"]:.0f} MB | — |
| history, {h["rows"]:,} rows: store size | {h["size"] / 2**20:.0f} MB | {h["size base"] / 2**20:.0f} MB | {h["size"] / h["size base"]:.1f}x |
| history, {h["rows"]:,} rows: bytes per stored row | {h["per row"]:.0f} | {h["per row base"]:.0f} | {h["per row"] / h["per row base"]:.1f}x |"""  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=3, help="turns of ours and the baseline per history")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        requests, unchanged_ms, configs = asyncio.run(unchanged_refresh(tmp))

        latest = tmp / "latest.parquet"
        latest_table = synthetic_table(DATES, categories=CATEGORIES, latest_only=True, share=0.86)
        pq.write_table(latest_table, latest)
        ours_latest = in_fresh_process(run_ours, str(latest), str(tmp / "latest-ours.db"))
        base_latest = in_fresh_process(run_baseline, str(latest), str(tmp / "latest-base.db"))

        short = history(tmp, "short", SHORT_DATES, args.repeats)
        full = history(tmp, "full", DATES, args.repeats)
        answers = in_fresh_process(answering, str(tmp / "full-ours.db"))

    body = f"""\
| case | ours | baseline | ours / baseline |
| --- | ---: | ---: | ---: |
| refresh of {configs} arena boards, nothing changed: requests | {requests} | — | — |
| refresh of {configs} arena boards, nothing changed: time (median of 5) | {unchanged_ms:.0f} ms | — | — |
| `latest`, {latest_table.num_rows:,} rows, {len(CATEGORIES)} categories: time | {ours_latest[0]:.2f} s | {base_latest[0]:.2f} s | {ours_latest[0] / base_latest[0]:.1f}x |
| `latest`: peak RSS growth | {ours_latest[1]:.0f} MB | {base_latest[1]:.0f} MB | — |
{history_rows(full)}
{history_rows(short)}

Stored from the longer history: {full["stored"]:,} rows (identical republications are skipped; none in this file). Answering
on that store: the history of one model (247 boards) cold {answers["history cold"]:.0f} ms, warm p50
{answers["history warm p50"]:.2f} ms; rank questions p50 {answers["rank p50"]:.2f} ms, p99 {answers["rank p99"]:.2f}
ms; `top 10` in the coding category p50 {answers["top 10 coding p50"]:.2f} ms. Aims (issue): history import within
2x the baseline, under 300 MB peak RSS at 800,000 rows; history of one model p50 under 5 ms warm, under 300 ms cold. System load
(1-minute average) when the run ended: {os.getloadavg()[0]:.2f}."""  # noqa: E501
    publish(
        "Arena refresh and history", body, command=".venv/bin/python bench/bench_refresh.py --write", write=args.write
    )


if __name__ == "__main__":
    main()
