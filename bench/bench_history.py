"""A model's history on one board and category that has years of boards: cold and warm, at 4,000 and 40,000 boards.

Each store is built by `leaderbot ingest arena-raw --file` from one Parquet file in the upstream `text` schema,
made by `generated_history` below (values made up, names real):

- **Models.** The real model names of the bundled boards (LMArena 2024 and the Open LLM Leaderboard's, namespace
  dropped), in a fixed shuffled order; a name used up comes back with " r2", " r3"... so each model is new.
- **Lives.** Each model debuts on a day, stays 200 to 900 days and leaves (missing one board in a thousand, about
  as often as on the real 2024 boards); about 150 models are on each board. One in twelve is renamed halfway
  through its life to its dated name, "Name (YYYYMMDD)" with its debut date and the same votes: the rename the
  board's rules follow.
- **Numbers.** Ratings drift around a base between 1000 and 1400; ranks by rating; votes grow with age; intervals
  of ±4 to ±9 points. One board a day up to 2026-12-06, category `overall`.

Figures, for each store and code: **cold** is a fresh process's first history (the store opened, nothing read
yet), median of `--repeats` processes, each asking about another model; **warm** is the p50 of 30 repeats of the
same history in that process. The models asked about: the #1 of the last board, a long-lived model, a renamed
one (asked by its new name), one that left long ago. Baseline, in the same run: `--base REV` measures that
revision's code on stores it built itself; every code must tell the same history, or the bench stops.

    .venv/bin/python bench/bench_history.py [--base REV] [--boards 4000,40000] [--repeats N] [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_first import LAST_DAY, REAL_2024, SCHEMA, add_row, code_trees, run  # noqa: E402
from bench.report import publish  # noqa: E402

OPEN_LLM = sorted((ROOT / "db" / "data" / "open-llm").glob("contents-*.jsonl.gz"))
COMMAND = ".venv/bin/python bench/bench_history.py --base 06ccc4f --repeats 3 --write"
RENAMED_ONE_IN = 12
FILE_ROWS = 2_000_000
# One fresh process: open the store, then one model's history cold and 30 times warm; prints the times as JSON.
CHILD = """
import json, statistics, sys, time
from bot.ingest import open_store
from bot.core.history import model_history
store = open_store(sys.argv[1])
key = sys.argv[2].casefold()
started = time.perf_counter()
history = model_history(store, "arena-raw", "overall", key)
cold = time.perf_counter() - started
warm = []
for _ in range(30):
    started = time.perf_counter()
    model_history(store, "arena-raw", "overall", key)
    warm.append(time.perf_counter() - started)
print(json.dumps({"cold": cold, "warm": statistics.median(warm), "points": len(history.points),
                  "history": history.to_json()}))
"""


@dataclass
class Generated:
    table: pa.Table
    asked: dict[str, str]  # what the model is -> its name, for the questions


def _names() -> list[tuple[str, str, str]]:
    """(name, organization, license) of every real model name bundled, in a fixed shuffled order."""
    found: dict[str, tuple[str, str, str]] = {}
    with gzip.open(REAL_2024, "rt", encoding="utf-8") as f:
        for row in map(json.loads, f):
            found.setdefault(row["model_name"].casefold(), (row["model_name"], row["organization"], row["license"]))
    for path in OPEN_LLM:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for row in map(json.loads, f):
                namespace, _, name = row["fullname"].partition("/")
                found.setdefault(name.casefold(), (name, namespace, "Open"))
    names = [found[k] for k in sorted(found)]
    random.Random(7).shuffle(names)
    return names


def generated_history(boards: int, *, seed: int = 2026) -> Generated:
    """`boards` daily boards of the `overall` category up to LAST_DAY, in the upstream schema (values made up)."""
    picks = random.Random(seed)
    pool = _names()
    first_day = LAST_DAY - timedelta(days=boards - 1)
    lives = []  # (debut index, end index, name, organization, license, base rating, renamed at index or None)
    day, n = -900, 0
    while day < boards:  # a debut every 3.7 days on average keeps about 150 models on each board
        life = picks.randint(200, 900)
        name, organization, license_ = pool[n % len(pool)]
        if n >= len(pool):
            name = f"{name} r{n // len(pool) + 1}"
        renamed = day + life // 2 if picks.randrange(RENAMED_ONE_IN) == 0 else None
        lives.append((day, day + life, name, organization, license_, 1000 + picks.random() * 400, renamed))
        n += 1
        day += picks.choice((3, 4, 4))
    columns: dict[str, list[object]] = {field.name: [] for field in SCHEMA}
    by_debut = sorted(lives)
    alive: list[tuple[int, int, str, str, str, float, int | None]] = []
    at = 0
    last_board: list[tuple[float, str]] = []
    for index in range(boards):
        while at < len(by_debut) and by_debut[at][0] <= index:
            alive.append(by_debut[at])
            at += 1
        alive = [m for m in alive if m[1] > index]
        published = (first_day + timedelta(days=index)).isoformat()
        board = []
        for debut, _end, first_name, organization, license_, base, renamed in alive:
            if picks.randrange(1000) == 0 and index - debut > 5:
                continue  # missing from this board, back on the next
            age = index - debut
            name = first_name
            if renamed is not None and index >= renamed:
                name = f"{first_name} ({(first_day + timedelta(days=debut)).strftime('%Y%m%d')})"
            rating = base + 40 * ((index / 90 + base) % 1.0)
            board.append((rating, name, organization, license_, age, (base * 7) % 1.0))
        board.sort(key=lambda m: -m[0])
        for position, (rating, name, organization, license_, age, phase) in enumerate(board, start=1):
            add_row(columns, name, organization, license_, rating, half=4 + 5 * phase, votes=float(500 + 40 * age),
                    rank=position, published=published)  # fmt: skip
        if index == boards - 1:
            last_board = [(m[0], m[1]) for m in board]
    leader = last_board[0][1]
    longest = max((m for m in lives if m[0] < boards - 1 < m[1] and m[6] is None), key=lambda m: m[1] - m[0])
    renamed = next(m for m in reversed(lives) if m[6] is not None and m[1] < boards - 1 and m[6] > 0)
    left = next(m for m in lives if 0 < m[1] < boards // 2 and m[6] is None)
    new_name = f"{renamed[2]} ({(first_day + timedelta(days=renamed[0])).strftime('%Y%m%d')})"
    asked = {"the last #1": leader, "long-lived": longest[2], "renamed": new_name, "left long ago": left[2]}
    return Generated(pa.Table.from_pydict(columns, schema=SCHEMA), asked)


def build(tree: Path, tmp: Path, files: list[Path], label: str) -> Path:
    store = tmp / f"history-{label}.db"
    run(tree, "-m", "bot", "--db", str(store), "--no-seed", "boards")
    for path in files:
        run(tree, "-m", "bot", "--db", str(store), "ingest", "arena-raw", "--file", str(path))
    return store


def write_files(table: pa.Table, tmp: Path, boards: int) -> list[Path]:
    """The history in files of at most FILE_ROWS rows, whole boards each (one file of a 40,000-board history
    would be over the importer's limit on rows per file)."""
    files, start = [], 0
    while start < table.num_rows:
        end = min(start + FILE_ROWS, table.num_rows)
        dates = table.column("leaderboard_publish_date")
        while end < table.num_rows and dates[end] == dates[end - 1]:
            end += 1
        path = tmp / f"full-{boards}-{len(files):05d}.parquet"
        pq.write_table(table.slice(start, end - start), path)
        files.append(path)
        start = end
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="also measure this revision's code (e.g. the one before a change)")
    parser.add_argument("--boards", default="4000,40000", help="comma-separated board counts")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--write", action="store_true", help="also keep the figures in BENCHMARKS.md")
    args = parser.parse_args()
    counts = [int(x) for x in args.boards.split(",")]
    lines = [
        "| boards | rows | code | store built | cold, median | warm p50 | points | as asked |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    answers: dict[tuple[int, str], object] = {}  # (boards, model) -> the first code's history of it
    with tempfile.TemporaryDirectory(prefix="leaderbot-bench-history-") as name:
        tmp = Path(name)
        trees = code_trees(tmp, args.base)
        for boards in counts:
            made = generated_history(boards)
            files = write_files(made.table, tmp, boards)
            asked = list(made.asked.items())
            for label, tree in trees:
                started = time.perf_counter()
                store = build(tree, tmp, files, f"{boards}-{label.strip('`')}")
                built = time.perf_counter() - started
                samples = []
                for i in range(args.repeats):
                    what, model = asked[i % len(asked)]
                    sample = json.loads(run(tree, "-c", CHILD, str(store), model).stdout)
                    samples.append((what, sample))
                    told = answers.setdefault((boards, model), sample["history"])
                    if told != sample["history"]:
                        raise SystemExit(f"{label} gives another history of {model} on {boards} boards")
                    print(boards, label, what, model, sample["points"], f"{sample['cold'] * 1000:.1f} ms", flush=True)
                cold = statistics.median(s["cold"] for _, s in samples) * 1000
                warm = statistics.median(s["warm"] for _, s in samples) * 1000
                points = "–".join(sorted({str(s["points"]) for _, s in samples}, key=int))
                whats = ", ".join(w for w, _ in samples)
                lines.append(
                    f"| {boards:,} | {made.table.num_rows:,} | {label} | {built:.0f} s | {cold:.1f} ms"
                    f" | {warm:.2f} ms | {points} | {whats} |"
                )
                store.unlink()
    prose = (
        "One model's history (`model_history`) on the `overall` category of a store holding nothing but a generated"
        " arena-raw history of daily boards (generator and models asked about: `bench/bench_history.py`, values made"
        " up, names real). Cold: a fresh process's first history, median of"
        f" {args.repeats} processes; warm: p50 of 30 in the same process. Aim (#24): warm p50 under 2 ms and cold"
        " under 100 ms at both sizes."
    )
    publish("History across years of boards", "\n".join([textwrap.fill(prose, 116), "", *lines]), command=COMMAND,
            write=args.write)  # fmt: skip


if __name__ == "__main__":
    main()
