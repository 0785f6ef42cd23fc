"""What changed for the models people watch: given the watches of a board and two of its snapshots, each watch's
change (moved, entered or left the board, renamed), with the board, old and new rank, score and interval.

Plain Python over the store's rows, no Discord: the DM sender (`bot.chat.watches`) groups the changes per person and
renders them. Renames are followed with the same rules and inputs a digest and a history use
(`SnapshotReader.renames_between`, the board's `bot.core.renames` rules through every board in between), so a
watched model that is renamed is still the watched model, and its watch moves to the new identity.

The work per watch is a few dictionary look-ups: what two snapshots have in common (rows by model, the renames) is
worked out once per pair of snapshots (`BoardStep`) and shared by every watch of that board and category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from db.store import Snapshot, Store, Watch

from .snapshots import SnapshotReader, reader

WatchEvent = Literal["renamed", "entered", "left", "moved"]
ORDER: dict[WatchEvent, int] = {"renamed": 0, "entered": 1, "left": 2, "moved": 3}


@dataclass(frozen=True)
class Standing:
    """Where a model stands on one snapshot: rank, score and, where the board gives one, its interval."""

    rank: int
    score: float
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class WatchedChange:
    watch_id: int
    type: WatchEvent
    board: str
    category: str
    model: str  # its name on the newer board (on the older one when it left)
    from_date: str
    to_date: str
    before: Standing | None  # None: it was not on the older board
    after: Standing | None  # None: it is not on the newer board
    old_model: str | None = None  # its name before a rename

    @property
    def places(self) -> int:
        """Places gained (positive) or lost; 0 unless it was on both boards."""
        if self.before is None or self.after is None:
            return 0
        return self.before.rank - self.after.rank


@dataclass(frozen=True)
class Pending:
    """What one watch is owed: the snapshot it comes up to, its model's key there, and the change worth telling
    (None: nothing its thresholds let through)."""

    watch: Watch
    snapshot_id: int
    model_key: str
    change: WatchedChange | None


def standing(row: Mapping[str, Any]) -> Standing:
    lower, upper = row.get("rating_lower"), row.get("rating_upper")
    return Standing(int(row["rank"]), float(row["score"]), None if lower is None else float(lower),
                    None if upper is None else float(upper))  # fmt: skip


class BoardStep:
    """Two accepted snapshots of one board and category, indexed for watches: each model's best row on both, and
    the renames between them."""

    def __init__(
        self,
        older: Snapshot,
        newer: Snapshot,
        old_rows: Mapping[str, Mapping[str, Any]],
        new_rows: Mapping[str, Mapping[str, Any]],
        renamed: Mapping[str, str],
    ) -> None:
        self.older, self.newer = older, newer
        self.old, self.new, self.renamed = old_rows, new_rows, renamed

    def change(self, watch: Watch) -> Pending:
        """The watch's change between the two snapshots, as its thresholds let it through: `top` keeps changes
        that touch the top N (on either board), `moves` keeps moves of at least N places; entering or leaving the
        board and a rename are not moves, so only `top` applies to them."""
        key = watch.model_key
        new_key = self.renamed.get(key, key)
        before_row, after_row = self.old.get(key), self.new.get(new_key)
        pending = Pending(watch, self.newer.id, new_key, None)
        if before_row is None and after_row is None:
            return pending
        before = None if before_row is None else standing(before_row)
        after = None if after_row is None else standing(after_row)
        kind: WatchEvent | None
        if before is None:
            kind = "entered"
        elif after is None:
            kind = "left"
        elif new_key != key:
            kind = "renamed"
        elif after.rank != before.rank and abs(before.rank - after.rank) >= watch.min_move:
            kind = "moved"
        else:
            kind = None
        best = min(s.rank for s in (before, after) if s is not None)
        if kind is None or (watch.top_n is not None and best > watch.top_n):
            return pending
        row = after_row if after_row is not None else before_row
        assert row is not None
        change = WatchedChange(
            watch.id,
            kind,
            watch.board,
            watch.category,
            str(row["name"]),
            self.older.as_of,
            self.newer.as_of,
            before,
            after,
            str(before_row["name"]) if kind == "renamed" and before_row is not None else None,
        )
        return Pending(watch, self.newer.id, new_key, change)


class WatchSteps:
    """The board steps of one announcement, each built once: every watch of a board and category that was told
    about the same snapshot shares one."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.read: SnapshotReader = reader(store)
        self._newest: dict[tuple[str, str], Snapshot | None] = {}
        self._steps: dict[tuple[int, int], BoardStep | None] = {}

    def newest(self, board: str, category: str) -> Snapshot | None:
        key = (board, category)
        if key not in self._newest:
            self._newest[key] = self.read.latest(board, category)
        return self._newest[key]

    def step(self, told_id: int, newer: Snapshot) -> BoardStep | None:
        """The step from the snapshot a watch was told about to the newest one; None when that one is gone or is
        not older (a Hub benchmark may change twice in a day: ordered by date, then id)."""
        key = (told_id, newer.id)
        if key not in self._steps:
            older = self.store.snapshot(told_id)
            if older is None or (older.as_of, older.id) >= (newer.as_of, newer.id):
                self._steps[key] = None
            else:
                old, new = self.read.rows(older), self.read.rows(newer)
                self._steps[key] = BoardStep(older, newer, old.best, new.best, self.read.renames_between(older, newer))
        return self._steps[key]

    def pending(self, watch: Watch) -> Pending | None:
        """What the watch is owed now: None when it is up to date (or its board holds nothing yet)."""
        newer = self.newest(watch.board, watch.category)
        if newer is None or newer.id == watch.last_snapshot_id:
            return None
        if watch.last_snapshot_id is None:  # made before the board had data: what is on it now is the start
            return Pending(watch, newer.id, watch.model_key, None)
        step = self.step(watch.last_snapshot_id, newer)
        return None if step is None else step.change(watch)


def sorted_changes(changes: list[WatchedChange]) -> list[WatchedChange]:
    """A person's changes in the order an update tells them: by board, then renames, arrivals and exits before
    moves, the biggest move first."""
    return sorted(changes, key=lambda c: (c.board, c.category, ORDER[c.type], -abs(c.places), c.model))


def age_days(as_of: str, today: date) -> int:
    return max(0, (today - date.fromisoformat(as_of)).days)
