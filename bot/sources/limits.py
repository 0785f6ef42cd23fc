"""What Leaderbot accepts from upstream, as numbers: past any of them an import is refused in one line and nothing
is stored. They sit far above every real board (README.md, "Limits", says them) and far below what would let one
hostile file slow every later answer or fill the memory: a 50 MB model name once made each `ask` take seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from .base import SnapshotData, Source, SourceError

# A gzip'd JSON Lines file or viewer page, unpacked (the bundled 2024 history is under 3 MB unpacked).
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024
# One Parquet file, from its footer, before a row is read: the text arena's whole history is 1.17 million rows of
# 11 columns.
MAX_FILE_ROWS = 5_000_000
MAX_COLUMNS = 64
# The largest real board: the Open LLM final table, 4,576 rows; an arena's category, a few hundred.
MAX_ROWS_PER_BOARD = 20_000
# One import from JSON (a file, a URL, the dataset viewer's pages), in all: its rows are Python objects until they
# are checked, where a Parquet file's are columns. The largest real one is the 2024 history, 5,597 rows.
MAX_JSON_ROWS = 100_000
# One row as JSON text (a line of JSON Lines, an item of an array or of a page), in characters: a real one is under
# 2,000.
MAX_ROW_TEXT = 1 << 20
# The longest real name is under 100 characters ("gemini-3.1-flash-image-preview (nano-banana-2) [web-search]").
MAX_NAME_LENGTH = 200
# Organization and license texts: a few words upstream.
MAX_TEXT_LENGTH = 200
TEXT_COLUMNS = ("organization", "license", "model_type")
Row = TypeVar("Row", bound=Mapping[str, Any])


def check_snapshot(data: SnapshotData, *, today: date | None = None) -> None:
    """Refuse a board past the limits, or published after tomorrow (a date in the future would pin answers and
    digests to it for good)."""
    today = today or datetime.now(UTC).date()
    where = f"{data.board} {data.category} {data.as_of}"
    if data.as_of > (today + timedelta(days=1)).isoformat():
        raise SourceError(f"{where}: published in the future (today is {today.isoformat()}); refused")
    check_rows(where, len(data.columns["model_key"]))
    longest = max(map(len, data.columns["name"]), default=0)
    if longest > MAX_NAME_LENGTH:
        raise SourceError(
            f"{where}: a model name of {longest:,} characters, over the limit of {MAX_NAME_LENGTH}; refused"
        )
    for column in TEXT_COLUMNS:
        values = data.columns.get(column)
        # each distinct text once: a board repeats a few organizations and licenses on every row
        longest = max((len(v) for v in set(values) if isinstance(v, str)), default=0) if values else 0
        if longest > MAX_TEXT_LENGTH:
            raise SourceError(
                f"{where}: a {column} of {longest:,} characters, over the limit of {MAX_TEXT_LENGTH}; refused"
            )


def check_rows(where: str, rows: int, *, so_far: bool = False) -> None:
    """Refuse a board of over MAX_ROWS_PER_BOARD rows (`so_far`: counted while reading, which stopped there)."""
    if rows > MAX_ROWS_PER_BOARD:
        more = " or more" if so_far else ""
        raise SourceError(
            f"{where}: {rows:,} rows{more}, over the limit of {MAX_ROWS_PER_BOARD:,} for one board; refused"
        )


class BoardRows:
    """An import's rows counted per board (the values of the importer's `board_columns`: LMArena's category and
    publish date) as they are read, so that an import past MAX_ROWS_PER_BOARD in one board, or MAX_JSON_ROWS in
    all, is refused at the row that passes the limit and the rows after it are never read: a 200,000-row board is
    not held whole to be told it is too big. Rows are counted as they come, before any is checked or left out (a
    row without a score counts), so what a file may hold does not depend on its values."""

    def __init__(self, source: Source, *, origin: str) -> None:
        self.board, self.origin = source.profile.id, origin
        self._by = [(name, source.columns[name].kind == "date") for name in source.board_columns]
        self._counts: Counter[tuple[Any, ...]] = Counter()
        self._total = 0

    def read(self, rows: Iterable[Row]) -> list[Row]:
        """`rows` as a list, each counted as it comes (an iterator is read no further than the row refused)."""
        held = []
        for row in rows:
            self._total += 1
            if self._total > MAX_JSON_ROWS:
                raise SourceError(
                    f"{self.origin}: {self._total:,} rows or more, over the limit of {MAX_JSON_ROWS:,} for one import"
                    " from JSON; refused (a Parquet file may hold more)"
                )
            board = tuple(_board_value(row.get(name), is_date) for name, is_date in self._by)
            self._counts[board] += 1
            if self._counts[board] > MAX_ROWS_PER_BOARD:
                check_rows(" ".join([self.board, *board]), self._counts[board], so_far=True)
            held.append(row)
        return held


def _board_value(value: Any, is_date: bool) -> str:
    """A row's value of a column that tells boards apart, as the board is named (a date as YYYY-MM-DD, as the
    importers read it); shortened, since it may end up in a message."""
    if not isinstance(value, str):
        return repr(value)[:60]
    return value[:10] if is_date else value[:60]
