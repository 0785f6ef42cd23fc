"""The store under several writers: processes that import at once queue for the write lock (BEGIN IMMEDIATE and
the busy timeout) instead of failing, two processes creating one fresh store both succeed, and a writer that still
cannot get the lock says so in one line and writes nothing. The boards are the real 2024 one, republished on other
dates (made-up dates; the rows are real)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from db.store import Store, StoreBusy
from tests.arena_2024 import republished
from tests.stores import fingerprint


def import_one(path: str, date: str) -> str:
    """In a process of its own: open the store (maybe creating it) and import one board."""
    from bot.ingest import ingest_rows, register_boards  # noqa: PLC0415

    store = Store(path)
    try:
        register_boards(store)
        report = ingest_rows(store, "arena-raw", republished(date, shift=int(date[-2:])), origin=f"writer {date}")
        return "stored" if report.created else "skipped"
    except Exception as exc:
        return f"failed: {type(exc).__name__}: {exc}"
    finally:
        store.close()


def writers(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))


def run_together(path: Path, dates: list[str], pool: ProcessPoolExecutor | None = None) -> list[str]:
    """Each date imported by a process of its own, all at once; `pool` reuses processes already started (their
    imports done, so they start the work closer together still)."""
    if pool is None:
        with writers(len(dates)) as fresh:
            return list(fresh.map(import_one, [str(path)] * len(dates), dates))
    return list(pool.map(import_one, [str(path)] * len(dates), dates))


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_imports_started_together_all_land(tmp_path: Path) -> None:
    """Before: 8 of 20 such imports failed with `database is locked` (a deferred BEGIN upgraded too late)."""
    path = tmp_path / "store.db"
    Store(path).close()
    dates = [f"2025-01-{day:02d}" for day in range(1, 7)]
    assert run_together(path, dates) == ["stored"] * len(dates)
    store = Store(path)
    assert sorted(s.as_of for s in store.snapshots("arena-raw", "overall")) == dates
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_two_processes_creating_a_fresh_store_both_succeed(tmp_path: Path) -> None:
    """Before: one of the two failed (`table boards already exists` or `database is locked`)."""
    with writers(2) as pool:
        for attempt in range(3):
            path = tmp_path / f"fresh{attempt}.db"
            assert run_together(path, ["2025-02-01", "2025-02-02"], pool) == ["stored", "stored"]


def test_a_writer_waits_for_a_lock_held_briefly(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = Store(path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    started = time.perf_counter()
    store.set_organization("Nomic AI", country="US", aliases=["Nomic AI"])  # waits, then writes
    assert time.perf_counter() - started >= 0.25
    assert any(o.name == "Nomic AI" for o in store.organizations())
    store.close()
    other.close()


def test_a_writer_that_cannot_get_the_lock_says_so_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = Store(path)
    store.db.execute("PRAGMA busy_timeout = 50")  # the real wait is seconds; the behaviour is the same
    before = fingerprint(store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreBusy) as caught:
        store.set_organization("Nomic AI", country="US", aliases=["Nomic AI"])
    message = str(caught.value)
    assert "busy" in message and "nothing was written" in message and "\n" not in message
    other.execute("ROLLBACK")
    other.close()
    assert fingerprint(store) == before
    store.close()


def test_a_board_read_from_a_worker_thread_is_the_board(seeded_copy: Path) -> None:
    """`entries_elsewhere` opens its own read-only connection, so it may run in a thread (the bot reads a new board
    there); what it reads is what the store's own connection reads."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    from bot.core.snapshots import SnapshotReader  # noqa: PLC0415

    store = Store(seeded_copy)
    snapshot = store.latest_snapshot("open-llm", "overall")
    assert snapshot is not None
    with ThreadPoolExecutor(1) as pool:
        elsewhere = pool.submit(store.entries_elsewhere, snapshot.id).result()
        reader = SnapshotReader(store)
        primed = pool.submit(reader.read_elsewhere, snapshot).result()
    assert elsewhere == store.entries(snapshot.id) and len(elsewhere) == 4576
    reader.prime(*primed)
    assert reader.rows(snapshot).rows == SnapshotReader(store).rows(snapshot).rows  # organizations laid over too
    store.close()
