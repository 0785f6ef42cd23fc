"""The week's summary on the real 2024 Arena boards: new #1s board by board, biggest movers and debuts between the
week's first and last boards, within the subscription's thresholds; and when a weekly summary is due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.snapshots import reader
from bot.core.weekly import CHART_MODELS, due_at, weekly_summary
from db.store import Snapshot, Store


def board(store: Store, as_of: str) -> Snapshot:
    [found] = [s for s in reader(store).accepted("arena-raw", "overall") if s.as_of == as_of]
    return found


def test_a_week_of_two_new_leaders_its_movers_and_debuts(shared_store: Store) -> None:
    """2024-09-11 to 2024-09-19: ChatGPT-4o-latest takes #1 on the 17th, o1-preview on the 19th (with o1-mini)."""
    summary = weekly_summary(shared_store, board(shared_store, "2024-09-11"), board(shared_store, "2024-09-19"))
    assert (summary.from_date, summary.to_date, summary.boards) == ("2024-09-11", "2024-09-19", 2)
    assert [(n.date, n.event.type, n.event.model) for n in summary.leaders] == [
        ("2024-09-17", "new_leader", "ChatGPT-4o-latest (2024-09-03)"),
        ("2024-09-19", "new_leader", "o1-preview"),
    ]
    assert [(e.model, e.old_rank, e.new_rank) for e in summary.movers[:2]] == [
        ("Gemini-1.5-Pro-Exp-0827", 2, 4),
        ("Grok-2-08-13", 2, 4),
    ]
    assert all(abs(a.places) >= abs(b.places) for a, b in zip(summary.movers, summary.movers[1:], strict=False))
    assert [(e.model, e.new_rank) for e in summary.debuts] == [
        ("ChatGPT-4o-latest (2024-09-03)", 2),
        ("o1-mini", 2),
        ("Meta-Llama-3.1-405b-Instruct-bf16", 7),
    ]
    assert [h.model for h in summary.top][:3] == ["o1-preview", "ChatGPT-4o-latest (2024-09-03)", "o1-mini"]
    assert len(summary.top) == CHART_MODELS and all(h.points for h in summary.top)
    assert summary.top[0].points[-1].date == "2024-09-19"  # the histories reach the week's last board


def test_thresholds_keep_only_the_moves_and_debuts_asked_for(shared_store: Store) -> None:
    told, newest = board(shared_store, "2024-09-11"), board(shared_store, "2024-09-19")
    everything = weekly_summary(shared_store, told, newest)
    assert {abs(e.places) for e in everything.movers} == {2}  # the week's biggest moves are of 2 places
    assert weekly_summary(shared_store, told, newest, min_move=3).movers == []
    small = weekly_summary(shared_store, board(shared_store, "2024-11-21"), board(shared_store, "2024-11-23"))
    assert small.movers and {abs(e.places) for e in small.movers} == {1}  # a week of 1-place moves
    quiet = weekly_summary(
        shared_store, board(shared_store, "2024-11-21"), board(shared_store, "2024-11-23"), min_move=2
    )
    assert quiet.movers == []
    top3 = weekly_summary(shared_store, told, newest, top_n=3)
    assert [e.model for e in top3.debuts] == ["ChatGPT-4o-latest (2024-09-03)", "o1-mini"]
    assert all(e.new_rank <= 3 and e.old_rank <= 3 for e in top3.movers)  # type: ignore[operator]
    assert top3.leaders == everything.leaders  # a new #1 is always in the top


def test_a_week_without_a_new_board_has_nothing_and_a_first_week_is_the_last_seven_days(shared_store: Store) -> None:
    last = board(shared_store, "2024-12-31")
    same = weekly_summary(shared_store, last, last)
    assert (same.boards, same.leaders, same.movers, same.debuts) == (0, [], [], [])
    first = weekly_summary(shared_store, None, last)  # nothing told yet: the week up to the newest board
    assert (first.from_date, first.boards) == ("2024-12-23", 1)  # the board standing a week before, not the year
    assert first.movers and first.top


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 7, 8, 59, tzinfo=UTC), datetime(2026, 11, 30, 9, tzinfo=UTC)),  # Monday, before 09:00
        (datetime(2026, 12, 7, 9, 0, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC)),  # Monday, 09:00 sharp
        (datetime(2026, 12, 13, 23, 59, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC)),  # the Sunday after
        (datetime(2026, 12, 14, 9, 30, tzinfo=UTC), datetime(2026, 12, 14, 9, tzinfo=UTC)),  # the next Monday
    ],
)
def test_a_weekly_summary_is_due_from_its_weekday_and_hour_on(now: datetime, due: datetime) -> None:
    assert due_at(0, 9, now) == due
