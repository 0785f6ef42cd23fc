"""Is a new publish a real board or a broken one? The sanity check and the policy for accepting boards, together.

A snapshot that looks broken next to the last accepted one is stored as 'rejected': kept for the record, never
answered from or announced. Real boards shrink (LMArena once retired 15% of its rows in one publish) but never lose
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

from ..profiles import profile
from .snapshots import first_per_model, reader

log = logging.getLogger(__name__)

TURNOVER_DAYS = 60  # after this long without an accepted board, the old leaders may all have retired
LEADERS = 3  # a board that loses all of its top 3 at once is suspect
SHRINK = 0.5  # ... and one that keeps half its models or fewer


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
    """Does a new snapshot look like a real publish next to the last accepted one (None: the board's first)?"""
    new = first_per_model(sorted(new_rows, key=lambda r: r["rank"]))
    if not new:
        return Verdict(False, "the new snapshot is empty", "empty")
    low, high = profile(board).score_range
    bad = [r["name"] for r in new.values() if not (low <= float(r["score"]) <= high) or math.isnan(float(r["score"]))]
    if bad:
        return Verdict(False, f"{len(bad)} score(s) outside {low:g}-{high:g}, e.g. {bad[0]}", "scores")
    if old_rows is None:
        return Verdict(True)
    old = first_per_model(sorted(old_rows, key=lambda r: r["rank"]))
    if len(new) <= SHRINK * len(old):
        return Verdict(False, f"{len(new)} models, down from {len(old)}: more than half the board is gone", "size")
    leaders = [k for k, r in old.items() if int(r["rank"]) <= LEADERS]
    if leaders and not any(k in new for k in leaders) and not turnover_expected:
        return Verdict(False, f"none of the previous top {len(leaders)} models is on the new board", "leaders")
    return Verdict(True)


class Judged(Protocol):
    """What judging reads and marks of an incoming snapshot (`bot.sources.SnapshotData`)."""

    board: str
    category: str
    as_of: str
    rows: list[dict[str, Any]]
    status: str


def judge_snapshots(store: Store, snapshots: Sequence[Judged]) -> None:
    """Mark each incoming snapshot that looks broken next to the one before it as rejected, oldest first, each
    judged against the last accepted board before it (stored or in this same import)."""
    read = reader(store)
    previous: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # category -> (date, rows) of the last accepted
    rejected: dict[str, list[dict[str, Any]]] = {}  # category -> rows of the newest rejected since then
    for data in sorted(snapshots, key=lambda d: d.as_of):
        if data.category not in previous:
            before = read.latest(data.board, data.category, on_or_before=data.as_of)
            previous[data.category] = (before.as_of, list(read.rows(before).rows)) if before else (data.as_of, [])
            since = [
                s for s in store.snapshots(data.board, data.category)
                if s.status == "rejected" and (before is None or s.as_of > before.as_of) and s.as_of <= data.as_of
            ]  # fmt: skip
            if since:
                rejected[data.category] = list(read.rows(since[-1]).rows)
        as_of, rows = previous[data.category]
        gap = (date.fromisoformat(data.as_of) - date.fromisoformat(as_of)).days
        verdict = check_snapshot(rows or None, data.rows, board=data.board, turnover_expected=gap > TURNOVER_DAYS)
        if verdict.rule == "leaders" and data.category in rejected:
            # New leaders twice in a row: the board has turned over; it is no glitch. (Half a board or impossible
            # scores stay rejected however often they come.)
            again = check_snapshot(rejected[data.category], data.rows, board=data.board)
            if again.ok:
                log.warning("%s %s %s accepted: it agrees with the previous publish, which was held back (%s)",
                            data.board, data.category, data.as_of, verdict.reason)  # fmt: skip
                verdict = again
        if verdict.ok:
            previous[data.category] = (data.as_of, data.rows)
            rejected.pop(data.category, None)
        else:
            data.status = "rejected"
            rejected[data.category] = data.rows
            log.warning(
                "%s %s %s looks broken, stored as rejected: %s", data.board, data.category, data.as_of, verdict.reason
            )
