"""`leaderbot migrate-store --to postgresql://...`: a SQLite store copied whole into an empty PostgreSQL store, in
one transaction there, every table's rows counted on both sides before it commits.

Every table is copied, not a chosen few: boards, snapshots and their entries, models, organizations and aliases,
subscriptions with their delivery bookkeeping, settings (`meta`, server languages), what was fetched upstream. Row
ids are kept (subscriptions point at snapshots by id) and the identity sequences moved past them, so rows written
afterwards get new ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .store import Store, StoreError

# Every table of the schema, each after the tables it refers to (a migration that adds a table adds it here; a
# store with a table not named here is refused rather than copied in part).
TABLES = (
    "boards",
    "organizations",
    "organization_aliases",
    "models",
    "snapshots",
    "entries",
    "entry_details",
    "model_aliases",
    "subscriptions",
    "meta",
    "upstream_files",
    "upstream_configs",
    "hub_benchmarks",
    "guild_languages",
    "watches",
    "watchers",
    "live_boards",
)
BATCH = 10_000  # rows read from SQLite at a time: a large store is streamed, never held


@dataclass(frozen=True)
class Copied:
    counts: dict[str, int]  # table -> rows, the same on both sides

    @property
    def snapshots(self) -> int:
        return self.counts["snapshots"]

    @property
    def subscriptions(self) -> int:
        return self.counts["subscriptions"]


def _rows(source: Store, table: str, columns: list[str]) -> Iterator[tuple[object, ...]]:
    cursor = source.db.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def migrate_store(source_path: Path, target_url: str) -> Copied:
    """Copy the SQLite store at `source_path` into the PostgreSQL store at `target_url`, which must hold no
    snapshots and no subscriptions yet (what a fresh one has, the boards and aliases every schema starts with, is
    replaced). Raises StoreError, with nothing written, when it is not empty, when the source has tables this
    code does not know, or when a table's count differs after the copy."""
    if not source_path.is_file():
        raise StoreError(f"there is no SQLite store at {source_path} to copy (--db or LEADERBOT_DB names it)")
    with Store(source_path) as source, Store(target_url) as target:
        if not target.postgres:
            raise StoreError("--to must be a postgresql:// URL")
        tables = {r[0] for r in source.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        unknown = sorted(tables - set(TABLES))
        if unknown:
            raise StoreError(f"the store has tables this Leaderbot does not copy: {', '.join(unknown)}")
        counts: dict[str, int] = {}
        with target.write():
            (held,) = target.db.execute(
                "SELECT (SELECT count(*) FROM snapshots) + (SELECT count(*) FROM subscriptions)"
            ).fetchone()
            if held:
                raise StoreError(
                    f"the store at {target.path} is not empty (it holds snapshots or subscriptions); copy into a new"
                    " database"
                )
            for table in reversed(TABLES):
                target.db.execute(f"DELETE FROM {table}")
            for table in TABLES:
                columns = list(source.db[table].columns_dict)
                target.db.conn.copy_rows(table, columns, _rows(source, table, columns))
                (wrote,) = target.db.execute(f"SELECT count(*) FROM {table}").fetchone()
                (read,) = source.db.execute(f"SELECT count(*) FROM {table}").fetchone()
                if wrote != read:
                    raise StoreError(f"{table}: {read:,} rows in the SQLite store but {wrote:,} copied; nothing kept")
                counts[table] = wrote
                sequence = None
                if "id" in columns:
                    (sequence,) = target.db.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()
                if sequence is not None:  # an identity: the next row written there gets an id past the copied ones
                    target.db.execute(f"SELECT setval(?, coalesce(max(id), 0) + 1, false) FROM {table}", [sequence])
    return Copied(counts)
