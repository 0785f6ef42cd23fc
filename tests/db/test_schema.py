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
