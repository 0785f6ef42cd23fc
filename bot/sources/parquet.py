"""Reading upstream Parquet files with pyarrow, in bounded memory, into the row dicts the importers take.

A file's columns are checked against the importer's column table before any row is read, so a schema change
upstream (a renamed or removed column) is one clear message. Cells are then checked and converted a column at a
time in Arrow (the same rules as `base.convert_rows`: exact kinds, NaN read as null where a column may be null,
infinities refused, dates as YYYY-MM-DD), so a million rows cost a few column operations rather than a million
Python checks. A `full` file (over a million rows for LMArena's text arena) is handed out one published board at a
time: only one board's rows are ever Python objects at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .base import Column, SourceError

PARQUET_MAGIC = b"PAR1"
ROW = "__row__"  # each row's number in the file, for messages that point at a row
_TYPES = {"str": pa.string(), "num": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "date": pa.string()}


def store_schema(columns: Mapping[str, Column]) -> pa.Schema:
    """The Arrow schema of a converted table: the store's column names and types, in the column table's order."""
    return pa.schema([(c.store, _TYPES[c.kind]) for c in columns.values()])


_ERRORS = (pa.ArrowInvalid, pa.ArrowIOError, pa.ArrowTypeError, OSError)
_DATE = r"^\d{4}-\d{2}-\d{2}"


def _open(path: Path, columns: Mapping[str, Column], *, origin: str) -> tuple[pq.ParquetFile, list[str]]:
    try:
        parquet = pq.ParquetFile(path)
    except _ERRORS as exc:
        raise SourceError(f"{origin}: not a readable Parquet file ({exc})") from None
    present = set(parquet.schema_arrow.names)
    missing = [name for name, col in columns.items() if col.required and name not in present]
    if missing:
        raise SourceError(
            f"{origin}: the file has no column {', '.join(repr(m) for m in missing)}"
            f" (upstream changed its schema; it has {', '.join(sorted(present))})"
        )
    return parquet, [name for name in columns if name in present]


def read_rows(path: Path, columns: Mapping[str, Column], *, origin: str) -> list[dict[str, Any]]:
    """Every row of a (small) Parquet file as upstream names them, the importer's columns only."""
    parquet, wanted = _open(path, columns, origin=origin)
    try:
        return parquet.read(columns=wanted).to_pylist()
    except _ERRORS as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None


def read_converted(path: Path, columns: Mapping[str, Column], *, origin: str) -> pa.Table:
    """The file checked and converted to the store's columns and types (see the module docstring)."""
    parquet, wanted = _open(path, columns, origin=origin)
    try:
        table = parquet.read(columns=wanted)
    except _ERRORS as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None
    if table.num_rows == 0:
        raise SourceError(f"{origin}: the table is empty")
    problems: dict[str, list[int]] = {}
    out = {}
    for name, col in columns.items():
        if name not in wanted:  # an optional column the file lacks: as empty as a missing cell
            out[col.store] = pa.nulls(table.num_rows, _TYPES[col.kind])
            continue
        array, bad, missing = _convert(table.column(name).combine_chunks(), col)
        if bad is not None:
            problems[f"column {name!r} should be {col.kind}"] = bad
        if missing and col.required and not col.nullable:
            problems[f"column {name!r} is missing or null"] = missing
        out[col.store] = array
    if problems:
        parts = []
        for what, at in list(problems.items())[:3]:
            shown = ", ".join(str(i + 1) for i in at[:3])
            more = f" and {len(at) - 3} more" if len(at) > 3 else ""
            parts.append(f"{what} (row {shown}{more})")
        raise SourceError(f"{origin}: {'; '.join(parts)}")
    return pa.table({**out, ROW: pa.array(range(table.num_rows))})


def _where(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _convert(array: pa.Array, col: Column) -> tuple[pa.Array, list[int] | None, list[int]]:
    """(the column in the store's type, rows of the wrong kind or None, rows that are null)."""
    kind, t = col.kind, array.type
    if pa.types.is_dictionary(t):
        array, t = array.dictionary_decode(), t.value_type
    everything = list(range(len(array)))
    if kind in ("str", "date"):
        if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
            return array, everything, []
        if kind == "str":
            return array, None, _where(pc.is_null(array))
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)  # unknown dates are empty
        bad = _where(pc.invert(pc.match_substring_regex(array, _DATE)))
        array = pc.utf8_slice_codeunits(array, 0, 10)
        return array, bad or None, _where(pc.is_null(array))
    if kind == "bool":
        return (array, None, _where(pc.is_null(array))) if pa.types.is_boolean(t) else (array, everything, [])
    if pa.types.is_integer(t):
        return pc.cast(array, pa.float64() if kind == "num" else pa.int64()), None, _where(pc.is_null(array))
    if not pa.types.is_floating(t):
        return array, everything, []
    nan = pc.fill_null(pc.is_nan(array), False)
    bad = _where(pc.and_(pc.invert(pc.is_finite(array)), pc.invert(nan)))  # infinities are never a value here
    if col.required and not col.nullable:
        bad += _where(nan)  # NaN where a value is needed: not a number for this column
    array = pc.if_else(nan, pa.scalar(None, t), array)  # NaN: how Parquet writes "no value"
    if kind == "int":
        bad += _where(pc.not_equal(array, pc.floor(array)))
        if not bad:
            array = pc.cast(array, pa.int64())
    return array, sorted(bad) or None, _where(pc.is_null(array))


def groups(table: pa.Table, keys: tuple[str, str], *, then: str) -> Iterator[pa.Table]:
    """A table one group at a time: the rows sharing both `keys` (LMArena: publish date and category), in the order
    of those keys, each group's rows ordered by `then` (so the same rows always come in the same order)."""
    order = pc.sort_indices(table.select([*keys, then]), sort_keys=[(k, "ascending") for k in (*keys, then)])
    ordered = table.take(order)
    codes = [pc.dictionary_encode(ordered.column(k).combine_chunks()).indices.to_numpy(zero_copy_only=False)
             for k in keys]  # fmt: skip
    changes = np.flatnonzero((codes[0][1:] != codes[0][:-1]) | (codes[1][1:] != codes[1][:-1])) + 1
    for start, end in itertools.pairwise([0, *changes.tolist(), ordered.num_rows]):
        yield ordered.slice(start, end - start)
