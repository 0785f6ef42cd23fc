"""The LMArena importer on the real 2024 history: 39 published boards of the text leaderboard, category overall."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from bot.ingest import ingest_rows
from bot.sources import SourceError, get_source
from db.store import Store
from tests.bundled import ARENA_2024
from tests.stores import read_entries


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def snapshots(raw: list[dict]):
    return get_source("arena-raw").to_snapshots(raw, origin=str(ARENA_2024))


def board(raw: list[dict], published: str) -> list[dict]:
    return [dict(r) for r in raw if r["leaderboard_publish_date"] == published]


def test_one_snapshot_per_published_board(snapshots, raw: list[dict]) -> None:
    assert len(snapshots) == 39
    dates = [s.as_of for s in snapshots]
    assert dates == sorted(dates)
    assert (dates[0], dates[-1]) == ("2024-06-19", "2024-12-31")
    counts = {s.as_of: len(s.rows) for s in snapshots}
    assert counts["2024-06-19"] == 109
    assert counts["2024-07-07"] == 115
    assert counts["2024-12-31"] == 182
    assert counts == Counter(r["leaderboard_publish_date"] for r in raw)
    assert sum(counts.values()) == 5597
    assert {(s.board, s.category) for s in snapshots} == {("arena-raw", "overall")}
    assert len({s.content_hash for s in snapshots}) == 39


def test_published_ranks_are_kept_as_they_are_ties_included(snapshots, raw: list[dict]) -> None:
    last = snapshots[-1]
    published = {r["model_name"]: r["rank"] for r in board(raw, "2024-12-31")}
    assert {r["name"]: r["rank"] for r in last.rows} == published
    ranks = Counter(r["rank"] for r in last.rows)
    assert ranks[1] >= 1
    assert any(n > 1 for n in ranks.values()), "the published board has shared ranks"
    assert sorted(ranks) != list(range(1, len(ranks) + 1)), "ranks skip after a tie"
    top = next(r for r in last.rows if r["name"] == "Gemini-Exp-1206")
    assert top["rank"] == 1 and top["votes"] > 0 and top["rating_lower"] <= top["score"] <= top["rating_upper"]


def test_entries_hold_the_store_columns(snapshots) -> None:
    first = snapshots[0]
    gpt4o = next(r for r in first.rows if r["name"] == "GPT-4o-2024-05-13")
    assert gpt4o == {
        "name": "GPT-4o-2024-05-13",
        "score": 1287.0,
        "rank": 1,
        "organization": "OpenAI",
        "license": "Proprietary",
        "rating_lower": 1284.0,
        "rating_upper": 1290.0,
        "variance": None,
        "votes": 42046,
        "org_key": "openai",
        "model_key": "gpt-4o-2024-05-13",
        # first by rating; its interval's lower bound is above every other upper bound: #1 and nothing else
        "position": 1,
        "rank_worst": 1,
    }


def test_organization_spellings_resolve_to_one_organization(store: Store) -> None:
    seen: dict[str, set[tuple[str | None, str | None]]] = {}
    for snapshot in store.snapshots("arena-raw", "overall"):
        for e in read_entries(store, snapshot):
            seen.setdefault(e["raw_organization"], set()).add((e["organization"], e["country"]))
    assert seen["DeepSeek AI"] == seen["DeepSeek"] == {("DeepSeek", "CN")}
    assert seen["Tsinghua"] == seen["Zhipu AI"] == {("Zhipu AI", "CN")}
    assert seen["Alibaba"] == {("Alibaba", "CN")}
    assert seen["NexusFlow"] == seen["Nexusflow"] == {("Nexusflow", "US")}
    assert seen["Mistral"] == {("Mistral AI", "FR")}
    assert seen["Nomic AI"] == {("Nomic AI", None)}  # not in organizations.csv: the board's own spelling


def test_a_model_twice_in_one_board_is_refused(raw: list[dict]) -> None:
    rows = board(raw, "2024-06-19")
    rows.append({**rows[0], "model_name": "gpt-4o-2024-05-13"})  # same model, other case
    with pytest.raises(SourceError) as failed:
        get_source("arena-raw").to_snapshots(rows, origin="boards.jsonl")
    assert str(failed.value) == (
        "boards.jsonl: 'gpt-4o-2024-05-13' appears twice in the overall board of 2024-06-19 (rows 1 and 110)"
    )


def test_the_same_model_on_two_dates_is_not_a_duplicate(raw: list[dict]) -> None:
    rows = board(raw, "2024-06-19")[:3] + board(raw, "2024-06-19")[:3]
    for r in rows[3:]:
        r["leaderboard_publish_date"] = "2024-06-20"
    assert [len(s.rows) for s in get_source("arena-raw").to_snapshots(rows, origin="x")] == [3, 3]


def test_categories_are_separate_boards(raw: list[dict]) -> None:
    rows = board(raw, "2024-12-31")[:20]
    rows += [{**r, "category": "coding", "rank": r["rank"] + 1} for r in rows[:7]]
    snapshots = get_source("arena-raw").to_snapshots(rows, origin="x")
    assert [(s.category, s.as_of, len(s.rows)) for s in snapshots] == [
        ("coding", "2024-12-31", 7),
        ("overall", "2024-12-31", 20),
    ]


def test_as_of_keeps_the_boards_published_by_then(raw: list[dict]) -> None:
    kept = get_source("arena-raw").to_snapshots(raw, origin="x", as_of="2024-07-10")
    assert [s.as_of for s in kept] == ["2024-06-19", "2024-07-07", "2024-07-10"]
    with pytest.raises(SourceError, match=r"^x: no board published on or before 2024-01-01$"):
        get_source("arena-raw").to_snapshots(raw, origin="x", as_of="2024-01-01")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"rank": 0}, "row 5 has rank 0, ranks start at 1"),
        ({"rank": 2.5}, "column 'rank' should be int (row 5)"),
        ({"rating": "1250"}, "column 'rating' should be num (row 5)"),
        ({"model_name": None}, "column 'model_name' is missing or null (row 5)"),
        ({"leaderboard_publish_date": "2024-02-30"}, "'2024-02-30' is not a date (YYYY-MM-DD)"),
        ({"vote_count": True}, "column 'vote_count' should be int (row 5)"),
    ],
)
def test_bad_rows_are_named(raw: list[dict], change: dict, expected: str) -> None:
    rows = board(raw, "2024-06-19")
    rows[4].update(change)
    with pytest.raises(SourceError) as failed:
        get_source("arena-raw").to_snapshots(rows, origin="arena.jsonl")
    assert str(failed.value) == f"arena.jsonl: {expected}"


def test_a_missing_required_column_is_named(raw: list[dict]) -> None:
    rows = [{k: v for k, v in r.items() if k != "rating_upper"} for r in board(raw, "2024-06-19")]
    with pytest.raises(SourceError, match=r"^arena\.jsonl: missing required column\(s\) 'rating_upper'$"):
        get_source("arena-raw").to_snapshots(rows, origin="arena.jsonl")


def test_optional_columns_may_be_absent(raw: list[dict]) -> None:
    rows = [{k: v for k, v in r.items() if k not in ("license", "variance")} for r in board(raw, "2024-06-19")]
    (snapshot,) = get_source("arena-raw").to_snapshots(rows, origin="x")
    assert {(r["license"], r["variance"]) for r in snapshot.rows} == {(None, None)}


def test_integral_ratings_as_ints_are_the_same_board(raw: list[dict]) -> None:
    """Upstream switching a column from 1287.0 to 1287 (another parquet type) is not new data."""
    rows = board(raw, "2024-06-19")
    as_ints = [{**r, "rating": int(r["rating"]), "rating_upper": int(r["rating_upper"])} for r in rows]
    (floats,) = get_source("arena-raw").to_snapshots(rows, origin="a")
    (ints,) = get_source("arena-raw").to_snapshots(as_ints, origin="b")
    assert ints.content_hash == floats.content_hash
    assert {type(r["score"]) for r in ints.rows} == {float}


def test_rows_without_a_rating_or_an_interval_are_dropped_and_counted(raw: list[dict], empty_store: Store) -> None:
    """The real first board, three of its rows made unrankable (a made-up change): the board keeps the rest, and a
    made-up category whose one row has no rating stores nothing but is counted too."""
    rows = board(raw, "2024-06-19")
    rows[3]["rating"] = rows[7]["rating"] = float("nan")
    rows[9]["rating_upper"] = None
    rows.append({**rows[0], "category": "made_up", "rating": None})
    report = ingest_rows(empty_store, "arena-raw", rows, origin="x")
    assert [(s.snapshot.category, s.snapshot.row_count) for s in report.saved] == [("overall", 106)]
    assert report.dropped.counts == {"no rating": 3, "no interval": 1}
    assert report.summary().endswith("; 4 rows dropped (3 no rating, 1 no interval)")
