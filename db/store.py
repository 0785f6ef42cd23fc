"""The leaderboard store: every query and write the rest of Leaderbot makes goes through `Store`.

Snapshots are immutable once written; a snapshot's rows go in with it in one transaction or not at all.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from . import engine
from .keys import org_key
from .schema import BUSY_TIMEOUT_S, LATEST, migrate

MEMORY = ":memory:"


class SnapshotLike(Protocol):
    """What the importers hand the store (`bot.sources.SnapshotData`): rows as columns, one value per row."""

    board: str
    category: str
    as_of: str
    columns: dict[str, list[Any]]  # store column -> values; `model_key` and `name` always among them
    content_hash: str
    source: str


@dataclass(frozen=True)
class Snapshot:
    id: int
    board: str
    category: str
    as_of: str
    fetched_at: str
    source: str
    row_count: int
    content_hash: str
    status: str


SNAPSHOT_COLUMNS = ", ".join(f.name for f in fields(Snapshot))


@dataclass(frozen=True)
class Saved:
    snapshot: Snapshot
    created: bool  # False when identical data was already stored


@dataclass(frozen=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    board: str
    category: str
    top_n: int
    min_move: int
    role_id: int | None
    enabled: bool
    disabled_reason: str | None  # a catalogue key (`admin.reason_*`), or text stored before the catalogues
    disabled_noticed: bool
    last_snapshot_id: int | None
    created_at: str
    sending_snapshot_id: int | None = None  # a digest about to be (or maybe) sent: look for it before resending
    last_message_id: int | None = None  # the last digest posted
    sending_after_id: int | None = None  # the channel's last message when the intent was recorded
    weekly_day: int | None = None  # 0 Monday .. 6 Sunday: one digest a week instead of one per change
    weekly_hour: int | None = None  # the UTC hour of that day from which the week's digest is due
    weekly_done: str | None = None  # the due time last served (ISO 8601, UTC)
    weekly_sending: str | None = None  # the due time a digest about to be (or maybe) sent is for

    @property
    def weekly(self) -> bool:
        return self.weekly_day is not None


@dataclass(frozen=True)
class LiveBoard:
    """A message the bot keeps showing a board's current top, edited in place at each new snapshot."""

    id: int
    guild_id: int
    channel_id: int
    board: str
    category: str
    count: int
    message_id: int
    snapshot_id: int | None  # the snapshot the message shows (None: one since removed)
    editing_snapshot_id: int | None  # an edit about to be (or maybe) made: look at the message before editing
    enabled: bool
    disabled_reason: str | None  # a catalogue key (`admin.reason_*`)
    disabled_noticed: bool
    created_at: str
    updated_at: str | None


@dataclass(frozen=True)
class Watch:
    """A model followed by a member (DMs) or a channel, on one board and category, by the model's identity there."""

    id: int
    recipient_id: int  # a user, or a channel when `to_channel`
    to_channel: bool
    model_id: int
    model_key: str  # the identity's key on its board (models.key), what snapshots' rows are keyed by
    model_name: str  # its name when first stored (models.name)
    board: str
    category: str
    top_n: int | None  # only changes that touch the top N; None: at any rank
    min_move: int  # only moves of at least this many places
    last_snapshot_id: int | None
    sending_snapshot_id: int | None
    sending_model_id: int | None
    created_at: str


@dataclass(frozen=True)
class Watcher:
    """Whoever watches: where their updates come from (the server's shard), their language, and the state of the
    update being sent to them."""

    recipient_id: int
    to_channel: bool
    guild_id: int
    language: str | None
    last_channel_id: int | None
    paused: bool
    deliveries: int
    sending_after_id: int | None
    sending: bool
    last_message_id: int | None

    @property
    def key(self) -> tuple[int, bool]:
        return self.recipient_id, self.to_channel


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    country: str | None
    origin: str
    aliases: tuple[str, ...]


def _create_private(path: Path) -> None:
    """A new store (and a folder made for it) readable by its owner only: it holds the servers' subscriptions.
    SQLite gives the -wal and -shm files the main file's permissions."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _entries(
    conn: sqlite3.Connection, snapshot_id: int, where: str = "", params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    cursor = conn.execute(
        # the second `name` wins: the entry's own where it has one, else its model's (see V14)
        "SELECT e.*, d.*, coalesce(e.name, m.name) AS name, m.key AS model_key, m.bare AS model_bare"
        " FROM entries e JOIN models m ON m.id = e.model_id LEFT JOIN entry_details d ON d.entry_id = e.id"
        f" WHERE e.snapshot_id = ?{where} ORDER BY e.rank, e.score DESC, coalesce(e.name, m.name)",
        [snapshot_id, *params],
    )
    names = [d[0] for d in cursor.description]
    return [{k: v for k, v in zip(names, row, strict=True) if v is not None and k not in _ROW_IDS} for row in cursor]


_ROW_IDS = frozenset({"id", "entry_id"})  # how entries and their details are joined, not what a row says


def _entry_value(column: str) -> str:
    """How a reader selects an entry's column (`e` the entry, `m` its model): a name the entry does not store is
    its model's (see V14)."""
    return "coalesce(e.name, m.name)" if column == "name" else f"e.{column}"


# An organization's name is unique whatever the case of its ASCII letters, and only those: SQLite's NOCASE column
# (V1), PostgreSQL's unique index on lower(name) under the column's "C" collation, which folds ASCII only. By the
# engine (False: SQLite, True: PostgreSQL), a name matched and the names ordered by that same fold, each through
# its own index. The name looked for is folded under "C" too: left to the server's default collation, lower()
# would fold it by the server's locale (Ü to ü under en_US.UTF-8, the postgres image's), and the name stored would
# not be found (then inserted again, against the unique index).
_ORG_NAMED = {False: "name = ? COLLATE NOCASE", True: 'lower(name) = lower(? COLLATE "C")'}
_ORG_NAME_ORDER = {False: "name", True: "lower(name)"}

BULK_ROWS = 100_000  # an import expected to bring more rows than this, and than the store holds, is a bulk one
WRITE_RETRIES = 2  # more waits of the busy timeout before a writer gives up


def _enable_wal(db: sqlite_utils.Database) -> None:
    """Switch a file to WAL, waiting for another process doing the same: SQLite answers "database is locked" at
    once for a journal-mode change, without its busy timeout (two processes opening one fresh file)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _BoardModels:
    """One board's model identities while an import writes to it: key -> id, first seen, and name (the board's
    spelling when the model was first stored, which an entry of the same spelling does not store again)."""

    def __init__(self, board: str) -> None:
        self.board = board
        self.ids: dict[str, int] = {}
        self.first_seen: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.newest_first_seen = ""  # no model's first date is later: a snapshot from then on changes none

    def read(self, conn: sqlite3.Connection) -> None:
        """The board's models stored since the last read (all of them the first time)."""
        for key, model_id, first, name in conn.execute(
            "SELECT key, id, first_seen, name FROM models WHERE board = ? AND id > ?",
            [self.board, max(self.ids.values(), default=0)],
        ):
            self.ids[key], self.first_seen[key], self.names[key] = model_id, first, name
            self.newest_first_seen = max(self.newest_first_seen, first)


class StoreError(Exception):
    """A request the store refuses (unknown organization, bad country code); the message is for a person."""


class StoreBusy(StoreError):
    """Another process held the store's write lock past every wait; nothing was written."""


class Store:
    def __init__(self, path: str | Path = MEMORY) -> None:
        """`path`: a SQLite file (the default engine), MEMORY, or a `postgresql://` URL (see `db.engine`)."""
        self.path = str(path)
        self.postgres = engine.is_postgres(self.path)
        self.write_wait_s: float | None = None
        self._writes = 0  # our own commits: PRAGMA data_version only counts other connections'
        if self.postgres:
            self._open_postgres()
            return
        if self.path != MEMORY:
            _create_private(Path(self.path))
        # one thread: the event loop (charts in threads never touch the store); a writer waits its turn
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        # No sqlite-utils plugins on the store's connection: none is ours to run there, and finding them reads every
        # installed package's entry points, a good part of a one-shot `ask`'s start (BENCHMARKS.md, first answer)
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path != MEMORY:
            _enable_wal(self.db)
            self.db.execute("PRAGMA synchronous = NORMAL")
            # 32 MB of page cache (SQLite keeps 2 MB by default): an import writes two indexes per row
            self.db.execute("PRAGMA cache_size = -32768")
        try:
            self.schema_version = migrate(self.db)
        except Exception:
            conn.close()
            raise
        self._read_columns()

    def _open_postgres(self) -> None:
        """The store on a PostgreSQL server: a pool, the schema brought up to date as on SQLite."""
        from . import postgres  # noqa: PLC0415 - psycopg is loaded only for a store that is on PostgreSQL

        self.db: Any = postgres.PostgresDatabase(self.path)
        self.path = engine.redacted(self.path)  # what messages say of it
        try:
            self.schema_version = postgres.migrate(self.db, LATEST)
            self._read_columns()
        except Exception:
            self.db.close()
            raise

    def _read_columns(self) -> None:
        """The columns an importer fills; the store adds the two keys itself. `write_wait_s` None: a write waits
        the busy timeout, then retries (a CLI import). A bot sets a short wait: its writes run on the event loop,
        which must not stand still while another process writes."""
        self._entry_columns = tuple(
            c for c in self.db["entries"].columns_dict if c not in ("id", "snapshot_id", "model_id")
        )
        self._detail_columns = tuple(c for c in self.db["entry_details"].columns_dict if c != "entry_id")

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def write(self, *, wait_s: float | None = None) -> Iterator[None]:
        """One write transaction, taken with BEGIN IMMEDIATE: the write lock is asked for first, and waited for
        (the busy timeout, then a few retries), so two writers queue instead of one failing on a lock upgrade
        half-way. Nested writes are savepoints of the outer one. Past every wait: StoreBusy, nothing written.
        `wait_s`: a caller that must not wait long (the bot's event loop) tries once, that long."""
        if self.db.conn.in_transaction:
            with self.db.atomic():  # a savepoint
                yield
            return
        wait_s = self.write_wait_s if wait_s is None else wait_s
        if self.postgres:
            with self._postgres_write(wait_s):
                yield
            return
        if wait_s is not None:
            self.db.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
            try:
                self._begin(retries=0, waited=wait_s)
            finally:
                self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        else:
            self._begin(retries=WRITE_RETRIES, waited=(WRITE_RETRIES + 1) * BUSY_TIMEOUT_S)
        try:
            yield
        except BaseException:
            self.db.conn.execute("ROLLBACK")
            raise
        self.db.conn.execute("COMMIT")

    @contextlib.contextmanager
    def _postgres_write(self, wait_s: float | None) -> Iterator[None]:
        """`write` on PostgreSQL: the store's advisory write lock stands for SQLite's one writer, waited for as
        SQLite's busy timeout is (`wait_s` once, else the timeout and the same retries), then StoreBusy."""
        retries, each = (0, wait_s) if wait_s is not None else (WRITE_RETRIES, BUSY_TIMEOUT_S)
        for attempt in range(retries + 1):
            try:
                self.db.begin(self.db.conn, wait_s=each)
                break
            except engine.LockTimeout:
                if attempt == retries:
                    raise StoreBusy(
                        f"the store at {self.path} is busy: another process has held its write lock for over"
                        f" {each * (retries + 1):g} s; nothing was written, try again"
                    ) from None
        try:
            yield
        except BaseException:
            self.db.rollback(self.db.conn)
            raise
        self.db.commit(self.db.conn)

    def _begin(self, *, retries: int, waited: float) -> None:
        for attempt in range(retries + 1):
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == retries:
                    raise StoreBusy(
                        f"the store at {self.path} is busy: another process has held its write lock for over"
                        f" {waited:g} s; nothing was written, try again"
                    ) from None
                time.sleep(0.05 * (attempt + 1))

    def probe_write(self, *, wait_s: float) -> None:
        """Take the write lock and let it go, writing nothing: proves the store takes writes (not read-only, not
        held by another process past `wait_s`) for a health check, without telling readers anything changed."""
        with self.write(wait_s=wait_s):
            pass

    def probe_write_elsewhere(self, *, wait_s: float) -> None:
        """`probe_write` through a connection of its own, opened and closed here: callable from a worker thread, so
        a health check waits for another process's lock without holding the bot's event loop."""
        if self.path == MEMORY:
            return self.probe_write(wait_s=wait_s)
        if self.postgres:
            with self.db.connection() as conn:
                try:
                    self.db.begin(conn, wait_s=wait_s)
                except engine.LockTimeout:
                    raise StoreBusy(f"the store at {self.path} is busy: another process holds its write lock") from None
                self.db.rollback(conn)
            return None
        # mode=rw: a store file gone from under the bot is an error here, never a new empty file
        conn = sqlite3.connect(
            f"file:{Path(self.path).resolve()}?mode=rw", uri=True, timeout=wait_s, isolation_level=None
        )
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy(f"the store at {self.path} is busy: another process holds its write lock") from None
            raise
        finally:
            conn.close()
        return None

    def revision(self) -> tuple[int, int]:
        """Changes when anything an answer depends on may have changed (snapshots, organizations, aliases), here
        or in another process, so in-memory caches of boards know when to rebuild. Subscriptions don't count.
        On PostgreSQL, a counter every write transaction moves on (`db.postgres.PostgresDatabase.commit`)."""
        if self.postgres:
            return self.db.revision(), self._writes
        return self.db.execute("PRAGMA data_version").fetchone()[0], self._writes

    @property
    def elects_refresher(self) -> bool:
        """Whether the store itself says which process fetches upstream (`claim_refresher`): on PostgreSQL,
        shared by processes on many machines; on SQLite, LEADERBOT_REFRESHER says it."""
        return self.postgres

    def claim_refresher(self) -> bool:
        """Whether this process is the refresher now: it holds the store's refresher lock (PostgreSQL's advisory
        lock, taken when free), so exactly one process of all sharing the store fetches; when that one dies its
        lock is free for the next to ask. False on a store that elects none (see `elects_refresher`)."""
        if not self.postgres:
            return False
        from .postgres import REFRESHER_LOCK  # noqa: PLC0415 - loaded with the PostgreSQL store already

        return self.db.hold_lock(REFRESHER_LOCK)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- boards and snapshots -------------------------------------------------------------------------------

    def ensure_board(self, board_id: str) -> None:
        """Write only when missing: any write makes a running bot in another process look again (and another
        process may add it between the look and the write: then there is nothing to do)."""
        if self.db.execute("SELECT 1 FROM boards WHERE id = ?", [board_id]).fetchone() is None:
            with self.write():
                self.db.execute("INSERT INTO boards (id) VALUES (?) ON CONFLICT (id) DO NOTHING", [board_id])

    def boards(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM boards ORDER BY id")]

    def is_empty(self) -> bool:
        return self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM snapshots)").fetchone()[0] == 1

    def has_snapshot(self, data: SnapshotLike) -> bool:
        """Whether this very data (board, category, content) is stored already."""
        return (
            self.db.execute(
                "SELECT 1 FROM snapshots WHERE board = ? AND category = ? AND content_hash = ?",
                [data.board, data.category, data.content_hash],
            ).fetchone()
            is not None
        )

    def save_snapshots(
        self, snapshots: Iterable[SnapshotLike], *, status: str | None = None, expected_rows: int = 0
    ) -> list[Saved]:
        """Store every snapshot of one import in a single transaction; identical data is not stored twice. The
        snapshots may come from a generator, so a long import never holds them all. `expected_rows`: how many rows
        the import may bring, when its file says (see `_model_index_built_at_end`)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        saved: list[Saved] = []
        models: dict[str, _BoardModels] = {}  # board -> its model identities, this import
        with self._references_checked_here(), self.write(), self._model_index_built_at_end(expected_rows):
            for data in snapshots:
                if self.has_snapshot(data):
                    existing = self._snapshot_where(
                        "board = ? AND category = ? AND content_hash = ?",
                        [data.board, data.category, data.content_hash],
                    )
                    saved.append(Saved(existing[0], created=False))
                    continue
                if data.board not in models:
                    if self.db.execute("SELECT 1 FROM boards WHERE id = ?", [data.board]).fetchone() is None:
                        raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed: no board {data.board!r}")
                    models[data.board] = _BoardModels(data.board)
                    models[data.board].read(self.db.conn)
                chosen = status or getattr(data, "status", None) or "ok"
                snapshot = self._insert_snapshot(data, models[data.board], status=chosen, fetched_at=now)
                saved.append(Saved(snapshot, created=True))
            changed: dict[tuple[str, str], str] = {}  # (board, category) -> the earliest date stored
            for s in saved:
                if s.created:
                    key = (s.snapshot.board, s.snapshot.category)
                    changed[key] = min(changed.get(key, s.snapshot.as_of), s.snapshot.as_of)
            for (board, category), since in changed.items():
                self._renumber(board, category, since)
        if any(s.created for s in saved):
            self._writes += 1
        return saved

    @contextlib.contextmanager
    def _model_index_built_at_end(self, expected_rows: int) -> Iterator[None]:
        """For an import that brings more rows than the store holds (a board's whole history into a new store), the
        index of entries by model made once, sorted, after its rows are in, instead of one entry at a time: a board
        lists its models in name order, so every entry lands somewhere else in that index, and scattered inserts
        cost several times what appending them in order does. Inside the import's transaction, so other processes never
        see the store without it; the import's own reads (`last_organizations`) do not need it."""
        if self.postgres:  # dropping an index there would lock the table against every reader till the commit
            yield
            return
        (stored,) = self.db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()  # ids: at least the count
        if expected_rows < BULK_ROWS or expected_rows <= stored:
            yield
            return
        (index,) = self.db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_by_model'").fetchone()
        self.db.execute("DROP INDEX entries_by_model")
        yield
        self.db.execute(index)

    @contextlib.contextmanager
    def _references_checked_here(self) -> Iterator[None]:
        """SQLite's reference checks off for one import, which makes them itself: SQLite looks up a snapshot and a
        model for every entry (a large part of a history import's write time), where an entry only ever refers to
        the snapshot just inserted and to a model read or made in the same transaction (and its details to the entry
        just inserted); what can dangle, a snapshot's or a model's board, `save_snapshots` checks once per board.
        Inside an outer transaction the pragma cannot change, and SQLite checks every row as usual. PostgreSQL
        checks every row: switching its checks off needs a superuser."""
        if self.postgres or self.db.conn.in_transaction or not self.db.execute("PRAGMA foreign_keys").fetchone()[0]:
            yield
            return
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    def _insert_snapshot(self, data: SnapshotLike, models: _BoardModels, *, status: str, fetched_at: str) -> Snapshot:
        """One snapshot and its rows; `models` is the board's identities, kept up to date."""
        keys, names = data.columns["model_key"], data.columns["name"]
        if not models.ids.keys() >= set(keys):
            given = dict(zip(keys, names, strict=True))
            new = [(data.board, key, name, data.as_of) for key, name in given.items() if key not in models.ids]
            self.db.conn.executemany("INSERT INTO models (board, key, name, first_seen) VALUES (?, ?, ?, ?)", new)
            models.read(self.db.conn)
        # A model first stored from a later snapshot keeps the earliest date it has been seen on.
        if data.as_of < models.newest_first_seen:
            earlier = [key for key in dict.fromkeys(keys) if models.first_seen[key] > data.as_of]
            self.db.conn.executemany(
                "UPDATE models SET first_seen = ? WHERE board = ? AND key = ?",
                [(data.as_of, data.board, key) for key in earlier],
            )
            models.first_seen.update(dict.fromkeys(earlier, data.as_of))
        count = len(keys)
        [(snapshot_id,)] = self.db.execute(
            "INSERT INTO snapshots (board, category, as_of, fetched_at, source, row_count, content_hash, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [data.board, data.category, data.as_of, fetched_at, data.source, count, data.content_hash, status],
        ).fetchall()
        # only the columns this board fills: an arena row leaves most of Open LLM's empty
        columns = [c for c in self._entry_columns if c in data.columns]
        details = [c for c in self._detail_columns if c in data.columns]
        # a name that is the model's own is not stored again (readers take the model's); on nearly every board
        # all are, and the column is left out of the insert
        own = list(map(models.names.__getitem__, keys))
        if own == names:
            columns.remove("name")
            values = [data.columns[c] for c in columns]
        else:
            stored = [None if name == first else name for name, first in zip(names, own, strict=True)]
            values = [stored if c == "name" else data.columns[c] for c in columns]
        first_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM entries").fetchone()[0]
        ids = range(first_id, first_id + count)  # under the write lock: no one else adds entries meanwhile
        rows = zip(ids, repeat(snapshot_id, count), map(models.ids.__getitem__, keys), *values, strict=True)
        self._insert_rows("entries", ("id", "snapshot_id", "model_id", *columns), rows)
        if details:  # Open LLM's and the Hub's own columns, one row per entry
            self._insert_rows(
                "entry_details", ("entry_id", *details), zip(ids, *(data.columns[c] for c in details), strict=True)
            )
        return Snapshot(snapshot_id, data.board, data.category, data.as_of, fetched_at, data.source, count,
                        data.content_hash, status)  # fmt: skip

    def _insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Many rows into one table: SQLite's executemany, PostgreSQL's COPY (many times faster there than
        inserts, even pipelined)."""
        if self.postgres:
            self.db.conn.copy_rows(table, columns, rows)
            return
        marks = ", ".join("?" * len(columns))
        self.db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def _snapshot_where(self, where: str, params: Iterable[Any], order: str = "as_of, id") -> list[Snapshot]:
        return [
            Snapshot(**row)
            for row in self.db.query(
                f"SELECT {SNAPSHOT_COLUMNS} FROM snapshots WHERE {where} ORDER BY {order}", list(params)
            )
        ]

    def _renumber(self, board: str, category: str, since: str) -> None:
        """Write the board and category's timeline positions again (see migration V13) from the date `since` on,
        where a write changed which snapshot stands; the positions before it cannot move, and of the rest only
        those that did are written, so a board published after the last one writes one row. Inside a write."""
        before = self.db.execute(
            "SELECT position FROM snapshots WHERE board = ? AND category = ? AND as_of < ? AND position IS NOT NULL"
            " ORDER BY as_of DESC LIMIT 1",
            [board, category, since],
        ).fetchone()
        standing = (
            "SELECT max(id) FROM snapshots WHERE board = ? AND category = ? AND status = 'ok' AND as_of >= ?"
            " GROUP BY as_of"
        )
        self.db.execute(
            f"UPDATE snapshots SET position = numbered.position FROM ("
            f" SELECT id, ? + row_number() OVER (ORDER BY as_of) AS position FROM snapshots WHERE id IN ({standing})"
            f") AS numbered WHERE snapshots.id = numbered.id AND snapshots.position IS DISTINCT FROM numbered.position",
            [before[0] if before else -1, board, category, since],
        )
        self.db.execute(
            f"UPDATE snapshots SET position = NULL WHERE board = ? AND category = ? AND as_of >= ?"
            f" AND position IS NOT NULL AND id NOT IN ({standing})",
            [board, category, since, board, category, since],
        )

    def _timeline_of(self, snapshot_id: int) -> tuple[str, str, str] | None:
        """(board, category, publish date) of a snapshot: where `_renumber` starts when its standing changes."""
        return self.db.execute("SELECT board, category, as_of FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()

    def _renumber_timeline_of(self, snapshot_id: int) -> None:
        """`_renumber` for the timeline of one snapshot whose standing a write changed, from its date on."""
        found = self._timeline_of(snapshot_id)
        if found:
            self._renumber(*found)

    def newest_accepted(self) -> dict[str, int]:
        """Board -> the id of its newest accepted snapshot, for every board holding one: which boards are held,
        and whether one has a new snapshot, without reading any board's list of snapshots."""
        return dict(self.db.execute("SELECT board, max(id) FROM snapshots WHERE status = 'ok' GROUP BY board"))

    def snapshots(
        self, board: str | None = None, category: str | None = None, *, accepted: bool = False
    ) -> list[Snapshot]:
        """Snapshots by board, category and date; `accepted` leaves out the rejected ones (the only ones answered
        from or announced)."""
        clauses, params = ["TRUE"], []
        if board:
            clauses.append("board = ?")
            params.append(board)
        if category:
            clauses.append("category = ?")
            params.append(category)
        if accepted:
            clauses.append("status = 'ok'")
        return self._snapshot_where(" AND ".join(clauses), params, order="board, category, as_of, id")

    def latest_snapshot(self, board: str, category: str, *, on_or_before: str | None = None) -> Snapshot | None:
        """The newest accepted snapshot; with `on_or_before`, the newest published on or before that date."""
        where, params = "board = ? AND category = ? AND status = 'ok'", [board, category]
        if on_or_before:
            where += " AND as_of <= ?"
            params.append(on_or_before)
        found = self._snapshot_where(where, params, order="as_of DESC, id DESC LIMIT 1")
        return found[0] if found else None

    def categories(self, board: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT category FROM snapshots WHERE board = ? AND status = 'ok' GROUP BY category"
                " ORDER BY count(*) DESC, category",
                [board],
            )
        ]

    def entries(self, snapshot_id: int) -> list[dict[str, Any]]:
        """A snapshot's rows in rank order, as stored: `organization` is the board's own string (a namespace on
        Open LLM) and `org_key` its normalised form. The organization's name and country are an overlay from
        `organization_index` (see `bot.core.snapshots`), so a correction made at run time needs no re-read."""
        return _entries(self.db.conn, snapshot_id)

    def entries_of(self, snapshot_id: int, model_keys: Sequence[str], org_keys: Sequence[str]) -> list[dict[str, Any]]:
        """The rows of `entries` whose model key or organization key is one of these: what finding one model on a
        board needs, without reading the whole board. The models are picked by id, so the board's other entries
        are passed over without looking up their model."""
        marks = ", ".join("?" * len(model_keys)) or "NULL"
        orgs = ", ".join("?" * len(org_keys)) or "NULL"
        where = f" AND (e.model_id IN (SELECT id FROM models WHERE key IN ({marks})) OR e.org_key IN ({orgs}))"
        return _entries(self.db.conn, snapshot_id, where, [*model_keys, *org_keys])

    def entries_elsewhere(self, snapshot_id: int) -> list[dict[str, Any]]:
        """`entries` through a connection of its own, opened and closed here: callable from a worker thread
        (the store's own connection belongs to the thread that opened it), so a large board is read while the
        bot's event loop goes on. Readers never wait for a writer under WAL."""
        if self.path == MEMORY:
            return self.entries(snapshot_id)
        if self.postgres:
            with self.db.connection() as lent:
                return _entries(lent, snapshot_id)
        conn = sqlite3.connect(f"file:{Path(self.path).resolve()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            return _entries(conn, snapshot_id)
        finally:
            conn.close()

    # The columns a history reads of every board: points, and what the rename rules compare.
    def timeline_end(self, board: str, category: str, *, until: str | None = None) -> int | None:
        """The position (see migration V13) of the board and category's latest accepted board, or of the latest
        published on or before `until`; None before any."""
        if until is None:
            row = self.db.execute(
                "SELECT max(position) FROM snapshots WHERE board = ? AND category = ?", [board, category]
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT position FROM snapshots WHERE board = ? AND category = ? AND as_of <= ?"
                " AND position IS NOT NULL ORDER BY as_of DESC LIMIT 1",
                [board, category, until],
            ).fetchone()
        return row[0] if row else None

    def timeline_at(self, board: str, category: str, positions: Sequence[int]) -> dict[int, tuple[int, str]]:
        """Position -> (snapshot id, publish date), for these positions of the board and category's timeline."""
        marks = ", ".join("?" * len(positions)) or "NULL"
        return {
            position: (snapshot_id, as_of)
            for position, snapshot_id, as_of in self.db.execute(
                f"SELECT position, id, as_of FROM snapshots WHERE board = ? AND category = ? AND position IN ({marks})",
                [board, category, *positions],
            )
        }

    def model_points(
        self, board: str, category: str, keys: Sequence[str]
    ) -> list[tuple[str, int, str, int, float, str]]:
        """(model key, position, publish date, rank, score, name) of every entry of these models on the board and
        category's timeline (see migration V13), by position and rank: one model's rows through its own index,
        however many boards the store holds."""
        marks = ", ".join("?" * len(keys)) or "NULL"
        return self.db.execute(
            f"SELECT m.key, s.position, s.as_of, e.rank, e.score, coalesce(e.name, m.name) FROM models m"
            f" JOIN entries e ON e.model_id = m.id JOIN snapshots s ON s.id = e.snapshot_id"
            f" WHERE m.board = ? AND m.key IN ({marks}) AND s.category = ? AND s.position IS NOT NULL"
            f" ORDER BY s.position, e.rank",
            [board, *keys, category],
        ).fetchall()

    def snapshot_positions(self, snapshot_ids: Sequence[int]) -> list[tuple[int, str, int, int]]:
        """(snapshot id, model key, rank, entry rowid) of every entry of these snapshots, by snapshot and rank: who
        is where on a few boards, without reading their rows."""
        marks = ", ".join("?" * len(snapshot_ids)) or "NULL"
        return self.db.execute(
            f"SELECT e.snapshot_id, m.key, e.rank, e.id FROM entries e JOIN models m ON m.id = e.model_id"
            f" WHERE e.snapshot_id IN ({marks}) ORDER BY e.snapshot_id, e.rank",
            list(snapshot_ids),
        ).fetchall()

    def model_ranks(self, board: str, key: str, snapshot_ids: list[int]) -> dict[int, int]:
        """Snapshot id -> the model's best rank in it, for those of `snapshot_ids` that list it."""
        marks = ",".join("?" * len(snapshot_ids))
        return dict(
            self.db.execute(
                f"SELECT e.snapshot_id, min(e.rank) FROM entries e JOIN models m ON m.id = e.model_id"
                f" WHERE m.board = ? AND m.key = ? AND e.snapshot_id IN ({marks}) GROUP BY e.snapshot_id",
                [board, key, *snapshot_ids],
            ).fetchall()
        )

    def model_words(self, boards: Iterable[str]) -> list[tuple[str, str | None, str | None]]:
        """(name, normal, bare) of every model these boards have listed: how the question parser knows a typed name
        is a model's without tokenising whole boards (`normal` and `bare` are NULL until `set_model_words`). One
        narrow table, read whole, whatever the number of snapshots; a model only on older boards counts too, since
        a history question names it."""
        wanted = sorted(set(boards))
        if not wanted:
            return []
        return self.db.execute(
            f"SELECT name, normal, bare FROM models WHERE board IN ({', '.join('?' * len(wanted))})", wanted
        ).fetchall()

    def is_model_word(self, boards: Iterable[str], words: str) -> bool:
        """Whether `words` is the normal or the bare form of a model one of these boards has listed: one name
        looked up through its index (see migration V18), where `model_words` reads them all."""
        wanted = sorted(set(boards))
        if not wanted:
            return False
        # SQLite's unary + keeps its planner off the (board, key) index, for the two indexes of the words;
        # PostgreSQL has no + for text, and weighs the indexes by its statistics
        board = "board" if self.postgres else "+board"
        return (
            self.db.execute(
                f"SELECT 1 FROM models WHERE (normal = ? OR bare = ?) AND {board} IN ({', '.join('?' * len(wanted))})"
                " LIMIT 1",
                [words, words, *wanted],
            ).fetchone()
            is not None
        )

    def models_without_words(self) -> list[tuple[int, str]]:
        """(id, name) of the models whose `normal` and `bare` forms are not written yet."""
        return self.db.execute("SELECT id, name FROM models WHERE normal IS NULL").fetchall()

    def set_model_words(self, words: Iterable[tuple[str, str, int]]) -> None:
        """(normal, bare, model id) for models: the importer's tokenising, done once per model."""
        with self.write():
            self.db.conn.executemany("UPDATE models SET normal = ?, bare = ? WHERE id = ?", words)

    ENTRY_COLUMNS = ("name", "rank", "score", "votes", "sessions", "org_key", "organization")

    def entry_rows(self, rowids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Entry rowid -> the entry (its model key and `ENTRY_COLUMNS`), for the few entries the rename rules read of
        two consecutive boards."""
        wanted = sorted(set(rowids))
        names = ("model_key", *self.ENTRY_COLUMNS)
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            for rowid, *values in self.db.execute(
                f"SELECT e.id, m.key, {', '.join(_entry_value(c) for c in self.ENTRY_COLUMNS)}"
                f" FROM entries e JOIN models m ON m.id = e.model_id WHERE e.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                found[rowid] = {k: v for k, v in zip(names, values, strict=True) if v is not None}
        return found

    def seen_span(self, board: str, category: str, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Model key -> (first, last) publish date of the accepted snapshots of the board and category that have
        it, for these keys only: what the rename rules ask of a name's past and future."""
        wanted = sorted(set(keys))
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            for key, first, last in self.db.execute(
                f"SELECT m.key, min(s.as_of), max(s.as_of) FROM models m JOIN entries e ON e.model_id = m.id"
                f" JOIN snapshots s ON s.id = e.snapshot_id"
                f" WHERE m.board = ? AND m.key IN ({', '.join('?' * len(chunk))}) AND s.category = ?"
                f" AND s.status = 'ok' GROUP BY m.key",
                [board, *chunk, category],
            ):
                found[key] = (first, last)
        return found

    def last_organizations(self, after: Mapping[str, str]) -> dict[str, tuple[str, str, str | None]]:
        """Model key -> (as of, organization, org_key) from the newest entry, on any board, published after the
        key's date in `after` ("" for any), that named one: what a board that leaves a model's organization empty
        (LMArena does for older models) still means. A key with a date is looked for in the snapshots published
        since (an import that knows a model's organization as of a board reads only the boards after it), one
        without in every entry of its model."""
        dated = sorted(key for key, day in after.items() if day)
        since = min((after[key] for key in dated), default="")
        # snapshots first (CROSS JOIN keeps that order), then their entries through the index by snapshot
        recent = ("snapshots s CROSS JOIN entries e CROSS JOIN models m",
                  "s.as_of > ? AND e.snapshot_id = s.id AND m.id = e.model_id AND", [since])  # fmt: skip
        every = ("models m JOIN entries e ON e.model_id = m.id JOIN snapshots s ON s.id = e.snapshot_id", "", [])
        found: dict[str, tuple[str, str, str | None]] = {}
        for keys, (tables, where, params) in ((dated, recent), (sorted(set(after) - set(dated)), every)):
            for chunk in (keys[start : start + 500] for start in range(0, len(keys), 500)):  # SQLite's limit
                for key, as_of, organization, org, newest in self.db.execute(
                    self._newest_naming(tables, f"{where} m.key IN ({', '.join('?' * len(chunk))})"),
                    [*params, *chunk],
                ):
                    if newest is not None and as_of > after[key]:  # the newest naming, if it is late enough
                        found[key] = (as_of, organization, org)
        return found

    def _newest_naming(self, tables: str, where: str) -> str:
        """`last_organizations`' query: one row per model key, from its newest entry (by date, then snapshot id)
        that names an organization, the last column NULL where none does. SQLite takes the other columns from the
        row where max() found its value; PostgreSQL picks that row with DISTINCT ON."""
        if self.postgres:
            return (
                "SELECT DISTINCT ON (m.key) m.key, s.as_of, e.organization, e.org_key, s.id"
                f" FROM {tables} WHERE {where} AND e.organization != '' ORDER BY m.key, s.as_of DESC, s.id DESC"
            )
        return (
            "SELECT m.key, s.as_of, e.organization, e.org_key,"
            " max(CASE WHEN e.organization != '' THEN s.as_of || printf('%012d', s.id) END)"
            f" FROM {tables} WHERE {where} GROUP BY m.key"
        )

    # --- what was fetched from upstream ------------------------------------------------------------------------

    def upstream_file(self, board: str) -> tuple[str, str] | None:
        """(path, oid) of the upstream file the board was last stored from."""
        row = self.db.execute(
            "SELECT path, oid FROM upstream_files WHERE board = ? ORDER BY checked_at DESC LIMIT 1", [board]
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def record_upstream(self, board: str, path: str, oid: str, size: int | None) -> None:
        """The Hub has just answered that `path` (with this oid) is the board's current file, and what it holds
        is stored: the board is fresh as of now."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.db.execute("DELETE FROM upstream_files WHERE board = ? AND path != ?", [board, path])
            self.db.execute(
                "INSERT INTO upstream_files (board, path, oid, size, checked_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (board, path) DO UPDATE SET oid = excluded.oid, size = excluded.size,"
                " checked_at = excluded.checked_at",
                [board, path, oid, size, now],
            )
        self._writes += 1  # freshness is part of every answer

    def upstream_configs(self, dataset: str) -> dict[str, tuple[str | None, str | None, str]]:
        """Configs of `dataset` no profile names that the Hub has listed: config -> (board, schema, oid); board and
        schema are None where the config's columns were not ones an importer knows."""
        return {
            config: (board, schema, oid)
            for config, board, schema, oid in self.db.execute(
                "SELECT config, board, schema, oid FROM upstream_configs WHERE dataset = ?", [dataset]
            )
        }

    def discovered_boards(self) -> list[tuple[str, str, str, str]]:
        """(board, dataset, config, schema) of every board made from a config the Hub listed, oldest first, and
        those first listed in the same second (one listing brings several) in key order: each engine orders ties its
        own way, and the boards must be registered in one order whichever engine holds them."""
        return self.db.execute(
            "SELECT board, dataset, config, schema FROM upstream_configs WHERE board IS NOT NULL"
            " ORDER BY seen_at, dataset, config"
        ).fetchall()

    def record_config(self, dataset: str, config: str, oid: str, board: str | None, schema: str | None) -> None:
        """What a config no profile names turned out to be: a new board (registered here), or unknown columns."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            if board is not None:
                self.db.execute("INSERT INTO boards (id) VALUES (?) ON CONFLICT (id) DO NOTHING", [board])
            self.db.execute(
                "INSERT INTO upstream_configs (dataset, config, board, schema, oid, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (dataset, config) DO UPDATE SET board = excluded.board, schema = excluded.schema,"
                " oid = excluded.oid",
                [dataset, config, board, schema, oid, now],
            )
        self._writes += 1

    def hub_benchmarks(self) -> list[tuple[str, str, str, bool, bool]]:
        """(board, dataset, title, lower is better, retired) of every Hub benchmark found, oldest first."""
        return [
            (board, dataset, title, bool(lower), retired is not None)
            for board, dataset, title, lower, retired in self.db.execute(
                "SELECT board, dataset, title, lower_is_better, retired_at FROM hub_benchmarks ORDER BY seen_at, board"
            )
        ]

    def record_benchmark(self, board: str, dataset: str, title: str, *, lower_is_better: bool = False) -> None:
        """A benchmark the Hub lists: kept (with its board) the first time; listed again, its title as the Hub
        now gives it, and no longer retired."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.db.execute("INSERT INTO boards (id) VALUES (?) ON CONFLICT (id) DO NOTHING", [board])
            self.db.execute(
                "INSERT INTO hub_benchmarks (board, dataset, title, lower_is_better, seen_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (board) DO UPDATE SET title = excluded.title, retired_at = NULL",
                [board, dataset, title, int(lower_is_better), now],
            )
        self._writes += 1

    def set_lower_is_better(self, board: str, lower: bool) -> None:
        """What the benchmark's leaderboard last said of its order (retired or not, it stays so)."""
        with self.write():
            self.db.execute("UPDATE hub_benchmarks SET lower_is_better = ? WHERE board = ?", [int(lower), board])
        self._writes += 1

    def retire_benchmarks(self, boards: Iterable[str]) -> None:
        """Benchmarks the Hub no longer lists: their boards stay, marked retired."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.db.conn.executemany(
                "UPDATE hub_benchmarks SET retired_at = ? WHERE board = ? AND retired_at IS NULL",
                [(now, board) for board in boards],
            )
        self._writes += 1

    def guild_language(self, guild_id: int) -> str | None:
        """The language a server chose for its answers and digests (`/language`), if it chose one."""
        row = self.db.execute("SELECT language FROM guild_languages WHERE guild_id = ?", [guild_id]).fetchone()
        return None if row is None else row[0]

    def set_guild_language(self, guild_id: int, language: str | None) -> None:
        """Choose a server's language; None goes back to each question's own."""
        with self.write():
            if language is None:
                self.db.execute("DELETE FROM guild_languages WHERE guild_id = ?", [guild_id])
            else:
                self.db.execute(
                    "INSERT INTO guild_languages (guild_id, language) VALUES (?, ?)"
                    " ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language",
                    [guild_id, language],
                )

    def checked_at(self) -> dict[str, str]:
        """Board -> when its upstream was last asked and answered (UTC ISO 8601)."""
        return dict(self.db.execute("SELECT board, max(checked_at) FROM upstream_files GROUP BY board").fetchall())

    def organization_index(self) -> dict[str, tuple[str, str | None]]:
        """Every known spelling (normalised) -> (organization name, country)."""
        return {
            alias: (name, country)
            for alias, name, country in self.db.execute(
                "SELECT a.alias, o.name, o.country FROM organization_aliases a"
                " JOIN organizations o ON o.id = a.organization_id"
            )
        }

    # --- subscriptions ----------------------------------------------------------------------------------------

    def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        board: str,
        category: str,
        *,
        top_n: int = 10,
        min_move: int = 1,
        role_id: int | None = None,
    ) -> Subscription:
        """Create or update a channel's subscription. It starts at the board's latest snapshot: what is already
        on the board is not news."""
        if not 1 <= top_n <= 100:
            raise StoreError("watch the top 1 to 100")
        if min_move < 1:
            raise StoreError("the minimum move is at least 1 place")
        latest = self.latest_snapshot(board, category)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.db.execute(
                """
                INSERT INTO subscriptions (guild_id, channel_id, board, category, top_n, min_move, role_id,
                                           last_snapshot_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel_id, board, category) DO UPDATE SET
                    top_n = excluded.top_n, min_move = excluded.min_move, role_id = excluded.role_id,
                    enabled = 1, disabled_reason = NULL, disabled_noticed = 1
                """,
                [guild_id, channel_id, board, category, top_n, min_move, role_id, latest.id if latest else None, now],
            )
        found = self.subscriptions(channel_id=channel_id, board=board, category=category)
        return found[0]

    def unsubscribe(self, channel_id: int, board: str | None = None, category: str | None = None) -> int:
        clauses, params = ["channel_id = ?"], [channel_id]
        for column, value in (("board", board), ("category", category)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        with self.write():
            removed = self.db.execute(f"DELETE FROM subscriptions WHERE {' AND '.join(clauses)}", params).rowcount
        return removed

    def subscriptions(self, **where: Any) -> list[Subscription]:
        """Subscriptions matching column=value filters, e.g. `subscriptions(board="arena", enabled=1)`."""
        clauses = [f"{column} = ?" for column in where] or ["TRUE"]
        return [
            Subscription(**{**row, "enabled": bool(row["enabled"]), "disabled_noticed": bool(row["disabled_noticed"])})
            for row in self.db.query(
                f"SELECT * FROM subscriptions WHERE {' AND '.join(clauses)} ORDER BY id", list(where.values())
            )
        ]

    def begin_delivery(
        self, subscription_id: int, snapshot_id: int, *, after_id: int | None = None, wait_s: float | None = None
    ) -> None:
        """Record that a digest up to this snapshot is about to be sent (before sending it), and the channel's
        last message then (`after_id`): a recovery looks back as far as that message."""
        with self.write(wait_s=wait_s):
            self.db.execute(
                "UPDATE subscriptions SET sending_snapshot_id = ?, sending_after_id = ? WHERE id = ?",
                [snapshot_id, after_id, subscription_id],
            )

    def mark_announced(
        self, subscription_id: int, snapshot_id: int, message_id: int | None = None, *, wait_s: float | None = None
    ) -> None:
        """Record that a channel has been told about everything up to this snapshot (survives restarts)."""
        with self.write(wait_s=wait_s):
            self.db.execute(
                "UPDATE subscriptions SET last_snapshot_id = ?, sending_snapshot_id = NULL,"
                " last_message_id = coalesce(?, last_message_id) WHERE id = ?",
                [snapshot_id, message_id, subscription_id],
            )

    def disable_subscription(self, subscription_id: int, reason: str) -> None:
        with self.write():
            self.db.execute(
                "UPDATE subscriptions SET enabled = 0, disabled_reason = ?, disabled_noticed = 0 WHERE id = ?",
                [reason, subscription_id],
            )

    def take_disabled_notices(self, guild_id: int) -> list[Subscription]:
        """Subscriptions disabled since an admin last looked; reading them marks them seen."""
        found = [s for s in self.subscriptions(guild_id=guild_id, enabled=0) if not s.disabled_noticed]
        if found:
            with self.write():
                self.db.execute(
                    "UPDATE subscriptions SET disabled_noticed = 1 WHERE guild_id = ? AND enabled = 0", [guild_id]
                )
        return found

    # --- watches ----------------------------------------------------------------------------------------------

    def model_ids(self, board: str, keys: Iterable[str]) -> dict[str, int]:
        """Model key -> the model's identity on `board`, for the keys the board has ever held."""
        wanted = sorted(set(keys))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                self.db.execute(
                    f"SELECT key, id FROM models WHERE board = ? AND key IN ({marks})", [board, *chunk]
                ).fetchall()
            )
        return found

    def watch(
        self,
        recipient_id: int,
        board: str,
        category: str,
        model_key: str,
        *,
        to_channel: bool = False,
        top_n: int | None = None,
        min_move: int = 1,
    ) -> Watch:
        """Create or update a watch of a model the board holds. It starts at the board's latest snapshot: where the
        model stands now is not news."""
        if top_n is not None and not 1 <= top_n <= 100:
            raise StoreError("watch the top 1 to 100")
        if not 1 <= min_move <= 100:
            raise StoreError("the minimum move is 1 to 100 places")
        model_id = self.model_ids(board, [model_key]).get(model_key)
        if model_id is None:
            raise StoreError(f"{board} has no model {model_key!r}")
        latest = self.latest_snapshot(board, category)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write():
            self.db.execute(
                """
                INSERT INTO watches (recipient_id, to_channel, model_id, board, category, top_n, min_move,
                                     last_snapshot_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (recipient_id, to_channel, model_id, category) DO UPDATE SET
                    top_n = excluded.top_n, min_move = excluded.min_move
                """,
                [recipient_id, int(to_channel), model_id, board, category, top_n, min_move,
                 latest.id if latest else None, now],
            )  # fmt: skip
        [found] = [
            w
            for w in self.watches(recipient_id=recipient_id, to_channel=to_channel)
            if w.model_id == model_id and w.category == category
        ]
        return found

    def unwatch(self, recipient_id: int, watch_ids: Iterable[int], *, to_channel: bool = False) -> int:
        """Remove some of one recipient's watches; how many went."""
        ids = list(watch_ids)
        if not ids:
            return 0
        marks = ", ".join("?" * len(ids))
        with self.write():
            return self.db.execute(
                f"DELETE FROM watches WHERE recipient_id = ? AND to_channel = ? AND id IN ({marks})",
                [recipient_id, int(to_channel), *ids],
            ).rowcount

    def watches(
        self, *, recipient_id: int | None = None, to_channel: bool | None = None, boards: Iterable[str] | None = None
    ) -> list[Watch]:
        """Watches, with their model's key and name: one recipient's, or those of some boards, or all."""
        clauses, params = ["1 = 1"], []
        if recipient_id is not None:
            clauses.append("w.recipient_id = ?")
            params.append(recipient_id)
        if to_channel is not None:
            clauses.append("w.to_channel = ?")
            params.append(int(to_channel))
        if boards is not None:
            wanted = sorted(set(boards))
            if not wanted:
                return []
            clauses.append(f"w.board IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        rows = self.db.execute(
            "SELECT w.id, w.recipient_id, w.to_channel, w.model_id, m.key, m.name, w.board, w.category, w.top_n,"
            " w.min_move, w.last_snapshot_id, w.sending_snapshot_id, w.sending_model_id, w.created_at"
            " FROM watches w JOIN models m ON m.id = w.model_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY w.recipient_id, w.to_channel, w.id",
            params,
        ).fetchall()
        return [Watch(row[0], row[1], bool(row[2]), *row[3:]) for row in rows]

    def count_watches(self, recipient_id: int, *, to_channel: bool = False) -> int:
        return self.db.execute(
            "SELECT count(*) FROM watches WHERE recipient_id = ? AND to_channel = ?", [recipient_id, int(to_channel)]
        ).fetchone()[0]

    def note_watcher(
        self,
        recipient_id: int,
        guild_id: int,
        *,
        to_channel: bool = False,
        language: str | None = None,
        channel_id: int | None = None,
    ) -> bool:
        """Remember who ran a watch command, where, and in which language, and switch their paused watches back
        on: whether they were paused."""
        key = [recipient_id, int(to_channel)]
        with self.write():
            row = self.db.execute(
                "SELECT paused FROM watchers WHERE recipient_id = ? AND to_channel = ?", key
            ).fetchone()
            self.db.execute(
                """
                INSERT INTO watchers (recipient_id, to_channel, guild_id, language, last_channel_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (recipient_id, to_channel) DO UPDATE SET
                    guild_id = excluded.guild_id, language = excluded.language,
                    last_channel_id = excluded.last_channel_id, paused = 0
                """,
                [*key, guild_id, language, channel_id],
            )
        return row is not None and bool(row[0])

    def watchers(self, keys: Iterable[tuple[int, bool]] | None = None) -> dict[tuple[int, bool], Watcher]:
        """(recipient, to_channel) -> who watches, for the keys given (all without)."""
        rows = self.db.execute(
            "SELECT recipient_id, to_channel, guild_id, language, last_channel_id, paused, deliveries,"
            " sending_after_id, sending, last_message_id FROM watchers ORDER BY recipient_id, to_channel"
        ).fetchall()
        wanted = None if keys is None else set(keys)
        found = {}
        for row in rows:
            watcher = Watcher(row[0], bool(row[1]), row[2], row[3], row[4], bool(row[5]), row[6], row[7],
                              bool(row[8]), row[9])  # fmt: skip
            if wanted is None or watcher.key in wanted:
                found[watcher.key] = watcher
        return found

    def begin_watch_deliveries(
        self, intents: Sequence[tuple[Watcher, Sequence[tuple[int, int, int]]]], *, wait_s: float | None = None
    ) -> dict[tuple[int, bool], int]:
        """Record, before sending, that an update is about to go to each watcher, bringing each watch of its plans
        (watch, snapshot, model identity after it) up to date; all in one write. A recovery looks back as far as
        the last update each was sent. Returns each update's number, for its marker."""
        with self.write(wait_s=wait_s):
            self.db.conn.executemany(
                "UPDATE watches SET sending_snapshot_id = ?, sending_model_id = ? WHERE id = ?",
                [
                    (snapshot_id, model_id, watch_id)
                    for _, plans in intents
                    for watch_id, snapshot_id, model_id in plans
                ],
            )
            self.db.conn.executemany(
                "UPDATE watchers SET deliveries = deliveries + 1, sending = 1, sending_after_id = last_message_id"
                " WHERE recipient_id = ? AND to_channel = ?",
                [(w.recipient_id, int(w.to_channel)) for w, _ in intents],
            )
            select = "SELECT deliveries FROM watchers WHERE recipient_id = ? AND to_channel = ?"
            return {
                w.key: self.db.execute(select, [w.recipient_id, int(w.to_channel)]).fetchone()[0] for w, _ in intents
            }

    def finish_watch_deliveries(
        self, outcomes: Sequence[tuple[Watcher, int | None, bool]], *, wait_s: float | None = None
    ) -> None:
        """After updates, (watcher, message, sent) each: the watches of one sent (or found sent by a recovery) move
        up to what it told, those of one that never went out stay where they were; all in one write."""
        keys = [(w.recipient_id, int(w.to_channel)) for w, _, _ in outcomes]
        with self.write(wait_s=wait_s):
            self.db.conn.executemany(
                "UPDATE watches SET last_snapshot_id = sending_snapshot_id,"
                " model_id = coalesce(sending_model_id, model_id)"
                " WHERE recipient_id = ? AND to_channel = ? AND sending_snapshot_id IS NOT NULL",
                [(w.recipient_id, int(w.to_channel)) for w, _, sent in outcomes if sent],
            )
            self.db.conn.executemany(
                "UPDATE watches SET sending_snapshot_id = NULL, sending_model_id = NULL"
                " WHERE recipient_id = ? AND to_channel = ?",
                keys,
            )
            self.db.conn.executemany(
                "UPDATE watchers SET sending = 0, last_message_id = coalesce(?, last_message_id)"
                " WHERE recipient_id = ? AND to_channel = ?",
                [(message_id, w.recipient_id, int(w.to_channel)) for w, message_id, _ in outcomes],
            )

    def advance_watches(self, plans: Iterable[tuple[int, int, int]], *, wait_s: float | None = None) -> None:
        """Move watches with nothing to tell up to the newest snapshot (and a renamed model's new identity):
        (watch, snapshot, model identity), all in one write."""
        with self.write(wait_s=wait_s):
            self.db.conn.executemany(
                "UPDATE watches SET last_snapshot_id = ?, model_id = ? WHERE id = ?",
                [(snapshot_id, model_id, watch_id) for watch_id, snapshot_id, model_id in plans],
            )

    def pause_watcher(self, watcher: Watcher) -> None:
        """Their updates were refused (DMs closed, channel gone): no more until a watch command resumes them."""
        with self.write():
            self.db.execute(
                "UPDATE watchers SET paused = 1 WHERE recipient_id = ? AND to_channel = ?",
                [watcher.recipient_id, int(watcher.to_channel)],
            )

    def _forget_in_watches(self, snapshot_id: int, before: int | None) -> None:
        """A watch told of a snapshot that is rejected or removed goes back to the accepted one before it."""
        self.db.execute("UPDATE watches SET last_snapshot_id = ? WHERE last_snapshot_id = ?", [before, snapshot_id])

    # --- weekly subscriptions -----------------------------------------------------------------------------------

    def set_weekly(self, subscription_id: int, day: int | None, hour: int | None, done: str | None) -> None:
        """Make a subscription weekly (`day` 0 Monday .. 6 Sunday, `hour` UTC; `done`: the due time already
        served, so the first digest is the next one), or one digest per change again (`day` None)."""
        scheduled = day is not None and hour is not None
        if (day is None) != (hour is None) or (scheduled and not (0 <= day <= 6 and 0 <= hour <= 23)):  # type: ignore[operator]
            raise StoreError("a weekly digest needs a day (Monday to Sunday) and an hour (0 to 23)")
        with self.write():
            self.db.execute(
                "UPDATE subscriptions SET weekly_day = ?, weekly_hour = ?, weekly_done = ?, weekly_sending = NULL"
                " WHERE id = ?",
                [day, hour, done if day is not None else None, subscription_id],
            )

    def begin_weekly(
        self, subscription_id: int, snapshot_id: int, due: str, *, after_id: int | None, wait_s: float | None = None
    ) -> None:
        """Record that the weekly digest due at `due`, up to this snapshot, is about to be sent (before sending
        it), with the channel's last message then: a recovery looks back as far as that message."""
        with self.write(wait_s=wait_s):
            self.db.execute(
                "UPDATE subscriptions SET sending_snapshot_id = ?, sending_after_id = ?, weekly_sending = ?"
                " WHERE id = ?",
                [snapshot_id, after_id, due, subscription_id],
            )

    def mark_weekly(
        self,
        subscription_id: int,
        due: str,
        snapshot_id: int | None,
        message_id: int | None = None,
        *,
        wait_s: float | None = None,
    ) -> None:
        """Record that the weekly digest due at `due` is served: told up to `snapshot_id` (None: nothing new, the
        snapshot told about stays), its message, and no digest in flight."""
        with self.write(wait_s=wait_s):
            self.db.execute(
                "UPDATE subscriptions SET weekly_done = ?, weekly_sending = NULL, sending_snapshot_id = NULL,"
                " last_snapshot_id = coalesce(?, last_snapshot_id), last_message_id = coalesce(?, last_message_id)"
                " WHERE id = ?",
                [due, snapshot_id, message_id, subscription_id],
            )

    # --- live boards ------------------------------------------------------------------------------------------

    def start_live(
        self,
        guild_id: int,
        channel_id: int,
        board: str,
        category: str,
        *,
        count: int,
        message_id: int,
        snapshot_id: int | None,
        now: str,
    ) -> LiveBoard:
        """Create a channel's live board for this board and category, or point it at a new message."""
        with self.write():
            self.db.execute(
                """
                INSERT INTO live_boards (guild_id, channel_id, board, category, count, message_id, snapshot_id,
                                         created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel_id, board, category) DO UPDATE SET
                    count = excluded.count, message_id = excluded.message_id, snapshot_id = excluded.snapshot_id,
                    editing_snapshot_id = NULL, enabled = 1, disabled_reason = NULL, disabled_noticed = 1,
                    updated_at = excluded.updated_at
                """,
                [guild_id, channel_id, board, category, count, message_id, snapshot_id, now, now],
            )
        return self.live_boards(channel_id=channel_id, board=board, category=category)[0]

    def live_boards(self, **where: Any) -> list[LiveBoard]:
        """Live boards matching column=value filters, e.g. `live_boards(board="arena", enabled=1)`."""
        clauses = [f"{column} = ?" for column in where] or ["1 = 1"]
        return [
            LiveBoard(**{**row, "enabled": bool(row["enabled"]), "disabled_noticed": bool(row["disabled_noticed"])})
            for row in self.db.query(
                f"SELECT * FROM live_boards WHERE {' AND '.join(clauses)} ORDER BY id", list(where.values())
            )
        ]

    def stop_live(self, channel_id: int, board: str | None = None, category: str | None = None) -> list[LiveBoard]:
        """End a channel's live boards (of one board, one category); returns those ended, for their messages."""
        where: dict[str, Any] = {"channel_id": channel_id}
        where.update({column: value for column, value in (("board", board), ("category", category)) if value})
        found = self.live_boards(**where)
        with self.write():
            self.db.execute(
                f"DELETE FROM live_boards WHERE {' AND '.join(f'{c} = ?' for c in where)}", list(where.values())
            )
        return found

    def begin_live_edit(self, live_id: int, snapshot_id: int, *, wait_s: float | None = None) -> None:
        """Record that the message is about to show this snapshot (before the edit)."""
        with self.write(wait_s=wait_s):
            self.db.execute("UPDATE live_boards SET editing_snapshot_id = ? WHERE id = ?", [snapshot_id, live_id])

    def mark_live_edited(self, live_id: int, snapshot_id: int, now: str, *, wait_s: float | None = None) -> None:
        """Record that the message shows this snapshot (after the edit)."""
        with self.write(wait_s=wait_s):
            self.db.execute(
                "UPDATE live_boards SET snapshot_id = ?, editing_snapshot_id = NULL, updated_at = ? WHERE id = ?",
                [snapshot_id, now, live_id],
            )

    def disable_live(self, live_id: int, reason: str) -> None:
        """Stop editing a live board whose message or channel is gone or closed to us; admins are told once."""
        with self.write():
            self.db.execute(
                "UPDATE live_boards SET enabled = 0, disabled_reason = ?, disabled_noticed = 0,"
                " editing_snapshot_id = NULL WHERE id = ?",
                [reason, live_id],
            )

    def take_disabled_live_notices(self, guild_id: int) -> list[LiveBoard]:
        """Live boards stopped since an admin last looked; reading them marks them seen."""
        found = [b for b in self.live_boards(guild_id=guild_id, enabled=0) if not b.disabled_noticed]
        if found:
            with self.write():
                self.db.execute(
                    "UPDATE live_boards SET disabled_noticed = 1 WHERE guild_id = ? AND enabled = 0", [guild_id]
                )
        return found

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.write():
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def accept_snapshot(self, snapshot_id: int) -> None:
        """Overrule the sanity check: a rejected snapshot becomes one that is answered from and announced."""
        with self.write():
            self.db.execute("UPDATE snapshots SET status = 'ok' WHERE id = ?", [snapshot_id])
            self._renumber_timeline_of(snapshot_id)
        self._writes += 1

    def reject_snapshot(self, snapshot_id: int) -> None:
        """Undo a bad snapshot the check let through: kept, but never answered from or announced."""
        with self.write():
            self.db.execute("UPDATE snapshots SET status = 'rejected' WHERE id = ?", [snapshot_id])
            self._forget_in_subscriptions(snapshot_id)
            self._renumber_timeline_of(snapshot_id)
        self._writes += 1

    def remove_snapshot(self, snapshot_id: int) -> None:
        """Delete a snapshot and its rows (entries go with it: ON DELETE CASCADE)."""
        with self.write():
            self._forget_in_subscriptions(snapshot_id)
            found = self._timeline_of(snapshot_id)  # read before the row goes
            self.db.execute("DELETE FROM snapshots WHERE id = ?", [snapshot_id])
            if found:
                self._renumber(*found)
        self._writes += 1

    def _forget_in_subscriptions(self, snapshot_id: int) -> None:
        """A subscription told of the snapshot goes back to the accepted one before it, so the next digest
        compares with a board that stands."""
        row = self.db.execute("SELECT board, category, as_of FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
        if row is None:
            return
        before = self.db.execute(
            "SELECT id FROM snapshots WHERE board = ? AND category = ? AND status = 'ok' AND id != ? AND as_of <= ?"
            " ORDER BY as_of DESC, id DESC LIMIT 1",
            [row[0], row[1], snapshot_id, row[2]],
        ).fetchone()
        self.db.execute(
            "UPDATE subscriptions SET last_snapshot_id = ? WHERE last_snapshot_id = ?",
            [before[0] if before else None, snapshot_id],
        )
        self._forget_in_watches(snapshot_id, before[0] if before else None)

    def snapshot(self, snapshot_id: int) -> Snapshot | None:
        found = self._snapshot_where("id = ?", [snapshot_id])
        return found[0] if found else None

    # --- model aliases --------------------------------------------------------------------------------------

    def model_aliases(self, board: str) -> dict[str, str]:
        """alias -> model key, for one board."""
        return dict(self.db.execute("SELECT alias, model_key FROM model_aliases WHERE board = ?", [board]).fetchall())

    def set_model_alias(self, board: str, alias: str, model_key: str) -> None:
        alias = " ".join(alias.split())
        if not alias:
            raise StoreError("an alias needs some text")
        with self.write():
            self.db.execute(
                "INSERT INTO model_aliases (board, alias, model_key, origin) VALUES (?, ?, ?, 'user')"
                " ON CONFLICT (board, alias) DO UPDATE SET model_key = excluded.model_key, origin = 'user'",
                [board, alias, model_key],
            )
        self._writes += 1

    # --- organizations --------------------------------------------------------------------------------------

    def organizations(self) -> list[Organization]:
        aliases: dict[int, list[str]] = {}
        for alias, org_id in self.db.execute("SELECT alias, organization_id FROM organization_aliases ORDER BY 1"):
            aliases.setdefault(org_id, []).append(alias)
        return [
            Organization(r["id"], r["name"], r["country"], r["origin"], tuple(aliases.get(r["id"], ())))
            for r in self.db.query(f"SELECT * FROM organizations ORDER BY {_ORG_NAME_ORDER[self.postgres]}")
        ]

    def set_organization(
        self, name: str, *, country: str | None, aliases: Iterable[str] = (), origin: str = "user"
    ) -> Organization:
        """Create or correct an organization and point spellings at it. Aliases move if another org had them."""
        name = name.strip()
        if not name:
            raise StoreError("an organization needs a name")
        if country is not None:
            country = country.strip().upper()
            if len(country) != 2 or not country.isalpha():
                raise StoreError(f"{country!r} is not a two-letter ISO country code (CN, US, FR, ...)")
        with self.write():
            row = self.db.execute(f"SELECT id FROM organizations WHERE {_ORG_NAMED[self.postgres]}", [name]).fetchone()
            if row:
                org_id = row[0]
                self.db.execute(
                    "UPDATE organizations SET country = coalesce(?, country), origin = ? WHERE id = ?",
                    [country, origin, org_id],
                )
            else:
                [(org_id,)] = self.db.execute(
                    "INSERT INTO organizations (name, country, origin) VALUES (?, ?, ?) RETURNING id",
                    [name, country, origin],
                ).fetchall()
            keys = {k for k in (org_key(a) for a in (name, *aliases)) if k}
            self.db.conn.executemany(
                "INSERT INTO organization_aliases (alias, organization_id, origin) VALUES (?, ?, ?)"
                " ON CONFLICT (alias) DO UPDATE SET organization_id = excluded.organization_id,"
                " origin = excluded.origin",
                [(k, org_id, origin) for k in sorted(keys)],
            )
        self._writes += 1
        return next(o for o in self.organizations() if o.id == org_id)

    def seed_organizations(self, rows: Iterable[dict[str, str]]) -> int:
        """Add the bundled organizations and spellings the store lacks; never change what is there, so what users
        corrected stays corrected and a newer release still brings its new spellings. Returns how many organizations
        were new."""
        added = spellings_added = 0
        with self.write():
            for row in rows:
                name = row["organization"].strip()
                spellings = [a for field in ("hf_namespaces", "arena_names") for a in row[field].split("|") if a]
                found = self.db.execute(
                    f"SELECT id FROM organizations WHERE {_ORG_NAMED[self.postgres]}", [name]
                ).fetchone()
                if found is None:
                    [(org_id,)] = self.db.execute(
                        "INSERT INTO organizations (name, country, origin) VALUES (?, ?, 'seed') RETURNING id",
                        [name, row["country"].strip().upper() or None],
                    ).fetchall()
                    added += 1
                else:
                    org_id = found[0]
                keys = sorted({k for k in (org_key(a) for a in (name, *spellings)) if k})
                spellings_added += sum(
                    self.db.execute(
                        "INSERT INTO organization_aliases (alias, organization_id, origin) VALUES (?, ?, 'seed')"
                        " ON CONFLICT (alias) DO NOTHING",
                        [key, org_id],
                    ).rowcount
                    for key in keys
                )
        if added or spellings_added:
            self._writes += 1
        return added
