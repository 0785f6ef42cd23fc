"""Model histories checked against the bundled raw boards, read here straight from the gzip'd JSON Lines (not through
the importers or the store), so a mistake in either would show as a disagreement."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.core.changes import stored_changes
from bot.core.history import History, Point, model_history
from bot.sources.base import SnapshotData
from db.keys import model_key, org_key
from db.store import Store
from tests.bundled import ARENA_2024, OPEN_LLM


def read_rows(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def arena_raw() -> dict[str, dict[str, dict[str, Any]]]:
    """publish date -> display name -> row, for the 39 LMArena boards of 2024."""
    boards: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in read_rows(ARENA_2024):
        assert row["category"] == "overall"
        boards[row["leaderboard_publish_date"]][row["model_name"]] = row
    return dict(sorted(boards.items()))


def raw_points(boards: dict[str, dict[str, dict[str, Any]]], *names: str) -> list[Point]:
    return [
        Point(day, rows[name]["rank"], rows[name]["rating"])
        for day, rows in boards.items()
        for name in names
        if name in rows
    ]


def arena(store: Store, key: str, **kwargs: Any) -> History:
    return model_history(store, "arena-raw", "overall", key, **kwargs)


# --- LMArena 2024, worked out from the raw boards ---------------------------------------------------------------


def test_gpt_4o_points_are_the_published_ranks(shared_store: Store, arena_raw) -> None:
    history = arena(shared_store, "gpt-4o-2024-05-13")
    assert history.points == raw_points(arena_raw, "GPT-4o-2024-05-13")
    assert len(history.points) == 39  # on every board of 2024
    assert history.model == "GPT-4o-2024-05-13"
    assert history.names == ["GPT-4o-2024-05-13"]
    assert history.best_rank == 1
    assert history.first_seen == "2024-06-19"
    assert history.last_seen == "2024-12-31"
    by_date = {p.date: p for p in history.points}
    # read off the raw file by hand: 1 until 1 August, 2 from 2 August, 4 on 11 September, 13 at the year's end
    assert by_date["2024-08-01"] == Point("2024-08-01", 1, 1286.0)
    assert by_date["2024-08-02"] == Point("2024-08-02", 2, 1286.0)
    assert by_date["2024-09-11"] == Point("2024-09-11", 4, 1285.0)
    assert by_date["2024-12-31"] == Point("2024-12-31", 13, 1285.0)
    # 11th on 23 December, 13th on 31 December
    assert history.latest_move == -2


def test_days_at_1_counts_until_the_next_board(shared_store: Store, arena_raw) -> None:
    dates = list(arena_raw)
    expected = 0
    for i, day in enumerate(dates):
        row = arena_raw[day].get("GPT-4o-2024-05-13")
        if row and row["rank"] == 1:
            expected += (date.fromisoformat(dates[i + 1]) - date.fromisoformat(day)).days if i + 1 < len(dates) else 1
    assert expected == 44  # 2024-06-19 up to the 2024-08-02 board, where it is 2nd
    assert arena(shared_store, "gpt-4o-2024-05-13").days_at_1 == expected


def test_a_model_on_one_board_only(shared_store: Store, arena_raw) -> None:
    assert [d for d, rows in arena_raw.items() if "o1-2024-12-17" in rows] == ["2024-12-31"]
    history = arena(shared_store, "o1-2024-12-17")
    assert history.points == [Point("2024-12-31", 1, 1359.0)]
    assert (history.best_rank, history.first_seen, history.last_seen) == (1, "2024-12-31", "2024-12-31")
    assert history.days_at_1 == 1  # the latest board counts its publish day only
    assert history.latest_move is None  # not on the previous board


def test_a_model_the_board_never_had(shared_store: Store) -> None:
    history = arena(shared_store, "gpt-5-ultra")
    assert history.points == []
    assert history.names == []
    assert (history.model, history.best_rank, history.first_seen, history.days_at_1) == ("gpt-5-ultra", None, None, 0)
    assert history.latest_move is None
    assert json.loads(json.dumps(history.to_json()))["points"] == []


def test_case_variants_are_one_model(shared_store: Store, arena_raw) -> None:
    history = arena(shared_store, "gemma-2-27b-it")
    assert history.names == ["Gemma-2-27B-it", "Gemma-2-27b-it"]
    assert history.points == raw_points(arena_raw, "Gemma-2-27B-it", "Gemma-2-27b-it")
    assert len(history.points) == 38


def test_claude_3_5_sonnet_is_followed_across_its_rename(shared_store: Store, arena_raw) -> None:
    dates = list(arena_raw)
    old = [d for d in dates if "Claude 3.5 Sonnet" in arena_raw[d]]
    new = [d for d in dates if "Claude 3.5 Sonnet (20240620)" in arena_raw[d]]
    # the raw data: the undated name leaves in the very publish where the dated one first appears, same maker,
    # and never comes back
    assert old[-1] == "2024-10-24"
    assert new[0] == "2024-10-29" == dates[dates.index(old[-1]) + 1]
    assert old == dates[dates.index(old[0]) : dates.index(old[-1]) + 1]
    assert arena_raw[old[-1]]["Claude 3.5 Sonnet"]["organization"] == "Anthropic"
    assert arena_raw[new[0]]["Claude 3.5 Sonnet (20240620)"]["organization"] == "Anthropic"
    # ... and the newer Sonnet also debuts in that publish: the date rule tells them apart
    assert "Claude 3.5 Sonnet (20241022)" in arena_raw["2024-10-29"]
    assert "Claude 3.5 Sonnet (20241022)" not in arena_raw["2024-10-24"]

    expected = raw_points(arena_raw, "Claude 3.5 Sonnet", "Claude 3.5 Sonnet (20240620)")
    for key in ("claude 3.5 sonnet (20240620)", "claude 3.5 sonnet"):  # asked by either name
        history = arena(shared_store, key)
        assert history.points == expected
        assert history.names == ["Claude 3.5 Sonnet", "Claude 3.5 Sonnet (20240620)"]
        assert history.model == "Claude 3.5 Sonnet (20240620)"
        assert history.key == "claude 3.5 sonnet (20240620)"
        assert (history.first_seen, history.best_rank, len(history.points)) == ("2024-07-07", 2, 38)


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("claude 3.5 sonnet (20241022)", ["Claude 3.5 Sonnet (20241022)"]),  # debuted with the rename, dated after
        # linked by their votes (core.changes.rename_pairs): 'command-r-08-2024' (2024-09-06, 1,885 votes, 1172)
        # is 'Command R (08-2024)' on the next board with the same votes and rating; likewise the plus model
        ("command r (08-2024)", ["command-r-08-2024", "Command R (08-2024)"]),
        ("command r+ (08-2024)", ["command-r-plus-08-2024", "Command R+ (08-2024)"]),
        ("command r+ (04-2024)", ["Command R+", "Command R+ (04-2024)"]),  # the same rule, month-year dates
        ("command r", ["Command R", "Command R (04-2024)"]),
        ("gemini pro", ["Gemini Pro"]),  # 'Gemini Pro (Dev API)' is another model, not a date
        # renamed 'Gemini-1.0-Pro-001' on 2024-08-07 (18,789 -> 18,773 votes, 1131 both): followed by votes
        ("gemini pro (dev api)", ["Gemini Pro (Dev API)", "Gemini-1.0-Pro-001"]),
        ("chatgpt-4o-latest (2024-09-03)", ["ChatGPT-4o-latest (2024-09-03)"]),  # no undated name to continue
    ],
)
def test_the_rename_rule_links_only_what_it_should(shared_store: Store, arena_raw, key: str, names: list[str]) -> None:
    history = arena(shared_store, key)
    assert history.names == names
    assert history.points == raw_points(arena_raw, *names)


def test_renames_can_be_ignored_or_added(shared_store: Store, arena_raw) -> None:
    alone = arena(shared_store, "claude 3.5 sonnet (20240620)", follow_renames=False)
    assert alone.names == ["Claude 3.5 Sonnet (20240620)"]
    assert alone.first_seen == "2024-10-29"
    # ChatGPT-4o-latest was re-dated twice; an explicit link (old key -> new key) joins what the rule cannot
    links = {
        "chatgpt-4o-latest (2024-08-08)": "chatgpt-4o-latest (2024-09-03)",
        "chatgpt-4o-latest (2024-09-03)": "chatgpt-4o-latest (2024-11-20)",
    }
    joined = arena(shared_store, "chatgpt-4o-latest (2024-09-03)", aliases=links)
    names = ["ChatGPT-4o-latest (2024-08-08)", "ChatGPT-4o-latest (2024-09-03)", "ChatGPT-4o-latest (2024-11-20)"]
    assert joined.names == names
    assert joined.model == "ChatGPT-4o-latest (2024-11-20)"
    assert joined.points == raw_points(arena_raw, *names)
    assert joined.first_seen == "2024-08-14"


def test_to_json_has_the_issue_fields(shared_store: Store) -> None:
    data = json.loads(json.dumps(arena(shared_store, "o1-2024-12-17").to_json()))
    assert data == {
        "board": "arena-raw",
        "category": "overall",
        "model": "o1-2024-12-17",
        "key": "o1-2024-12-17",
        "names": ["o1-2024-12-17"],
        "points": [{"date": "2024-12-31", "rank": 1, "score": 1359.0}],
        "best_rank": 1,
        "first_seen": "2024-12-31",
        "last_seen": "2024-12-31",
        "days_at_1": 1,
        "latest_move": None,
    }


# --- Open LLM: three tables, ranks by the board's rule, several rows per model ---------------------------------


@pytest.fixture(scope="module")
def open_llm_raw() -> dict[str, list[dict[str, Any]]]:
    return {day: read_rows(path) for day, path in OPEN_LLM.items()}


def open_llm_ranks(tables: dict[str, list[dict[str, Any]]], name: str) -> list[Point]:
    """The board's rule by hand: rank = 1 + rows with a strictly higher average; a model's best row counts."""
    points = []
    for day, rows in tables.items():
        averages = [r["Average ⬆️"] for r in rows]
        mine = [(1 + sum(a > r["Average ⬆️"] for a in averages), r["Average ⬆️"]) for r in rows if r["fullname"] == name]
        if mine:
            rank, score = min(mine, key=lambda m: m[0])
            points.append(Point(day, rank, score))
    return points


@pytest.mark.parametrize(
    ("name", "ranks"),
    [
        ("Qwen/Qwen2.5-72B-Instruct", [55, 85, 6]),
        # two rows (bfloat16 and float16) in every table: the better one counts
        ("BoltMonkey/NeuralDaredevil-SuperNova-Lite-7B-DARETIES-abliterated", [439, 595, 1322]),
    ],
)
def test_open_llm_history_over_its_three_tables(shared_store: Store, open_llm_raw, name: str, ranks: list[int]) -> None:
    expected = open_llm_ranks(open_llm_raw, name)
    assert [p.rank for p in expected] == ranks
    history = model_history(shared_store, "open-llm", "overall", model_key(name))
    assert [(p.date, p.rank) for p in history.points] == [(p.date, p.rank) for p in expected]
    assert [p.score for p in history.points] == pytest.approx([p.score for p in expected], abs=1e-9)
    assert history.best_rank == min(ranks)
    assert history.first_seen == "2024-12-11"
    assert history.latest_move == ranks[1] - ranks[2]
    assert history.days_at_1 == 0


# --- the rules on small made-up boards ----------------------------------------------------------------------------


def board(day: str, *models: tuple[str, str], status: str = "ok") -> SnapshotData:
    """An arena board: (name, organization) in rank order."""
    rows = [
        {
            "name": name,
            "model_key": model_key(name),
            "rank": rank,
            "score": 1300.0 - 10 * rank,
            "organization": organization,
            "org_key": org_key(organization),
        }
        for rank, (name, organization) in enumerate(models, start=1)
    ]
    return SnapshotData("arena-raw", "overall", day, rows, content_hash=f"test-{day}-{models}", status=status)


def test_a_rename_needs_the_same_organization(empty_store: Store) -> None:
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme"), ("Other", "Beta")),
            board("2024-08-01", ("Model X (20240601)", "Zeta"), ("Other", "Beta")),
        ]
    )
    assert arena(empty_store, "model x").names == ["Model X"]


def test_a_rename_follows_organization_aliases(empty_store: Store) -> None:
    empty_store.set_organization("DeepSeek", country="CN", aliases=["DeepSeek AI"])
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "DeepSeek AI"), ("Other", "Beta")),
            board("2024-08-01", ("Model X (20240601)", "DeepSeek"), ("Other", "Beta")),
        ]
    )
    assert arena(empty_store, "model x").names == ["Model X", "Model X (20240601)"]


def test_two_possible_successors_link_neither(empty_store: Store) -> None:
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme")),
            board("2024-08-01", ("Model X (20240601)", "Acme"), ("Model X (20240615)", "Acme")),
        ]
    )
    assert arena(empty_store, "model x").names == ["Model X"]
    assert arena(empty_store, "model x (20240601)").names == ["Model X (20240601)"]


def test_a_name_that_comes_back_was_not_renamed(empty_store: Store) -> None:
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme")),
            board("2024-08-01", ("Model X (20240601)", "Acme")),
            board("2024-09-01", ("Model X (20240601)", "Acme"), ("Model X", "Acme")),
        ]
    )
    assert arena(empty_store, "model x").names == ["Model X"]


def test_an_alias_naming_an_old_model_links_its_history_and_its_digest(empty_store: Store) -> None:
    """No rule sees 'Old Name' -> 'New Name'; an admin's alias says it, and history and digest both follow it."""
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Old Name", "Acme"), ("Other", "Beta")),
            board("2024-08-01", ("New Name", "Acme"), ("Other", "Beta")),
        ]
    )
    assert arena(empty_store, "new name").names == ["New Name"]
    assert [(e.type, e.model) for e in stored_changes(empty_store, "arena-raw").events] == [
        ("new_leader", "New Name"),
        ("left", "Old Name"),
    ]
    empty_store.set_model_alias("arena-raw", "Old Name", "new name")
    history = arena(empty_store, "new name")
    assert history.names == ["Old Name", "New Name"]
    assert [(p.date, p.rank) for p in history.points] == [("2024-07-01", 1), ("2024-08-01", 1)]
    assert [(e.type, e.old_model, e.model) for e in stored_changes(empty_store, "arena-raw").events] == [
        ("renamed", "Old Name", "New Name")
    ]


def test_a_digest_follows_a_dated_rename_as_the_history_does(empty_store: Store) -> None:
    """Rows without votes: only the dated-name rule sees the rename; the digest tells it as one, not as a new #1."""
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme"), ("Other", "Beta")),
            board("2024-08-01", ("Model X (20240601)", "Acme"), ("Other", "Beta")),
        ]
    )
    assert arena(empty_store, "model x (20240601)").names == ["Model X", "Model X (20240601)"]
    assert [(e.type, e.old_model, e.model) for e in stored_changes(empty_store, "arena-raw").events] == [
        ("renamed", "Model X", "Model X (20240601)")
    ]


def test_a_successor_seen_before_is_not_a_rename(empty_store: Store) -> None:
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme"), ("Model X (20240601)", "Acme")),
            board("2024-08-01", ("Model X (20240601)", "Acme")),
        ]
    )
    assert arena(empty_store, "model x").names == ["Model X"]


def test_rejected_boards_do_not_count(empty_store: Store) -> None:
    empty_store.save_snapshots(
        [
            board("2024-07-01", ("Model X", "Acme"), ("Other", "Beta")),
            board("2024-07-08", ("Other", "Beta"), ("Model X", "Acme")),
        ]
    )
    empty_store.save_snapshots([board("2024-07-05", ("Model X", "Acme"))], status="rejected")
    history = arena(empty_store, "model x")
    assert [(p.date, p.rank) for p in history.points] == [("2024-07-01", 1), ("2024-07-08", 2)]
    assert history.days_at_1 == 7  # the rejected board of 5 July does not cut the reign short
    assert history.latest_move == -1


def test_a_new_board_is_seen_and_the_history_is_read_once(empty_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the store changes, a history reads where the board's timeline ends once and its model's own rows
    once; asked again it reads nothing, and another model's history reads that model's rows only."""
    empty_store.save_snapshots([board("2024-07-01", ("Model X", "Acme"))])
    assert arena(empty_store, "model x").days_at_1 == 1
    empty_store.save_snapshots([board("2024-07-04", ("Other", "Beta"), ("Model X", "Acme"))])
    reads: list[object] = []
    end, points = empty_store.timeline_end, empty_store.model_points
    monkeypatch.setattr(empty_store, "timeline_end", lambda b, c, **kw: reads.append(c) or end(b, c, **kw))
    monkeypatch.setattr(empty_store, "model_points", lambda b, c, k: reads.append(list(k)) or points(b, c, k))
    history = arena(empty_store, "model x")
    assert [(p.date, p.rank) for p in history.points] == [("2024-07-01", 1), ("2024-07-04", 2)]
    assert history.days_at_1 == 3
    assert reads == ["overall", ["model x"]]  # the new board is seen
    arena(empty_store, "model x")
    assert reads == ["overall", ["model x"]]  # nothing is read again
    arena(empty_store, "other")
    assert reads == ["overall", ["model x"], ["other"]]  # the other model's rows, and no timeline again


def test_a_history_reads_the_boards_where_its_names_arrive_or_leave_only(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty boards, two renames of one model (to its dated name, then to a name an admin's alias links), a
    newcomer in between: the history follows both renames from any of the three names, and reads the positions of
    the two boards around each place one of its names arrives or leaves, never the boards in between."""
    days = [date.fromordinal(date(2024, 1, 1).toordinal() + 7 * i).isoformat() for i in range(40)]

    def name_on(i: int) -> str:
        return "Model X" if i < 10 else "Model X (20240101)" if i < 30 else "Model X Two"

    empty_store.save_snapshots(
        [
            board(day, (name_on(i), "Acme"), ("Other", "Beta"), *([("Late", "Gamma")] if i >= 20 else []))
            for i, day in enumerate(days)
        ]
    )
    empty_store.set_model_alias("arena-raw", "Model X (20240101)", "model x two")
    read: list[list[int]] = []
    positions = empty_store.snapshot_positions
    monkeypatch.setattr(empty_store, "snapshot_positions", lambda ids: read.append(list(ids)) or positions(ids))
    history = arena(empty_store, "model x (20240101)")
    assert history.names == ["Model X", "Model X (20240101)", "Model X Two"]
    assert [p.date for p in history.points] == days and history.days_at_1 > 0
    ids = [s.id for s in empty_store.snapshots("arena-raw", "overall")]
    assert sorted(read) == [[ids[9], ids[10]], [ids[29], ids[30]]]
    for name in ("model x", "model x two"):
        assert arena(empty_store, name).names == history.names
    assert arena(empty_store, "late").names == ["Late"]  # a debut is no rename: nothing vanished there
