"""Numbered migrations (`migrations/V<n>__<what>.sql`) applied in order; `PRAGMA user_version` holds the version.

Each migration runs in its own transaction, so a failed upgrade leaves the database at the previous version. Foreign
keys are off while migrations run (SQLite's own procedure for rebuilding a table that others refer to) and checked
before each one commits, so a migration can rebuild a table but never leave a dangling reference.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from importlib import resources

import sqlite_utils

_NAME = re.compile(r"^V(\d+)__(\w+)\.sql$")


def migrations(package: str = "db.migrations") -> list[tuple[int, str, str]]:
    """(version, name, sql) of a package of migrations (SQLite's, or `db.migrations.postgres`), in version
    order."""
    found = []
    for item in resources.files(package).iterdir():
        match = _NAME.match(item.name)
        if match:
            found.append((int(match.group(1)), match.group(2), item.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


LATEST = len(migrations())
BUSY_TIMEOUT_S = 10.0  # how long a writer waits for another's write lock (SQLite's busy timeout), per attempt


@contextlib.contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[None]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE), waiting the busy timeout for it:
    several processes migrating one fresh file queue rather than collide ("table boards already exists")."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date and return the version it is at."""
    current = schema_version(db)
    if current > LATEST:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this Leaderbot ({LATEST}); upgrade Leaderbot"
        )
    if not any(version > current for version, _name, _sql in migrations()):
        return current
    enforced = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")  # takes effect outside a transaction only
    try:
        for version, _name, sql in migrations():
            with immediate(db):
                # read under the write lock: another process opening the same fresh file may have done it
                if version <= schema_version(db):
                    continue
                for statement in _statements(sql):
                    db.execute(statement)
                dangling = db.execute("PRAGMA foreign_key_check").fetchall()
                if dangling:
                    raise RuntimeError(f"migration {version} would leave dangling references: {dangling[:3]}")
                db.execute(f"PRAGMA user_version = {version}")
    finally:
        db.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    return schema_version(db)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements the way SQLite itself sees their ends (comments, strings, triggers)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(x.strip().startswith("--") for x in buffer.splitlines() if x.strip()):
        raise RuntimeError(f"unterminated statement in a migration: {buffer.strip()[:60]!r}")
    return statements
