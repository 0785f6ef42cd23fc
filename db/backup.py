"""Backing up and restoring a store with SQLite's online backup API: safe while the bot runs and writes.

A backup is one step of the backup API from a read transaction, so it is the store as of one moment (never half an
import) and, the store being in WAL mode, writers go on meanwhile. It is written to a temporary file beside the
target, checked, and only then renamed over it: a target that exists is never left half-written.

A restore checks the file first (a SQLite database, with Leaderbot's tables for its schema version, no newer than
this code, passing SQLite's quick check), then copies it into the store through the backup API as well: one write
transaction under the store's write lock, so other processes see the old store or the new one, and a restore that
stops half-way is rolled back by SQLite like any other transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .schema import BUSY_TIMEOUT_S, LATEST, migrations
from .store import StoreBusy, StoreError, _create_private

_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class BackupError(StoreError):
    """A backup or restore that cannot be done; the message says why, for a person."""


@dataclass(frozen=True)
class StoreFile:
    """What a file checked as a Leaderbot store holds."""

    path: Path
    schema_version: int
    snapshots: int
    subscriptions: int
    size: int


def tables_at(version: int) -> set[str]:
    """The tables a store at `version` has: the migrations up to it, applied to an empty database."""
    db = sqlite3.connect(":memory:")
    try:
        for number, _name, sql in migrations():
            if number <= version:
                db.executescript(sql)
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()


def check_store_file(path: Path, *, newest: int = LATEST) -> StoreFile:
    """The file as a Leaderbot store, or BackupError saying what it is instead. Opened read-only: checking a file
    never changes it."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {path}: {exc}") from None
    try:
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            raise BackupError(f"{path} is not a SQLite database, so not a Leaderbot store") from None
        if version < 1 or not {"snapshots", "entries"} <= tables:
            raise BackupError(f"{path} is a SQLite database but not a Leaderbot store")
        if version > newest:
            raise BackupError(
                f"{path} is a store of schema version {version}, newer than this Leaderbot ({newest});"
                " upgrade Leaderbot to restore it"
            )
        missing = tables_at(version) - tables
        if missing:
            raise BackupError(f"{path} lacks the tables {', '.join(sorted(missing))} of a Leaderbot store")
        try:
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            snapshots = db.execute("SELECT count(*) FROM snapshots").fetchone()[0]
            subscriptions = db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] if version >= 3 else 0
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is damaged: {exc}") from None
        if problems != ["ok"]:
            raise BackupError(f"{path} is damaged: {problems[0]}")
        return StoreFile(path, version, snapshots, subscriptions, path.stat().st_size)
    finally:
        db.close()


def backup(store_path: Path, target: Path) -> StoreFile:
    """Copy the store at `store_path` to `target` as one self-contained file (no -wal beside it)."""
    if not store_path.is_file():
        raise BackupError(f"there is no store at {store_path} to back up")
    if target.exists() and target.resolve() == store_path.resolve():
        raise BackupError("the backup must go to another file than the store itself")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the backup file, e.g. {target / 'leaderbot.db'}")
    check_store_file(store_path, newest=10**6)  # any Leaderbot store can be backed up, even one newer than us
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        _create_private(partial)
        source = sqlite3.connect(store_path, timeout=BUSY_TIMEOUT_S)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # one step: a read transaction on the source, so one moment of it
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, readable anywhere, even read-only
        finally:
            copy.close()
            source.close()
        checked = check_store_file(partial, newest=10**6)
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"cannot write the backup to {target}: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return StoreFile(target, checked.schema_version, checked.snapshots, checked.subscriptions, target.stat().st_size)


def restore(source: Path, store_path: Path, *, wait_s: float = (2 + 1) * BUSY_TIMEOUT_S) -> StoreFile:
    """Replace the store at `store_path` with the backup `source`, checked first. Waits up to `wait_s` for another
    process's write lock, then StoreBusy with the store unchanged."""
    checked = check_store_file(source)
    if store_path.exists() and source.resolve() == store_path.resolve():
        raise BackupError("that file is the store itself")
    deadline = time.monotonic() + wait_s

    def give_up_when_locked(status: int, remaining: int, total: int) -> None:
        if status in _BUSY and time.monotonic() > deadline:
            raise StoreBusy(
                f"the store at {store_path} is busy: another process has held its write lock for over {wait_s:g} s;"
                " nothing was restored. Stop the bot and try again"
            )

    try:
        _create_private(store_path)
        backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        # SQLite's own busy wait happens inside each step, before `give_up_when_locked` is asked: never past wait_s
        store = sqlite3.connect(store_path, timeout=min(BUSY_TIMEOUT_S, wait_s))
        try:
            # one step: the whole copy is one write transaction of the store, committed or rolled back whole
            backup_file.backup(store, progress=give_up_when_locked, sleep=0.05)
        finally:
            store.close()
            backup_file.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {store_path}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot restore into {store_path}: {exc.strerror or exc}") from None
    return checked
