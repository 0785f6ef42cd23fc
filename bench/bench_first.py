"""The first answer in a fresh process: a one-shot `leaderbot ask`, and each kind of question asked first.

Each figure is the median of fresh processes (the caches of a process are what is measured, so nothing is reused),
on two stores: the bundled data as a new install seeds it, and the bundled data plus a generated history of
`--boards` arena-raw boards (default 4,000; 200 models each, one a day back from 2026-12-06, imported through
`leaderbot ingest` from one Parquet file in the upstream `text` schema). The generator is `history_rows` below:
the real model names of the bundled 2024 boards, each board the 200 with the highest made-up rating that day,
ratings drifting with the day, intervals of ±4 to ±9 points.

Baseline, in the same run: `python -c "import discord"`, the least a Discord bot's process costs. With
`--base REV`, every figure is measured on that revision's code too (unpacked from git, this tree's venv), so a
change's before and after come from one run.

    .venv/bin/python bench/bench_first.py [--base REV] [--boards N] [--repeats N] [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import publish  # noqa: E402

REAL_2024 = ROOT / "db" / "data" / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz"
COMMAND = ".venv/bin/python bench/bench_first.py --base 06ccc4f --repeats 3 --write"
LAST_DAY = date(2026, 12, 6)
QUESTIONS = {
    "top 3": "top 3",
    "rank of": "rank of qwen2 72b instruct",
    "compare": "llama 3.3 70b vs qwen 2.5 72b",
    "history": "how has gpt-4o-2024-05-13 moved",
}
# One fresh process: import, open the store, ask one question; prints the times as JSON.
CHILD = """
import json, sys, time
started = time.perf_counter()
from bot.ingest import open_store
from bot.core.answers import Answerer
imported = time.perf_counter()
store = open_store(sys.argv[1])
answerer = Answerer(store)
opened = time.perf_counter()
answer = answerer.ask(sys.argv[2])
answered = time.perf_counter()
print(json.dumps({"import": imported - started, "open": opened - imported, "answer": answered - opened,
                  "kind": str(answer.kind)}))
"""
SCHEMA = pa.schema(
    [
        ("model_name", pa.string()), ("organization", pa.string()), ("license", pa.string()),
        ("rating", pa.float64()), ("rating_lower", pa.float64()), ("rating_upper", pa.float64()),
        ("variance", pa.float64()), ("vote_count", pa.float64()), ("rank", pa.float64()),
        ("category", pa.string()), ("leaderboard_publish_date", pa.string()),
    ]
)  # fmt: skip


def add_row(
    columns: dict[str, list[object]], name: str, organization: str, license_: str, rating: float, *, half: float,
    votes: float, rank: int, published: str,
) -> None:  # fmt: skip
    """One `overall` row in the upstream `text` schema, with an interval of ±`half` around the rating."""
    for column, value in (
        ("model_name", name), ("organization", organization), ("license", license_), ("rating", rating),
        ("rating_lower", rating - half), ("rating_upper", rating + half), ("variance", None),
        ("vote_count", votes), ("rank", float(rank)), ("category", "overall"), ("leaderboard_publish_date", published),
    ):  # fmt: skip
        columns[column].append(value)


def history_rows(boards: int, *, seed: int = 2026) -> dict[str, list[object]]:
    """The generated history, column by column: the real model names and organizations of the bundled 2024
    boards, with made-up ratings (see the module's docstring)."""
    picks = random.Random(seed)
    with gzip.open(REAL_2024, "rt", encoding="utf-8") as f:
        real = {
            r["model_name"].casefold(): (r["model_name"], r["organization"], r["license"]) for r in map(json.loads, f)
        }
    models = [(*real[key], 1000.0 + picks.random() * 400, picks.random()) for key in sorted(real)]
    columns: dict[str, list[object]] = {field.name: [] for field in SCHEMA}
    for day in range(boards):
        published = (LAST_DAY - timedelta(days=boards - 1 - day)).isoformat()
        ratings = [(m[0], m[1], m[2], m[3] + 40 * ((day / boards + m[4]) % 1.0), m[4]) for m in models]
        ratings.sort(key=lambda m: -m[3])
        for position, (name, organization, license_, rating, phase) in enumerate(ratings[:200], start=1):
            add_row(columns, name, organization, license_, rating, half=4 + 5 * phase, votes=float(1000 + 10 * day),
                    rank=position, published=published)  # fmt: skip
    return columns


def code_trees(tmp: Path, base: str | None) -> list[tuple[str, Path]]:
    """(label, tree) of the code to measure: this tree, after the revision `base` unpacked from git (it runs in this
    tree's venv) when one is given, so a change's before and after come from one run."""
    trees = [("now", ROOT)]
    if base:
        unpacked = tmp / "base"
        unpacked.mkdir()
        archive = subprocess.run(["git", "archive", base], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(unpacked)], input=archive.stdout, check=True)
        trees.insert(0, (f"`{base}`", unpacked))
    return trees


def run(tree: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, *args], cwd=tree, env=env, input=stdin, capture_output=True, text=True, check=True
    )


def stores(tree: Path, tmp: Path, history: Path, label: str) -> dict[str, Path]:
    """The bundled store, and the bundled store with the generated history, both made by `tree`'s code."""
    bundled = tmp / f"bundled-{label}.db"
    run(tree, "-m", "bot", "--db", str(bundled), "boards")
    grown = tmp / f"history-{label}.db"
    run(tree, "-m", "bot", "--db", str(grown), "boards")
    run(tree, "-m", "bot", "--db", str(grown), "ingest", "arena-raw", "--file", str(history))
    return {"bundled": bundled, "history": grown}


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="also measure this revision's code (e.g. the one before a change)")
    parser.add_argument("--boards", type=int, default=4000, help="boards in the generated history")
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--write", action="store_true", help="also keep the figures in BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leaderbot-bench-first-") as name:
        tmp = Path(name)
        history = tmp / "full-00000-of-00001.parquet"
        pq.write_table(pa.Table.from_pydict(history_rows(args.boards), schema=SCHEMA), history)
        trees = code_trees(tmp, args.base)
        made = {label: stores(tree, tmp, history, str(i)) for i, (label, tree) in enumerate(trees)}
        discord_s = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            run(ROOT, "-c", "import discord")
            discord_s.append(time.perf_counter() - started)
        lines = [
            '| store | code | one-shot `leaderbot ask "top 3"` | import + open | '
            + " | ".join(f"first `{q}`" for q in QUESTIONS)
            + " |",
            "| --- | --- |" + " ---: |" * (2 + len(QUESTIONS)),
        ]
        for store_name in ("bundled", "history"):
            for label, tree in trees:
                store = made[label][store_name]
                oneshot = []
                for _ in range(args.repeats):
                    started = time.perf_counter()
                    run(tree, "-m", "bot", "--db", str(store), "ask", "top 3")
                    oneshot.append(time.perf_counter() - started)
                firsts, setup = {}, []
                for short, question in QUESTIONS.items():
                    samples = [
                        json.loads(run(tree, "-c", CHILD, str(store), question).stdout) for _ in range(args.repeats)
                    ]
                    firsts[short] = [s["answer"] for s in samples]
                    setup += [s["import"] + s["open"] for s in samples]
                lines.append(
                    f"| {store_name} | {label} | {median_ms(oneshot)} | {median_ms(setup)} | "
                    + " | ".join(median_ms(firsts[q]) for q in QUESTIONS)
                    + " |"
                )
    prose = (
        f'Medians of {args.repeats} fresh processes each. "bundled" is the store a new install seeds; "history"'
        f" adds {args.boards:,} generated arena-raw boards of 200 models (the generator is in `bench/bench_first.py`,"
        " values made up). A first question is timed from an open store to its answer; import + open is the"
        f' process\'s own start. Baseline in the same run: `python -c "import discord"` takes'
        f" {median_ms(discord_s)}. System load (1-minute average) when the run ended: {os.getloadavg()[0]:.2f}."
    )
    paid = (
        "What a first question still pays, whatever it asks: the parse of the lexicon file and the patterns its steps"
        " try (each compiled when first used), one indexed look-up per phrase it tests against the stored model names"
        " (migration V18), and for a model's name, the board's name index. A history then reads its model's points"
        " from the index of entries by model alone (migration V17), however many boards the store holds."
    )
    body = "\n".join([textwrap.fill(prose, width=116), "", *lines, "", textwrap.fill(paid, width=116)])
    publish("First answer in a fresh process", body, command=COMMAND, write=args.write)


if __name__ == "__main__":
    main()
