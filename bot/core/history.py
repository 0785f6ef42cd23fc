"""A model's history on one board and category: its rank and score in every accepted snapshot, followed across renames.

Reads the store only through `bot.core.snapshots` (no SQL here, no discord, no matplotlib), so the CLI, the question
parser and the Discord command all get the same `History`, and `bot.charts` draws it.

Rules, in one place:

- **Snapshots.** The board's timeline: accepted snapshots of the category in date order, a re-publish of a date
  replacing the earlier one. A model's point in a snapshot is its best-ranked row, as on the board's own listing.
- **days_at_1.** Calendar days the model was ranked 1 (shared ranks count: LMArena ties are common). A snapshot's
  ranks hold from its date up to the day before the next accepted snapshot's date; the latest snapshot counts for
  its publish day only. So a current leader shows at least 1 day, and the figure never grows with the clock alone
  (an archived board's history stays fixed, and tests do not depend on today's date).
- **latest_move.** Places gained between the board's two latest accepted snapshots (positive = up); None when the
  model is missing from either, or the board has only one snapshot.
- **Renames.** Model keys are case-folded names, so 'Gemma-2-27B-it' and 'Gemma-2-27b-it' are already one model.
  A real rename is followed by the links of the timeline (`bot.core.renames`, and the store's aliases that name an
  old model), the same links a digest follows, so the two never disagree about which model is which. Callers can
  add links through `aliases`.

Cost: see BENCHMARKS.md ("History charts"); the timeline is who is where on each board, and only the model's
own rows are read.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from db.store import Store

from .snapshots import reader


@dataclass(frozen=True)
class Point:
    date: str  # the snapshot's date, YYYY-MM-DD
    rank: int
    score: float


@dataclass
class History:
    board: str
    category: str
    model: str  # the board's spelling at the latest point (the key asked for when there is no point)
    key: str  # the model key of that spelling
    names: list[str] = field(default_factory=list)  # every spelling seen, in order of first appearance
    points: list[Point] = field(default_factory=list)  # date order
    best_rank: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    days_at_1: int = 0
    latest_move: int | None = None  # places gained since the previous snapshot (negative = lost)

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "category": self.category,
            "model": self.model,
            "key": self.key,
            "names": list(self.names),
            "points": [asdict(p) for p in self.points],
            "best_rank": self.best_rank,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "days_at_1": self.days_at_1,
            "latest_move": self.latest_move,
        }


def _same_model(renames: Sequence[Mapping[str, str]], key: str) -> set[str]:
    """Every key linked to `key` by a rename or an explicit alias, in either direction."""
    neighbours: dict[str, set[str]] = {}
    for links in renames:
        for old, new in links.items():
            neighbours.setdefault(old, set()).add(new)
            neighbours.setdefault(new, set()).add(old)
    found, todo = {key}, [key]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def _days_at_1(dates: Sequence[str], ranks: Mapping[int, int]) -> int:
    """`ranks`: snapshot index -> the model's rank there. See the module docstring for the rule."""
    days = 0
    for i, rank in ranks.items():
        if rank != 1:
            continue
        if i + 1 < len(dates):
            days += (date.fromisoformat(dates[i + 1]) - date.fromisoformat(dates[i])).days
        else:
            days += 1
    return days


def model_history(
    store: Store,
    board: str,
    category: str,
    model_key: str,
    *,
    aliases: Mapping[str, str] | None = None,
    follow_renames: bool = True,
    until: str | None = None,
) -> History:
    """`model_key`'s history on `board`/`category`, including the names it had before or after a rename.

    `aliases` adds explicit links, old model key -> new model key, for renames the automatic rule cannot see
    (followed in both directions, like the rule's own links). A key the board never had gives a History with no
    points (best_rank and first_seen None, days_at_1 0), so callers can say so instead of failing.
    """
    read = reader(store)
    timeline = read.timeline(board, category)
    keys = _same_model([*(timeline.links if follow_renames else ()), aliases or {}], model_key)

    # "as of" a date: the boards up to it, as if the later ones had not been published yet
    dates = timeline.dates
    count = len(dates) if until is None else bisect.bisect_right(dates, until)
    found: list[tuple[int, int, str, int]] = []  # (board index, rank, key, entry rowid)
    for i, keyed in enumerate(timeline.boards[:count]):
        here = [(keyed.best[k], k) for k in keys if k in keyed.best]
        if here:
            rank, key = min(here)  # one key per snapshot unless an explicit alias overlaps two
            found.append((i, rank, key, keyed.rowids[key]))
    rows = read.entries(rowid for *_, rowid in found)  # the model's own rows only
    points: list[Point] = []
    ranks: dict[int, int] = {}
    names: list[str] = []
    latest: tuple[str, str] = (model_key, model_key)  # (name, key) at the latest point
    for i, rank, key, rowid in found:
        row = rows[rowid]
        points.append(Point(dates[i], rank, float(row["score"])))
        ranks[i] = rank
        if row["name"] not in names:
            names.append(row["name"])
        latest = (row["name"], key)

    last = count - 1
    latest_move = ranks[last - 1] - ranks[last] if last >= 1 and last in ranks and last - 1 in ranks else None
    return History(
        board=board,
        category=category,
        model=latest[0],
        key=latest[1],
        names=names,
        points=points,
        best_rank=min(ranks.values()) if ranks else None,
        first_seen=points[0].date if points else None,
        last_seen=points[-1].date if points else None,
        days_at_1=_days_at_1(dates[:count], ranks),
        latest_move=latest_move,
    )
