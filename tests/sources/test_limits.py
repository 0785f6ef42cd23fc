"""limits: what an import may hold. Past a limit the import is refused in one line and the store is unchanged.
The boards are the real 2024 one with one thing changed (a date, a name, the row count): made-up values."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.answers import Answerer
from bot.ingest import ingest_file, ingest_rows
from bot.sources import SourceError, payloads
from bot.sources.limits import MAX_NAME_LENGTH, MAX_ROWS_PER_BOARD, check_snapshot
from db.store import Store
from tests.arena_2024 import republished
from tests.stores import fingerprint


def last_board(date: str = "2025-01-05") -> list[dict]:
    return republished(date)


@pytest.mark.parametrize("when", ["9999-12-31", "2099-01-01"])
def test_a_board_published_in_the_future_is_refused(store: Store, when: str) -> None:
    """Before: a 9999-12-31 board pinned every answer and digest to it for good."""
    before = fingerprint(store)
    with pytest.raises(SourceError, match="published in the future"):
        ingest_rows(store, "arena-raw", last_board(when), origin="test")
    assert fingerprint(store) == before
    assert Answerer(store).ask("top 3").as_of == "2024-12-31"


def test_tomorrow_is_allowed_the_day_after_is_not() -> None:
    from bot.sources import get_source  # noqa: PLC0415

    (data,) = get_source("arena-raw").to_snapshots(last_board("2026-12-02"), origin="test")
    check_snapshot(data, today=date(2026, 12, 1))  # a publish a few hours ahead of us (time zones)
    with pytest.raises(SourceError):
        check_snapshot(data, today=date(2026, 11, 30))


def test_a_name_past_the_limit_is_refused(store: Store) -> None:
    """Before: a 50 MB name was accepted, and every later `ask` took seconds."""
    rows = last_board()
    rows[5]["model_name"] = "x" * (MAX_NAME_LENGTH + 1)
    before = fingerprint(store)
    with pytest.raises(SourceError, match=f"a model name of {MAX_NAME_LENGTH + 1} characters") as caught:
        ingest_rows(store, "arena-raw", rows, origin="test")
    assert "\n" not in str(caught.value)
    assert fingerprint(store) == before


def test_a_board_past_the_row_limit_is_refused(store: Store) -> None:
    base = last_board()
    rows = [dict(base[i % len(base)], model_name=f"model-{i}") for i in range(MAX_ROWS_PER_BOARD + 1)]
    before = fingerprint(store)
    with pytest.raises(SourceError, match="over the limit of 20,000 for one board"):
        ingest_rows(store, "arena-raw", rows, origin="test")
    assert fingerprint(store) == before


def test_a_gzip_that_unpacks_past_the_limit_is_refused(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a 1 MB gzip of 1 GB was unpacked whole (3.2 GB peak). The limit is lowered here, not the file
    enlarged: the code path is the same."""
    monkeypatch.setattr(payloads, "MAX_DECOMPRESSED_BYTES", 10_000)
    path = tmp_path / "board.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in last_board()).encode()))
    with pytest.raises(SourceError, match="unpacks to over 10,000 bytes"):
        ingest_file(store, "arena-raw", path)


def test_a_bad_snapshot_can_be_rejected_and_removed(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "reject", "arena-raw", "2024-12-31"]) == 0
    assert "rejected: answers and digests no longer use it" in capsys.readouterr().out
    assert main(["--db", cli_db, "ask", "--json", "top 3"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2024-12-23"  # the board before it
    assert main(["--db", cli_db, "accept", "arena-raw", "2024-12-31"]) == 0
    capsys.readouterr()
    assert main(["--db", cli_db, "remove", "arena-raw", "2024-12-31"]) == 0
    assert "removed (1 snapshot(s), 182 rows)" in capsys.readouterr().out
    store = Store(cli_db)
    assert "2024-12-31" not in {s.as_of for s in store.snapshots("arena-raw", "overall")}
    store.close()
    assert main(["--db", cli_db, "remove", "arena-raw", "2024-12-31"]) == 2
    assert "no arena-raw overall snapshot of 2024-12-31" in capsys.readouterr().err


def test_a_parquet_file_past_the_column_limit_is_refused_before_reading(store: Store, tmp_path: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from bot.sources.limits import MAX_COLUMNS  # noqa: PLC0415

    table = pa.table({f"c{i}": [1.0] for i in range(MAX_COLUMNS + 1)})
    path = tmp_path / "wide.parquet"
    pq.write_table(table, path)
    with pytest.raises(SourceError, match=f"65 columns, over the limits .* {MAX_COLUMNS} columns"):
        ingest_file(store, "arena", path)


def test_a_renamed_text_column_is_a_schema_change_not_a_crash(store: Store, tmp_path: Path) -> None:
    """A file whose `model_name` upstream renamed (`name`): one line naming the missing column."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    from tests.parquet_files import board_rows, bradley_terry_schema, parquet_bytes  # noqa: PLC0415

    source = tmp_path / "ok.parquet"
    source.write_bytes(
        parquet_bytes(board_rows("2026-11-30", [("model-a", 1400.0, 5.0)]), bradley_terry_schema(float_counts=False))
    )
    table = pq.read_table(source)
    path = tmp_path / "renamed.parquet"
    pq.write_table(table.rename_columns(["name" if n == "model_name" else n for n in table.column_names]), path)
    with pytest.raises(SourceError, match="the file has no column 'model_name'"):
        ingest_file(store, "arena", path)
