"""Bytes to rows: JSON Lines, JSON arrays and dataset-viewer pages, gzip'd or not, and what is refused."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from viewer_server import load_rows, rows_page

from bot.sources import SourceError, payloads
from bot.sources.payloads import parse_rows, read_rows, viewer_page_rows
from tests.bundled import ARENA_2024


@pytest.fixture(scope="module")
def arena_rows() -> list[dict]:
    return load_rows(ARENA_2024)


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def test_gzip_is_detected_by_content_not_name(tmp_path: Path, arena_rows: list[dict]) -> None:
    plain = tmp_path / "board.jsonl.gz"  # misnamed: plain text
    plain.write_bytes(jsonl(arena_rows[:50]))
    zipped = tmp_path / "board.txt"  # misnamed: gzip
    zipped.write_bytes(gzip.compress(jsonl(arena_rows[:50])))
    assert read_rows(plain) == read_rows(zipped) == arena_rows[:50]


def test_the_bundled_file_reads_in_full(arena_rows: list[dict]) -> None:
    rows = read_rows(ARENA_2024)
    assert len(rows) == 5597
    assert rows == arena_rows


def test_a_viewer_page_file_parses_to_the_same_rows_as_json_lines(tmp_path: Path, arena_rows: list[dict]) -> None:
    page = rows_page(arena_rows, offset=100, length=100)
    assert len(page["rows"]) == 100
    assert page["num_rows_total"] == 5597
    path = tmp_path / "rows-page.json"
    path.write_text(json.dumps(page, indent=1), encoding="utf-8")
    from_page = read_rows(path)
    assert from_page == parse_rows(jsonl(arena_rows[100:200]), origin="lines") == arena_rows[100:200]
    rows, features = viewer_page_rows(page, origin="page")
    assert rows == from_page
    assert features == list(arena_rows[0])


def test_a_json_array_and_blank_lines_are_accepted(arena_rows: list[dict]) -> None:
    as_array = json.dumps(arena_rows[:3]).encode()
    with_blanks = b"\n" + jsonl(arena_rows[:3]).replace(b"\n", b"\n\n")
    assert parse_rows(as_array, origin="a") == parse_rows(with_blanks, origin="b") == arena_rows[:3]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (gzip.compress(b""), "the file is empty"),
        (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
        ('{"model_name": "caf\u00e9"}\n'.encode("latin-1"), "not UTF-8 text (byte 19)"),
        (b'{"a": 1}\n{"a": 2\n', "line 2 is not valid JSON"),
        (b'{"a": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
        (b"[1, 2]", "the JSON array holds something other than row objects"),
        (b"PAR1\x00\x00", "Parquet is not read here"),
        (b'{"rows": [1]}', "a dataset-viewer row has no 'row' object"),
    ],
    ids=[
        "empty",
        "blank",
        "empty-gzip",
        "utf16-bom",
        "latin1",
        "cut-line",
        "not-object",
        "array-of-numbers",
        "parquet",
        "bad-viewer-page",
    ],
)
def test_unusable_bytes_raise_a_source_error_naming_the_origin(data: bytes, expected: str) -> None:
    with pytest.raises(SourceError) as failed:
        parse_rows(data, origin="upstream/board.jsonl")
    assert str(failed.value).startswith("upstream/board.jsonl: ")
    assert expected in str(failed.value)


def test_a_truncated_gzip_file_is_reported(tmp_path: Path) -> None:
    data = ARENA_2024.read_bytes()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match=f"^{re.escape(str(path))}: the gzip data is truncated or corrupt"):
        read_rows(path)


def test_a_file_cut_mid_line_is_reported_with_the_line(tmp_path: Path) -> None:
    text = gzip.decompress(ARENA_2024.read_bytes())
    lines = text.splitlines(keepends=True)
    cut = b"".join(lines[:120]) + lines[120][:40]
    path = tmp_path / "cut.jsonl"
    path.write_bytes(cut)
    with pytest.raises(SourceError, match=r"cut.jsonl: line 121 is not valid JSON \(.*\); truncated file\?"):
        read_rows(path)


def test_an_unreadable_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nothing-here\.jsonl: cannot read it"):
        read_rows(tmp_path / "nothing-here.jsonl")
    with pytest.raises(SourceError, match="cannot read it"):
        read_rows(tmp_path)  # a directory


@pytest.mark.parametrize("piece", [1, 7, 4096])
def test_every_shape_reads_the_same_a_few_bytes_at_a_time(
    monkeypatch: pytest.MonkeyPatch, arena_rows: list[dict], piece: int
) -> None:
    """The text is unpacked, decoded and parsed a piece at a time: a piece of one byte cuts every character, number,
    key and line somewhere, and changes nothing."""
    rows = [{**r, "model_name": f"{r['model_name']} ทดสอบ 模型 🚀"} for r in arena_rows[:40]]
    page = rows_page(rows, offset=0, length=40)
    shapes = {
        "lines": jsonl(rows),
        "gzip members": gzip.compress(jsonl(rows[:20])) + gzip.compress(jsonl(rows[20:])),
        "array": json.dumps(rows, ensure_ascii=False, indent=2).encode(),
        "page": json.dumps(page, ensure_ascii=False).encode(),
        "page over lines": gzip.compress(json.dumps(page, ensure_ascii=False, indent=1).encode()),
        "crlf": jsonl(rows).replace(b"\n", b"\r\n"),
    }
    monkeypatch.setattr(payloads, "PIECE", piece)
    for shape, data in shapes.items():
        assert parse_rows(data, origin=shape) == rows, shape


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1}\n' * 3 + b'{"model_name": "caf\xe9"}\n', "not UTF-8 text (byte 46)"),
        (b'[{"a": 1}, {"a": 2}] [', "line 1 is not valid JSON (extra data after the document)"),
        (b'[{"a": 1},\n {"a": 2', "line 2 is not valid JSON"),
        (b'{"rows": [{"row": {"a": 1}}], "num_rows_total": 1}\n{"a": 1}', "line 2 is not valid JSON"),
        (b'{\n "a": 1\n}\n', "line 1 is not valid JSON (a row over several lines)"),
        (b'{"a": 1} {"a": 2}\n', "line 1 is not valid JSON (extra data after the first row)"),
        (b'{"rows": 5}', "not a dataset-viewer page (no 'rows' list)"),
    ],
    ids=["latin1-late", "after-array", "cut-array", "after-page", "row-over-lines", "two-rows-a-line", "rows-not-list"],
)
def test_what_streaming_refuses_names_the_place(monkeypatch: pytest.MonkeyPatch, data: bytes, expected: str) -> None:
    monkeypatch.setattr(payloads, "PIECE", 5)
    with pytest.raises(SourceError) as failed:
        parse_rows(data, origin="upstream/board.jsonl")
    assert str(failed.value).startswith("upstream/board.jsonl: ")
    assert expected in str(failed.value)
