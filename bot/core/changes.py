"""Two snapshots of one board and category -> what changed that a person would care about.

Pure functions of the rows, so the same code serves the digest, `leaderbot changes` and the tests that replay the
39 LMArena boards of 2024. Renames are followed by the board's rules (`bot.core.renames`), through every board in
between when the two are not consecutive, exactly as a history follows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from db.store import Snapshot, Store

from ..profiles import profile
from .i18n import Category, Day, Said
from .renames import rename_links
from .snapshots import first_per_model, reader

EventType = Literal["new_leader", "shared_lead", "renamed", "debut", "entered", "left", "moved", "score"]

# Order of importance in a digest.
IMPORTANCE: dict[EventType, int] = {
    "new_leader": 0, "shared_lead": 1, "renamed": 2, "debut": 3, "entered": 4, "left": 5, "moved": 6, "score": 7,
}  # fmt: skip


@dataclass(frozen=True)
class Event:
    type: EventType
    model: str
    old_rank: int | None
    new_rank: int | None
    old_score: float | None
    new_score: float | None
    old_model: str | None = None  # the name it had on the old board, when it was renamed in between
    sharing: tuple[str, ...] = ()  # for shared_lead: the models it now shares #1 with

    @property
    def places(self) -> int:
        """Places gained (positive) or lost."""
        if self.old_rank is None or self.new_rank is None:
            return 0
        return self.old_rank - self.new_rank


@dataclass
class ChangeSet:
    board: str
    category: str
    from_date: str | None
    to_date: str
    top_n: int
    events: list[Event] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "category": self.category,
            "from": self.from_date,
            "to": self.to_date,
            "events": [{**asdict(e), "sharing": list(e.sharing)} for e in self.events],
        }


def detect_changes(
    old_rows: Iterable[Mapping[str, Any]],
    new_rows: Iterable[Mapping[str, Any]],
    *,
    board: str,
    category: str,
    from_date: str | None,
    to_date: str,
    top_n: int = 10,
    min_move: int = 1,
    score_step: float | None = None,
    renamed: Mapping[str, str] | None = None,
) -> ChangeSet:
    """Events between two snapshots, most important first. Ranks are the board's (statistical on LMArena), so a
    model that only swaps places inside its confidence interval has not moved.

    - new_leader: a model that is now the sole #1 and was not #1 before (one left alone at the top of a tie was
      #1 already: what happened is the others' move);
    - shared_lead: a model that now shares #1 and did not hold it before ("now shares #1 with ...");
    - renamed: a top-N model renamed in between with nothing else to tell ("X is now listed as Y, still #1");
      a renamed model with another event carries its old name in that event instead;
    - debut: a model not on the old board at all, now in the top N (below #1);
    - entered / left: into or out of the top N (leaving includes being retired from the board);
    - moved: within the top N, by at least `min_move` places (an unchanged rank is no move, however the ties
      around it shifted);
    - score: a top-N model whose score moved by at least `score_step` (default: the board's notable step) without
      changing rank.

    `renamed` (old key -> new key) says which models were renamed in between; without it, the board's rename
    rules are asked about the two boards alone.
    """
    new = first_per_model(sorted(new_rows, key=lambda r: r["rank"]))
    old = first_per_model(sorted(old_rows, key=lambda r: r["rank"]))
    board_profile = profile(board)
    if renamed is None:
        renamed = rename_links(old, new, rules=board_profile.renames, drift=board_profile.rename_drift)
    origin = {renamed.get(k, k): k for k in old}  # new key -> the key the model had on the old board
    old = {renamed.get(k, k): row for k, row in old.items()}
    step = score_step if score_step is not None else board_profile.notable_step
    leaders = [k for k, r in new.items() if int(r["rank"]) == 1]
    events: list[Event] = []
    for key, row in new.items():
        rank, score, name = int(row["rank"]), float(row["score"]), row["name"]
        before = old.get(key)
        old_rank = None if before is None else int(before["rank"])
        old_score = None if before is None else float(before["score"])
        was = before["name"] if before is not None and origin[key] != key else None
        event: EventType | None = None
        if rank == 1 and len(leaders) == 1 and old_rank != 1:
            event = "new_leader"
        elif rank == 1 and old_rank != 1:
            event = "shared_lead"
        elif before is None:
            event = "debut" if rank <= top_n else None
        elif rank <= top_n < old_rank:  # type: ignore[operator]
            event = "entered"
        elif rank <= top_n and old_rank <= top_n and abs(old_rank - rank) >= min_move:  # type: ignore[operator]
            event = "moved"
        elif rank <= top_n and rank == old_rank and abs(score - old_score) >= step:  # type: ignore[operator]
            event = "score"
        elif was is not None and min(rank, old_rank) <= top_n:  # type: ignore[type-var]
            event = "renamed"
        if event is not None:
            sharing = (
                ()
                if event != "shared_lead"
                else tuple(
                    new[k]["name"]
                    for k in sorted(leaders, key=lambda k: (-float(new[k]["score"]), new[k]["name"]))
                    if k != key
                )
            )
            events.append(Event(event, name, old_rank, rank, old_score, score, was, sharing))
    for key, before in old.items():
        old_rank = int(before["rank"])
        if old_rank > top_n:
            continue
        row = new.get(key)
        if row is None or int(row["rank"]) > top_n:
            was = before["name"] if row is not None and origin[key] != key else None
            events.append(
                Event(
                    "left",
                    before["name"] if row is None else row["name"],
                    old_rank,
                    None if row is None else int(row["rank"]),
                    float(before["score"]),
                    None if row is None else float(row["score"]),
                    was,
                )
            )
    events.sort(key=lambda e: (IMPORTANCE[e.type], -abs(e.places), e.new_rank or e.old_rank or 0, e.model))
    return ChangeSet(board, category, from_date, to_date, top_n, events)


class NoChanges(LookupError):
    """Fewer than two snapshots to compare; the message (a `Said`) says what is there."""


def stored_changes(
    store: Store,
    board: str,
    category: str = "overall",
    *,
    from_date: str | None = None,
    to_date: str | None = None,
    top_n: int = 10,
    min_move: int = 1,
) -> ChangeSet:
    """The change set between two stored snapshots: by default the latest and the one before it; with dates, the
    latest snapshot on or before each date."""
    read = reader(store)
    newer = read.latest(board, category, on_or_before=to_date)
    if newer is None:
        if to_date is None:
            raise NoChanges(Said("changes.no_snapshot", board=board, category=Category(category)))
        raise NoChanges(Said("changes.no_snapshot_before", board=board, category=Category(category), date=Day(to_date)))
    if from_date is not None and to_date is not None and from_date > to_date:
        raise NoChanges(Said("changes.dates_reversed", start=from_date, end=to_date))
    if from_date is None:
        older = board_before(read.accepted(board, category), newer)
    else:
        older = read.latest(board, category, on_or_before=from_date)
        if older is None:
            raise NoChanges(
                Said("changes.no_snapshot_before", board=board, category=Category(category), date=Day(from_date))
            )
    if older is not None and older.id == newer.id and from_date is not None:  # both dates land on one board
        dates = {"start": from_date, "board": board, "category": Category(category), "date": Day(newer.as_of)}
        if to_date is None:
            raise NoChanges(Said("changes.same_board_latest", **dates))
        raise NoChanges(Said("changes.same_board", end=to_date, **dates))
    if older is None or older.id == newer.id:
        raise NoChanges(Said("changes.only_one", board=board, category=Category(category), date=Day(newer.as_of)))
    return changes_between(store, older, newer, top_n=top_n, min_move=min_move)


def changes_board(store: Store, board: str, category: str) -> tuple[str, Said | None]:
    """The board `leaderbot changes` reads: the one asked for, or while that holds nothing yet its fallback (a
    fresh install has only the bundled raw text boards), with the note saying so, as a question about changes
    says it; NoChanges when neither holds a board. A board that holds other categories is the board asked for."""
    read = reader(store)
    if read.latest(board, category) is not None or store.snapshots(board):  # held, or held in other categories
        return board, None
    fallback = profile(board).fallback
    if fallback and read.latest(fallback, category) is not None:
        return fallback, Said("notes.fallback", default=profile(board).title, title=profile(fallback).title)
    raise NoChanges(Said("changes.empty", title=profile(board).title, board=board, category=Category(category)))


def board_before(accepted: list[Snapshot], newer: Snapshot) -> Snapshot | None:
    """The accepted board just before `newer`, in publish order (a Hub benchmark, dated by its fetch, may change
    twice in one day: the same date, a later snapshot)."""
    earlier = [s for s in accepted if (s.as_of, s.id) < (newer.as_of, newer.id)]
    return earlier[-1] if earlier else None


def changes_between(store: Store, older: Snapshot, newer: Snapshot, *, top_n: int, min_move: int) -> ChangeSet:
    """The change set between two accepted snapshots of one board and category, renames followed through every
    board in between."""
    read = reader(store)
    old, new = read.rows(older), read.rows(newer)
    renamed = read.renames_between(older, newer)
    return detect_changes(
        old.rows,
        new.rows,
        board=newer.board,
        category=newer.category,
        from_date=older.as_of,
        to_date=newer.as_of,
        top_n=top_n,
        min_move=min_move,
        renamed=renamed,
    )
