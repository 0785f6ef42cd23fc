"""The store's live boards and weekly columns: one live board per channel, board and category; a removed snapshot
leaves the message to be brought up to date (never a failed delete); a stop is told once; a weekly schedule is a
day and an hour together."""

from __future__ import annotations

import pytest

from db.schema import LATEST, migrations
from db.store import Store, StoreError

pytestmark = pytest.mark.both_engines


def test_the_live_and_weekly_migration_is_applied(store: Store) -> None:
    assert "live_and_weekly" in [name for _, name, _ in migrations()] and store.schema_version == LATEST


def test_one_live_board_per_channel_board_and_category_and_a_removed_snapshot_unsets_it(store: Store) -> None:
    newest = store.latest_snapshot("arena-raw", "overall")
    assert newest is not None
    first = store.start_live(1, 10, "arena-raw", "overall", count=10, message_id=100, snapshot_id=newest.id, now="t0")
    again = store.start_live(1, 10, "arena-raw", "overall", count=5, message_id=101, snapshot_id=newest.id, now="t1")
    assert again.id == first.id and (again.count, again.message_id) == (5, 101)
    store.begin_live_edit(first.id, newest.id)
    assert store.live_boards()[0].editing_snapshot_id == newest.id
    store.remove_snapshot(newest.id)
    [live] = store.live_boards()
    assert (live.snapshot_id, live.editing_snapshot_id) == (None, None)  # edited at the next board, not lost


def test_a_stopped_live_board_is_told_once_and_stop_removes_it(store: Store) -> None:
    live = store.start_live(1, 10, "arena-raw", "overall", count=10, message_id=100, snapshot_id=None, now="t0")
    store.disable_live(live.id, "admin.reason_deleted")
    assert [b.disabled_reason for b in store.take_disabled_live_notices(1)] == ["admin.reason_deleted"]
    assert store.take_disabled_live_notices(1) == []
    assert [b.id for b in store.stop_live(10, "arena-raw")] == [live.id] and store.live_boards() == []


def test_a_weekly_schedule_is_a_day_and_an_hour_and_its_delivery_is_recorded(store: Store) -> None:
    s = store.subscribe(1, 10, "arena-raw", "overall")
    with pytest.raises(StoreError):
        store.set_weekly(s.id, 0, None, None)
    with pytest.raises(StoreError):
        store.set_weekly(s.id, 7, 9, None)
    store.set_weekly(s.id, 0, 9, "2026-12-07T09:00:00+00:00")
    [s] = store.subscriptions()
    assert (s.weekly, s.weekly_day, s.weekly_hour, s.weekly_done) == (True, 0, 9, "2026-12-07T09:00:00+00:00")
    told = s.last_snapshot_id
    store.begin_weekly(s.id, told, "2026-12-14T09:00:00+00:00", after_id=5)  # type: ignore[arg-type]
    store.mark_weekly(s.id, "2026-12-14T09:00:00+00:00", None, 77)  # nothing new: the snapshot told stays
    [s] = store.subscriptions()
    assert (s.weekly_done, s.weekly_sending, s.sending_snapshot_id) == ("2026-12-14T09:00:00+00:00", None, None)
    assert (s.last_snapshot_id, s.last_message_id) == (told, 77)
    store.set_weekly(s.id, None, None, "ignored")
    assert not store.subscriptions()[0].weekly and store.subscriptions()[0].weekly_done is None
