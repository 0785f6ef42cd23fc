"""Two snapshots of one board and category -> what changed that a person would care about.

Pure functions of the rows, so the same code serves the digest, `leaderbot changes` and the tests that replay the
39 LMArena boards of 2024. Also here: the sanity check that keeps a broken upstream publish from being announced.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from db.store import Store

EventType = Literal["new_leader", "debut", "entered", "left", "moved", "score"]

# Order of importance in a digest.
IMPORTANCE: dict[EventType, int] = {"new_leader": 0, "debut": 1, "entered": 2, "left": 3, "moved": 4, "score": 5}
# A score change worth telling: LMArena ratings are integers around 1,000-1,400; Open LLM averages are 0-100.
SCORE_STEP = {"arena": 10.0, "open-llm": 1.0}
SCORE_RANGE = {"arena": (100.0, 3000.0), "open-llm": (0.0, 100.0)}


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


def best_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """One row per model (its best rank): Open LLM lists some models once per precision."""
    best: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        key = str(row["model_key"])
        if key not in best or row["rank"] < best[key]["rank"]:
            best[key] = row
    return best


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
) -> ChangeSet:
    """Events between two snapshots, most important first.

    - new_leader: a model now ranked 1 that was not before (equal published ranks are ties, so several can lead);
    - debut: a model not on the old board at all, now in the top N;
    - entered / left: into or out of the top N (leaving includes being retired from the board);
    - moved: within the top N, by at least `min_move` published places (an unchanged rank is no move, however the
      ties around it shifted);
    - score: a top-N model whose score moved by at least `score_step` without changing rank.
    """
    new = best_rows(new_rows)
    old = follow_renames(best_rows(old_rows), new)
    step = score_step if score_step is not None else SCORE_STEP.get(board, 1.0)
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


def follow_renames(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    """The old board keyed as the new one names its models, where a model was renamed in this publish."""
    renamed = rename_pairs(old, new)
    return {renamed.get(k, k): row for k, row in old.items()}


def rename_pairs(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Old model key -> new model key, for each model renamed between two consecutive boards.

    LMArena renames models now and then ("Gemini-Advanced-0514" became "Gemini Advanced App (2024-05-14)",
    "Claude 3.5 Sonnet" became "Claude 3.5 Sonnet (20240620)"): the votes carry over, so a newcomer from the same
    organization with about the vanished name's votes and rating is that model, not a debut. A real debut starts
    with a fraction of a veteran's votes.
    """
    vanished = [k for k in old if k not in new]
    arrived = [k for k in new if k not in old]
    # Closest pairs first (rating, then votes), so two renames in one publish are not crossed.
    pairs = sorted((_distance(old[o], new[n]), o, n) for o in vanished for n in arrived if _same_model(old[o], new[n]))
    renamed: dict[str, str] = {}
    for _, old_key, new_key in pairs:
        if old_key not in renamed and new_key not in renamed.values():
            renamed[old_key] = new_key
    return renamed


def _distance(before: Mapping[str, Any], after: Mapping[str, Any]) -> float:
    votes = abs(after["votes"] - before["votes"]) / before["votes"]
    return abs(float(after["score"]) - float(before["score"])) + 100 * votes


def _same_model(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    votes_before, votes_after = before.get("votes"), after.get("votes")
    if not votes_before or not votes_after or before.get("organization") != after.get("organization"):
        return False
    # Votes are occasionally recounted down a little (55,661 -> 55,593 in one 2024 rename).
    return votes_after >= 0.9 * votes_before and abs(float(after["score"]) - float(before["score"])) <= 10


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""
    rule: Literal["", "empty", "scores", "size", "leaders"] = ""  # which check failed


def check_snapshot(
    old_rows: Iterable[Mapping[str, Any]] | None,
    new_rows: Iterable[Mapping[str, Any]],
    *,
    board: str,
    turnover_expected: bool = False,
) -> Verdict:
    """Does a new snapshot look like a real publish, or like a broken one we must not announce?

    Real boards shrink (LMArena once retired 15% of its rows in one publish) but never lose half their rows, all
    their leaders at once, or produce scores outside the board's range. `turnover_expected` (a long gap since the
    last accepted board) lets the leaders have changed completely.
    """
    new = best_rows(new_rows)
    if not new:
        return Verdict(False, "the new snapshot is empty", "empty")
    low, high = SCORE_RANGE.get(board, (-math.inf, math.inf))
    bad = [r["name"] for r in new.values() if not (low <= float(r["score"]) <= high) or math.isnan(float(r["score"]))]
    if bad:
        return Verdict(False, f"{len(bad)} score(s) outside {low:g}-{high:g}, e.g. {bad[0]}", "scores")
    if old_rows is None:
        return Verdict(True)
    old = best_rows(old_rows)
    if len(new) <= 0.5 * len(old):
        return Verdict(False, f"{len(new)} models, down from {len(old)}: more than half the board is gone", "size")
    leaders = [k for k, r in old.items() if int(r["rank"]) <= 3]
    still_there = [k for k in leaders if k in new]
    if leaders and not still_there and not turnover_expected:
        return Verdict(False, f"none of the previous top {len(leaders)} models is on the new board", "leaders")
    return Verdict(True)


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
    newer = store.latest_snapshot(board, category, on_or_before=to_date)
    if newer is None:
        raise NoChanges(f"no {board} {category} snapshot" + (f" on or before {to_date}" if to_date else ""))
    if from_date is not None and to_date is not None and from_date > to_date:
        raise NoChanges(f"--from {from_date} is after --to {to_date}: name the earlier date first")
    if from_date is None:
        earlier = [s for s in store.snapshots(board, category) if s.status == "ok" and s.as_of < newer.as_of]
        older = earlier[-1] if earlier else None
    else:
        older = store.latest_snapshot(board, category, on_or_before=from_date)
        if older is None:
            raise NoChanges(f"no {board} {category} snapshot on or before {from_date}")
    if older is None or older.id == newer.id:
        raise NoChanges(f"only one {board} {category} snapshot up to {newer.as_of}: nothing to compare it with")
    return detect_changes(
        store.entries(older.id),
        store.entries(newer.id),
        board=board,
        category=category,
        from_date=older.as_of,
        to_date=newer.as_of,
        top_n=top_n,
        min_move=min_move,
    )
