"""A week of one board in one summary: the new #1s, the biggest movers, the debuts, and its top 5's histories.

What a weekly subscription is sent instead of one digest per change (`bot.chat.notify`). Plain Python over the
stored snapshots (no discord, no SQL): the week is every accepted board after the one the channel was last told
about, up to the newest. The new #1s are read board by board (a model that led for two days of the week counts);
movers and debuts compare the week's first and last boards, so a model that went down and back up has not moved.
Renames are followed by the board's rules, as digests and histories follow them (`changes_between`).

When a weekly digest is due is also decided here (`due_at`): the latest time at or before now that is the chosen
weekday at the chosen hour, in UTC, so a bot that was down at the hour sends it when it is back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from db.store import Snapshot, Store

from .changes import Event, changes_between
from .history import History, model_history
from .snapshots import reader

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as typed and as slash choices: syntax, in every language
MOVERS = 5  # the biggest movers shown
CHART_MODELS = 5  # the board's top this many, charted
CHART_WEEKS = 12  # how far back the chart goes: long enough to show a trend, short enough to read a week in it


def due_at(day: int, hour: int, now: datetime) -> datetime:
    """The latest moment at or before `now` that is weekday `day` (0 Monday) at `hour`:00 UTC."""
    now = now.astimezone(UTC)
    due = now.replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=(now.weekday() - day) % 7)
    return due if due <= now else due - timedelta(days=7)


@dataclass(frozen=True)
class NewLeader:
    date: str  # the board on which it took (or came to share) #1
    event: Event  # new_leader or shared_lead


@dataclass
class WeeklySummary:
    board: str
    category: str
    from_date: str | None  # the board the channel was last told about (None: none was held then)
    to_date: str  # the newest board
    snapshot_id: int  # the newest board's snapshot: what the channel has been told about once this is sent
    top_n: int
    boards: int  # how many new boards the week brought
    leaders: list[NewLeader] = field(default_factory=list)
    movers: list[Event] = field(default_factory=list)  # largest moves first
    debuts: list[Event] = field(default_factory=list)
    top: list[History] = field(default_factory=list)  # the newest board's top CHART_MODELS, best first

    @property
    def chart_since(self) -> str:
        """The first date the chart shows."""
        return (datetime.fromisoformat(self.to_date) - timedelta(weeks=CHART_WEEKS)).date().isoformat()


def weekly_summary(
    store: Store, told: Snapshot | None, newest: Snapshot, *, top_n: int = 10, min_move: int = 1
) -> WeeklySummary:
    """The week between `told` (the board last reported; None: the board standing a week before `newest`) and
    `newest`, with the thresholds of the subscription: movers and debuts within the top `top_n`, moves of at least
    `min_move` places."""
    read = reader(store)
    board, category = newest.board, newest.category
    timeline = read.accepted(board, category)
    if told is None:  # subscribed before the board had data: the week up to the newest board, not its years
        week_ago = (datetime.fromisoformat(newest.as_of) - timedelta(weeks=1)).date().isoformat()
        told = next((s for s in reversed(timeline) if s.as_of <= week_ago), None)
    after = (told.as_of, told.id) if told is not None else ("", 0)
    week = [s for s in timeline if after < (s.as_of, s.id) <= (newest.as_of, newest.id)]
    summary = WeeklySummary(
        board, category, told.as_of if told else None, newest.as_of, newest.id, top_n, boards=len(week)
    )
    previous = told
    for snapshot in week:
        if previous is not None:
            first = changes_between(store, previous, snapshot, top_n=1, min_move=1)
            summary.leaders += [
                NewLeader(snapshot.as_of, e) for e in first.events if e.type in ("new_leader", "shared_lead")
            ]
        previous = snapshot
    if told is not None and week:
        whole = changes_between(store, told, newest, top_n=top_n, min_move=min_move)
        moved = [e for e in whole.events if e.type == "moved"]
        summary.movers = sorted(moved, key=lambda e: (-abs(e.places), e.new_rank or 0, e.model))[:MOVERS]
        summary.debuts = [e for e in whole.events if e.type == "debut"]
    best = read.rows(newest).best
    summary.top = [model_history(store, board, category, key, until=newest.as_of) for key in list(best)[:CHART_MODELS]]
    return summary
