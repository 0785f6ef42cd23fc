"""Parquet files in the exact schema of `lmarena-ai/leaderboard-dataset`, for tests of the Parquet path.

The column names and types are upstream's (see shared/README.md, "Upstream"): in `text` the `vote_count` and
`rank` columns are float64 (whole numbers such as 1.0), in `text_style_control` and `webdev` they are int64; agent
configs score sessions instead of rating votes. Values passed in by tests are made up unless a test says where they
come from.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

NAMES = [
    pa.field("model_name", pa.string()),
    pa.field("organization", pa.string()),
    pa.field("license", pa.string()),
]
TAIL = [pa.field("category", pa.string()), pa.field("leaderboard_publish_date", pa.string())]


def bradley_terry_schema(*, float_counts: bool) -> pa.Schema:
    """`text` (float_counts) or `text_style_control`, `webdev`, `vision`, ... (int64 counts)."""
    count = pa.float64() if float_counts else pa.int64()
    return pa.schema(
        [
            *NAMES,
            pa.field("rating", pa.float64()),
            pa.field("rating_lower", pa.float64()),
            pa.field("rating_upper", pa.float64()),
            pa.field("variance", pa.float64()),
            pa.field("vote_count", count),
            pa.field("rank", count),
            *TAIL,
        ]
    )


AGENT_SCHEMA = pa.schema(
    [
        *NAMES,
        pa.field("score", pa.float64()),
        pa.field("score_ci_lower", pa.float64()),
        pa.field("score_ci_upper", pa.float64()),
        pa.field("observation_count", pa.int64()),
        pa.field("session_count", pa.int64()),
        pa.field("rank", pa.int64()),
        *TAIL,
    ]
)


def parquet_bytes(rows: Sequence[Mapping[str, Any]], schema: pa.Schema, *, row_group_size: int = 1000) -> bytes:
    """The rows as one Parquet file in `schema` (a column missing from a row is null)."""
    table = pa.Table.from_pylist([dict(r) for r in rows], schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=row_group_size)
    return buffer.getvalue()


def board_rows(
    date: str,
    models: Sequence[tuple[str, float, float]],
    *,
    category: str = "overall",
    organization: str = "Acme",
    license: str = "Proprietary",
    votes: int = 5000,
) -> list[dict[str, Any]]:
    """One published board: (name, rating, half-width of the 95% interval) per model, `rank` the position by rating
    as upstream gives it. Made-up values."""
    ordered = sorted(models, key=lambda m: -m[1])
    return [
        {
            "model_name": name,
            "organization": organization,
            "license": license,
            "rating": rating,
            "rating_lower": rating - half,
            "rating_upper": rating + half,
            "variance": (half / 1.96) ** 2,
            "vote_count": votes,
            "rank": position,
            "category": category,
            "leaderboard_publish_date": date,
        }
        for position, (name, rating, half) in enumerate(ordered, start=1)
    ]


def many_models(count: int) -> list[tuple[str, float, float]]:
    """`count` made-up models for `board_rows`, best first: a board as large as a test of the limits needs."""
    return [(f"made-up-{i}", 1400.0 - i / 100, 5.0) for i in range(count)]


def agent_rows(
    date: str, models: Sequence[tuple[str, float, float]], *, category: str = "overall", sessions: int = 100
) -> list[dict[str, Any]]:
    """One published agent board: (name, score, half-width of the interval) per model; made-up values."""
    ordered = sorted(models, key=lambda m: -m[1])
    return [
        {
            "model_name": name,
            "organization": "Acme",
            "license": "Proprietary",
            "score": score,
            "score_ci_lower": score - half,
            "score_ci_upper": score + half,
            "observation_count": sessions * 5,
            "session_count": sessions,
            "rank": position,
            "category": category,
            "leaderboard_publish_date": date,
        }
        for position, (name, score, half) in enumerate(ordered, start=1)
    ]
