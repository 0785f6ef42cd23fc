"""The store on a PostgreSQL server (psycopg 3 with a connection pool): the engine `db.engine` picks for a
`postgresql://` URL. Imported only then, so a SQLite store never pays for loading psycopg.

`Store` speaks to both engines through the one interface sqlite-utils gives it: `db.execute(sql, params)`,
`db.query(sql, params)`, `db.conn.execute/executemany`, `db.conn.in_transaction`, `db[table].columns_dict`,
`db.atomic()`. `PostgresDatabase` gives the same calls on PostgreSQL, so SQL written once with `?` placeholders in
portable syntax runs on either (the placeholders become psycopg's `%s` here, outside string literals). What the
engines do differently (the write lock, the store's revision, bulk rows, a connection for another thread) are
methods of their own, asked for by `Store` where it needs them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
import psycopg_pool
from psycopg import errors, sql

from .engine import LockTimeout
from .schema import migrations

# Advisory lock keys (one namespace per database, so two stores on one server never meet): the write lock every
# write takes (SQLite's one writer at a time), the lock migrations run under, and the refresher's.
WRITE_LOCK = 0x4C42_0001
MIGRATION_LOCK = 0x4C42_0002
REFRESHER_LOCK = 0x4C42_0003

POOL_SIZE = 4  # per process: the event loop's connection, warm-up's worker thread, the health probe, one spare


@functools.lru_cache(maxsize=2048)
def placeholders(statement: str) -> str:
    """`?` -> `%s` outside string literals, quoted names and comments, and a literal `%` doubled: the SQLite
    paramstyle the store is written in, as psycopg reads it."""
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(statement):
        char = statement[i]
        if quote is None and char == "-" and statement.startswith("--", i):
            end = statement.find("\n", i)
            end = len(statement) if end < 0 else end
            out.append(statement[i:end].replace("%", "%%"))
            i = end
            continue
        if char == "%":
            out.append("%%")
        elif quote is None and char == "?":
            out.append("%s")
        else:
            out.append(char)
            if quote is None and char in "'\"":
                quote = char
            elif quote == char:
                quote = None
        i += 1
    return "".join(out)


class _Table:
    def __init__(self, db: PostgresDatabase, name: str) -> None:
        self.db, self.name = db, name

    @property
    def columns_dict(self) -> dict[str, str]:
        """Column -> type name, in the table's own order (what sqlite-utils' `columns_dict` says of a table)."""
        return dict(
            self.db.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                [self.name],
            ).fetchall()
        )


class Connection:
    """One psycopg connection, in autocommit (a read outside a write holds no transaction open, as with
    Python's sqlite3), answering SQLite's calls; `dirty` says whether the open transaction has written."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.dirty = False

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, statement: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        if not statement.lstrip()[:6].upper().startswith("SELECT"):
            self.dirty = True
        if not params:  # psycopg reads no placeholders (and no doubled `%`) in a query without parameters
            return self.raw.execute(statement)  # type: ignore[arg-type]
        return self.raw.execute(placeholders(statement), params)  # type: ignore[arg-type]

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        """psycopg sends the rows in pipeline mode: one round trip for many, not one each."""
        self.dirty = True
        cursor = self.raw.cursor()
        cursor.executemany(placeholders(statement), rows)  # type: ignore[arg-type]
        return cursor

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows into a table through COPY: a bulk import's entries at the speed PostgreSQL loads files."""
        self.dirty = True
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.raw.cursor() as cursor, cursor.copy(query) as copy:
            for row in rows:
                copy.write_row(row)


class PostgresDatabase:
    """The part of `sqlite_utils.Database` the store uses, on a PostgreSQL server through a pool: the store's
    own connection (the event loop's, held while the store is open) and others lent for a while to a thread."""

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        # One connection first, outside the pool: a wrong URL, password or database fails now with the server's
        # reason, where the pool would retry it until its timeout and then say only that it timed out.
        psycopg.connect(url, connect_timeout=10).close()
        self.pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs={"autocommit": True}, open=False, name="leaderbot-store"
        )
        self.pool.open(wait=True, timeout=30.0)
        self.conn = Connection(self.pool.getconn())
        self._holder: psycopg.Connection[Any] | None = None  # the connection holding a session lock, if any

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.pool.putconn(self.conn.raw)
        if self._holder is not None:
            self._holder.close()  # its session locks go with it
        self.pool.close()

    def hold_lock(self, key: int) -> bool:
        """Whether this process holds the session-level advisory lock `key` (taking it if no one does), on a
        connection of its own kept while the store is open: a process that dies, or loses its connection, lets it
        go at once, and the next process to ask has it. One that had it and lost its connection asks again."""
        if self._holder is not None:
            try:
                self._holder.execute("SELECT 1")
                return True
            except psycopg.Error:
                self._holder.close()
                self._holder = None
        conn = psycopg.connect(self.url, autocommit=True)
        (held,) = conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()  # type: ignore[misc]
        if held:
            self._holder = conn
        else:
            conn.close()
        return bool(held)

    def execute(self, statement: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        return self.conn.execute(statement, params)

    def query(self, statement: str, params: Sequence[Any] | None = None) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(statement, params)
        names = [c.name for c in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def __getitem__(self, table: str) -> _Table:
        return _Table(self, table)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint inside the open transaction (sqlite-utils' `atomic` when one is open)."""
        with self.conn.raw.transaction():
            yield

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection of the pool's for one piece of work, from any thread."""
        with self.pool.connection() as raw:
            yield Connection(raw)

    def begin(self, conn: Connection, *, wait_s: float) -> None:
        """Open a write transaction holding the store's write lock, waiting at most `wait_s` for it, so writers
        queue one at a time as they do on SQLite (BEGIN IMMEDIATE): nothing half-written meets another writer's
        lock half-way. Past the wait: LockTimeout, no transaction left open."""
        conn.raw.execute("BEGIN")
        conn.dirty = False
        try:
            conn.raw.execute(f"SET LOCAL lock_timeout = '{max(1, int(wait_s * 1000))}ms'")
            conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            conn.raw.execute("SET LOCAL lock_timeout = 0")
        except errors.LockNotAvailable:
            conn.raw.execute("ROLLBACK")
            raise LockTimeout from None
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise

    def commit(self, conn: Connection) -> None:
        """Commit, counting the store's revision up when the transaction wrote (what SQLite's data_version tells
        the other connections): a commit that wrote nothing (a health probe) changes nothing for the readers."""
        if conn.dirty:
            conn.raw.execute("UPDATE store_revision SET revision = revision + 1")
        conn.raw.execute("COMMIT")
        conn.dirty = False

    def rollback(self, conn: Connection) -> None:
        conn.raw.execute("ROLLBACK")
        conn.dirty = False

    def revision(self) -> int:
        return self.conn.raw.execute("SELECT revision FROM store_revision").fetchone()[0]  # type: ignore[index]


# --- the schema on PostgreSQL -------------------------------------------------------------------------------------

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_versions (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS store_revision (
    one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    revision BIGINT NOT NULL
);
INSERT INTO store_revision (revision) VALUES (0) ON CONFLICT DO NOTHING;
"""


def postgres_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of `migrations/postgres/`, in version order: the same versions and names as SQLite's."""
    return migrations("db.migrations.postgres")


def schema_version(db: PostgresDatabase) -> int:
    if db.execute("SELECT to_regclass('schema_versions')").fetchone()[0] is None:  # type: ignore[index]
        return 0
    return db.execute("SELECT coalesce(max(version), 0) FROM schema_versions").fetchone()[0]  # type: ignore[index]


def migrate(db: PostgresDatabase, latest: int) -> int:
    """Bring a PostgreSQL store's schema up to date (each migration in its own transaction, under an advisory
    lock, so processes opening one fresh database queue rather than collide) and return its version."""
    current = schema_version(db)
    if current > latest:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this Leaderbot ({latest}); upgrade Leaderbot"
        )
    raw = db.conn.raw
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
        raw.execute(_BOOTSTRAP)
    for version, name, text in postgres_migrations():
        if version <= current:
            continue
        with raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            if raw.execute("SELECT 1 FROM schema_versions WHERE version = %s", [version]).fetchone():
                continue  # another process did it meanwhile
            raw.execute(text)  # type: ignore[arg-type]
            raw.execute("INSERT INTO schema_versions (version, name) VALUES (%s, %s)", [version, name])
            raw.execute("UPDATE store_revision SET revision = revision + 1")
    return schema_version(db)
