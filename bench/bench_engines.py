"""The two engines side by side: SQLite (the default) and PostgreSQL, the same code, the same data.

For each engine, a store seeded with the bundled boards, then the same generated Arena history imported into it
(`ingest_file`, the code `leaderbot ingest arena-raw --file` runs): 4,000 daily boards of 200 rows, 800,000 rows
(`bench_first.history_rows`: real model names, made-up ratings). Then, in the same process, warm: `!rank`'s
answer (`Answerer.ask("rank <name>")`, ten models of the last board in turn) and one model's history
(`model_history`, the last board's #1), p50 of `--repeats` each. PostgreSQL is a throwaway server started for the
run (tests/postgres.py: `initdb`, fsync off as in the tests; the figures are for the engine, not a disk), or
`--url` names one (an empty database, dropped of nothing: the bench writes its rows into it).

    .venv/bin/python bench/bench_engines.py [--boards 4000] [--repeats 200] [--url postgresql://...] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_first import SCHEMA, history_rows  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.core.answers import Answerer  # noqa: E402
from bot.core.history import model_history  # noqa: E402
from bot.ingest import ingest_file, open_store  # noqa: E402
from db.store import Store  # noqa: E402
from tests.postgres import Cluster  # noqa: E402

COMMAND = ".venv/bin/python bench/bench_engines.py"


def p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(store: Store, history: Path, repeats: int) -> dict[str, float]:
    started = time.perf_counter()
    report = ingest_file(store, "arena-raw", history)
    imported = time.perf_counter() - started
    assert report.created, "the history was stored already"
    latest = store.latest_snapshot("arena-raw", "overall")
    assert latest is not None
    names = [row["name"] for row in store.entries(latest.id)[:10]]
    answerer = Answerer(store)
    answerer.warm()
    rank = []
    for i in range(repeats):
        started = time.perf_counter()
        answer = answerer.ask(f"rank {names[i % len(names)]}")
        rank.append(time.perf_counter() - started)
        assert answer.kind.name == "RANK", answer.kind
    leader = names[0].casefold()
    histories = []
    for _ in range(repeats):
        started = time.perf_counter()
        found = model_history(store, "arena-raw", "overall", leader)
        histories.append(time.perf_counter() - started)
    assert len(found.points) > 1000
    rows = store.db.execute("SELECT count(*) FROM entries").fetchone()[0]
    return {"import_s": imported, "rank_ms": p50_ms(rank), "history_ms": p50_ms(histories), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boards", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--url", help="a PostgreSQL database to use instead of a throwaway server")
    parser.add_argument("--write", action="store_true", help="write the section into BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        history = Path(tmp) / "history.parquet"
        pq.write_table(pa.Table.from_pydict(history_rows(args.boards), schema=SCHEMA), history)
        cluster = None if args.url else Cluster.start()
        try:
            url = args.url or cluster.create_database("bench")  # type: ignore[union-attr]
            results = {}
            for label, location in (("SQLite", Path(tmp) / "bench.db"), ("PostgreSQL", url)):
                with open_store(location) as store:
                    results[label] = measure(store, history, args.repeats)
                print(label, results[label], file=sys.stderr)
        finally:
            if cluster is not None:
                cluster.stop()
    lite, pg = results["SQLite"], results["PostgreSQL"]
    imported = args.boards * 200
    body = (
        f"The same code and data on both engines: a store seeded with the bundled boards, then {imported:,} rows of"
        f" Arena history ({args.boards:,} daily boards) imported, then warm p50s of {args.repeats} each.\n\n"
        "| | SQLite | PostgreSQL |\n| --- | --- | --- |\n"
        f"| import of {imported:,} rows | {lite['import_s']:.1f} s | {pg['import_s']:.1f} s |\n"
        f"| `!rank` answer p50 | {lite['rank_ms']:.2f} ms | {pg['rank_ms']:.2f} ms |\n"
        f"| history of one model p50 | {lite['history_ms']:.1f} ms | {pg['history_ms']:.1f} ms |\n"
        f"| entries stored | {lite['rows']:,} | {pg['rows']:,} |\n"
    )
    publish("The store on SQLite and on PostgreSQL", body, command=COMMAND, write=args.write)


if __name__ == "__main__":
    main()
