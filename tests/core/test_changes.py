"""Change detection (`bot.core.changes`) on the 39 real LMArena boards of 2024.

The replay runs `detect_changes` over every consecutive pair of published boards, read straight from the bundled
upstream file (not through the store), and checks what must hold on any real data. The hand-worked cases compare
with events worked out from the raw file by reading the two boards side by side, written down as literals.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from bot.core.changes import ChangeSet, NoChanges, detect_changes, stored_changes
from bot.ingest import ingest_rows
from db.store import Store
from tests.arena_2024 import DATES, PAIRS, Row, board, entry, raw_boards

# the order of importance the issue gives
IMPORTANCE = ["new_leader", "shared_lead", "renamed", "debut", "entered", "left", "moved", "score"]
# (model, old rank, new rank) per event type
Expected = dict[str, set[tuple[str, int | None, int | None]]]


def changes(old: str, new: str, **kwargs: Any) -> ChangeSet:
    return detect_changes(
        board(old), board(new), board="arena-raw", category="overall", from_date=old, to_date=new, **kwargs
    )


def by_type(changeset: ChangeSet) -> Expected:
    found: Expected = defaultdict(set)
    for e in changeset.events:
        found[e.type].add((e.model, e.old_rank, e.new_rank))
    return dict(found)


def test_the_bundled_file_holds_39_boards_of_2024() -> None:
    assert len(DATES) == 39
    assert (DATES[0], DATES[-1]) == ("2024-06-19", "2024-12-31")


# --- replay: invariants on every consecutive pair -----------------------------------------------------------------

SETTINGS = [(10, 1), (3, 1), (25, 1), (10, 2), (5, 3)]


@pytest.mark.parametrize(("top_n", "min_move"), SETTINGS)
def test_replay_events_are_sound(top_n: int, min_move: int) -> None:
    for old, new in PAIRS:
        before = {r["model_key"]: r for r in board(old)}
        after = {r["model_key"]: r for r in board(new)}
        cs = changes(old, new, top_n=top_n, min_move=min_move)
        where = f"{old} -> {new}, top {top_n}, min move {min_move}"
        assert (cs.board, cs.category, cs.from_date, cs.to_date, cs.top_n) == ("arena-raw", "overall", old, new, top_n)
        models = [e.model for e in cs.events]
        assert len(models) == len(set(models)), f"{where}: a model has two events"
        for e in cs.events:
            key = e.model.casefold()
            if e.type == "moved":
                assert e.old_rank != e.new_rank, (where, e)
                assert e.old_rank <= top_n and e.new_rank <= top_n, (where, e)
                assert abs(e.old_rank - e.new_rank) >= min_move, (where, e)
            elif e.type == "entered":
                assert e.old_rank > top_n >= e.new_rank, (where, e)
            elif e.type == "left":
                assert e.old_rank <= top_n, (where, e)
                assert e.new_rank is None or e.new_rank > top_n, (where, e)
                assert (e.new_rank is None) == (key not in after), (where, e)
            elif e.type == "new_leader":
                assert e.new_rank == 1 and e.old_rank != 1, (where, e)
            elif e.type == "debut":
                assert e.old_rank is None and key not in before and e.new_rank <= top_n, (where, e)
                assert e.new_rank != 1, (where, e)  # a newcomer at #1 is a new leader
            # ranks and scores are the ones published on the two boards
            if e.new_rank is not None:
                assert (e.new_rank, e.new_score) == (after[key]["rank"], after[key]["score"]), (where, e)
            if e.old_rank is not None:
                assert (e.old_rank, e.old_score) == (before[key]["rank"], before[key]["score"]), (where, e)
        order = [IMPORTANCE.index(e.type) for e in cs.events]
        assert order == sorted(order), f"{where}: events not ordered by importance"


@pytest.mark.parametrize(("top_n", "min_move"), SETTINGS)
def test_replay_misses_no_event(top_n: int, min_move: int) -> None:
    """The other direction: every change the definitions name is reported (worked out here independently)."""
    for old, new in PAIRS:
        before = {r["model_key"]: r for r in board(old)}
        after = {r["model_key"]: r for r in board(new)}
        expected: dict[str, str] = {}
        leaders = sum(r["rank"] == 1 for r in after.values())
        for key, row in after.items():
            was = before.get(key)
            if row["rank"] == 1 and leaders == 1 and (was is None or was["rank"] != 1):
                expected[row["name"]] = "new_leader"
            elif row["rank"] == 1 and (was is None or was["rank"] != 1):
                expected[row["name"]] = "shared_lead"
            elif was is None and row["rank"] <= top_n:
                expected[row["name"]] = "debut"
            elif was is not None and row["rank"] <= top_n < was["rank"]:
                expected[row["name"]] = "entered"
            elif (
                was is not None
                and row["rank"] <= top_n
                and was["rank"] <= top_n
                and abs(was["rank"] - row["rank"]) >= min_move
            ):
                expected[row["name"]] = "moved"
        for key, was in before.items():
            if was["rank"] <= top_n and (key not in after or after[key]["rank"] > top_n):
                expected[was["name"]] = "left"
        found = {e.model: e.type for e in changes(old, new, top_n=top_n, min_move=min_move).events}
        assert {m: t for m, t in found.items() if t != "score"} == expected, f"{old} -> {new}"


@pytest.mark.parametrize("min_move", [1, 2])
def test_replay_score_events_only_for_unchanged_ranks(min_move: int) -> None:
    for old, new in PAIRS:
        for e in changes(old, new, min_move=min_move).events:
            if e.type == "score":
                assert e.old_rank == e.new_rank <= 10, (old, new, e)
                assert abs(e.new_score - e.old_score) >= 10, (old, new, e)


@pytest.mark.parametrize("date", DATES)
def test_identical_board_has_no_events(date: str) -> None:
    assert changes(date, date).events == []
    assert changes(date, date, top_n=100, min_move=1, score_step=0.5).events == []


def test_same_board_in_another_order_has_no_events() -> None:
    rows = board("2024-12-31")
    cs = detect_changes(rows, list(reversed(rows)), board="arena-raw", category="overall", from_date="a", to_date="b")
    assert cs.events == []


# --- hand-worked dates --------------------------------------------------------------------------------------------

# From the raw file: every model ranked <= 10 on 2024-12-23 or 2024-12-31, with its rank on both boards.
# o1-2024-12-17 is new at #1, tied with four others (so it shares #1: no new #1); DeepSeek-V3 is new at #9; nobody
# crosses #10 either way;
# Gemini-2.0-Flash-Exp 5 -> 4, o1-preview 7 -> 8, o1-mini / Gemini-1.5-Pro-002 / Gemini-1.5-Pro-Exp-0827 8 -> 9.
# The four models tied at #1 stay #1; no rank-unchanged top-10 rating moved by 10 (largest: -2).
DEC_23_TO_31: Expected = {
    "shared_lead": {("o1-2024-12-17", None, 1)},
    "debut": {("DeepSeek-V3", None, 9)},
    "moved": {
        ("Gemini-2.0-Flash-Exp", 5, 4),
        ("o1-preview", 7, 8),
        ("o1-mini", 8, 9),
        ("Gemini-1.5-Pro-002", 8, 9),
        ("Gemini-1.5-Pro-Exp-0827", 8, 9),
    },
}

# From the raw file, 2024-08-07 vs 2024-08-14: ChatGPT-4o-latest (2024-08-08) first appears, at #1 (1314); the old
# #1 Gemini-1.5-Pro-Exp-0801 drops to #2; four models fall from #8-#10 to #11. Gemini Advanced App (2024-05-14)
# stays #4 although two models now tie with it at #4: no move.
AUG_07_TO_14: Expected = {
    "new_leader": {("ChatGPT-4o-latest (2024-08-08)", None, 1)},
    "left": {
        ("GPT-4-1106-preview", 9, 11),
        ("Mistral-Large-2407", 8, 11),
        ("Claude 3 Opus", 10, 11),
        ("Athene-70b", 8, 11),
    },
    "moved": {
        ("Gemini-1.5-Pro-Exp-0801", 1, 2),
        ("GPT-4o-2024-05-13", 2, 3),
        ("GPT-4o-mini-2024-07-18", 3, 4),
        ("Claude 3.5 Sonnet", 3, 4),
        ("Meta-Llama-3.1-405b-Instruct", 4, 5),
        ("Gemini-1.5-Pro-001", 6, 7),
        ("GPT-4-Turbo-2024-04-09", 6, 7),
        ("Gemini-1.5-Pro-Preview-0409", 6, 7),
    },
}

# From the raw file, 2024-11-13 vs 2024-11-15: Gemini-Exp-1114 first appears, at #1 (1344), tied with
# ChatGPT-4o-latest (2024-09-03), which stays #1 (no event; Gemini-Exp-1114 shares #1 with it); o1-preview #1 -> #3;
# nine models at #9-#10 drop to #11
# or #12; nothing enters.
NOV_13_TO_15: Expected = {
    "shared_lead": {("Gemini-Exp-1114", None, 1)},
    "moved": {
        ("o1-preview", 1, 3),
        ("o1-mini", 3, 4),
        ("Gemini-1.5-Pro-002", 3, 4),
        ("Gemini-1.5-Pro-Exp-0827", 4, 5),
        ("Grok-2-08-13", 6, 7),
        ("Yi-Lightning", 6, 7),
        ("GPT-4o-2024-05-13", 6, 8),
        ("Claude 3.5 Sonnet (20241022)", 6, 8),
    },
    "left": {
        ("GLM-4-Plus", 9, 11),
        ("GPT-4o-mini-2024-07-18", 10, 11),
        ("Gemini-1.5-Flash-002", 10, 11),
        ("Llama-3.1-Nemotron-70B-Instruct", 10, 11),
        ("Gemini-1.5-Flash-Exp-0827", 10, 11),
        ("Meta-Llama-3.1-405B-Instruct-fp8", 10, 11),
        ("Meta-Llama-3.1-405B-Instruct-bf16", 10, 11),
        ("Claude 3.5 Sonnet (20240620)", 10, 12),
        ("Grok-2-Mini-08-13", 10, 12),
    },
}

# From the raw file, 2024-11-05 vs 2024-11-13: the #1-#10 ranks are unchanged, and four models come up to a tie at
# #10 (three from #11, one from #12); Yi-Lightning-lite goes #11 -> #12 and was never in. Ratings move by 1 at most.
NOV_05_TO_13: Expected = {
    "entered": {
        ("Claude 3.5 Sonnet (20240620)", 11, 10),
        ("Meta-Llama-3.1-405B-Instruct-fp8", 11, 10),
        ("Grok-2-Mini-08-13", 12, 10),
        ("Meta-Llama-3.1-405B-Instruct-bf16", 11, 10),
    },
}

# From the raw file, 2024-09-09 vs 2024-09-11: Gemini-1.5-Pro-Exp-0801 (#2, 1298) is retired from the board; the
# models below it move up one place. Nothing else changes in the top 10.
SEP_09_TO_11: Expected = {
    "left": {("Gemini-1.5-Pro-Exp-0801", 2, None)},
    "moved": {
        ("GPT-4o-2024-05-13", 5, 4),
        ("GPT-4o-mini-2024-07-18", 6, 5),
        ("Claude 3.5 Sonnet", 6, 5),
        ("Gemini-1.5-Flash-Exp-0827", 6, 5),
        ("Grok-2-Mini-08-13", 6, 5),
        ("Meta-Llama-3.1-405b-Instruct", 6, 5),
        ("Gemini Advanced App (2024-05-14)", 7, 6),
        ("GPT-4o-2024-08-06", 7, 6),
    },
}

# From the raw file, 2024-09-19 vs 2024-09-28: ChatGPT-4o-latest (2024-09-03) #2 -> #1, sharing it with o1-preview,
# which stays #1 but
# drops 1355 -> 1339 (a rating change of 16 without a rank change); o1-mini #2 -> #3; Qwen2.5-72b-Instruct new at
# #10. The other top-10 ratings move by 2 at most.
SEP_19_TO_28: Expected = {
    "shared_lead": {("ChatGPT-4o-latest (2024-09-03)", 2, 1)},
    "debut": {("Qwen2.5-72b-Instruct", None, 10)},
    "moved": {("o1-mini", 2, 3)},
    "score": {("o1-preview", 1, 1)},
}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2024-12-23", "2024-12-31", DEC_23_TO_31),
        ("2024-08-07", "2024-08-14", AUG_07_TO_14),
        ("2024-11-13", "2024-11-15", NOV_13_TO_15),
        ("2024-11-05", "2024-11-13", NOV_05_TO_13),
        ("2024-09-09", "2024-09-11", SEP_09_TO_11),
        ("2024-09-19", "2024-09-28", SEP_19_TO_28),
    ],
)
def test_hand_worked_dates(old: str, new: str, expected: Expected) -> None:
    assert by_type(changes(old, new)) == expected


def test_hand_worked_events_carry_scores_and_come_in_importance_order() -> None:
    cs = changes("2024-12-23", "2024-12-31")
    assert [e.type for e in cs.events] == ["shared_lead", "debut"] + ["moved"] * 5
    leader, debut = cs.events[:2]
    assert (leader.old_score, leader.new_score) == (None, 1359.0)
    assert (debut.old_score, debut.new_score) == (None, 1315.0)
    moved = {e.model: (e.old_score, e.new_score, e.places) for e in cs.events[2:]}
    assert moved["Gemini-2.0-Flash-Exp"] == (1354.0, 1356.0, 1)
    assert moved["o1-preview"] == (1335.0, 1335.0, -1)
    retired = changes("2024-09-09", "2024-09-11").events
    left = next(e for e in retired if e.type == "left")
    assert (left.old_score, left.new_score, left.places) == (1298.0, None, 0)


# --- top_n, min_move and score_step ----------------------------------------------------------------------------


def test_top_n_narrows_and_widens_the_watch() -> None:
    # 2024-12-23 -> 2024-12-31 (ranks above). Top 3: only the new #1 (the old top 3 all stay #1).
    assert by_type(changes("2024-12-23", "2024-12-31", top_n=3)) == {"shared_lead": {("o1-2024-12-17", None, 1)}}
    # Top 5: Gemini-2.0-Flash-Exp 5 -> 4 counts; Gemini-Exp-1114 stays #5.
    assert by_type(changes("2024-12-23", "2024-12-31", top_n=5)) == {
        "shared_lead": {("o1-2024-12-17", None, 1)},
        "moved": {("Gemini-2.0-Flash-Exp", 5, 4)},
    }
    # Top 8: the three models going 8 -> 9 now leave the watched ranks, and DeepSeek-V3 at #9 is outside them.
    assert by_type(changes("2024-12-23", "2024-12-31", top_n=8)) == {
        "shared_lead": {("o1-2024-12-17", None, 1)},
        "moved": {("Gemini-2.0-Flash-Exp", 5, 4), ("o1-preview", 7, 8)},
        "left": {("o1-mini", 8, 9), ("Gemini-1.5-Pro-002", 8, 9), ("Gemini-1.5-Pro-Exp-0827", 8, 9)},
    }
    # Top 12 on 2024-11-13 -> 2024-11-15: the models going #10 -> #11/#12 stay watched and are moves; the three
    # at #12 that fall to #13 leave instead.
    wide = by_type(changes("2024-11-13", "2024-11-15", top_n=12))
    assert wide["left"] == {
        ("Gemini Advanced App (2024-05-14)", 12, 13),
        ("Yi-Lightning-lite", 12, 13),
        ("Qwen-Max-0919", 12, 13),
    }
    assert ("Claude 3.5 Sonnet (20240620)", 10, 12) in wide["moved"]
    assert ("GLM-4-Plus", 9, 11) in wide["moved"]


def test_min_move_keeps_only_bigger_moves() -> None:
    # 2024-11-13 -> 2024-11-15: only o1-preview (1 -> 3) and the two 6 -> 8 moved two places; other events stay.
    found = by_type(changes("2024-11-13", "2024-11-15", min_move=2))
    assert found["moved"] == {("o1-preview", 1, 3), ("GPT-4o-2024-05-13", 6, 8), ("Claude 3.5 Sonnet (20241022)", 6, 8)}
    assert found["shared_lead"] == NOV_13_TO_15["shared_lead"]
    assert found["left"] == NOV_13_TO_15["left"]
    assert "moved" not in by_type(changes("2024-11-13", "2024-11-15", min_move=3))


def test_score_events_follow_the_step() -> None:
    # 2024-09-19 -> 2024-09-28, rank-unchanged top-10 models and their rating change (from the raw file):
    # o1-preview -16, Meta-Llama-3.1-405b-Instruct-bf16 +2, Grok-2-08-13 -1, GPT-4o-mini-2024-07-18 -1,
    # Grok-2-Mini-08-13 +1, Gemini Advanced App (2024-05-14) -1, GPT-4o-2024-08-06 +1, the rest 0.
    assert by_type(changes("2024-09-19", "2024-09-28"))["score"] == {("o1-preview", 1, 1)}  # arena step: 10
    assert "score" not in by_type(changes("2024-09-19", "2024-09-28", score_step=17))
    assert by_type(changes("2024-09-19", "2024-09-28", score_step=2))["score"] == {
        ("o1-preview", 1, 1),
        ("Meta-Llama-3.1-405b-Instruct-bf16", 7, 7),
    }
    assert {m for m, _, _ in by_type(changes("2024-09-19", "2024-09-28", score_step=1))["score"]} == {
        "o1-preview",
        "Meta-Llama-3.1-405b-Instruct-bf16",
        "Grok-2-08-13",
        "GPT-4o-mini-2024-07-18",
        "Grok-2-Mini-08-13",
        "Gemini Advanced App (2024-05-14)",
        "GPT-4o-2024-08-06",
    }
    # outside the watched ranks a rating change is no event: in the top 5, only #1 and #4 kept their rank
    assert by_type(changes("2024-09-19", "2024-09-28", top_n=5, score_step=1))["score"] == {
        ("o1-preview", 1, 1),
        ("Grok-2-08-13", 4, 4),
    }


def test_score_step_defaults_per_board() -> None:
    old = [
        {"model_key": "a", "name": "A", "rank": 1, "score": 40.0},
        {"model_key": "b", "name": "B", "rank": 2, "score": 30.0},
    ]
    new = [
        {"model_key": "a", "name": "A", "rank": 1, "score": 41.5},
        {"model_key": "b", "name": "B", "rank": 2, "score": 30.5},
    ]
    kinds = {"board": "open-llm", "category": "overall", "from_date": "a", "to_date": "b"}
    # Open LLM averages: a step of 1 point
    assert [(e.type, e.model) for e in detect_changes(old, new, **kinds).events] == [("score", "A")]
    # the same change on LMArena ratings (step 10) is noise
    assert detect_changes(old, new, **{**kinds, "board": "arena-raw"}).events == []


def test_ties_are_not_moves() -> None:
    """Equal published ranks: the order among tied models, or a neighbour joining the tie, is no move."""
    old = [
        {"model_key": "a", "name": "A", "rank": 1, "score": 1300.0},
        {"model_key": "b", "name": "B", "rank": 2, "score": 1290.0},
        {"model_key": "c", "name": "C", "rank": 2, "score": 1288.0},
        {"model_key": "d", "name": "D", "rank": 4, "score": 1280.0},
    ]
    new = [
        {"model_key": "a", "name": "A", "rank": 1, "score": 1301.0},
        {"model_key": "c", "name": "C", "rank": 2, "score": 1292.0},  # now listed above B, same published rank
        {"model_key": "b", "name": "B", "rank": 2, "score": 1289.0},
        {"model_key": "d", "name": "D", "rank": 4, "score": 1283.0},
    ]
    kinds = {"board": "arena-raw", "category": "overall", "from_date": "a", "to_date": "b"}
    assert detect_changes(old, new, **kinds).events == []
    # two models sharing #1: both lead, neither is a new leader; one of them falling to #2 is a move
    old_tied = [{**old[0]}, {**old[1], "rank": 1}, *old[2:]]
    assert detect_changes(old_tied, old_tied, **kinds).events == []
    shifted = [{**r, "rank": 2} if r["model_key"] == "b" else r for r in old_tied]
    assert [(e.type, e.model, e.old_rank, e.new_rank) for e in detect_changes(old_tied, shifted, **kinds).events] == [
        ("moved", "B", 1, 2)
    ]


def test_model_key_not_display_name_identifies_a_model() -> None:
    """The live dataset lower-cases names the 2024 boards capitalised: the same model, no debut and no exit."""
    old = board("2024-12-31")
    new = [{**r, "name": r["name"].lower()} for r in old]
    cs = detect_changes(old, new, board="arena-raw", category="overall", from_date="a", to_date="b")
    assert cs.events == []


def test_to_json_fields() -> None:
    data = changes("2024-12-23", "2024-12-31").to_json()
    assert {"board", "category", "from", "to", "events"} <= data.keys()
    assert (data["board"], data["category"], data["from"], data["to"]) == (
        "arena-raw",
        "overall",
        "2024-12-23",
        "2024-12-31",
    )
    assert json.loads(json.dumps(data)) == data
    assert data["events"][0] == {
        "type": "shared_lead",
        "model": "o1-2024-12-17",
        "old_rank": None,
        "new_rank": 1,
        "old_score": None,
        "new_score": 1359.0,
        "old_model": None,
        # from the raw file: the four models already at #1 on 2024-12-31, by rating
        "sharing": ["Gemini-Exp-1206", "Gemini-2.0-Flash-Thinking-Exp-1219", "ChatGPT-4o-latest (2024-11-20)",
                    "Gemini-Exp-1121"],
    }  # fmt: skip
    for e in data["events"]:
        assert e.keys() == {"type", "model", "old_rank", "new_rank", "old_score", "new_score", "old_model", "sharing"}


# --- stored_changes ---------------------------------------------------------------------------------------------


def test_stored_changes_default_is_the_last_two_snapshots(store: Store) -> None:
    cs = stored_changes(store, "arena-raw")
    assert (cs.board, cs.category, cs.from_date, cs.to_date, cs.top_n) == (
        "arena-raw",
        "overall",
        "2024-12-23",
        "2024-12-31",
        10,
    )
    assert by_type(cs) == DEC_23_TO_31
    assert cs.events == changes("2024-12-23", "2024-12-31").events


def test_stored_changes_picks_latest_on_or_before_each_date(store: Store) -> None:
    # no board was published on 2024-11-14 or 2024-11-16: the 2024-11-13 and 2024-11-15 boards are meant
    cs = stored_changes(store, "arena-raw", from_date="2024-11-14", to_date="2024-11-16")
    assert (cs.from_date, cs.to_date) == ("2024-11-13", "2024-11-15")
    assert by_type(cs) == NOV_13_TO_15
    # exact dates work the same
    assert by_type(stored_changes(store, "arena-raw", from_date="2024-09-19", to_date="2024-09-28")) == SEP_19_TO_28
    # --to alone: that snapshot and the one before it
    cs = stored_changes(store, "arena-raw", to_date="2024-12-30")
    assert (cs.from_date, cs.to_date) == ("2024-12-20", "2024-12-23")
    # --from alone: from there to the latest
    cs = stored_changes(store, "arena-raw", from_date="2024-12-01")
    assert (cs.from_date, cs.to_date) == ("2024-11-23", "2024-12-31")
    assert cs.events == changes("2024-11-23", "2024-12-31").events


def test_stored_changes_passes_top_n_and_min_move(store: Store) -> None:
    cs = stored_changes(store, "arena-raw", top_n=8)
    assert cs.top_n == 8
    assert by_type(cs) == by_type(changes("2024-12-23", "2024-12-31", top_n=8))
    cs = stored_changes(store, "arena-raw", from_date="2024-11-13", to_date="2024-11-15", min_move=2)
    assert len(by_type(cs)["moved"]) == 3


def test_stored_changes_on_open_llm(store: Store) -> None:
    cs = stored_changes(store, "open-llm")
    assert (cs.from_date, cs.to_date) == ("2025-01-01", "2025-03-21")
    assert cs.events
    assert all(e.new_score is None or 0 <= e.new_score <= 100 for e in cs.events)
    cs = stored_changes(store, "open-llm", to_date="2025-01-01")
    assert (cs.from_date, cs.to_date) == ("2024-12-11", "2025-01-01")


def test_fewer_than_two_snapshots_is_no_changes(store: Store, empty_store: Store) -> None:
    with pytest.raises(NoChanges, match=r"only one arena-raw overall snapshot up to 2024-06-19"):
        stored_changes(store, "arena-raw", to_date="2024-06-19")
    with pytest.raises(NoChanges, match=r"no arena-raw overall snapshot on or before 2024-06-01"):
        stored_changes(store, "arena-raw", to_date="2024-06-01")
    with pytest.raises(NoChanges, match=r"no arena-raw coding snapshot"):
        stored_changes(store, "arena-raw", "coding")
    # both dates on the same board
    with pytest.raises(NoChanges, match=r"2024-12-23"):
        stored_changes(store, "arena-raw", from_date="2024-12-24", to_date="2024-12-30")
    # a store holding a single board
    with pytest.raises(NoChanges, match=r"no arena-raw overall snapshot"):
        stored_changes(empty_store, "arena-raw")
    ingest_rows(empty_store, "arena-raw", list(raw_boards()["2024-12-31"]), origin="test")
    with pytest.raises(NoChanges, match=r"only one arena-raw overall snapshot up to 2024-12-31"):
        stored_changes(empty_store, "arena-raw")


def test_from_before_the_first_snapshot_names_the_date(store: Store) -> None:
    with pytest.raises(NoChanges) as raised:
        stored_changes(store, "arena-raw", from_date="2024-01-01")
    assert "2024-01-01" in str(raised.value)


def test_from_after_to_is_not_a_backwards_comparison(store: Store) -> None:
    try:
        cs = stored_changes(store, "arena-raw", from_date="2024-12-31", to_date="2024-12-01")
    except (NoChanges, ValueError):
        return
    assert cs.from_date is not None and cs.from_date <= cs.to_date


def with_votes(date: str) -> list[Row]:
    """Rows as the store holds them for LMArena, votes and organization included."""
    return [dict(entry(r), votes=r["vote_count"], organization=r["organization"]) for r in raw_boards()[date]]


def test_a_renamed_model_is_followed_and_told_as_a_rename() -> None:
    """From the raw file: on 2024-08-07 'Gemini-1.5-Pro-API-0409-Preview' (#6, 1257, 55,661 votes) is gone and
    'Gemini-1.5-Pro-Preview-0409' (#6, 1257, 55,593 votes, Google) arrives: one model renamed."""
    cs = detect_changes(with_votes("2024-08-06"), with_votes("2024-08-07"), board="arena-raw", category="overall",
                        from_date="2024-08-06", to_date="2024-08-07")  # fmt: skip
    [renamed] = [e for e in cs.events if e.model == "Gemini-1.5-Pro-Preview-0409"]
    assert (renamed.type, renamed.old_model, renamed.old_rank, renamed.new_rank) == (
        "renamed", "Gemini-1.5-Pro-API-0409-Preview", 6, 6
    )  # fmt: skip
    assert "Gemini-1.5-Pro-API-0409-Preview" not in {e.model for e in cs.events}
    assert not [e for e in cs.events if e.type in ("debut", "left") and None in (e.old_rank, e.new_rank)]


def test_a_rename_out_of_the_top_n_is_a_move_out_under_the_new_name() -> None:
    """From the raw file: on 2024-10-29 'Claude 3.5 Sonnet' (#10 on 2024-10-24) is renamed
    'Claude 3.5 Sonnet (20240620)' and ranks below 10, while the new 'Claude 3.5 Sonnet (20241022)' debuts."""
    cs = detect_changes(with_votes("2024-10-24"), with_votes("2024-10-29"), board="arena-raw", category="overall",
                        from_date="2024-10-24", to_date="2024-10-29")  # fmt: skip
    [left] = [e for e in cs.events if e.type == "left"]
    assert left.model == "Claude 3.5 Sonnet (20240620)" and left.old_rank == 10 and left.new_rank is not None
    assert left.new_rank > 10
    assert [e.model for e in cs.events if e.type == "debut"] == ["Claude 3.5 Sonnet (20241022)"]


def test_a_real_debut_is_not_mistaken_for_a_rename() -> None:
    """A newcomer with a fraction of a veteran's votes is new, even from the same organization."""
    cs = detect_changes(with_votes("2024-12-23"), with_votes("2024-12-31"), board="arena-raw", category="overall",
                        from_date="2024-12-23", to_date="2024-12-31")  # fmt: skip
    assert ("shared_lead", "o1-2024-12-17") in {(e.type, e.model) for e in cs.events}
    assert ("debut", "DeepSeek-V3") in {(e.type, e.model) for e in cs.events}
