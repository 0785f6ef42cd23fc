"""The small interface every board's importer implements, and the checks they share.

A source turns upstream rows (dicts keyed by the upstream column names) into `SnapshotData`: rows already in the
store's columns, with ranks computed and a content hash, so the store never needs to know which board it holds.
Adding a board is adding one module that provides a `Source`.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, Protocol

from ..profiles import BoardProfile

Kind = Literal["str", "num", "int", "bool", "date"]


class SourceError(Exception):
    """Upstream data we cannot use. The message names the file or URL and what is wrong, ready for a person."""


@dataclass(frozen=True)
class Column:
    """One upstream column: where it goes in the store, what type it must have, and whether a row may lack it."""

    store: str
    kind: Kind
    required: bool = True
    nullable: bool = False


@dataclass
class DroppedRows:
    """Upstream rows an import left out, counted by why ("no rating", "modelId too long"): a row is never left
    out without the import's line (`leaderbot ingest`, `refresh`, the refresh job's log) saying how many and why."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, rows: int = 1) -> None:
        if rows:
            self.counts[reason] = self.counts.get(reason, 0) + rows

    def __iadd__(self, other: DroppedRows) -> DroppedRows:
        for reason, rows in other.counts.items():
            self.add(reason, rows)
        return self

    def __bool__(self) -> bool:
        return bool(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @classmethod
    def repeated(cls, *answers: DroppedRows) -> DroppedRows:
        """The rows dropped from answers that list the same rows again (the Hub's ranking with fine-tunes repeats
        its base models, bad rows too): per reason, the most any one answer dropped, so a row is counted once."""
        most = cls()
        for answer in answers:
            for reason, rows in answer.counts.items():
                most.counts[reason] = max(most.counts.get(reason, 0), rows)
        return most

    def summary(self) -> str:
        """'26 rows dropped (no rating)', '1 row dropped (modelId too long)', '3 rows dropped (2 no rating, 1 no
        interval)'; empty when none was."""
        if not self.counts:
            return ""
        total = self.total
        most_first = sorted(self.counts.items(), key=lambda item: -item[1])
        why = most_first[0][0] if len(most_first) == 1 else ", ".join(f"{n:,} {reason}" for reason, n in most_first)
        return f"{total:,} row{'' if total == 1 else 's'} dropped ({why})"


class SnapshotData:
    """One published board on its way into the store: its rows as columns (store column -> one value per row),
    which is how a Parquet file arrives and how the store writes them; `rows` gives them as dicts when wanted.
    `dropped` counts the upstream rows of this board its importer left out; a board they all were left out of
    has no rows and is not stored, but its count still reaches the import's line."""

    def __init__(
        self,
        board: str,
        category: str,
        as_of: str,
        rows: list[dict[str, Any]] | None = None,
        content_hash: str = "",
        source: str = "",
        status: str = "ok",  # 'rejected' when it looks broken next to the previous snapshot (see core.judging)
        *,
        columns: dict[str, list[Any]] | None = None,
        dropped: DroppedRows | None = None,
    ) -> None:
        self.board, self.category, self.as_of = board, category, as_of
        self.content_hash, self.source, self.status = content_hash, source, status
        self.dropped = dropped if dropped is not None else DroppedRows()
        if columns is None:
            rows = rows or []
            names = list(dict.fromkeys(k for row in rows for k in row))
            columns = {name: [row.get(name) for row in rows] for name in names}
        self.columns = columns  # store columns, plus `model_key`; the one copy (judging may fill in organizations)
        self._rows: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.columns["model_key"]) if "model_key" in self.columns else 0

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            names = list(self.columns)
            self._rows = [dict(zip(names, values, strict=True)) for values in zip(*self.columns.values(), strict=True)]
        return self._rows


class Source(Protocol):
    profile: BoardProfile  # the board this importer fills
    columns: Mapping[str, Column]  # upstream column -> store column
    # the upstream columns whose values tell a row's board (snapshot) apart, as `limits.BoardRows` counts them;
    # none: one file (one answer) is one board
    board_columns: tuple[str, ...]

    def to_snapshots(
        self, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
    ) -> list[SnapshotData]:
        """Validate upstream rows and group them into snapshots; raise SourceError naming `origin`."""
        ...

    def read_parquet(self, path: Path, *, origin: str, as_of: str | None = None) -> Iterable[SnapshotData]:
        """The same from a Parquet file in the upstream schema, in date order; an importer may hand the
        snapshots out one at a time (a whole history does not fit in memory as Python objects)."""
        ...


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
PARQUET_MAGIC = b"PAR1"  # how a Parquet file starts, whatever its name says


_EXACT_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "num": (int, float),
    "int": (int,),
    "bool": (bool,),
    "date": (str,),
}


def _convert_value(kind: Kind, value: Any) -> Any:
    """The value in the store's type, or `_BAD`. Exact type checks: a bool is not a number here."""
    kind_type = type(value)
    if kind_type not in _EXACT_TYPES[kind]:
        if kind == "int" and kind_type is float and value.is_integer() and abs(value) < _INT_LIMIT:
            return int(value)
        return _BAD
    if kind == "int" and abs(value) >= _INT_LIMIT:
        return _BAD  # SQLite stores 64-bit integers: a larger one would fail the whole import
    if kind == "num":
        # one type for every number, so the content hash sees 3 and 3.0 as the same value (see content_hash);
        # infinities are never a score or a bound, nor is an integer too large for a float
        if kind_type is int:
            return float(value) if abs(value) < _FLOAT_LIMIT else _BAD
        return value if math.isfinite(value) else _BAD
    if kind == "bool":
        return int(value)
    if kind == "date":
        return value[:10] if _DATE.match(value) else _BAD
    return value


_BAD = object()
_INT_LIMIT = 2**63
_FLOAT_LIMIT = 2**1023


# How a bad cell is told as the reason a row was left out ("value not a finite number").
KIND_WORDS: dict[str, str] = {
    "str": "text", "num": "a finite number", "int": "a whole number", "bool": "true or false", "date": "a date",
}  # fmt: skip
NOT_AN_OBJECT = "not an object"


def convert_rows(
    rows: Sequence[Mapping[str, Any]], columns: Mapping[str, Column], *, origin: str
) -> list[dict[str, Any]]:
    """Check every row against the column table and rename to store columns.

    Errors are collected per column so one message says e.g. "column 'rating' should be num (row 3, 9, 12 and
    4 more)" instead of stopping at the first bad cell.
    """
    out, problems, _ = _convert_table(rows, columns, origin=origin)
    if problems:
        raise SourceError(f"{origin}: {told(problems)}")
    return out  # type: ignore[return-value]  # no problem: no row was left as None


def check_rows(
    rows: Sequence[Any], columns: Mapping[str, Column], *, origin: str
) -> tuple[list[dict[str, Any] | None], dict[int, str]]:
    """`convert_rows` for upstream whose rows are each somebody's own submission (the Hub's leaderboards are built
    from model repos' result files): one bad row is that row's problem, not the table's. Every row converted (None
    for one that is not an object), and for each bad row (by index) why, its first problem in a few words."""
    out, _, reasons = _convert_table(rows, columns, origin=origin, each_row=True)
    return out, reasons


def drop_bad_rows(
    rows: Sequence[dict[str, Any] | None], reasons: Mapping[int, str], *, origin: str
) -> tuple[list[dict[str, Any]], DroppedRows]:
    """The rows without a reason against them, and how many were dropped for which reason. A table where most rows
    (more than half) are bad is refused: that is upstream broken, not a few odd rows, and storing what is left
    would answer from a fraction of the board."""
    if len(reasons) * 2 > len(rows):
        by_reason: dict[str, list[int]] = {}
        for i in sorted(reasons):
            by_reason.setdefault(reasons[i], []).append(i + 1)
        raise SourceError(f"{origin}: {len(reasons):,} of {len(rows):,} rows are bad, refused: {told(by_reason)}")
    dropped = DroppedRows()
    for reason in reasons.values():
        dropped.add(reason)
    return [row for i, row in enumerate(rows) if i not in reasons and row is not None], dropped


def told(problems: Mapping[str, list[int]]) -> str:
    """Problems and the rows (numbered from 1) they are in, in one line: "column 'x' should be num (row 3, 9, 12
    and 4 more)", the first three problems."""
    parts = []
    for what, at in list(problems.items())[:3]:
        shown = ", ".join(map(str, at[:3]))
        more = f" and {len(at) - 3} more" if len(at) > 3 else ""
        parts.append(f"{what} (row {shown}{more})")
    return "; ".join(parts)


def _convert_table(
    rows: Sequence[Any], columns: Mapping[str, Column], *, origin: str, each_row: bool = False
) -> tuple[list[dict[str, Any] | None], dict[str, list[int]], dict[int, str]]:
    """(the rows converted, problem -> row numbers, row index -> the reason it is bad). A row that is not an object
    is refused, or with `each_row` a bad row like another (None in the rows)."""
    if not rows:
        raise SourceError(f"{origin}: the table is empty")
    objects = [r for r in rows[:50] if isinstance(r, Mapping)]
    present = set().union(*(r.keys() for r in objects))
    missing = [name for name, col in columns.items() if col.required and name not in present]
    if missing and (objects or not each_row):  # no object at all: each row is told as not one, below
        raise SourceError(f"{origin}: missing required column(s) {', '.join(repr(m) for m in missing)}")
    problems: dict[str, list[int]] = {}
    reasons: dict[int, str] = {}
    # The type most cells of a kind arrive as, taken as-is without a call (15,000 rows x 30 columns add up).
    usual = {"str": str, "num": float}
    plan = [
        (name, col.store, col.kind, col.required and not col.nullable, usual.get(col.kind))
        for name, col in columns.items()
    ]
    out: list[dict[str, Any] | None] = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            if not each_row:
                raise SourceError(f"{origin}: row {i + 1} is not an object")
            problems.setdefault(NOT_AN_OBJECT, []).append(i + 1)
            reasons[i] = NOT_AN_OBJECT
            out.append(None)
            continue
        converted: dict[str, Any] = {}
        for name, store, kind, needed, fast in plan:
            value = row.get(name)
            if type(value) is fast and (fast is str or value - value == 0.0):  # NaN and inf fail this
                converted[store] = value
                continue
            if type(value) is float and math.isnan(value) and not needed:  # NaN: how Parquet writes "no value"
                value = None
            if value is None or (value == "" and kind == "date"):  # upstream leaves unknown dates empty
                if needed:
                    problems.setdefault(f"column {name!r} is missing or null", []).append(i + 1)
                    reasons.setdefault(i, f"no {name}")
                converted[store] = None
                continue
            value = _convert_value(kind, value)
            if value is _BAD:
                problems.setdefault(f"column {name!r} should be {kind}", []).append(i + 1)
                reasons.setdefault(i, f"{name} not {KIND_WORDS[kind]}")
            converted[store] = value
        out.append(converted)
    return out, problems, reasons


def content_hash(category: str, rows: Iterable[Mapping[str, Any]]) -> str:
    """Order-independent: the same table fetched in another page order is the same snapshot. Hashes the
    converted rows (store types, columns in name order), so an upstream switch from 3 to 3.0 (or from JSON Lines
    to Parquet) is not mistaken for new data."""
    digest = hashlib.sha256(category.encode())
    lines = []
    names: tuple[str, ...] = ()
    for row in rows:
        if tuple(row) != names:  # rows of one source share their columns: they are named once per change
            names = tuple(row)
            order = sorted(range(len(names)), key=names.__getitem__)
            pick = itemgetter(*order) if len(order) > 1 else itemgetter(slice(order[0], order[0] + 1))
            lines.append(b"columns:" + pickle.dumps(tuple(names[i] for i in order), protocol=4))
        lines.append(pickle.dumps(pick(tuple(row.values())), protocol=4))
    for line in sorted(lines):
        digest.update(line)
    return digest.hexdigest()


def check_date(value: str, *, origin: str) -> str:
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise SourceError(f"{origin}: {value!r} is not a date (YYYY-MM-DD)") from None
