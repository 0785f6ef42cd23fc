"""Helpers for tests that need a store of their own or must prove a store unchanged."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path
from typing import Any

from bot.core.snapshots import reader
from db.store import Snapshot, Store


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a closed SQLite store (the session's seeded one): cheaper than seeding again. A plain copy of
    the file, which is the whole store while no connection has it open (no -wal file beside it): SQLite's backup of it
    cost several times as much, and the suite makes hundreds of copies."""
    assert not Path(f"{source}-wal").exists(), f"{source} is open: its file alone may not be the whole store"
    shutil.copyfile(source, target)
    return target


def fingerprint(store: Store) -> tuple[int, int, str]:
    """Snapshot count, entry count and a checksum of every row of every table."""
    digest = hashlib.sha256()
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        digest.update(table.encode())
        digest.update(pickle.dumps(store.db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()))
    return *counts(store), digest.hexdigest()


def counts(store: Store) -> tuple[int, int]:
    """Snapshot count and entry count: `fingerprint`'s first two, without reading every row for the checksum."""
    return store.db.execute("SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM entries)").fetchone()


def read_entries(store: Store, snapshot: Snapshot) -> list[dict[str, Any]]:
    """A snapshot's rows as answers see them: organizations and countries laid over from the alias table."""
    return list(reader(store).rows(snapshot).rows)
