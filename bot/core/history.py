"""A model's history on one board and category: its rank and score in every accepted snapshot, followed across renames.

Pure: reads the store only through `Store.snapshots` and `Store.entries` (no SQL here, no discord, no matplotlib), so
the CLI, the question parser and the Discord command all get the same `History`, and `bot.charts` draws it.

Rules, in one place:

- **Snapshots.** Only accepted snapshots (status 'ok') of the board and category count, in date order. When two
  accepted snapshots share a date, the later-stored one (a re-publish) replaces the earlier.
- **Several rows.** An Open LLM model can have several rows in one snapshot (precisions, revisions): its point is
  the best-ranked row, as on the board's own listing.
- **days_at_1.** Calendar days the model was ranked 1 (shared ranks count: LMArena ties are common). A snapshot's
  ranks hold from its date up to the day before the next accepted snapshot's date; the latest snapshot counts for
  its publish day only. So a current leader shows at least 1 day, and the figure never grows with the clock alone
  (an archived board's history stays fixed, and tests do not depend on today's date).
- **latest_move.** Places gained between the board's two latest accepted snapshots (positive = up); None when the
  model is missing from either, or the board has only one snapshot.
- **Renames.** Model keys are case-folded names, so 'Gemma-2-27B-it' and 'Gemma-2-27b-it' are already one model.
  A real rename is followed by one explicit rule (`_renamed_to`): a name X without a parenthesised date that leaves
  the board in the same publish where 'X (date)' first appears, from the same organization, is the same model when
  the date in the name is on or before X's first appearance (the model cannot be dated after it was already on the
  board) and exactly one such name qualifies. On LMArena's 2024 boards this links 'Claude 3.5 Sonnet' ->
  'Claude 3.5 Sonnet (20240620)' (not '(20241022)', which appeared in the same publish), and 'Command R+' ->
  'Command R+ (04-2024)' (not '(08-2024)'). Renames are also followed the way change detection follows them
  (`core.changes.rename_pairs`: a newcomer with the vanished name's votes and rating, same organization), so a
  digest and a history never disagree about which model is which. Callers can add links through `aliases`.

Cost: the rows of each snapshot are read once per store and kept (snapshots are immutable once written; the cache
is keyed by snapshot id and content hash, and dies with the store). A history from a warm cache takes well under a
millisecond; the first one for the 39 LMArena boards of 2024 reads them all (~0.1 s).
"""

from __future__ import annotations

import bisect
import itertools
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, NamedTuple

from db.keys import org_key
from db.store import Snapshot, Store

from .changes import rename_pairs

# 'claude 3.5 sonnet (20240620)', 'chatgpt-4o-latest (2024-08-08)', 'command r+ (04-2024)': base name and date
_DATED = re.compile(r"^(?P<base>.+) \((?P<date>\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4})\)$")


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


class _Row(NamedTuple):
    """A model's best row in one snapshot: all history needs of it."""

    name: str
    rank: int
    score: float
    org_key: str | None
    votes: int | None
    organization: str | None


@dataclass
class _Timeline:
    """One board and category: the accepted snapshots' dates and rows, and where each model key first and last
    appears (indexes into `dates`)."""

    dates: list[str]
    rows: list[dict[str, _Row]]
    first: dict[str, int]
    last: dict[str, int]
    renamed: dict[str, str] = field(default_factory=dict)  # old key -> new key, by votes (core.changes)


# store -> {(snapshot id, content hash): rows}; and store -> {(board, category): (snapshot ids, timeline)}
_ROWS: weakref.WeakKeyDictionary[Store, dict[tuple[int, str], dict[str, _Row]]] = weakref.WeakKeyDictionary()
_TIMELINES: weakref.WeakKeyDictionary[Store, dict[tuple[str, str], tuple[tuple[int, ...], _Timeline]]] = (
    weakref.WeakKeyDictionary()
)


def _snapshot_rows(store: Store, snapshot: Snapshot) -> dict[str, _Row]:
    cache = _ROWS.setdefault(store, {})
    cache_key = (snapshot.id, snapshot.content_hash)
    rows = cache.get(cache_key)
    if rows is None:
        rows = {}
        for row in store.entries(snapshot.id):  # rank order: a key's first row is its best
            key = row["model_key"]
            if key not in rows:
                rows[key] = _Row(
                    row["name"], row["rank"], float(row["score"]), row.get("org_key"), row.get("votes"),
                    row.get("organization"),
                )  # fmt: skip
        cache[cache_key] = rows
    return rows


def _timeline(store: Store, board: str, category: str) -> _Timeline:
    by_date: dict[str, Snapshot] = {}
    for snapshot in store.snapshots(board, category):  # date order, then id: a re-publish comes last
        if snapshot.status == "ok" and snapshot.board == board and snapshot.category == category:
            by_date[snapshot.as_of] = snapshot
    chosen = [by_date[d] for d in sorted(by_date)]
    ids = tuple(s.id for s in chosen)
    cache = _TIMELINES.setdefault(store, {})
    cached = cache.get((board, category))
    if cached is not None and cached[0] == ids:
        return cached[1]
    rows = [_snapshot_rows(store, s) for s in chosen]
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, snapshot_rows in enumerate(rows):
        for key in snapshot_rows:
            first.setdefault(key, i)
            last[key] = i
    renamed: dict[str, str] = {}
    for before, after in itertools.pairwise(rows):
        renamed.update(
            rename_pairs({k: r._asdict() for k, r in before.items()}, {k: r._asdict() for k, r in after.items()})
        )
    timeline = _Timeline([s.as_of for s in chosen], rows, first, last, renamed)
    cache[(board, category)] = (ids, timeline)
    return timeline


def _name_date(text: str) -> date | None:
    """The date a parenthesised suffix names: 20240620, 2024-08-08, or 04-2024 (the first of that month)."""
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 10:
            return date.fromisoformat(text)
        return date(int(text[3:]), int(text[:2]), 1)
    except ValueError:
        return None


class _Organizations:
    """Whether two org keys name the same organization, through the store's alias table (read once, if needed)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._owner: dict[str, int] | None = None

    def same(self, a: str | None, b: str | None) -> bool:
        if not a or not b:
            return False
        if a == b:
            return True
        if self._owner is None:
            self._owner = {
                key: org.id
                for org in self.store.organizations()
                for key in {*org.aliases, org_key(org.name)}
                if key is not None
            }
        owner_a, owner_b = self._owner.get(a), self._owner.get(b)
        return owner_a is not None and owner_a == owner_b


def _renamed_to(timeline: _Timeline, key: str, orgs: _Organizations) -> str | None:
    """The key this model continues under after a rename (see the module docstring for the rule), or None."""
    if key not in timeline.last or _DATED.match(key):
        return None
    gone = timeline.last[key] + 1  # the publish where the name is gone for good
    if gone >= len(timeline.dates):
        return None
    before, after = timeline.rows[gone - 1], timeline.rows[gone]
    first_seen = date.fromisoformat(timeline.dates[timeline.first[key]])
    found = []
    for other, row in after.items():
        match = _DATED.match(other)
        if not match or match["base"] != key or timeline.first[other] != gone:
            continue
        named = _name_date(match["date"])
        if named is not None and named <= first_seen and orgs.same(before[key].org_key, row.org_key):
            found.append(other)
    return found[0] if len(found) == 1 else None


def _renamed_from(timeline: _Timeline, key: str, orgs: _Organizations) -> str | None:
    match = _DATED.match(key)
    if match is None or match["base"] not in timeline.last:
        return None
    return match["base"] if _renamed_to(timeline, match["base"], orgs) == key else None


def _same_model(timeline: _Timeline, key: str, orgs: _Organizations, aliases: Mapping[str, str]) -> set[str]:
    """Every key linked to `key` by the rename rule or an explicit alias, in either direction."""
    links = {**timeline.renamed, **aliases}
    backward: dict[str, list[str]] = {}
    for old, new in links.items():
        backward.setdefault(new, []).append(old)
    found, todo = {key}, [key]
    while todo:
        current = todo.pop()
        neighbours = [
            _renamed_to(timeline, current, orgs),
            _renamed_from(timeline, current, orgs),
            links.get(current),
            *backward.get(current, ()),
        ]
        for other in neighbours:
            if other is not None and other not in found:
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
    timeline = _timeline(store, board, category)
    linked_by = timeline if follow_renames else _Timeline([], [], {}, {})  # an empty timeline links nothing
    keys = _same_model(linked_by, model_key, _Organizations(store), aliases or {})

    points: list[Point] = []
    ranks: dict[int, int] = {}
    names: list[str] = []
    latest: tuple[str, str] = (model_key, model_key)  # (name, key) at the latest point
    # "as of" a date: the boards up to it, as if the later ones had not been published yet
    count = len(timeline.dates) if until is None else bisect.bisect_right(timeline.dates, until)
    for i, rows in enumerate(timeline.rows[:count]):
        here = [(rows[k].rank, k) for k in keys if k in rows]
        if not here:
            continue
        rank, key = min(here)  # one key per snapshot unless an explicit alias overlaps two
        row = rows[key]
        points.append(Point(timeline.dates[i], row.rank, row.score))
        ranks[i] = rank
        if row.name not in names:
            names.append(row.name)
        latest = (row.name, key)

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
        days_at_1=_days_at_1(timeline.dates[:count], ranks),
        latest_move=latest_move,
    )
