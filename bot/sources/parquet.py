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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .base import Column, SourceError
from .limits import MAX_COLUMNS, MAX_FILE_ROWS, check_rows

ROW = "__row__"  # each row's number in the file, for messages that point at a row
_TYPES = {"str": pa.string(), "num": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "date": pa.string()}


def store_schema(columns: Mapping[str, Column]) -> pa.Schema:
    """The Arrow schema of a converted table: the store's column names and types, in the column table's order."""
    return pa.schema([(c.store, _TYPES[c.kind]) for c in columns.values()])


BATCH_ROWS = 100_000  # rows read and converted at a time
CHUNK_ROWS = 32_768  # rows of consecutive boards made Python objects together (`Groups`)
_ERRORS = (pa.ArrowInvalid, pa.ArrowIOError, pa.ArrowTypeError, OSError)
_DATE = r"^\d{4}-\d{2}-\d{2}"


def _open(
    path: Path, columns: Mapping[str, Column], *, origin: str, dictionaries: bool = False
) -> tuple[pq.ParquetFile, list[str]]:
    """The file and the importer's columns it has; with `dictionaries`, text columns are read dictionary-encoded
    (a million rows of a few hundred names, categories and dates are then a few small arrays of integers)."""
    try:
        parquet = pq.ParquetFile(path)
        if dictionaries:  # only columns the file has: a renamed text column is a schema change, told below
            names = set(parquet.schema_arrow.names)
            text = [name for name, col in columns.items() if col.kind in ("str", "date") and name in names]
            parquet = pq.ParquetFile(path, read_dictionary=text)
    except _ERRORS as exc:
        raise SourceError(f"{origin}: not a readable Parquet file ({exc})") from None
    meta = parquet.metadata
    if meta.num_columns > MAX_COLUMNS or meta.num_rows > MAX_FILE_ROWS:
        raise SourceError(
            f"{origin}: the file says it holds {meta.num_rows:,} rows in {meta.num_columns} columns, over the limits"
            f" ({MAX_FILE_ROWS:,} rows, {MAX_COLUMNS} columns); refused before reading"
        )
    present = set(parquet.schema_arrow.names)
    missing = [name for name, col in columns.items() if col.required and name not in present]
    if missing:
        raise SourceError(
            f"{origin}: the file has no column {', '.join(repr(m) for m in missing)}"
            f" (upstream changed its schema; it has {', '.join(sorted(present))})"
        )
    return parquet, [name for name in columns if name in present]


def file_rows(path: Path, *, origin: str) -> int:
    """How many rows the file holds, from its footer alone."""
    try:
        return pq.read_metadata(path).num_rows
    except _ERRORS as exc:
        raise SourceError(f"{origin}: not a readable Parquet file ({exc})") from None


def column_names(path: Path, *, origin: str) -> list[str]:
    """The file's column names, from its footer alone."""
    try:
        return pq.read_schema(path).names
    except _ERRORS as exc:
        raise SourceError(f"{origin}: not a readable Parquet file ({exc})") from None


def read_rows(path: Path, columns: Mapping[str, Column], *, origin: str) -> list[dict[str, Any]]:
    """Every row of a Parquet file that holds one board (the Open LLM table) as upstream names them, the
    importer's columns only: past MAX_ROWS_PER_BOARD, refused from the footer before a row is read."""
    parquet, wanted = _open(path, columns, origin=origin)
    check_rows(origin, parquet.metadata.num_rows)
    try:
        return parquet.read(columns=wanted).to_pylist()
    except _ERRORS as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None


def check_boards(path: Path, columns: Mapping[str, Column], by: Sequence[str], *, board: str, origin: str) -> None:
    """Refuse a file that holds a board past MAX_ROWS_PER_BOARD, from the columns that tell its boards apart (`by`,
    LMArena's category and publish date) alone, read before the others: a board too big is never read whole, nor
    made Python objects, to be told so. A board is counted as the file holds it, before any row is checked or left
    out, as `limits.BoardRows` counts JSON."""
    parquet, _ = _open(path, columns, origin=origin, dictionaries=True)
    try:
        table = parquet.read(columns=list(by), use_threads=False)
    except _ERRORS as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None
    keys = {}
    for name in by:
        array = table.column(name)
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            return  # not text: the conversion names the column and the rows
        keys[name] = pc.utf8_slice_codeunits(array, 0, 10) if columns[name].kind == "date" else array
    counts = pa.table(keys).group_by(list(by)).aggregate([([], "count_all")])
    del table, keys
    _give_back()
    if counts.num_rows:
        largest = counts.sort_by([("count_all", "descending")]).slice(0, 1).to_pylist()[0]
        check_rows(" ".join([board, *(str(largest[name]) for name in by)]), largest["count_all"])


def read_converted(path: Path, columns: Mapping[str, Column], *, origin: str) -> pa.Table:
    """The file checked and converted to the store's columns and types (see the module docstring), read a batch of
    rows at a time so that only the converted columns (text kept dictionary-encoded) are ever held whole."""
    parquet, wanted = _open(path, columns, origin=origin, dictionaries=True)
    chunks: dict[str, list[pa.Array]] = {col.store: [] for col in columns.values()}
    problems: dict[str, list[int]] = {}
    offset = 0
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted, use_threads=False):
            for name, col in columns.items():
                if name not in wanted:  # an optional column the file lacks: as empty as a missing cell
                    chunks[col.store].append(pa.nulls(batch.num_rows, _TYPES[col.kind]))
                    continue
                array = batch.column(name)
                convert = _convert_dictionary if pa.types.is_dictionary(array.type) else _convert
                array, bad, missing = convert(array, col)
                if bad is not None:
                    problems.setdefault(f"column {name!r} should be {col.kind}", []).extend(offset + i for i in bad)
                if missing and col.required and not col.nullable:
                    problems.setdefault(f"column {name!r} is missing or null", []).extend(offset + i for i in missing)
                chunks[col.store].append(array)
            offset += batch.num_rows
            _give_back()
    except _ERRORS as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None
    if offset == 0:
        raise SourceError(f"{origin}: the table is empty")
    if problems:
        parts = []
        for what, at in list(problems.items())[:3]:
            shown = ", ".join(str(i + 1) for i in at[:3])
            more = f" and {len(at) - 3} more" if len(at) > 3 else ""
            parts.append(f"{what} (row {shown}{more})")
        raise SourceError(f"{origin}: {'; '.join(parts)}")
    table = pa.table({store: pa.concat_arrays(chunks.pop(store)) for store in list(chunks)})  # one chunk each
    _give_back()
    return table.append_column(ROW, pa.array(np.arange(offset)))


def _give_back() -> None:
    """Arrow's allocator keeps the memory a step freed for reuse, and a history's steps (counting its boards,
    converting its columns, sorting them) each need a different shape: without this the process would carry the
    largest of each of them at once, through the whole import."""
    pa.default_memory_pool().release_unused()


def _where(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _convert_dictionary(array: pa.DictionaryArray, col: Column) -> tuple[pa.Array, list[int] | None, list[int]]:
    """`_convert` on the dictionary's values only; rows are then told by their index into it."""
    values, bad, missing = _convert(array.dictionary, col)
    indices = array.indices
    rows_at = lambda at: _where(pc.is_in(indices, pa.array(at, indices.type))) if at else []  # noqa: E731
    empty = sorted({*_where(pc.is_null(indices)), *rows_at(missing)})
    return pa.DictionaryArray.from_arrays(indices, values), rows_at(bad) if bad is not None else None, empty


def _every_row(array: pa.Array) -> list[int]:
    """A column of the wrong kind has every row wrong: listed only then, not for every column read."""
    return list(range(len(array)))


def _convert(array: pa.Array, col: Column) -> tuple[pa.Array, list[int] | None, list[int]]:
    """(the column in the store's type, rows of the wrong kind or None, rows that are null)."""
    kind, t = col.kind, array.type
    if kind in ("str", "date"):
        if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
            return array, _every_row(array), []
        if kind == "str":
            return array, None, _where(pc.is_null(array))
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)  # unknown dates are empty
        bad = _where(pc.invert(pc.match_substring_regex(array, _DATE)))
        array = pc.utf8_slice_codeunits(array, 0, 10)
        return array, bad or None, _where(pc.is_null(array))
    if kind == "bool":
        return (array, None, _where(pc.is_null(array))) if pa.types.is_boolean(t) else (array, _every_row(array), [])
    if pa.types.is_integer(t):
        return pc.cast(array, pa.float64() if kind == "num" else pa.int64()), None, _where(pc.is_null(array))
    if not pa.types.is_floating(t):
        return array, _every_row(array), []
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


class Groups:
    """A table's rows a group at a time, as Python lists per column: the rows sharing both `keys` (LMArena:
    publish date and category), in the order of those keys, each group ordered by `then` (so the same rows always
    come in the same order). The order is worked out on integer codes. Text columns are decoded through their
    dictionary, and `derived` columns (name -> (text column, function)) apply a function once per distinct value:
    a history repeats a few hundred names a million times."""

    def __init__(
        self,
        table: pa.Table,
        keys: tuple[str, str],
        *,
        then: str,
        derived: Mapping[str, tuple[str, Callable[[Any], Any]]],
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.chunk_rows = chunk_rows
        table = table.combine_chunks()
        self.text: dict[str, tuple[list[Any], np.ndarray]] = {}
        self.plain: dict[str, pa.Array] = {}
        for name in table.column_names:
            array = table.column(name).chunk(0) if table.num_rows else table.column(name).combine_chunks()
            if pa.types.is_string(array.type):
                array = pc.dictionary_encode(array)
            if pa.types.is_dictionary(array.type):
                indices = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False)
                self.text[name] = ([*array.dictionary.to_pylist(), None], indices)  # index -1: a null
            else:
                self.plain[name] = array
        for name, (source, fn) in derived.items():
            words, indices = self.text[source]
            self.text[name] = ([None if w is None else fn(w) for w in words], indices)
        codes = [_sorted_codes(*self.text[k]) for k in (*keys, then)]
        self.order = np.lexsort(codes[::-1])  # the last key sorts first
        first, second = codes[0][self.order], codes[1][self.order]
        changes = np.flatnonzero((first[1:] != first[:-1]) | (second[1:] != second[:-1])) + 1
        self.bounds = list(itertools.pairwise([0, *changes.tolist(), len(self.order)]))
        _give_back()  # what reading and sorting needed: the boards are Python lists from here on

    def __iter__(self) -> Iterator[dict[str, list[Any]]]:
        """Consecutive groups are converted together, up to `chunk_rows` rows at a time (one `take` and one list per
        column for thousands of small boards), then handed out one group at a time as slices of those lists."""
        bounds = self.bounds
        first = 0
        while first < len(bounds):
            start = bounds[first][0]
            last = first
            while last + 1 < len(bounds) and bounds[last + 1][1] - start <= self.chunk_rows:
                last += 1
            end = bounds[last][1]
            rows = self.order[start:end]
            chunk = {name: list(map(words.__getitem__, indices[rows].tolist()))
                     for name, (words, indices) in self.text.items()}  # fmt: skip
            chunk.update((name, array.take(rows).to_pylist()) for name, array in self.plain.items())
            for a, b in bounds[first : last + 1]:
                yield {name: values[a - start : b - start] for name, values in chunk.items()}
            del chunk  # the next chunk's lists are made after this one's are let go
            first = last + 1


def _sorted_codes(words: list[Any], indices: np.ndarray) -> np.ndarray:
    """One integer per row, ordered as the values are (nulls last): a text column's sort order without sorting
    its strings a million times."""
    rank = pc.rank(pa.array(words[:-1], pa.string()), tiebreaker="dense").to_numpy().astype(np.int64)
    rank = np.append(rank, rank.max(initial=0) + 1)  # equal values get equal codes; index -1 (a null) sorts last
    return rank[indices]
