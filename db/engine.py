"""Which engine a store runs on: the embedded SQLite file (sqlite-utils, the default) or a PostgreSQL server
(`db.postgres`), picked by where the store is: a path, or a `postgresql://` URL (LEADERBOT_DATABASE_URL).

Light on purpose (no psycopg here): settings and the CLI ask it on every start.
"""

from __future__ import annotations

import sqlite3
import sys
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: object) -> bool:
    """Whether a store location names a PostgreSQL server rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def redacted(url: str) -> str:
    """A URL with its password hidden, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def database_errors() -> tuple[type[Exception], ...]:
    """The errors either engine raises for a store it cannot open or use (psycopg's once it is loaded)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.DatabaseError,) if psycopg is None else (sqlite3.DatabaseError, psycopg.Error)


class LockTimeout(Exception):
    """The store's write lock was not had within the wait asked for (PostgreSQL's lock_timeout)."""
