"""The 39 LMArena boards of 2024, read straight from the bundled upstream file (not through the importers or the
store), shaped like store entries: the independent side of the change-detection and judging tests."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from typing import Any

from tests.bundled import ARENA_2024

Row = dict[str, Any]


@cache
def raw_boards() -> dict[str, tuple[Row, ...]]:
    """The upstream rows of each published board, by publish date."""
    boards: dict[str, list[Row]] = defaultdict(list)
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            boards[row["leaderboard_publish_date"]].append(row)
    return {date: tuple(rows) for date, rows in sorted(boards.items())}


def entry(raw: Mapping[str, Any]) -> Row:
    """An upstream row shaped like a store entry."""
    return {
        "model_key": raw["model_name"].casefold(),
        "name": raw["model_name"],
        "rank": raw["rank"],
        "score": raw["rating"],
    }


def republished(date: str, shift: float = 0.0) -> list[Row]:
    """The last board of 2024, its upstream rows, published again on `date` (made-up), each rating moved by
    `shift` when given so it is no republication of another: fresh dicts, which a caller may change."""
    last = raw_boards()["2024-12-31"]
    if shift:
        return [dict(r, leaderboard_publish_date=date, rating=r["rating"] + shift) for r in last]
    return [dict(r, leaderboard_publish_date=date) for r in last]


def board(date: str) -> list[Row]:
    return [entry(r) for r in raw_boards()[date]]


DATES = list(raw_boards())
PAIRS = list(pairwise(DATES))
