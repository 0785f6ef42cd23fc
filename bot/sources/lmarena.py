"""LMArena text leaderboard, as the official `lmarena-ai/leaderboard-dataset` publishes it (config `text`).

One file or API answer may hold many published boards and categories: each (category, publish date) is a snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from db.keys import model_key, org_key

from ..profiles.arena import ARENA
from .base import Column, SnapshotData, SourceError, check_date, content_hash, convert_rows

COLUMNS: dict[str, Column] = {
    "model_name": Column("name", "str"),
    "rating": Column("score", "num"),
    "rank": Column("rank", "int"),
    "organization": Column("organization", "str", nullable=True),
    "license": Column("license", "str", required=False, nullable=True),
    "rating_lower": Column("rating_lower", "num", nullable=True),
    "rating_upper": Column("rating_upper", "num", nullable=True),
    "variance": Column("variance", "num", required=False, nullable=True),
    "vote_count": Column("votes", "int", nullable=True),
    "category": Column("category", "str"),
    "leaderboard_publish_date": Column("as_of", "date"),
}


class LMArenaSource:
    profile = ARENA

    def to_snapshots(
        self, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
    ) -> list[SnapshotData]:
        converted = convert_rows(rows, COLUMNS, origin=origin)
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, row in enumerate(converted):
            groups[(row["category"], check_date(row["as_of"], origin=origin))].append(i)
        if as_of is not None:
            as_of = check_date(as_of, origin=origin)
            groups = {key: idx for key, idx in groups.items() if key[1] <= as_of}
            if not groups:
                raise SourceError(f"{origin}: no board published on or before {as_of}")
        snapshots = []
        for (category, published), indexes in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            entries = []
            seen: dict[str, int] = {}
            for i in indexes:
                row = converted[i]
                key = model_key(row["name"])
                if key in seen:
                    raise SourceError(
                        f"{origin}: {row['name']!r} appears twice in the {category} board of {published}"
                        f" (rows {seen[key] + 1} and {i + 1})"
                    )
                seen[key] = i
                if row["rank"] < 1:
                    raise SourceError(f"{origin}: row {i + 1} has rank {row['rank']}, ranks start at 1")
                entry = {k: v for k, v in row.items() if k not in ("category", "as_of")}
                entry["org_key"] = org_key(row["organization"])
                entry["model_key"] = key
                entries.append(entry)
            snapshots.append(
                SnapshotData(
                    board=ARENA.id,
                    category=category,
                    as_of=published,
                    rows=entries,
                    content_hash=content_hash(category, (converted[i] for i in indexes)),
                    source=origin,
                )
            )
        return snapshots
