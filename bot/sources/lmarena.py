"""LMArena's arenas, as the official `lmarena-ai/leaderboard-dataset` publishes them: one importer per arena board,
reading its config's columns (Bradley-Terry ratings, or the agent arenas' scores).

One file may hold many published boards and categories (`latest` mixes dates, `full` holds them all): each
(category, publish date) is a snapshot. Ranks are the site's (see `ranks`), not the file's `rank` column, which is
only the position by rating. Rows without a rating (NaN in the real data) are kept out of the board and counted
("26 rows dropped (no rating)" in the import's line).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from db.keys import model_key, org_key

from ..profiles import BoardProfile, Schema
from ..profiles.arena import ARENAS
from . import parquet
from .base import Column, DroppedRows, SnapshotData, SourceError, check_date, convert_rows
from .parquet import ROW

_COMMON = {
    "model_name": Column("name", "str"),
    "organization": Column("organization", "str", nullable=True),
    "license": Column("license", "str", required=False, nullable=True),
    "rank": Column("rank", "int", nullable=True),  # the position by rating; ranks are computed
    "category": Column("category", "str"),
    "leaderboard_publish_date": Column("as_of", "date"),
}
COLUMNS: dict[Schema, dict[str, Column]] = {
    Schema.BRADLEY_TERRY: {
        **_COMMON,
        "rating": Column("score", "num", nullable=True),
        "rating_lower": Column("rating_lower", "num", nullable=True),
        "rating_upper": Column("rating_upper", "num", nullable=True),
        "variance": Column("variance", "num", required=False, nullable=True),
        "vote_count": Column("votes", "int", nullable=True),
    },
    Schema.AGENT: {
        **_COMMON,
        "score": Column("score", "num", nullable=True),
        "score_ci_lower": Column("rating_lower", "num", nullable=True),
        "score_ci_upper": Column("rating_upper", "num", nullable=True),
        "observation_count": Column("observations", "int", nullable=True),
        "session_count": Column("sessions", "int", nullable=True),
    },
}


def schema_of(names: Collection[str]) -> Schema | None:
    """The arena column table a file's columns fit, if any: how a config upstream added is recognised."""
    for schema, columns in COLUMNS.items():
        if all(name in names for name, col in columns.items() if col.required):
            return schema
    return None


def ranks(
    scores: np.ndarray, lowers: np.ndarray | None, uppers: np.ndarray | None, published: np.ndarray, names: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank, worst rank, position) per model, by LMArena's rules (shared/README.md, "How the boards rank").

    - position: the place by score, 1..N (ties in score by the file's own order, then by name);
    - rank: 1 + the number of models statistically better, i.e. whose interval's lower bound is above this
      model's upper bound (so 1, 2, 2, 4 is common); where the board has no intervals, the position; where the
      file's own rank column already has ties or gaps (a scrape of the site's table), that published rank;
    - worst rank: N minus the number of models statistically worse (never better than the rank).

    `published` is the file's rank column (0 where it has none). One sort and two searches for the whole board:
    a history import ranks thousands of boards.
    """
    n = len(scores)
    published = np.asarray(published)
    by_name = np.empty(n, dtype=np.int64)
    by_name[sorted(range(n), key=names.__getitem__)] = np.arange(n)  # names as codes: numpy sorts objects slowly
    order = np.lexsort((by_name, published, -scores))  # the last key sorts first
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(1, n + 1)
    if lowers is None or uppers is None:
        return position, position, position
    better = n - np.searchsorted(np.sort(lowers), uppers, side="right")
    worse = np.searchsorted(np.sort(uppers), lowers, side="left")
    has_ties = published.min() >= 1 and not np.array_equal(np.sort(published), np.arange(1, n + 1))
    rank = published.astype(np.int64) if has_ties else 1 + better
    return rank, np.maximum(rank, n - worse), position


def board_hash(category: str, published: str, columns: Mapping[str, list[Any]]) -> str:
    """One published board (its rows in model-name order, as `parquet.Groups` hands them out), whatever the
    file's format: category, date, and each column in name order with its values in the store's types. The date
    counts: a board that comes back to what it was is a change (a republication is the judge's to skip)."""
    digest = hashlib.sha256(f"{category}\n{published}".encode())
    for name in sorted(columns):
        digest.update(name.encode())
        digest.update(pickle.dumps(columns[name], protocol=4))
    return digest.hexdigest()


class ArenaSource:
    board_columns = ("category", "leaderboard_publish_date")

    def __init__(self, profile: BoardProfile) -> None:
        self.profile = profile
        self.columns = COLUMNS[profile.upstream.schema]
        self.schema = parquet.store_schema(self.columns)
        # the upstream name of the score ("rating", "score"), for the reason a row without one is dropped
        self.score_column = next(name for name, col in self.columns.items() if col.store == "score")

    def to_snapshots(
        self, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
    ) -> list[SnapshotData]:
        converted = convert_rows(rows, self.columns, origin=origin)
        table = pa.Table.from_pylist(converted, schema=self.schema).append_column(ROW, pa.array(range(len(rows))))
        return list(self.snapshots_from_table(table, origin=origin, as_of=as_of))

    def read_parquet(self, path: Path, *, origin: str, as_of: str | None = None) -> Iterator[SnapshotData]:
        parquet.check_boards(path, self.columns, self.board_columns, board=self.profile.id, origin=origin)
        return self.snapshots_from_table(parquet.read_converted(path, self.columns, origin=origin), origin=origin,
                                         as_of=as_of)  # fmt: skip

    def snapshots_from_table(self, table: pa.Table, *, origin: str, as_of: str | None = None) -> Iterator[SnapshotData]:
        """A table in the store's columns (with each row's number in the file, `ROW`): its boards in date order,
        then category, one at a time."""
        written = table.column("as_of")
        checked = {d: check_date(d, origin=origin) for d in pc.unique(written).to_pylist()}
        if any(d != c for d, c in checked.items()):
            table = table.set_column(table.column_names.index("as_of"), "as_of",
                                     pa.array([checked[d] for d in written.to_pylist()]))  # fmt: skip
        if as_of is not None:
            as_of = check_date(as_of, origin=origin)
            table = table.filter(pc.less_equal(table.column("as_of").cast(pa.string()), as_of))
            if table.num_rows == 0:
                raise SourceError(f"{origin}: no board published on or before {as_of}")
        derived = {"model_key": ("name", model_key), "org_key": ("organization", org_key)}
        groups = parquet.Groups(table, ("as_of", "category"), then="name", derived=derived)
        del table  # what the boards need is in `groups` now
        for group in groups:
            yield self._snapshot(group, origin)

    def _snapshot(self, cols: dict[str, list[Any]], origin: str) -> SnapshotData:
        """One board (without rows when every one was dropped). A board is a few hundred rows: as Python lists its
        checks are quicker than Arrow calls."""
        category, published, file_rows = cols.pop("category")[0], cols.pop("as_of")[0], cols.pop(ROW)
        names, keys = cols["name"], cols.pop("model_key")
        org_keys = cols.pop("org_key")
        if len(set(keys)) < len(keys):
            first: dict[str, int] = {}
            for key, name, row in zip(keys, names, file_rows, strict=True):
                if key in first:
                    raise SourceError(f"{origin}: {name!r} appears twice in the {category} board of {published}"
                                      f" (rows {first[key] + 1} and {row + 1})")  # fmt: skip
                first[key] = row
        given = cols["rank"] if None not in cols["rank"] else [r for r in cols["rank"] if r is not None]
        if given and min(given) < 1:
            row, rank = next(
                (row, r) for r, row in zip(cols["rank"], file_rows, strict=True) if r is not None and r < 1
            )
            raise SourceError(f"{origin}: row {row + 1} has rank {rank}, ranks start at 1")
        digest = board_hash(category, published, cols)
        scores, lowers, uppers = cols["score"], cols["rating_lower"], cols["rating_upper"]
        with_intervals = any(lo is not None for lo in lowers) and any(hi is not None for hi in uppers)
        dropped = DroppedRows()
        if None in scores or (with_intervals and (None in lowers or None in uppers)):
            # a row without a score, or without an interval on a board that has them, cannot be ranked
            keep = [s is not None and (not with_intervals or (lo is not None and hi is not None))
                    for s, lo, hi in zip(scores, lowers, uppers, strict=True)]  # fmt: skip
            unscored = scores.count(None)
            dropped.add(f"no {self.score_column}", unscored)
            dropped.add("no interval", keep.count(False) - unscored)
            cols = {name: [v for v, kept in zip(values, keep, strict=True) if kept] for name, values in cols.items()}
            keys = [k for k, kept in zip(keys, keep, strict=True) if kept]
            org_keys = [k for k, kept in zip(org_keys, keep, strict=True) if kept]
        if not keys:  # no row left: nothing to store, but the rows are counted
            return SnapshotData(self.profile.id, category, published, source=origin, dropped=dropped)
        rank, worst, position = ranks(
            np.array(cols["score"], dtype=float),
            np.array(cols["rating_lower"], dtype=float) if with_intervals else None,
            np.array(cols["rating_upper"], dtype=float) if with_intervals else None,
            np.array([r or 0 for r in cols["rank"]]),
            cols["name"],
        )
        cols.update(
            rank=rank.tolist(), rank_worst=worst.tolist(), position=position.tolist(), model_key=keys, org_key=org_keys,
        )  # fmt: skip
        return SnapshotData(self.profile.id, category, published, content_hash=digest, source=origin, columns=cols,
                            dropped=dropped)  # fmt: skip


SOURCES = tuple(ArenaSource(p) for p in ARENAS)
