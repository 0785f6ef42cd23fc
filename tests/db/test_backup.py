"""Backups and restores: a backup is the store of one moment even while an import writes (and does not wait for
it); a restore refuses what is not a Leaderbot store, a newer schema or a damaged file, and leaves the current store
exactly as it was then; a restore is the backup, whole. Through `leaderbot backup` / `restore` too."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from bot.cli import main
from bot.ingest import ingest_rows
from db.backup import BackupError, backup, check_store_file, restore, tables_at
from db.schema import LATEST
from db.store import Store, StoreBusy
from tests.arena_2024 import republished
from tests.db.test_store_writers import import_one
from tests.stores import counts, fingerprint


def file_fingerprint(path: Path) -> tuple[int, int, str]:
    with Store(path) as store:
        return fingerprint(store)


def file_counts(path: Path) -> tuple[int, int]:
    with Store(path) as store:
        return counts(store)


def test_a_backup_taken_while_an_import_writes_is_the_store_before_it(seeded_copy: Path, tmp_path: Path) -> None:
    """The import's transaction is open (its rows written, not committed) while the backup runs: the backup
    neither waits for it nor sees half of it; one taken after it commits has all of it."""
    before = file_fingerprint(seeded_copy)
    writer = Store(seeded_copy)
    with writer.write():
        report = ingest_rows(writer, "arena-raw", republished("2025-01-07", shift=3), origin="refresh")
        assert report.created  # written inside the open transaction
        during = backup(seeded_copy, tmp_path / "during.db")
    after = fingerprint(writer)
    writer.close()
    assert after != before
    assert file_fingerprint(during.path) == before
    assert file_fingerprint(backup(seeded_copy, tmp_path / "after.db").path) == after
    assert not (tmp_path / "during.db-wal").exists()  # one self-contained file


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_backups_taken_while_another_process_imports_are_each_one_moment(seeded_copy: Path, tmp_path: Path) -> None:
    """Real concurrency: another process imports two boards while backups are taken one after another; each
    backup is a store some moment had (before, between or after the imports) and passes SQLite's integrity
    check; the last one has everything."""
    start = file_fingerprint(seeded_copy)
    backups: list[Path] = []
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = [pool.submit(import_one, str(seeded_copy), date) for date in ("2025-01-07", "2025-01-08")]
        while not all(p.done() for p in pending) or len(backups) < 3:
            backups.append(backup(seeded_copy, tmp_path / f"b{len(backups)}.db").path)
        assert [p.result() for p in pending] == ["stored", "stored"]
    final = file_fingerprint(seeded_copy)
    rows = len(republished("2025-01-07"))
    moments = {start[:2], (start[0] + 1, start[1] + rows), final[:2]}
    assert final[:2] == (start[0] + 2, start[1] + 2 * rows)
    for path in backups:
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert file_counts(path) in moments
    backups.append(backup(seeded_copy, tmp_path / "last.db").path)
    assert file_fingerprint(backups[-1]) == final


def test_a_restore_gives_back_the_store_of_the_backup(seeded_copy: Path, tmp_path: Path) -> None:
    saved = backup(seeded_copy, tmp_path / "saved.db")
    before = file_fingerprint(seeded_copy)
    with Store(seeded_copy) as store:
        ingest_rows(store, "arena-raw", republished("2025-01-07", shift=3), origin="refresh")
        store.subscribe(guild_id=1, channel_id=2, board="arena-raw", category="overall", top_n=10, min_move=1)
    assert file_fingerprint(seeded_copy) != before
    restored = restore(saved.path, seeded_copy)
    assert restored.schema_version == LATEST
    assert file_fingerprint(seeded_copy) == before
    with sqlite3.connect(seeded_copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # still the store the bot opens


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_a_restore_waits_for_a_writer_then_gives_up_leaving_the_store_alone(seeded_copy: Path, tmp_path: Path) -> None:
    saved = backup(seeded_copy, tmp_path / "saved.db")
    with Store(seeded_copy) as store:
        store.set_organization("Nomic AI", country="US", aliases=["Nomic AI"])
        before = fingerprint(store)
    other = sqlite3.connect(seeded_copy, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(StoreBusy, match=r"busy.*nothing was restored"):
        restore(saved.path, seeded_copy, wait_s=0.3)
    assert time.monotonic() - started < 5  # its own wait, not SQLite's busy timeout of 10 s
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    assert file_fingerprint(seeded_copy) == before
    restore(saved.path, seeded_copy, wait_s=10)  # once the writer is done, it goes through
    assert file_fingerprint(seeded_copy) == file_fingerprint(saved.path)
    other.close()


def not_a_store(tmp_path: Path, seeded_db: Path) -> Path:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("PRAGMA user_version = 3")
    return path


def newer_store(tmp_path: Path, seeded_db: Path) -> Path:
    path = backup(seeded_db, tmp_path / "newer.db").path
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST + 1}")
    return path


def text_file(tmp_path: Path, seeded_db: Path | None = None) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all\n" * 100)
    return path


def damaged_store(tmp_path: Path, seeded_db: Path) -> Path:
    path = backup(seeded_db, tmp_path / "damaged.db").path
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 20 : page * 20 + 2000] = b"\xff" * 2000  # a page in the middle, overwritten
    path.write_bytes(bytes(data))
    return path


def partial_store(tmp_path: Path, seeded_db: Path) -> Path:
    """A SQLite file with some of Leaderbot's tables (version 4 claimed, the meta table missing)."""
    path = tmp_path / "partial.db"
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE snapshots (id INTEGER); CREATE TABLE entries (id INTEGER);")
        db.execute("PRAGMA user_version = 4")
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (text_file, "is not a SQLite database, so not a Leaderbot store"),
        (not_a_store, "is a SQLite database but not a Leaderbot store"),
        (partial_store, "lacks the tables"),
        (newer_store, f"newer than this Leaderbot ({LATEST}); upgrade Leaderbot"),
        (damaged_store, "is damaged"),
        (lambda tmp, seed: tmp / "missing.db", "is not a file"),
    ],
)
def test_a_restore_refuses_what_it_cannot_use_and_changes_nothing(
    make, says: str, seeded_copy: Path, seeded_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    offered = make(tmp_path, seeded_db)
    before = file_fingerprint(seeded_copy)
    with pytest.raises(BackupError, match=re.escape(says)):
        restore(offered, seeded_copy)
    assert file_fingerprint(seeded_copy) == before


def test_the_tables_of_each_version_are_the_migrations_up_to_it() -> None:
    assert {"snapshots", "entries", "models", "boards"} <= tables_at(1)
    assert "subscriptions" not in tables_at(2) and "subscriptions" in tables_at(3)
    assert tables_at(LATEST) >= tables_at(LATEST - 1)


def test_leaderbot_backup_and_restore_on_the_command_line(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "backups" / "leaderbot.db"
    target.parent.mkdir()
    assert main(["--db", cli_db, "backup", str(target)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"Backed up the store at {cli_db} to {target}: 42 snapshot(s), 0 subscription(s), ")
    assert target.stat().st_mode & 0o077 == 0  # it holds the servers' subscriptions: the owner's only
    assert check_store_file(target).snapshots == 42

    with Store(cli_db) as store:
        store.remove_snapshot(store.snapshots("arena-raw")[-1].id)
    assert main(["--db", cli_db, "restore", str(target)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        f"Restored {target} into the store at {cli_db}: 42 snapshot(s), 0 subscription(s)."
        " Start the bot again to answer from it.\n"
    )
    assert file_fingerprint(Path(cli_db)) == file_fingerprint(target)


def test_leaderbot_restore_of_a_wrong_file_says_so_in_one_line(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offered = text_file(tmp_path)
    assert main(["--db", cli_db, "restore", str(offered)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"leaderbot: {offered} is not a SQLite database, so not a Leaderbot store\n"
    assert main(["--db", str(tmp_path / "none.db"), "backup", str(tmp_path / "b.db")]) == 1
    assert capsys.readouterr().err == f"leaderbot: there is no store at {tmp_path / 'none.db'} to back up\n"
