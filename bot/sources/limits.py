"""What Leaderbot accepts from upstream, as numbers: past any of them an import is refused in one line and nothing
is stored. They sit far above every real board (README.md, "Limits", says them) and far below what would let one
hostile file slow every later answer or fill the memory: a 50 MB model name once made each `ask` take seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from .base import SnapshotData, SourceError

# A gzip'd JSON Lines file or viewer page, unpacked (the bundled 2024 history is under 3 MB unpacked).
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024
# One Parquet file, from its footer, before a row is read: the text arena's whole history is 1.17 million rows of
# 11 columns.
MAX_FILE_ROWS = 5_000_000
MAX_COLUMNS = 64
# The largest real board: the Open LLM final table, 4,576 rows; an arena's category, a few hundred.
MAX_ROWS_PER_BOARD = 20_000
# The longest real name is under 100 characters ("gemini-3.1-flash-image-preview (nano-banana-2) [web-search]").
MAX_NAME_LENGTH = 200
# Organization and license texts: a few words upstream.
MAX_TEXT_LENGTH = 200
TEXT_COLUMNS = ("organization", "license", "model_type")


def check_snapshot(data: SnapshotData, *, today: date | None = None) -> None:
    """Refuse a board past the limits, or published after tomorrow (a date in the future would pin answers and
    digests to it for good)."""
    today = today or datetime.now(UTC).date()
    where = f"{data.board} {data.category} {data.as_of}"
    if data.as_of > (today + timedelta(days=1)).isoformat():
        raise SourceError(f"{where}: published in the future (today is {today.isoformat()}); refused")
    rows = len(data.columns["model_key"])
    if rows > MAX_ROWS_PER_BOARD:
        raise SourceError(f"{where}: {rows:,} rows, over the limit of {MAX_ROWS_PER_BOARD:,} for one board; refused")
    longest = max(map(len, data.columns["name"]), default=0)
    if longest > MAX_NAME_LENGTH:
        raise SourceError(
            f"{where}: a model name of {longest:,} characters, over the limit of {MAX_NAME_LENGTH}; refused"
        )
    for column in TEXT_COLUMNS:
        values = data.columns.get(column)
        if values and (longest := max((len(v) for v in values if isinstance(v, str)), default=0)) > MAX_TEXT_LENGTH:
            raise SourceError(
                f"{where}: a {column} of {longest:,} characters, over the limit of {MAX_TEXT_LENGTH}; refused"
            )
