"""`leaderbot migrate-store --to postgresql://...`: the SQLite store, every table of it, into an empty PostgreSQL
store, counted on both sides; a store that is not empty is refused, and the copy takes writes afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from db.store import Store
from db.transfer import TABLES
from tests.postgres import Cluster


def rows(store: Store, table: str) -> list[tuple[object, ...]]:
    columns = ", ".join(store.db[table].columns_dict)
    return sorted(store.db.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)


def test_the_whole_store_is_copied_and_counted(
    cli_db: str, postgres_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(cli_db) as lite:
        latest = lite.latest_snapshot("arena-raw", "overall")
        assert latest is not None
        sub = lite.subscribe(4242 << 22, 77, "arena-raw", "overall", top_n=5, min_move=2, role_id=9)
        lite.begin_delivery(sub.id, latest.id, after_id=123)  # a digest in flight: its intent goes along
        lite.set_guild_language(4242 << 22, "ja")
        lite.set_organization("Example Labs", country="FR", aliases=["example-labs"])
        lite.watch(4242, "arena-raw", "overall", "deepseek-v3", top_n=10)
        lite.note_watcher(4242, 4242 << 22, language="th", channel_id=77)
        lite.start_live(4242 << 22, 77, "arena-raw", "overall", count=5, message_id=1, snapshot_id=latest.id, now="t")
        tables = {r[0] for r in lite.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(TABLES)  # every table of the schema is copied
    url = postgres_cluster.create_database("migrated")
    assert main(["--db", cli_db, "migrate-store", "--to", url]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Copied the store at {cli_db} to {url}: 42 snapshot(s), 1 subscription(s)")
    with Store(cli_db) as lite, Store(url) as pg:
        for table in TABLES:
            assert rows(pg, table) == rows(lite, table), table
        assert pg.entries(latest.id) == lite.entries(latest.id)
        [copied] = pg.subscriptions()
        assert (copied.sending_snapshot_id, copied.sending_after_id, copied.role_id) == (latest.id, 123, 9)
        assert pg.guild_language(4242 << 22) == "ja"
        assert pg.watches() == lite.watches() and pg.watchers() == lite.watchers()
        assert pg.live_boards() == lite.live_boards()
        again = pg.subscribe(4243 << 22, 78, "arena-raw", "overall")  # new ids come after the copied ones
        assert again.id > copied.id
    assert main(["--db", cli_db, "migrate-store", "--to", url]) == 1  # not empty any more: refused, untouched
    assert "is not empty" in capsys.readouterr().err
    with Store(url) as pg:
        assert len(pg.subscriptions()) == 2


def test_a_missing_store_or_a_url_that_is_not_postgresql_is_refused(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(cli_env / "none.db"), "migrate-store", "--to", "sqlite:///x.db"]) == 1
    assert "must be a postgresql:// URL" in capsys.readouterr().err
    assert main(["--db", str(cli_env / "none.db"), "migrate-store", "--to", "postgresql://127.0.0.1:1/x"]) == 1
    assert "there is no SQLite store" in capsys.readouterr().err


def test_backup_on_postgresql_names_pg_dump(
    cli_env: Path, postgres_cluster: Cluster, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEADERBOT_DATABASE_URL", postgres_cluster.url())
    assert main(["backup", str(cli_env / "copy.db")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump --format=custom" in err and "Traceback" not in err
    assert main(["restore", str(cli_env / "copy.db")]) == 1
    assert "pg_restore" in capsys.readouterr().err
