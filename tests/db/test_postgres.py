"""The store on PostgreSQL: the same migrations (versions, names, tables, columns) as on SQLite, its own schema
version table, the revision other processes see, and the write lock writers queue on."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from db import postgres, schema
from db.engine import redacted
from db.store import Store, StoreBusy
from tests.postgres import Cluster
from tests.stores import write_lock_held

ROOT = Path(__file__).resolve().parents[2]


def test_both_engines_have_the_same_migrations() -> None:
    """A migration added to one engine and not the other fails here (V15 and on get their PostgreSQL versions)."""
    sqlite = [(version, name) for version, name, _ in schema.migrations()]
    assert [(version, name) for version, name, _ in postgres.postgres_migrations()] == sqlite
    assert sqlite[-1][0] == schema.LATEST


def test_a_fresh_postgres_store_has_sqlites_tables_and_columns(postgres_cluster: Cluster) -> None:
    with Store() as lite, Store(postgres_cluster.create_database("fresh_schema")) as pg:
        assert pg.schema_version == schema.LATEST == postgres.schema_version(pg.db)
        tables = [r[0] for r in lite.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        assert "entry_details" in tables
        for table in tables:
            assert list(pg.db[table].columns_dict) == list(lite.db[table].columns_dict), table
        versions = pg.db.execute("SELECT version, name FROM schema_versions ORDER BY version").fetchall()
        assert versions == [(v, n) for v, n, _ in schema.migrations()]
        # 64-bit Discord ids and 8-byte scores, as SQLite stores them
        kinds = pg.db["subscriptions"].columns_dict
        assert kinds["guild_id"] == kinds["channel_id"] == "bigint"
        assert pg.db["entries"].columns_dict["score"] == "double precision"


def test_migrating_again_changes_nothing_and_a_newer_schema_is_refused(postgres_cluster: Cluster) -> None:
    url = postgres_cluster.create_database("again")
    with Store(url) as first:
        revision = first.revision()
    with Store(url) as again:
        assert again.revision() == revision  # nothing to do, nothing written
        again.db.execute("INSERT INTO schema_versions (version, name) VALUES (?, 'from_the_future')", [99])
    with pytest.raises(RuntimeError, match="newer than this Leaderbot"):
        Store(url)


def test_placeholders_outside_literals_become_psycopgs() -> None:
    assert postgres.placeholders("SELECT '?', \"a?\", x FROM t WHERE y = ? -- why?\n AND z = ?") == (
        "SELECT '?', \"a?\", x FROM t WHERE y = %s -- why?\n AND z = %s"
    )
    assert postgres.placeholders("SELECT printf('%d', ?)") == "SELECT printf('%%d', %s)"


def test_another_processs_write_changes_the_revision_and_a_probe_does_not(postgres_cluster: Cluster) -> None:
    url = postgres_cluster.create_database("revision")
    with Store(url) as bot, Store(url) as cli:
        before = bot.revision()
        bot.probe_write(wait_s=1.0)
        bot.probe_write_elsewhere(wait_s=1.0)
        assert bot.revision() == before
        cli.set_meta("note", "written elsewhere")
        assert bot.revision()[0] == before[0] + 1
        assert bot.meta("note") == "written elsewhere"


def test_writers_queue_on_the_write_lock_and_a_short_wait_gives_store_busy(postgres_cluster: Cluster) -> None:
    url = postgres_cluster.create_database("queue")
    with Store(url) as store:
        store.write_wait_s = 0.2  # the bot's event loop: one short wait
        with write_lock_held(url):
            started = time.perf_counter()
            with pytest.raises(StoreBusy, match="busy"):
                store.set_meta("k", "refused")
            assert time.perf_counter() - started < 2.0
            assert store.meta("k") is None
            with pytest.raises(StoreBusy):
                store.probe_write_elsewhere(wait_s=0.2)
        store.write_wait_s = None  # a CLI import: waits for the other writer, then writes
        held = threading.Event()

        def other_writer() -> None:
            with Store(url) as other, other.write():
                held.set()
                other.db.execute("INSERT INTO meta (key, value) VALUES ('k', 'first')")
                time.sleep(0.3)

        worker = threading.Thread(target=other_writer)
        worker.start()
        held.wait(5)
        store.set_meta("k", "second")  # queued behind the other writer, not refused
        worker.join()
        assert store.meta("k") == "second"


def test_a_password_never_shows_in_the_stores_name(postgres_cluster: Cluster) -> None:
    assert (
        redacted("postgresql://bot:s3cret@db.example:5432/leaderbot")
        == "postgresql://bot:***@db.example:5432/leaderbot"
    )
    with pytest.raises(psycopg.OperationalError):
        Store(postgres_cluster.url("no_such_database"))


def test_the_sqlite_default_never_loads_psycopg() -> None:
    """The embedded store stays as it was: a process on SQLite (the bot, every CLI command) pays nothing for the
    PostgreSQL engine."""
    probe = (
        "import sys, bot.cli, bot.chat.client; from db.store import Store; Store().close();"
        " print(sorted(m for m in sys.modules if m.startswith('psycopg')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
