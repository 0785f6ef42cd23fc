"""The store's watches: kept by model identity, one per model and category, their delivery bookkeeping (intent
before the send, the move forward after), pausing and resuming, and a rejected board forgotten."""

from __future__ import annotations

import pytest

from db.store import Store, StoreError

BOARD = "arena-raw"


def test_a_watch_starts_at_the_latest_board_and_is_updated_not_doubled(store: Store) -> None:
    latest = store.latest_snapshot(BOARD, "overall")
    watch = store.watch(7, BOARD, "overall", "deepseek-v3")
    assert (watch.model_key, watch.model_name, watch.last_snapshot_id) == ("deepseek-v3", "DeepSeek-V3", latest.id)  # type: ignore[union-attr]
    again = store.watch(7, BOARD, "overall", "deepseek-v3", top_n=10, min_move=3)
    assert (again.id, again.top_n, again.min_move) == (watch.id, 10, 3)
    assert store.count_watches(7) == 1 and store.count_watches(7, to_channel=True) == 0
    channel = store.watch(7, BOARD, "overall", "deepseek-v3", to_channel=True)  # the same id as a channel's
    assert channel.id != watch.id and channel.to_channel
    assert [w.id for w in store.watches(boards=[BOARD])] == [watch.id, channel.id]
    assert store.watches(boards=["open-llm"]) == [] and store.watches(boards=[]) == []


def test_a_model_the_board_never_held_and_bad_thresholds_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no model"):
        store.watch(7, BOARD, "overall", "no such model")
    with pytest.raises(StoreError):
        store.watch(7, BOARD, "overall", "deepseek-v3", top_n=0)
    with pytest.raises(StoreError):
        store.watch(7, BOARD, "overall", "deepseek-v3", min_move=101)
    assert store.watches() == []


def test_a_delivery_moves_its_watches_forward_only_when_sent(store: Store) -> None:
    boards = store.snapshots(BOARD, "overall")
    watch = store.watch(7, BOARD, "overall", "claude 3.5 sonnet")
    other = store.watch(8, BOARD, "overall", "deepseek-v3")
    store.advance_watches([(watch.id, boards[24].id, watch.model_id)])
    store.note_watcher(7, 100, language="th", channel_id=5)
    store.note_watcher(8, 100)
    renamed = store.model_ids(BOARD, ["claude 3.5 sonnet (20240620)"])["claude 3.5 sonnet (20240620)"]
    seven, eight = store.watchers()[(7, False)], store.watchers()[(8, False)]
    assert (seven.guild_id, seven.language, seven.last_channel_id, seven.sending) == (100, "th", 5, False)
    intents = [(seven, [(watch.id, boards[25].id, renamed)]), (eight, [(other.id, boards[-1].id, other.model_id)])]
    assert store.begin_watch_deliveries(intents) == {(7, False): 1, (8, False): 1}  # in one write
    seven = store.watchers([(7, False)])[(7, False)]
    assert (seven.sending, seven.sending_after_id, seven.deliveries) == (True, None, 1)
    store.finish_watch_deliveries([(seven, None, False), (eight, 99, True)])  # seven's never went out
    [kept] = store.watches(recipient_id=7)
    assert (kept.last_snapshot_id, kept.model_key, kept.sending_snapshot_id) == (boards[24].id, "claude 3.5 sonnet",
                                                                                  None)  # fmt: skip
    assert store.watchers()[(8, False)].last_message_id == 99
    assert store.begin_watch_deliveries(intents[:1]) == {(7, False): 2}  # a new marker
    store.finish_watch_deliveries([(seven, 1234, True)])
    [moved] = store.watches(recipient_id=7)
    assert (moved.last_snapshot_id, moved.model_key) == (boards[25].id, "claude 3.5 sonnet (20240620)")
    seven = store.watchers()[(7, False)]
    assert (seven.sending, seven.last_message_id) == (False, 1234)
    store.begin_watch_deliveries([(seven, [])])  # the next one looks back as far as the last update sent
    assert store.watchers()[(7, False)].sending_after_id == 1234


def test_a_paused_watcher_is_resumed_by_the_next_watch_command(store: Store) -> None:
    assert store.note_watcher(7, 100) is False
    store.pause_watcher(store.watchers()[(7, False)])
    assert store.watchers()[(7, False)].paused
    assert store.note_watcher(7, 200, channel_id=9) is True  # was paused: now on again, from the other server
    watcher = store.watchers()[(7, False)]
    assert (watcher.paused, watcher.guild_id, watcher.last_channel_id) == (False, 200, 9)


def test_a_rejected_board_sends_its_watches_back_to_the_one_before(store: Store) -> None:
    boards = store.snapshots(BOARD, "overall")
    watch = store.watch(7, BOARD, "overall", "deepseek-v3")
    store.reject_snapshot(boards[-1].id)
    [back] = store.watches()
    assert back.id == watch.id and back.last_snapshot_id == boards[-2].id
    store.remove_snapshot(boards[-1].id)  # no watch refers to it any more: the delete goes through
    assert store.watches()[0].last_snapshot_id == boards[-2].id


def test_unwatch_removes_only_the_recipients_own(store: Store) -> None:
    mine = store.watch(7, BOARD, "overall", "deepseek-v3")
    theirs = store.watch(8, BOARD, "overall", "deepseek-v3")
    assert store.unwatch(7, [theirs.id]) == 0
    assert store.unwatch(7, [mine.id]) == 1
    assert store.unwatch(7, []) == 0
    assert [w.id for w in store.watches()] == [theirs.id]


def test_a_removed_board_sends_its_watches_and_subscriptions_back_to_the_accepted_one_before(store: Store) -> None:
    """The board gone back to is the accepted one before the removed one by date, never the removed one itself."""
    boards = store.snapshots(BOARD, "overall")
    store.watch(7, BOARD, "overall", "deepseek-v3")
    subscription = store.subscribe(1, 10, BOARD, "overall")
    store.mark_announced(subscription.id, boards[-1].id)
    store.remove_snapshot(boards[-1].id)
    assert store.watches()[0].last_snapshot_id == boards[-2].id
    assert store.subscriptions()[0].last_snapshot_id == boards[-2].id
