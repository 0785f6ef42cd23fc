"""limits: what an import may hold. Past a limit the import is refused in one line and the store is unchanged.
The boards are the real 2024 one with one thing changed (a date, a name, the row count): made-up values."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import threading
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.answers import Answerer
from bot.ingest import ingest_file, ingest_rows
from bot.sources import SourceError, limits, payloads
from bot.sources.limits import MAX_NAME_LENGTH, MAX_ROW_TEXT, MAX_ROWS_PER_BOARD, check_snapshot
from db.store import Store
from tests.arena_2024 import republished
from tests.parquet_files import board_rows, bradley_terry_schema, many_models, parquet_bytes
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

    source = tmp_path / "ok.parquet"
    source.write_bytes(
        parquet_bytes(board_rows("2026-11-30", [("model-a", 1400.0, 5.0)]), bradley_terry_schema(float_counts=False))
    )
    table = pq.read_table(source)
    path = tmp_path / "renamed.parquet"
    pq.write_table(table.rename_columns(["name" if n == "model_name" else n for n in table.column_names]), path)
    with pytest.raises(SourceError, match="the file has no column 'model_name'"):
        ingest_file(store, "arena", path)


# --- refused while reading: what comes after the row (or byte) past a limit is never read -----------------------


def made_up_rows(count: int, *, date: str = "2025-01-05") -> list[bytes]:
    """JSON Lines of one board in the upstream LMArena columns, made-up values."""
    return [json.dumps(row).encode() + b"\n" for row in board_rows(date, many_models(count))]


@pytest.mark.parametrize("then", ["bad-json", "corrupt-gzip"])
def test_a_board_past_the_row_limit_is_refused_before_the_rows_after_it_are_read(
    store: Store, tmp_path: Path, then: str
) -> None:
    """Before: the whole file was unpacked and parsed and only then counted (BENCHMARKS.md, "Memory to refuse junk"),
    so what follows row 20,001 decided the message: here it is broken, and the row count is what is said."""
    board = b"".join(made_up_rows(MAX_ROWS_PER_BOARD + 1))
    path = tmp_path / "board.jsonl.gz"
    if then == "bad-json":
        path.write_bytes(gzip.compress(board + b'{"model_name": \n'))
    else:  # a valid gzip member up to the end of the board, then bytes that are not gzip
        path.write_bytes(gzip.compress(board) + b"\xff" * 2_000)
    before = fingerprint(store)
    with pytest.raises(SourceError) as caught:
        ingest_file(store, "arena-raw", path)
    assert str(caught.value) == (
        "arena-raw overall 2025-01-05: 20,001 rows or more, over the limit of 20,000 for one board; refused"
    )
    assert fingerprint(store) == before


def test_boards_are_counted_apart_and_an_import_in_all_is_bounded(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many boards, each under the limit, are still a bound in all (JSON rows are Python objects until checked).
    The bound is lowered here; the code path is the same."""
    monkeypatch.setattr(limits, "MAX_JSON_ROWS", 50)
    rows = [row for day in range(1, 6) for row in made_up_rows(10, date=f"2025-01-0{day}")]
    path = tmp_path / "boards.jsonl"
    path.write_bytes(b"".join(rows))
    assert len(ingest_file(store, "arena-raw", path).created) == 5  # 50 rows: at the bound, accepted
    path.write_bytes(b"".join(rows) + made_up_rows(1, date="2025-01-06")[0] + b"not JSON\n")
    with pytest.raises(SourceError, match="51 rows or more, over the limit of 50 for one import from JSON"):
        ingest_file(store, "arena-raw", path)


class _Pipe:
    """A gzip'd file of blank lines fed through a named pipe (a real file, read as any other), in members of 1 MiB
    each, up to `members`: how much the reader took shows where it stopped."""

    def __init__(self, path: Path, members: int) -> None:
        os.mkfifo(path)
        self.path, self.members, self.written = path, members, 0
        self.member = gzip.compress((b" " * 1023 + b"\n") * 1024)
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _write(self) -> None:
        with contextlib.suppress(BrokenPipeError), self.path.open("wb", buffering=0) as pipe:
            for _ in range(self.members):
                pipe.write(self.member)
                self.written += len(self.member)


def test_a_gzip_bomb_is_read_no_further_than_the_unpack_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the whole file was read, then unpacked to the limit whole (BENCHMARKS.md, "Memory to refuse junk").
    The limit is lowered here and the bomb is 4,000 members of 1 MiB of blanks; the reader stops in the first one."""
    monkeypatch.setattr(payloads, "MAX_DECOMPRESSED_BYTES", 100_000)
    pipe = _Pipe(tmp_path / "bomb.jsonl.gz", members=4_000)
    with pytest.raises(SourceError, match="unpacks to over 100,000 bytes, the limit for one file; refused"):
        payloads.read_rows(pipe.path)
    pipe.thread.join(timeout=10)
    assert not pipe.thread.is_alive()
    assert pipe.written < len(pipe.member) * 4_000 // 10  # the writer was cut off long before the end


def test_a_gzip_valid_past_the_unpack_limit_then_corrupt_is_refused_for_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payloads, "MAX_DECOMPRESSED_BYTES", 100_000)
    data = gzip.compress(b" " * 99_999 + b"\n" + b" " * 500_000)
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(data[: len(data) // 2] + b"\xff" * (len(data) // 2))
    with pytest.raises(SourceError, match="unpacks to over 100,000 bytes"):
        payloads.read_rows(path)


@pytest.mark.parametrize("line", [1, 2])
def test_a_line_past_the_row_text_limit_is_refused(store: Store, tmp_path: Path, line: int) -> None:
    """Before: one line could be the whole 256 MB unpacked (held as one string, then parsed). The first line is
    read as an object a key at a time (it may begin a dataset-viewer page): it is held to the same length."""
    first, second = made_up_rows(2)
    half = b"x" * (MAX_ROW_TEXT // 2)
    padded = lambda row: b'{"padding": "' + half + b'", "more": "' + half + b'", ' + row[1:]  # noqa: E731
    path = tmp_path / "long.jsonl"
    path.write_bytes(padded(first) + second if line == 1 else first + padded(second))
    with pytest.raises(SourceError, match=f"line {line} is over {MAX_ROW_TEXT:,} characters, the limit for one row"):
        ingest_file(store, "arena-raw", path)


def test_a_parquet_board_past_the_row_limit_is_refused_from_its_board_columns(store: Store, tmp_path: Path) -> None:
    """Before: the board was made Python objects (BENCHMARKS.md, "Memory to refuse junk") and checked row by row, so
    the duplicate name in it was told, not its size."""
    models = many_models(MAX_ROWS_PER_BOARD)
    rows = board_rows("2025-01-05", [*models, models[0]])
    path = tmp_path / "latest.parquet"
    path.write_bytes(parquet_bytes(rows, bradley_terry_schema(float_counts=False), row_group_size=5_000))
    before = fingerprint(store)
    with pytest.raises(SourceError) as caught:
        ingest_file(store, "arena-raw", path)
    assert (
        str(caught.value)
        == "arena-raw overall 2025-01-05: 20,001 rows, over the limit of 20,000 for one board; refused"
    )
    assert fingerprint(store) == before


def test_an_open_llm_parquet_file_past_the_row_limit_is_refused_from_its_footer(store: Store, tmp_path: Path) -> None:
    """Before: every row was made a dict, then checked: the bad cell in row 1 was told, not the size."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from bot.sources.open_llm import COLUMNS  # noqa: PLC0415

    n = MAX_ROWS_PER_BOARD + 1
    table = {name: pa.array([1.0] * n) for name, col in COLUMNS.items() if col.required and col.kind == "num"}
    table |= {name: pa.array([f"made-up/{i}" for i in range(n)]) for name, col in COLUMNS.items()
              if col.required and col.kind == "str"}  # fmt: skip
    table["Average ⬆️"] = pa.array(["high"] * n)  # text where a number belongs
    path = tmp_path / "contents-2025-03-21.parquet"
    pq.write_table(pa.table(table), path)
    with pytest.raises(SourceError, match="20,001 rows, over the limit of 20,000 for one board; refused"):
        ingest_file(store, "open-llm", path)
