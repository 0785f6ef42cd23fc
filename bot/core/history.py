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
  A real rename is followed by the links between consecutive boards (`bot.core.renames`, and the store's aliases
  that name an old model), the same links a digest follows, so the two never disagree about which model is which.
  A rename can only name a model where it vanishes or arrives, so only those pairs of boards are looked at.
  Callers can add links through `aliases`.

Cost: where the board's timeline ends, the model's own rows with their places on it (through its index, see
migration V13), and who is where on the two boards around each place it arrives or leaves: not the boards in
between, so years of daily boards cost about what one year does. Figures: BENCHMARKS.md ("History across years of
boards").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from db.store import Store

from .snapshots import ModelPoint, reader


class Point(NamedTuple):
    """A tuple, not a dataclass: a history of years of daily boards makes thousands, and a frozen dataclass is
    several times slower to make."""

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
            "points": [p._asdict() for p in self.points],
            "best_rank": self.best_rank,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "days_at_1": self.days_at_1,
            "latest_move": self.latest_move,
        }


def _boundaries(indices: Iterable[int], last: int) -> set[int]:
    """The pairs of consecutive boards (by the earlier one's index) where a model with points on these board
    indices arrives or vanishes: the only pairs whose renames can name it."""
    present = set(indices)
    pairs = set()
    for i in present:
        if i > 0 and i - 1 not in present:
            pairs.add(i - 1)
        if i < last and i + 1 not in present:
            pairs.add(i)
    return pairs


def _days_at_1(dates: Mapping[int, str], count: int, ranks: Mapping[int, int]) -> int:
    """`ranks`: position -> the model's rank there; `dates`: position -> date, for each of those positions and the
    one after each #1 (the timeline has `count` boards). See the module docstring for the rule."""
    days = 0
    for i, rank in ranks.items():
        if rank != 1:
            continue
        if i + 1 < count:
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
    end = read.timeline_end(board, category)
    explicit: dict[str, set[str]] = {}
    for old, new in (aliases or {}).items():
        explicit.setdefault(old, set()).add(new)
        explicit.setdefault(new, set()).add(old)
    # The model's keys: the one asked for, and every key a rename or an alias links to one of them, found from
    # each key's own points (a rename happens where a name vanishes or arrives).
    keys, todo = [model_key], [model_key]
    points: dict[str, dict[int, ModelPoint]] = {}
    while todo:
        points.update(read.model_points(board, category, todo))
        found: list[str] = []
        for key in todo:
            linked = set(explicit.get(key, ()))
            if follow_renames:
                for index in _boundaries(points[key], -1 if end is None else end):
                    for old, new in read.links_at(board, category, index).items():
                        if key in (old, new):
                            linked.add(new if old == key else old)
            found += [k for k in sorted(linked) if k not in keys and k not in found]
        keys += found
        todo = found

    # "as of" a date: the boards up to it, as if the later ones had not been published yet
    last = end if until is None else read.timeline_end(board, category, until)
    count = 0 if last is None else last + 1
    best: dict[int, tuple[int, str]] = {}  # board index -> (rank, key): one key per board unless aliases overlap
    for key in keys:
        for i, point in points[key].items():
            if i < count and (i not in best or (point.rank, key) < best[i]):
                best[i] = (point.rank, key)
    history_points: list[Point] = []
    ranks: dict[int, int] = {}
    names: list[str] = []
    latest: tuple[str, str] = (model_key, model_key)  # (name, key) at the latest point
    for i in sorted(best):
        rank, key = best[i]
        point = points[key][i]
        history_points.append(Point(point.date, rank, point.score))
        ranks[i] = rank
        if point.name not in names:
            names.append(point.name)
        latest = (point.name, key)

    last = count - 1
    # a reign lasts until the next board: its date, where the model's own points do not say it
    dates = {i: points[best[i][1]][i].date for i in best}
    after_reigns = [i + 1 for i, rank in ranks.items() if rank == 1 and i + 1 < count and i + 1 not in dates]
    dates.update((i, day) for i, (_, day) in read.timeline_at(board, category, after_reigns).items())
    latest_move = ranks[last - 1] - ranks[last] if last >= 1 and last in ranks and last - 1 in ranks else None
    return History(
        board=board,
        category=category,
        model=latest[0],
        key=latest[1],
        names=names,
        points=history_points,
        best_rank=min(ranks.values()) if ranks else None,
        first_seen=history_points[0].date if history_points else None,
        last_seen=history_points[-1].date if history_points else None,
        days_at_1=_days_at_1(dates, count, ranks),
        latest_move=latest_move,
    )
