"""Watched changes (`bot.core.watches`) on the real 2024 LMArena boards of the seeded store: a watch's move, its
model leaving the board, a real rename followed (through the boards in between, too), and the thresholds."""

from __future__ import annotations

import pytest

from bot.core.watches import Standing, WatchSteps, sorted_changes
from db.store import Store, Watch

BOARD = "arena-raw"


def told_at(store: Store, key: str, as_of: str, *, top_n: int | None = None, min_move: int = 1) -> Watch:
    """A member's watch of `key` that was last told about the board of `as_of`."""
    watch = store.watch(42, BOARD, "overall", key, top_n=top_n, min_move=min_move)
    [told] = [s for s in store.snapshots(BOARD, "overall") if s.as_of == as_of]
    store.advance_watches([(watch.id, told.id, watch.model_id)])
    [again] = [w for w in store.watches(recipient_id=42) if w.id == watch.id]
    return again


def newest_is(store: Store, as_of: str) -> WatchSteps:
    """Steps up to the board of `as_of`, as if it were the newest (the later ones are rejected)."""
    for s in store.snapshots(BOARD, "overall"):
        if s.as_of > as_of:
            store.reject_snapshot(s.id)
    return WatchSteps(store)


def test_a_move_says_the_board_both_ranks_scores_and_intervals(store: Store) -> None:
    watch = told_at(store, "qwen2.5-72b-instruct", "2024-10-24")
    pending = newest_is(store, "2024-10-29").pending(watch)
    assert pending is not None and pending.change is not None
    change = pending.change
    assert (change.type, change.model, change.board, change.category) == ("moved", "Qwen2.5-72b-Instruct", BOARD,
                                                                          "overall")  # fmt: skip
    assert (change.from_date, change.to_date, change.places) == ("2024-10-24", "2024-10-29", -5)
    assert change.before == Standing(14, 1259.0, 1254.0, 1265.0)
    assert change.after is not None and change.after.rank == 19 and change.after.lower is not None


def test_a_real_rename_keeps_the_watch_and_moves_it_to_the_new_name(store: Store) -> None:
    watch = told_at(store, "claude 3.5 sonnet", "2024-10-24")
    pending = newest_is(store, "2024-10-29").pending(watch)
    assert pending is not None and pending.change is not None
    assert pending.model_key == "claude 3.5 sonnet (20240620)"  # the dated name, not the (20241022) one
    change = pending.change
    assert (change.type, change.old_model, change.model) == ("renamed", "Claude 3.5 Sonnet",
                                                             "Claude 3.5 Sonnet (20240620)")  # fmt: skip
    assert (change.before.rank, change.after.rank) == (10, 11)  # type: ignore[union-attr]


def test_a_rename_is_followed_through_every_board_in_between(store: Store) -> None:
    watch = told_at(store, "claude 3.5 sonnet", "2024-10-08")  # three boards before the rename
    pending = WatchSteps(store).pending(watch)  # up to the newest, 2024-12-31
    assert pending is not None and pending.change is not None
    assert pending.model_key == "claude 3.5 sonnet (20240620)"
    assert (pending.change.type, pending.change.to_date) == ("renamed", "2024-12-31")


def test_a_model_that_leaves_the_board_is_told(store: Store) -> None:
    watch = told_at(store, "chatgpt-4o-latest (2024-09-03)", "2024-11-15")
    pending = newest_is(store, "2024-11-21").pending(watch)
    assert pending is not None and pending.change is not None
    assert (pending.change.type, pending.change.before.rank, pending.change.after) == ("left", 1, None)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("top_n", "min_move", "told"),
    [(None, 1, True), (10, 1, False), (20, 1, True), (None, 5, True), (None, 6, False), (19, 6, False)],
)
def test_thresholds_keep_only_what_touches_the_top_and_big_enough_moves(
    store: Store, top_n: int | None, min_move: int, told: bool
) -> None:
    """#14 -> #19: touches the top 20 (not the top 10), a move of 5 places."""
    watch = told_at(store, "qwen2.5-72b-instruct", "2024-10-24", top_n=top_n, min_move=min_move)
    pending = newest_is(store, "2024-10-29").pending(watch)
    assert pending is not None and pending.snapshot_id == store.latest_snapshot(BOARD, "overall").id  # type: ignore[union-attr]
    assert (pending.change is not None) is told


def test_an_up_to_date_watch_is_owed_nothing_and_a_standing_rank_is_no_change(store: Store) -> None:
    fresh = store.watch(42, BOARD, "overall", "gpt-4o-2024-05-13")
    steps = newest_is(store, "2024-10-29")
    assert steps.pending(store.watches(recipient_id=42)[0]) is None  # made at the newest board
    still = told_at(store, "gpt-4o-2024-05-13", "2024-10-24")  # #6 on both boards
    assert still.id == fresh.id
    pending = steps.pending(still)
    assert pending is not None and pending.change is None


def test_changes_are_told_renames_first_then_the_biggest_moves(store: Store) -> None:
    steps = newest_is(store, "2024-10-29")
    keys = ["wizardlm-70b-v1.0", "qwen2.5-72b-instruct", "claude 3.5 sonnet", "deepseek-v2.5"]
    changes = [steps.pending(told_at(store, k, "2024-10-24")).change for k in keys]  # type: ignore[union-attr]
    ordered = sorted_changes([c for c in changes if c is not None])
    assert [(c.type, c.places) for c in ordered] == [("renamed", -1), ("moved", -6), ("moved", -5), ("moved", -3)]
