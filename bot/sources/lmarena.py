"""LMArena's arenas, as the official `lmarena-ai/leaderboard-dataset` publishes them: one importer per arena board,
reading its config's columns (Bradley-Terry ratings, or the agent arenas' scores).

One file may hold many published boards and categories (`latest` mixes dates, `full` holds them all): each
(category, publish date) is a snapshot. Ranks are the site's (see `ranks`), not the file's `rank` column, which is
only the position by rating. Rows without a rating (NaN in the real data) are kept out of the board and counted.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from db.keys import model_key, org_key

from ..profiles import BoardProfile, Schema
from ..profiles.arena import ARENAS
from .base import Column, SnapshotData, SourceError, check_date, content_hash, convert_rows

log = logging.getLogger(__name__)

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


def ranks(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, int]]:
    """(rank, worst rank, position) per row, by LMArena's rules (shared/README.md, "How the boards rank").

    - position: the place by score, 1..N (ties in score by the file's order, then by name);
    - rank: 1 + the number of models statistically better, i.e. whose interval's lower bound is above this
      model's upper bound (so 1, 2, 2, 4 is common); where the board has no intervals, the position; where the
      file's own rank column already has ties or gaps (a scrape of the site's table), that published rank;
    - worst rank: N minus the number of models statistically worse (never better than the rank).
    """
    n = len(rows)
    order = sorted(range(n), key=lambda i: (-rows[i]["score"], rows[i].get("rank") or 0, rows[i]["name"]))
    position = [0] * n
    for place, i in enumerate(order, start=1):
        position[i] = place
    if any(r.get("rating_lower") is None or r.get("rating_upper") is None for r in rows):
        return [(position[i], position[i], position[i]) for i in range(n)]
    lowers = sorted(r["rating_lower"] for r in rows)
    uppers = sorted(r["rating_upper"] for r in rows)
    published = [r.get("rank") for r in rows]
    keep_published = None not in published and sorted(published) != list(range(1, n + 1))
    out = []
    for i, row in enumerate(rows):
        better = n - bisect.bisect_right(lowers, row["rating_upper"])
        worse = bisect.bisect_left(uppers, row["rating_lower"])
        rank = published[i] if keep_published else 1 + better
        out.append((rank, max(rank, n - worse), position[i]))
    return out


class ArenaSource:
    def __init__(self, profile: BoardProfile) -> None:
        self.profile = profile
        self.columns = COLUMNS[profile.upstream.schema]

    def to_snapshots(
        self, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
    ) -> list[SnapshotData]:
        converted = convert_rows(rows, self.columns, origin=origin)
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
            snapshot = self._snapshot(converted, indexes, category, published, origin)
            if snapshot is not None:
                snapshots.append(snapshot)
        return snapshots

    def _snapshot(
        self, converted: list[dict[str, Any]], indexes: list[int], category: str, published: str, origin: str
    ) -> SnapshotData | None:
        entries = []
        seen: dict[str, int] = {}
        unrated = 0
        for i in indexes:
            row = converted[i]
            key = model_key(row["name"])
            if key in seen:
                raise SourceError(
                    f"{origin}: {row['name']!r} appears twice in the {category} board of {published}"
                    f" (rows {seen[key] + 1} and {i + 1})"
                )
            seen[key] = i
            if row["rank"] is not None and row["rank"] < 1:
                raise SourceError(f"{origin}: row {i + 1} has rank {row['rank']}, ranks start at 1")
            if row["score"] is None:  # NaN or null: nothing to rank it by (kept out, not an error)
                unrated += 1
                continue
            entry = {k: v for k, v in row.items() if k not in ("category", "as_of")}
            entry["org_key"] = org_key(row["organization"])
            entry["model_key"] = key
            entries.append(entry)
        with_intervals = [e for e in entries if e.get("rating_lower") is not None and e.get("rating_upper") is not None]
        if with_intervals and len(with_intervals) < len(entries):  # a board with intervals ranks by them only
            unrated += len(entries) - len(with_intervals)
            entries = with_intervals
        if unrated:
            log.info("%s: %d row(s) of the %s board of %s have no score and are left out", origin, unrated,
                     category, published)  # fmt: skip
        if not entries:
            return None
        for entry, (rank, worst, position) in zip(entries, ranks(entries), strict=True):
            entry.update(rank=rank, rank_worst=worst, position=position)
        return SnapshotData(
            board=self.profile.id,
            category=category,
            as_of=published,
            rows=entries,
            content_hash=content_hash(category, (converted[i] for i in indexes)),
            source=origin,
        )


SOURCES = tuple(ArenaSource(p) for p in ARENAS)
