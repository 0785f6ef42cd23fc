"""Reading upstream Parquet files with pyarrow, in bounded memory, into the row dicts the importers take.

A file's columns are checked against the importer's column table before any row is read, so a schema change
upstream (a renamed or removed column) is one clear message. `latest` files are small and read whole; a `full`
file (over a million rows for LMArena's text arena) is read column-wise with repeated strings dictionary-encoded,
and handed out one published board at a time, so only one board's rows are ever Python objects at once.
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


def _open(path: Path, columns: Mapping[str, Column], *, origin: str) -> tuple[pq.ParquetFile, list[str]]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as exc:
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
    """Every row of a (small) Parquet file, the importer's columns only, row group by row group."""
    parquet, wanted = _open(path, columns, origin=origin)
    rows: list[dict[str, Any]] = []
    try:
        for group in range(parquet.num_row_groups):
            rows.extend(parquet.read_row_group(group, columns=wanted).to_pylist())
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None
    return rows


def read_boards(
    path: Path, columns: Mapping[str, Column], *, origin: str, keys: tuple[str, str]
) -> Iterator[list[dict[str, Any]]]:
    """The rows of a large Parquet file, one group at a time: all rows sharing the two `keys` columns (LMArena:
    publish date and category), in the order of those keys."""
    parquet, wanted = _open(path, columns, origin=origin)
    strings = [name for name in wanted if pa.types.is_string(parquet.schema_arrow.field(name).type)]
    try:
        table = pq.read_table(path, columns=wanted, read_dictionary=strings).unify_dictionaries().combine_chunks()
        sort_columns = {k: table.column(k).cast(pa.string()) if k in strings else table.column(k) for k in keys}
        order = pc.sort_indices(pa.table(sort_columns), sort_keys=[(k, "ascending") for k in keys])
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as exc:
        raise SourceError(f"{origin}: the Parquet data is corrupt ({exc})") from None
    # where the pair of keys changes along the sorted order, as codes: one small integer per row
    codes = [_codes(table.column(k)).take(order).to_numpy(zero_copy_only=False) for k in keys]
    changes = np.flatnonzero((codes[0][1:] != codes[0][:-1]) | (codes[1][1:] != codes[1][:-1])) + 1
    bounds = [0, *changes.tolist(), len(order)]
    for start, end in itertools.pairwise(bounds):
        if end > start:
            yield table.take(order[start:end]).to_pylist()


def _codes(column: pa.ChunkedArray) -> pa.Array:
    """Integer codes of a column's values, equal exactly where the values are."""
    array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    if pa.types.is_dictionary(array.type):
        return array.indices
    return pc.dictionary_encode(array).indices
