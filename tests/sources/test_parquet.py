"""`bot.sources.parquet.Groups` on the real 2024 Arena history: boards handed out in chunks are the boards."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pytest

from bot.sources import get_source
from bot.sources.base import convert_rows
from bot.sources.parquet import CHUNK_ROWS, ROW, Groups
from db.keys import model_key
from tests.bundled import ARENA_2024


@pytest.fixture(scope="module")
def table() -> pa.Table:
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as lines:
        raw = [json.loads(line) for line in lines]
    source = get_source("arena-raw")
    converted = convert_rows(raw, source.columns, origin="test")
    return pa.Table.from_pylist(converted, schema=source.schema).append_column(ROW, pa.array(range(len(raw))))


def groups(table: pa.Table, chunk_rows: int) -> list[dict[str, list]]:
    derived = {"model_key": ("name", model_key)}
    return list(Groups(table, ("as_of", "category"), then="name", derived=derived, chunk_rows=chunk_rows))


@pytest.mark.parametrize("chunk_rows", [97, 1_000, CHUNK_ROWS])
def test_chunked_groups_are_the_groups_one_at_a_time(table: pa.Table, chunk_rows: int) -> None:
    """Whether a board's rows are made Python objects alone or with their neighbours, it is the same board."""
    assert groups(table, chunk_rows) == groups(table, 1)


def test_each_group_is_one_board_in_name_order(table: pa.Table) -> None:
    found = groups(table, 1_000)
    assert len(found) == 39  # the 39 boards of 2024, one category each
    assert sum(len(g["name"]) for g in found) == table.num_rows
    rows = table.to_pylist()
    for group in found:
        (as_of,), (category,) = set(group["as_of"]), set(group["category"])
        expected = sorted((r for r in rows if r["as_of"] == as_of and r["category"] == category),
                          key=lambda r: r["name"])  # fmt: skip
        assert group["name"] == [r["name"] for r in expected]
        assert group["score"] == [r["score"] for r in expected]
        assert group[ROW] == [r[ROW] for r in expected]
        assert group["model_key"] == [model_key(r["name"]) for r in expected]
    assert [g["as_of"][0] for g in found] == sorted(g["as_of"][0] for g in found)
