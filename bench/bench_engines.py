"""The two engines side by side: SQLite (the default) and PostgreSQL, the same code, the same data.

For each engine, a store seeded with the bundled boards, then the same generated Arena history imported into it
(`ingest_file`, the code `leaderbot ingest arena-raw --file` runs): 4,000 daily boards of 200 rows, 800,000 rows
(`bench_first.history_rows`: real model names, made-up ratings). Then, in the same process, warm: `!rank`'s
answer (`Answerer.ask("rank <name>")`, ten models of the last board in turn) and one model's history
(`model_history`, the last board's #1), p50 of `--repeats` each. PostgreSQL is a throwaway server started for the
run (tests/postgres.py: `initdb`, fsync off as in the tests; the figures are for the engine, not a disk), or
`--url` names one (an empty database, dropped of nothing: the bench writes its rows into it).
On a throwaway server, a third run imports the same rows into a store whose entries have no foreign keys: not
how the store runs, but what the server's checks of them cost.

    .venv/bin/python bench/bench_engines.py [--boards 4000] [--repeats 200] [--url postgresql://...] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

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


def drop_entry_references(url: str) -> None:
    """Drop the foreign keys of `entries` and `entry_details` of a migrated store: an import then shows what
    PostgreSQL's checks of them, one row at a time, cost (SQLite's import switches its own off and checks once per
    board instead)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("entries", "entry_details"):
            found = conn.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table]
            ).fetchall()
            for (name,) in found:
                conn.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name))
                )


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
            if cluster is not None:  # what the server's row-by-row reference checks cost (the store keeps them)
                unchecked = cluster.create_database("bench_unchecked")
                with open_store(unchecked):  # migrated and seeded, then its references dropped
                    pass
                drop_entry_references(unchecked)
                with open_store(unchecked) as store:
                    results["unchecked"] = measure(store, history, args.repeats)
                print("PostgreSQL, unchecked", results["unchecked"], file=sys.stderr)
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
    unchecked = results.get("unchecked")
    if unchecked is not None:
        share = 1 - unchecked["import_s"] / pg["import_s"]
        body += (
            f"\nPostgreSQL's import is the slower: the server checks each entry's references (its snapshot, its"
            f" model) one row at a time, which a store's owner cannot switch off there (SQLite's import switches its"
            f" checks off and checks once per board), and every row crosses a socket to another process. The same"
            f" import on a database whose entries have no foreign keys took {unchecked['import_s']:.1f} s: the checks"
            f" are {share:.0%} of the import. The store keeps them: many processes write to one server.\n"
        )
    publish("The store on SQLite and on PostgreSQL", body, command=COMMAND, write=args.write)


if __name__ == "__main__":
    main()
