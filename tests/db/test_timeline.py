"""Timeline positions (migration V13): written at import and kept right through every write that changes which
snapshots a board and category's timeline holds, and filled in for a store made before them. The rule they must
follow is restated here from the reader's side: accepted snapshots only, one per date (its latest publish), counted
from 0 in date order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
import sqlite_utils

from bot.sources.base import SnapshotData
from db import schema
from db.keys import model_key
from db.store import Store

pytestmark = pytest.mark.both_engines


def board(day: str, *names: str, category: str = "overall", tag: str = "") -> SnapshotData:
    rows = [
        {"name": n, "model_key": model_key(n), "rank": r, "score": 1300.0 - r, "organization": "Acme"}
        for r, n in enumerate(names, start=1)
    ]
    return SnapshotData("arena-raw", category, day, rows, content_hash=f"t-{category}-{day}-{names}-{tag}")


def by_rule(db: sqlite3.Connection) -> dict[int, int | None]:
    """Snapshot id -> its position as the rule says, from the snapshots table alone."""
    rows = db.execute("SELECT id, board, category, as_of, status FROM snapshots ORDER BY as_of, id").fetchall()
    latest: dict[tuple[str, str, str], int] = {}
    for snapshot_id, board_id, category, as_of, status in rows:
        if status == "ok":
            latest[(board_id, category, as_of)] = snapshot_id  # a re-publish comes later
    expected: dict[int, int | None] = {r[0]: None for r in rows}
    counted: dict[tuple[str, str], int] = {}
    for (board_id, category, _), snapshot_id in sorted(latest.items()):
        expected[snapshot_id] = counted.get((board_id, category), 0)
        counted[(board_id, category)] = expected[snapshot_id] + 1
    return expected


def stored(db: sqlite3.Connection) -> dict[int, int | None]:
    return dict(db.execute("SELECT id, position FROM snapshots").fetchall())


def test_positions_follow_every_write_that_changes_a_timeline(empty_store: Store) -> None:
    conn = empty_store.db.conn
    empty_store.save_snapshots(
        [board("2024-07-10", "A", "B"), board("2024-07-01", "A"), board("2024-07-01", "B", category="coding")]
    )
    assert stored(conn) == by_rule(conn) and empty_store.timeline_end("arena-raw", "overall") == 1
    (middle,) = empty_store.save_snapshots([board("2024-07-05", "B", "A")])  # between the two: the later moves up
    assert stored(conn) == by_rule(conn) and empty_store.timeline_end("arena-raw", "overall") == 2
    (again,) = empty_store.save_snapshots([board("2024-07-05", "A", "B", tag="re-publish")])
    assert stored(conn)[middle.snapshot.id] is None and stored(conn)[again.snapshot.id] == 1
    empty_store.reject_snapshot(again.snapshot.id)  # the earlier publish of that date stands again
    assert stored(conn) == by_rule(conn) and stored(conn)[middle.snapshot.id] == 1
    (held,) = empty_store.save_snapshots([board("2024-07-20", "A")], status="rejected")
    assert stored(conn)[held.snapshot.id] is None
    empty_store.accept_snapshot(held.snapshot.id)
    assert stored(conn) == by_rule(conn) and empty_store.timeline_end("arena-raw", "overall") == 3
    empty_store.remove_snapshot(middle.snapshot.id)  # its date's re-publish is rejected: the date goes
    assert stored(conn) == by_rule(conn) and empty_store.timeline_end("arena-raw", "overall") == 2
    assert empty_store.timeline_end("arena-raw", "overall", until="2024-07-09") == 0
    assert empty_store.timeline_end("arena-raw", "coding") == 0
    assert empty_store.timeline_end("arena-raw", "overall", until="2024-06-01") is None


def test_a_store_made_before_positions_gets_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.db"
    shipped = schema.migrations()
    before = [m for m in shipped if m[0] < 13]
    monkeypatch.setattr(schema, "migrations", lambda: before)
    monkeypatch.setattr(schema, "LATEST", len(before))
    db = sqlite_utils.Database(sqlite3.connect(path))
    schema.migrate(db)
    db.execute("INSERT OR IGNORE INTO boards (id) VALUES ('arena-raw')")
    for i, (day, status) in enumerate([("2024-07-05", "ok"), ("2024-07-01", "ok"), ("2024-07-05", "ok"),
                                       ("2024-07-03", "rejected"), ("2024-07-09", "ok")]):  # fmt: skip
        db.execute(
            "INSERT INTO snapshots (board, category, as_of, fetched_at, source, row_count, content_hash, status)"
            " VALUES ('arena-raw', 'overall', ?, 'now', 'test', 0, ?, ?)",
            [day, f"h{i}", status],
        )
    db.conn.commit()
    db.close()
    monkeypatch.setattr(schema, "migrations", lambda: shipped)
    monkeypatch.setattr(schema, "LATEST", len(shipped))
    with Store(path) as store:
        conn = store.db.conn
        assert stored(conn) == by_rule(conn) == {1: None, 2: 0, 3: 1, 4: None, 5: 2}


def points_and_plan(store: Store, key: str) -> tuple[list[tuple[str, int, str, int, float, str]], str]:
    """One model's points, and the plan its query ran with, in the engine's own words: SQLite's EXPLAIN QUERY PLAN
    of the statement its trace saw; on PostgreSQL the plan as executed, which auto_explain sends back as a notice
    (there, the planner's choice depends on the statistics of the store queried, so it is read from the run itself)."""
    if not store.postgres:
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        try:
            points = store.model_points("arena-raw", "overall", [key])
        finally:
            store.db.conn.set_trace_callback(None)
        (sql,) = [s for s in statements if "FROM models m" in s]
        return points, " ".join(row[-1] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql))
    raw = store.db.conn.raw
    plans: list[str] = []

    def notice(diagnostic: psycopg.errors.Diagnostic) -> None:
        plans.append(diagnostic.message_primary or "")

    raw.add_notice_handler(notice)
    raw.execute("LOAD 'auto_explain'")
    raw.execute("SET auto_explain.log_level = notice")
    raw.execute("SET auto_explain.log_min_duration = 0")
    try:
        points = store.model_points("arena-raw", "overall", [key])
    finally:
        raw.execute("RESET auto_explain.log_min_duration")
        raw.remove_notice_handler(notice)
    (plan,) = [p for p in plans if "FROM models m" in p]
    return points, plan


def test_a_models_points_are_read_from_the_index_of_entries_by_model_alone(shared_store: Store) -> None:
    """V17: the rank, score and board spelling a history reads are in the index of entries by model, so a model's
    points never visit the table, where its entries lie on a page per board."""
    points, plan = points_and_plan(shared_store, "gpt-4o-2024-05-13")
    assert len(points) > 30  # the bundled 2024 boards that list it
    if shared_store.postgres:
        assert "Index Only Scan using entries_by_model" in plan, plan
    else:
        assert "COVERING INDEX entries_by_model" in plan
