"""Helpers for tests that need a store of their own or must prove a store unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from bot.core.snapshots import reader
from db.engine import is_postgres
from db.store import Snapshot, Store


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a closed SQLite store (the session's seeded one): cheaper than seeding again. A plain copy of
    the file, which is the whole store while no connection has it open (no -wal file beside it): SQLite's backup of it
    cost several times as much, and the suite makes hundreds of copies."""
    assert not Path(f"{source}-wal").exists(), f"{source} is open: its file alone may not be the whole store"
    shutil.copyfile(source, target)
    return target


# What a write that breaks a constraint raises, on either engine, and its message on each.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)
SCORE_NOT_NULL = r"NOT NULL constraint failed: entries\.score|null value in column \"score\""


def fingerprint(store: Store) -> tuple[int, int, str]:
    """Snapshot count, entry count and a checksum of every row of every table (on PostgreSQL, in the order of
    their values: it has no row ids)."""
    digest = hashlib.sha256()
    if store.postgres:
        listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
    else:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    for table in [r[0] for r in store.db.execute(listed)]:
        digest.update(table.encode())
        if store.postgres:
            rows = sorted(store.db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        else:
            rows = store.db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        digest.update(pickle.dumps(rows))
    return *counts(store), digest.hexdigest()


def counts(store: Store) -> tuple[int, int]:
    """Snapshot count and entry count: `fingerprint`'s first two, without reading every row for the checksum."""
    return store.db.execute("SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM entries)").fetchone()


def read_entries(store: Store, snapshot: Snapshot) -> list[dict[str, Any]]:
    """A snapshot's rows as answers see them: organizations and countries laid over from the alias table."""
    return list(reader(store).rows(snapshot).rows)


@contextlib.contextmanager
def write_lock_held(location: Path | str) -> Iterator[None]:
    """Another process writing to the store meanwhile: SQLite's write lock (BEGIN IMMEDIATE) on its file, or the
    store's advisory write lock on PostgreSQL, held by a connection of its own until the block ends."""
    if is_postgres(location):
        from db.postgres import WRITE_LOCK  # noqa: PLC0415 - psycopg only for a PostgreSQL store

        with psycopg.connect(str(location)) as other:  # not autocommit: the lock is held until the rollback
            other.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            yield
            other.rollback()
        return
    other = sqlite3.connect(location, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()
