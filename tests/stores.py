"""Helpers for tests that need a store of their own or must prove a store unchanged."""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import psycopg

from bot.core.snapshots import reader
from db.store import Snapshot, Store


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a SQLite store (the session's seeded one, usually): cheaper than seeding again."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
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
    counts = store.db.execute("SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM entries)").fetchone()
    return *counts, digest.hexdigest()


def read_entries(store: Store, snapshot: Snapshot) -> list[dict[str, Any]]:
    """A snapshot's rows as answers see them: organizations and countries laid over from the alias table."""
    return list(reader(store).rows(snapshot).rows)
