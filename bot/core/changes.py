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
from .renames import rename_links
from .snapshots import first_per_model, reader

EventType = Literal["new_leader", "debut", "entered", "left", "moved", "score"]

# Order of importance in a digest.
IMPORTANCE: dict[EventType, int] = {"new_leader": 0, "debut": 1, "entered": 2, "left": 3, "moved": 4, "score": 5}


@dataclass(frozen=True)
class Event:
    type: EventType
    model: str
    old_rank: int | None
    new_rank: int | None
    old_score: float | None
    new_score: float | None

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
            "events": [asdict(e) for e in self.events],
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
    """Events between two snapshots, most important first.

    - new_leader: a model now ranked 1 that was not before (equal published ranks are ties, so several can lead);
    - debut: a model not on the old board at all, now in the top N;
    - entered / left: into or out of the top N (leaving includes being retired from the board);
    - moved: within the top N, by at least `min_move` published places (an unchanged rank is no move, however the
      ties around it shifted);
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
    old = {renamed.get(k, k): row for k, row in old.items()}
    step = score_step if score_step is not None else board_profile.notable_step
    events: list[Event] = []
    for key, row in new.items():
        rank, score = int(row["rank"]), float(row["score"])
        before = old.get(key)
        if before is None:
            if rank <= top_n:
                kind: EventType = "new_leader" if rank == 1 else "debut"
                events.append(Event(kind, row["name"], None, rank, None, score))
            continue
        old_rank, old_score = int(before["rank"]), float(before["score"])
        if rank == 1 and old_rank != 1:
            events.append(Event("new_leader", row["name"], old_rank, rank, old_score, score))
        elif rank <= top_n < old_rank:
            events.append(Event("entered", row["name"], old_rank, rank, old_score, score))
        elif rank <= top_n and old_rank <= top_n and abs(old_rank - rank) >= min_move:
            events.append(Event("moved", row["name"], old_rank, rank, old_score, score))
        elif rank <= top_n and rank == old_rank and abs(score - old_score) >= step:
            events.append(Event("score", row["name"], old_rank, rank, old_score, score))
    for key, before in old.items():
        old_rank = int(before["rank"])
        if old_rank > top_n:
            continue
        row = new.get(key)
        if row is None or int(row["rank"]) > top_n:
            events.append(
                Event(
                    "left",
                    before["name"] if row is None else row["name"],
                    old_rank,
                    None if row is None else int(row["rank"]),
                    float(before["score"]),
                    None if row is None else float(row["score"]),
                )
            )
    events.sort(key=lambda e: (IMPORTANCE[e.type], -abs(e.places), e.new_rank or e.old_rank or 0, e.model))
    return ChangeSet(board, category, from_date, to_date, top_n, events)


class NoChanges(LookupError):
    """Fewer than two snapshots to compare; the message says what is there."""


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
        raise NoChanges(f"no {board} {category} snapshot" + (f" on or before {to_date}" if to_date else ""))
    if from_date is not None and to_date is not None and from_date > to_date:
        raise NoChanges(f"--from {from_date} is after --to {to_date}: name the earlier date first")
    if from_date is None:
        earlier = [s for s in read.accepted(board, category) if s.as_of < newer.as_of]
        older = earlier[-1] if earlier else None
    else:
        older = read.latest(board, category, on_or_before=from_date)
        if older is None:
            raise NoChanges(f"no {board} {category} snapshot on or before {from_date}")
    if older is None or older.id == newer.id:
        raise NoChanges(f"only one {board} {category} snapshot up to {newer.as_of}: nothing to compare it with")
    return changes_between(store, older, newer, top_n=top_n, min_move=min_move)


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
