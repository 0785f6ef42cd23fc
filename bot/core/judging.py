"""Is a new publish a real board or a broken one? The sanity check and the policy for accepting boards, together.

A snapshot that looks broken next to the last accepted one is stored as 'rejected': kept for the record, never
answered from or announced; one identical to it but for its date (upstream republishes unchanged boards) is not
stored at all. Real boards shrink (LMArena once retired 15% of its rows in one publish) but never lose
half their rows, all their leaders at once, or produce scores outside the board's range (its profile says which).
Two things are no sign of breakage: new leaders after a long gap (`TURNOVER_DAYS` without an accepted board), and
new leaders twice in a row (the board has turned over). `leaderbot accept` overrules the check by hand.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from db.store import Store

from ..profiles import Schema, profile
from .snapshots import reader

log = logging.getLogger(__name__)

TURNOVER_DAYS = 60  # after this long without an accepted board, the old leaders may all have retired
LEADERS = 3  # a board that loses all of its top 3 at once is suspect
SHRINK = 0.5  # ... and one that keeps half its models or fewer


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""
    rule: Literal["", "empty", "scores", "size", "leaders"] = ""  # which check failed


class Outline:
    """What the sanity check reads of a board: each model's best rank, and every row's name and score. Built from
    an incoming board's columns without copying them, or from stored rows."""

    def __init__(
        self, keys: Sequence[str], names: Sequence[str], ranks: Sequence[int], scores: Sequence[float]
    ) -> None:
        self.names, self.scores = names, scores
        best = dict(zip(keys, ranks, strict=True))
        if len(best) < len(keys):  # a model listed more than once (Open LLM: one row per precision): its best rank
            best = {}
            for key, rank in zip(keys, ranks, strict=True):
                best[key] = min(rank, best.get(key, rank))
        self.best = best

    @classmethod
    def of_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Outline:
        rows = list(rows)
        return cls([r["model_key"] for r in rows], [r["name"] for r in rows], [r["rank"] for r in rows],
                   [r["score"] for r in rows])  # fmt: skip

    @classmethod
    def of_columns(cls, columns: Mapping[str, Sequence[Any]]) -> Outline:
        return cls(columns["model_key"], columns["name"], columns["rank"], columns["score"])


def check_snapshot(
    old_rows: Iterable[Mapping[str, Any]] | None,
    new_rows: Iterable[Mapping[str, Any]],
    *,
    board: str,
    turnover_expected: bool = False,
) -> Verdict:
    """Does a new snapshot look like a real publish next to the last accepted one (None: the board's first)?"""
    old = None if old_rows is None else Outline.of_rows(old_rows)
    return check_outline(old, Outline.of_rows(new_rows), board=board, turnover_expected=turnover_expected)


def check_outline(old: Outline | None, new: Outline, *, board: str, turnover_expected: bool = False) -> Verdict:
    if not new.best:
        return Verdict(False, "the new snapshot is empty", "empty")
    low, high = profile(board).score_range
    scores = new.scores
    if not (low <= min(scores) and max(scores) <= high) or math.isnan(sum(scores)):  # NaN anywhere makes the sum NaN
        bad = [n for n, x in zip(new.names, scores, strict=True) if not (low <= x <= high) or math.isnan(x)]
        return Verdict(False, f"{len(bad)} score(s) outside {low:g}-{high:g}, e.g. {bad[0]}", "scores")
    if old is None:
        return Verdict(True)
    if len(new.best) <= SHRINK * len(old.best):
        return Verdict(
            False, f"{len(new.best)} models, down from {len(old.best)}: more than half the board is gone", "size"
        )
    leaders = [k for k, rank in old.best.items() if rank <= LEADERS]
    if leaders and not any(k in new.best for k in leaders) and not turnover_expected:
        return Verdict(False, f"none of the previous top {len(leaders)} models is on the new board", "leaders")
    return Verdict(True)


class Judged(Protocol):
    """What judging reads and marks of an incoming snapshot (`bot.sources.SnapshotData`)."""

    board: str
    category: str
    as_of: str
    columns: dict[str, list[Any]]
    status: str

    def __len__(self) -> int: ...


# What makes two publishes the same board, whatever their dates, by the columns a board is published in.
_SAME_BOARD = {
    Schema.BRADLEY_TERRY: ("model_key", "name", "score", "rating_lower", "rating_upper", "votes"),
    Schema.AGENT: ("model_key", "name", "score", "rating_lower", "rating_upper", "observations", "sessions"),
    Schema.OPEN_LLM: ("model_key", "name", "eval_name", "score"),
    Schema.HUB: ("model_key", "name", "rank", "score", "verified", "pull_request"),
}


def _fingerprint(board: str, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The board as what makes it that board, whatever its date (the store leaves empty columns out)."""
    keys = _SAME_BOARD[profile(board).upstream.schema]
    return sorted(tuple(row.get(k) for k in keys) for row in rows)


def _incoming_fingerprint(data: Judged) -> list[tuple[Any, ...]]:
    keys = _SAME_BOARD[profile(data.board).upstream.schema]
    empty = [None] * len(data)
    return sorted(zip(*(data.columns.get(k, empty) for k in keys), strict=True))


class Judge:
    """The acceptance policy, one incoming snapshot at a time in date order (an import may stream thousands):
    each is judged against the last accepted board before it, stored or earlier in the same import."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.read = reader(store)
        # the last accepted board of each (board, category): its date, outline, and what makes it that board
        self.previous: dict[tuple[str, str], tuple[str, Outline | None, list[tuple[Any, ...]]]] = {}
        self.held: dict[tuple[str, str], Outline] = {}  # the newest rejected since then

    def __call__(self, data: Judged) -> Literal["ok", "rejected", "republished"]:
        """'republished' for a board identical to the last accepted one but for its date (nothing new to store);
        otherwise marks `data.status` 'rejected' when it looks broken."""
        key = (data.board, data.category)
        if key not in self.previous:
            self._load(data)
        as_of, before, fingerprint = self.previous[key]
        new_fingerprint = _incoming_fingerprint(data)
        if before is not None and fingerprint == new_fingerprint:
            return "republished"
        outline = Outline.of_columns(data.columns)
        gap = (date.fromisoformat(data.as_of) - date.fromisoformat(as_of)).days
        verdict = check_outline(before, outline, board=data.board, turnover_expected=gap > TURNOVER_DAYS)
        if verdict.rule == "leaders" and key in self.held:
            # New leaders twice in a row: the board has turned over; it is no glitch. (Half a board or impossible
            # scores stay rejected however often they come.)
            again = check_outline(self.held[key], outline, board=data.board)
            if again.ok:
                log.warning("%s %s %s accepted: it agrees with the previous publish, which was held back (%s)",
                            data.board, data.category, data.as_of, verdict.reason)  # fmt: skip
                verdict = again
        if verdict.ok:
            self.previous[key] = (data.as_of, outline, new_fingerprint)
            self.held.pop(key, None)
            return "ok"
        data.status = "rejected"
        self.held[key] = outline
        log.warning(
            "%s %s %s looks broken, stored as rejected: %s", data.board, data.category, data.as_of, verdict.reason
        )
        return "rejected"

    def _load(self, data: Judged) -> None:
        key = (data.board, data.category)
        before = self.read.latest(data.board, data.category, on_or_before=data.as_of)
        rows = list(self.read.rows(before).rows) if before else []
        outline = Outline.of_rows(rows) if before else None
        self.previous[key] = (before.as_of if before else data.as_of, outline, _fingerprint(data.board, rows))
        since = [
            s for s in self.store.snapshots(data.board, data.category)
            if s.status == "rejected" and (before is None or s.as_of > before.as_of) and s.as_of <= data.as_of
        ]  # fmt: skip
        if since:
            self.held[key] = Outline.of_rows(self.read.rows(since[-1]).rows)


def judge_snapshots(store: Store, snapshots: Sequence[Judged]) -> tuple[list[Judged], int]:
    """The snapshots of one import worth storing, oldest first (broken ones marked rejected), and how many were
    republications of the board before them."""
    judge = Judge(store)
    kept, republished = [], 0
    for data in sorted(snapshots, key=lambda d: d.as_of):
        if judge(data) == "republished":
            republished += 1
        else:
            kept.append(data)
    return kept, republished
