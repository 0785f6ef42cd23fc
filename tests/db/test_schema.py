"""Numbered migrations: a fresh store is current, upgrades are all-or-nothing, newer databases are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from db import schema
from db.store import Store


def test_a_fresh_store_is_at_the_latest_version(empty_store: Store) -> None:
    assert schema.LATEST == len(schema.migrations()) >= 1
    assert empty_store.schema_version == schema.LATEST
    assert schema.schema_version(empty_store.db) == schema.LATEST
    assert {"boards", "organizations", "organization_aliases", "models", "snapshots", "entries"} <= set(
        empty_store.db.table_names()
    )


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    found = schema.migrations()
    assert [version for version, _, _ in found] == list(range(1, len(found) + 1))
    assert found[0][1] == "initial"


def test_migrating_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store(path) as store:
        store.set_organization("Example", country="FR")
        tables = store.db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
        assert schema.migrate(store.db) == schema.LATEST
        assert store.db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == tables
    with Store(path) as reopened:  # opening runs migrate() again
        assert reopened.schema_version == schema.LATEST
        assert [o.name for o in reopened.organizations()] == ["Example"]


def test_a_database_from_a_newer_leaderbot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    with pytest.raises(RuntimeError, match=f"schema version {schema.LATEST + 1}, newer than this Leaderbot"):
        Store(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST + 1
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_file_stores_use_wal_and_foreign_keys(tmp_path: Path, empty_store: Store) -> None:
    with Store(tmp_path / "nested" / "dir" / "store.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert (tmp_path / "nested" / "dir" / "store.db").is_file()
    assert empty_store.db.execute("PRAGMA journal_mode").fetchone()[0] == "memory"


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.db"
    Store(path).close()
    current = schema.LATEST
    broken = "CREATE TABLE added_by_next (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    shipped = schema.migrations()
    monkeypatch.setattr(schema, "migrations", lambda: [*shipped, (current + 1, "broken", broken)])
    monkeypatch.setattr(schema, "LATEST", current + 1)
    db = sqlite_utils.Database(sqlite3.connect(path))
    with pytest.raises(sqlite3.OperationalError, match="no such table: no_such_table"):
        schema.migrate(db)
    assert schema.schema_version(db) == current
    assert "added_by_next" not in db.table_names()
    db.close()


def test_statements_split_where_sqlite_sees_their_end() -> None:
    sql = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT ';');
    CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'a;b' WHERE rowid = new.rowid;
    END;
    -- trailing comment
    """
    statements = schema._statements(sql)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(RuntimeError, match="unterminated statement in a migration: 'CREATE TABLE u"):
        schema._statements("CREATE TABLE u (x)")


def written_at_v13(current: Path, target: Path) -> Path:
    """The store `current` as Leaderbot wrote it at schema version 13: every table as it is, and the entries in one
    table again, each with its name written out and every board's columns (Open LLM's too) on every row."""
    db = sqlite3.connect(target)
    for version, _name, sql in schema.migrations():
        if version <= 13:
            db.executescript(sql)
    columns = [row[1] for row in db.execute("PRAGMA table_info(entries)")]
    db.execute("ATTACH DATABASE ? AS now", [str(current)])
    then = {row[0] for row in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    tables = [row[0] for row in db.execute("SELECT name FROM now.sqlite_master WHERE type = 'table'")]
    tables = [table for table in tables if table in then]  # tables added since version 13 were not there
    with db:
        for table in tables:
            if table not in ("entries", "entry_details"):
                shared = ", ".join(row[1] for row in db.execute(f"PRAGMA main.table_info({table})"))
                if shared:  # a table added after V13 (the watches) is not in a store written then
                    db.execute(f"INSERT OR REPLACE INTO main.{table} ({shared}) SELECT {shared} FROM now.{table}")
        kept = {row[1] for row in db.execute("PRAGMA now.table_info(entries)")}
        values = ["coalesce(e.name, m.name)" if c == "name" else f"e.{c}" if c in kept else f"d.{c}" for c in columns]
        db.execute(
            f"INSERT INTO main.entries (rowid, {', '.join(columns)}) SELECT e.id, {', '.join(values)}"
            " FROM now.entries e JOIN now.models m ON m.id = e.model_id LEFT JOIN now.entry_details d"
            " ON d.entry_id = e.id"
        )
    db.execute("PRAGMA user_version = 13")
    db.close()
    return target


def test_a_store_written_at_v13_reads_the_same_rows_after_v14(seeded_db: Path, tmp_path: Path) -> None:
    """V14 moves the columns only some boards fill to `entry_details` and writes a name only where it is not the
    model's: every row of every snapshot reads as it did, with the same row id."""
    old = written_at_v13(seeded_db, tmp_path / "v13.db")
    with sqlite3.connect(old) as db:
        names_written = db.execute("SELECT count(*) FROM entries WHERE name IS NOT NULL").fetchone()[0]
        details_held = db.execute("SELECT count(*) FROM entries WHERE eval_name IS NOT NULL").fetchone()[0]
    with Store(seeded_db) as now, Store(old) as upgraded:
        assert upgraded.schema_version == schema.LATEST
        snapshots = now.snapshots()
        assert [s.id for s in upgraded.snapshots()] == [s.id for s in snapshots]
        for snapshot in snapshots:
            assert upgraded.entries(snapshot.id) == now.entries(snapshot.id)
        ids = [s.id for s in snapshots]
        assert upgraded.snapshot_positions(ids) == now.snapshot_positions(ids)
        rows, own, details = upgraded.db.execute(
            "SELECT count(*), count(*) - count(name), (SELECT count(*) FROM entry_details) FROM entries"
        ).fetchone()
    assert rows == names_written  # every row of a V13 store writes its name out
    assert 0 < details == details_held < rows  # Open LLM's rows have details; the arenas' have none
    assert own > 0.9 * rows  # and nearly every name is the model's own
