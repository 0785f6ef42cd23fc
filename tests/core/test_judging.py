"""The sanity check (`bot.core.judging.check_snapshot`) on the 39 real LMArena boards of 2024 and the final Open LLM
table: every real publish passes, every broken one is caught."""

from __future__ import annotations

import math

import pytest

from bot.core.judging import check_snapshot
from db.store import Store
from tests.arena_2024 import DATES, PAIRS, board


def test_real_2024_history_passes_the_check() -> None:
    assert check_snapshot(None, board(DATES[0]), board="arena-raw").ok
    for old, new in PAIRS:
        verdict = check_snapshot(board(old), board(new), board="arena-raw")
        assert verdict.ok, f"{old} -> {new}: {verdict.reason}"


def test_biggest_real_row_drop_passes() -> None:
    drops = [((len(board(old)) - len(board(new))) / len(board(old)), old, new) for old, new in PAIRS]
    drop, old, new = max(drops)
    # from the raw file: 139 -> 137 rows when Gemini-1.5-Pro-Exp-0801 and -Preview-0409 were retired
    assert (old, new, len(board(old)), len(board(new))) == ("2024-09-09", "2024-09-11", 139, 137)
    assert drop > 0
    assert check_snapshot(board(old), board(new), board="arena-raw").ok
    # the publish that dropped the most names at once (a renaming of the Gemini family) passes too
    gone = max(PAIRS, key=lambda p: len({r["model_key"] for r in board(p[0])} - {r["model_key"] for r in board(p[1])}))
    assert gone == ("2024-08-06", "2024-08-07")
    assert check_snapshot(board(gone[0]), board(gone[1]), board="arena-raw").ok


def test_retiring_15_percent_of_the_rows_passes() -> None:
    """LMArena once retired 15% of its rows in one publish: real change, not a broken board."""
    old = board("2024-12-31")
    kept = old[: len(old) - math.ceil(0.15 * len(old))]  # the bottom 15% retired
    assert len(kept) < 0.86 * len(old)
    assert check_snapshot(old, kept, board="arena-raw").ok
    # the leaders among the retired: still fine while some of the old top 3 remain
    assert check_snapshot(old, old[3:], board="arena-raw").ok


def test_losing_more_than_half_the_rows_is_rejected() -> None:
    old = board("2024-12-31")
    verdict = check_snapshot(old, old[: int(0.4 * len(old))], board="arena-raw")
    assert not verdict.ok
    assert "182" in verdict.reason


def test_half_the_rows_missing_is_rejected() -> None:
    old = board("2024-12-31")
    assert not check_snapshot(old, old[: len(old) // 2], board="arena-raw").ok


def test_all_previous_leaders_missing_is_rejected() -> None:
    old = board("2024-12-31")
    leaders = {r["model_key"] for r in old if r["rank"] <= 3}
    # from the raw file: five models share #1 on 2024-12-31 and the next is #4
    assert len(leaders) == 5
    verdict = check_snapshot(old, [r for r in old if r["model_key"] not in leaders], board="arena-raw")
    assert not verdict.ok
    assert "top" in verdict.reason
    # one of them still there: a real reshuffle can happen, so it passes
    one_left = [r for r in old if r["model_key"] not in leaders or r["name"] == "Gemini-Exp-1206"]
    assert check_snapshot(old, one_left, board="arena-raw").ok


@pytest.mark.parametrize("bad", [99999.0, float("nan"), float("inf"), -5.0, 0.0])
def test_arena_rating_out_of_range_is_rejected(bad: float) -> None:
    old = board("2024-12-31")
    new = [dict(r) for r in old]
    new[40]["score"] = bad
    assert not check_snapshot(old, new, board="arena-raw").ok
    assert not check_snapshot(None, new, board="arena-raw").ok  # even the first snapshot of a board


def test_open_llm_average_out_of_range_is_rejected(shared_store: Store) -> None:
    snapshot = shared_store.latest_snapshot("open-llm", "overall")
    assert snapshot is not None
    rows = shared_store.entries(snapshot.id)
    assert check_snapshot(rows, rows, board="open-llm").ok
    broken = [dict(r) for r in rows]
    broken[10]["score"] = 150.0
    verdict = check_snapshot(rows, broken, board="open-llm")
    assert not verdict.ok
    assert broken[10]["name"] in verdict.reason
    # each board has its own range: 50 is a plausible average and an impossible LMArena rating
    assert check_snapshot(None, [{**broken[10], "score": 50.0}], board="open-llm").ok
    assert not check_snapshot(None, [{**broken[10], "score": 50.0}], board="arena-raw").ok


def test_empty_snapshot_is_rejected() -> None:
    assert not check_snapshot(board("2024-12-31"), [], board="arena-raw").ok
