"""LMArena's arenas: ranks as the site shows them (checked by hand), the real 2026 boards, and the data quirks of
the official dataset. Parquet files are written in the upstream schema (`tests/parquet_files.py`); their values are
made up unless a test says where they come from."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.core.answers import Answerer
from bot.core.changes import stored_changes
from bot.core.text import describe_event
from bot.ingest import ingest_file, ingest_rows
from bot.profiles import PROFILES, profile
from bot.sources.lmarena import ranks
from db.store import Store
from tests.parquet_files import board_rows, bradley_terry_schema, parquet_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arenas-2026"
CONFIG_BOARDS = {p.upstream.config: p.id for p in PROFILES.values() if p.upstream.dataset.startswith("lmarena")}


def read_gz(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_parquet(tmp_path: Path, name: str, rows: list[dict[str, Any]], *, float_counts: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(parquet_bytes(rows, bradley_terry_schema(float_counts=float_counts)))
    return path


# --- ranks -----------------------------------------------------------------------------------------------------


def ranks_of(rows: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """(rank, worst rank, position) per row, from `ranks` on the rows' columns."""
    with_intervals = all("rating_lower" in r for r in rows)
    rank, worst, position = ranks(
        np.array([r["score"] for r in rows]),
        np.array([r["rating_lower"] for r in rows]) if with_intervals else None,
        np.array([r["rating_upper"] for r in rows]) if with_intervals else None,
        np.array([r["rank"] for r in rows]),
        [r["name"] for r in rows],
    )
    return list(zip(rank.tolist(), worst.tolist(), position.tolist(), strict=True))


def test_statistical_ranks_worked_out_by_hand() -> None:
    """Five models, intervals written down: A [1295, 1305], B [1293, 1303], C [1275, 1285], D [1276, 1282],
    E [1240, 1260]. Statistically better means a lower bound above this upper bound: nobody beats A or B (rank 1,
    1); A and B beat C and D (rank 3, 3); all four beat E (rank 5). Worst rank: N minus those statistically worse:
    C, D and E are below A and B (worst 2), E is below C and D (worst 4), nobody is below E (worst 5)."""
    rows = [
        {"name": "A", "score": 1300.0, "rating_lower": 1295.0, "rating_upper": 1305.0, "rank": 1},
        {"name": "B", "score": 1298.0, "rating_lower": 1293.0, "rating_upper": 1303.0, "rank": 2},
        {"name": "C", "score": 1280.0, "rating_lower": 1275.0, "rating_upper": 1285.0, "rank": 3},
        {"name": "D", "score": 1279.0, "rating_lower": 1276.0, "rating_upper": 1282.0, "rank": 4},
        {"name": "E", "score": 1250.0, "rating_lower": 1240.0, "rating_upper": 1260.0, "rank": 5},
    ]
    assert ranks_of(rows) == [(1, 2, 1), (1, 2, 2), (3, 4, 3), (3, 4, 4), (5, 5, 5)]
    assert ranks_of(rows[::-1]) == [(5, 5, 5), (3, 4, 4), (3, 4, 3), (1, 2, 2), (1, 2, 1)]  # row order is no matter


def test_a_board_without_intervals_ranks_by_position() -> None:
    rows = [
        {"name": "A", "score": 1100.0, "rank": 1},
        {"name": "B", "score": 1200.0, "rank": 2},  # the file's rank is only a position: the rating decides
        {"name": "C", "score": 1000.0, "rank": 3},
    ]
    assert ranks_of(rows) == [(2, 2, 2), (1, 1, 1), (3, 3, 3)]


def test_the_bundled_2024_board_keeps_its_published_ranks(shared_store: Store) -> None:
    """The 2024 file is a scrape of the site's table: its ranks already are statistical (five models share #1 on
    2024-12-31), computed from unrounded intervals; recomputing from its rounded ones would disagree."""
    snapshot = shared_store.latest_snapshot("arena-raw", "overall")
    assert snapshot is not None
    rows = shared_store.entries(snapshot.id)
    raw = {r["model_name"]: r for r in read_gz(FIXTURES.parents[2] / "db" / "data" / "arena-raw" /
                                               "leaderboard-dataset-text-overall-2024.jsonl.gz")
           if r["leaderboard_publish_date"] == "2024-12-31"}  # fmt: skip
    assert [r["rank"] for r in rows] == sorted(raw[r["name"]]["rank"] for r in rows)
    assert sum(r["rank"] == 1 for r in rows) == 5
    assert sorted(r["position"] for r in rows) == list(range(1, len(rows) + 1))
    assert all(r["rank_worst"] >= r["rank"] for r in rows)


# --- the real 2026 boards --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jsonl.gz")), ids=lambda p: p.name.split(".")[0])
def test_the_real_2026_boards_ingest_as_their_boards(empty_store: Store, path: Path) -> None:
    board = CONFIG_BOARDS[path.name.split(".")[0]]
    report = ingest_file(empty_store, board, path)
    stored = empty_store.snapshots(board, "overall")
    assert stored and {s.board for s in stored} == {board}
    assert report.created
    raw = read_gz(path)
    first = min(r["leaderboard_publish_date"] for r in raw)
    answer = Answerer(empty_store).ask("top 3", board=board, as_of=first)
    assert answer.kind == "top" and answer.board == board and answer.as_of == first
    best = max(raw, key=lambda r: (r["leaderboard_publish_date"] == first, r["rating"]))
    assert answer.entries[0].model == best["model_name"]
    assert answer.entries[0].rank == 1


def test_the_vision_board_shrinking_from_40_to_20_is_rejected(empty_store: Store) -> None:
    report = ingest_file(empty_store, "arena-vision", FIXTURES / "vision_style_control.jsonl.gz")
    statuses = {s.snapshot.as_of: (s.snapshot.status, s.snapshot.row_count) for s in report.created}
    assert statuses["2026-04-19"] == ("rejected", 20)
    assert statuses["2026-04-17"] == ("ok", 40)
    assert empty_store.latest_snapshot("arena-vision", "overall").as_of != "2026-04-19"
    assert "looked broken" in report.summary()


# --- quirks of the official dataset -----------------------------------------------------------------------------


def test_float_counts_nan_rows_licenses_and_empty_organizations(store: Store, tmp_path: Path) -> None:
    """`text` stores vote_count and rank as float64; some rows have NaN ratings; since 2026-04-02 older models
    carry an empty organization, which must not lose their country; licenses are free text."""
    rows = board_rows(
        "2026-11-30",
        [("new-model-a", 1450.0, 6.0), ("gpt-4o-2024-05-13", 1300.0, 4.0), ("new-model-b", 1200.0, 5.0),
         ("broken-model", 1250.0, 5.0)],
    )  # fmt: skip
    for row in rows:
        row["vote_count"], row["rank"] = float(row["vote_count"]), float(row["rank"])
    by_name = {r["model_name"]: r for r in rows}
    by_name["gpt-4o-2024-05-13"]["organization"] = ""  # a 2024 model: OpenAI on the bundled boards
    by_name["broken-model"]["rating"] = by_name["broken-model"]["rank"] = math.nan
    by_name["new-model-a"]["license"] = "Propretary"  # sic: upstream's typo
    by_name["new-model-b"]["license"] = "Apache 2.0"
    by_name["gpt-4o-2024-05-13"]["license"] = ""
    path = write_parquet(tmp_path, "latest.parquet", rows, float_counts=True)
    report = ingest_file(store, "arena", path)
    [saved] = report.created
    assert saved.snapshot.row_count == 3  # the NaN row is kept out of the board, and said to be
    assert report.summary().endswith("; 1 row dropped (no rating)")
    answerer = Answerer(store)
    gpt = answerer.ask("rank of gpt-4o-2024-05-13", board="arena").entries[0]
    assert (gpt.organization, gpt.country) == ("OpenAI", "US")
    assert gpt.details.license_class == "unknown" and gpt.details.votes == 5000
    top = answerer.ask("top 3", board="arena").entries
    assert [(e.model, e.details.license_class) for e in top] == [
        ("new-model-a", "proprietary"), ("gpt-4o-2024-05-13", "unknown"), ("new-model-b", "open weights")
    ]  # fmt: skip
    assert answerer.ask("top 10 american models", board="arena").entries[0].model == "gpt-4o-2024-05-13"


def test_a_latest_file_mixing_dates_is_one_snapshot_per_category_and_date(empty_store: Store, tmp_path: Path) -> None:
    rows = [
        *board_rows("2026-11-30", [("a", 1300.0, 5.0), ("b", 1290.0, 5.0)]),
        *board_rows("2026-11-28", [("a", 1310.0, 5.0), ("c", 1280.0, 5.0)], category="coding"),
        *board_rows("2026-11-29", [("b", 1305.0, 5.0), ("a", 1295.0, 5.0)], category="math"),
    ]
    ingest_file(empty_store, "arena", write_parquet(tmp_path, "latest.parquet", rows))
    assert sorted((s.category, s.as_of) for s in empty_store.snapshots("arena")) == [
        ("coding", "2026-11-28"), ("math", "2026-11-29"), ("overall", "2026-11-30")
    ]  # fmt: skip
    coding = Answerer(empty_store).ask("top 2", board="arena", category="coding")
    assert (coding.category, coding.as_of, [e.model for e in coding.entries]) == ("coding", "2026-11-28", ["a", "c"])


def test_an_identical_republication_makes_no_snapshot(empty_store: Store, tmp_path: Path) -> None:
    board = board_rows("2026-11-29", [("a", 1300.0, 5.0), ("b", 1290.0, 5.0), ("c", 1280.0, 5.0)])
    again = [{**r, "leaderboard_publish_date": "2026-11-30"} for r in board]
    first = ingest_file(empty_store, "arena", write_parquet(tmp_path, "a.parquet", board))
    second = ingest_file(empty_store, "arena", write_parquet(tmp_path, "b.parquet", again))
    assert len(first.created) == 1 and second.created == [] and second.republished == 1
    assert "republication" in second.summary()
    assert [s.as_of for s in empty_store.snapshots("arena")] == ["2026-11-29"]


# --- what a digest says -----------------------------------------------------------------------------------------


def test_a_renamed_leader_is_told_as_a_rename(empty_store: Store) -> None:
    """As on 2026-08-12, when every `-thinking` became `-high`: the votes carry over. Made-up values."""
    before = board_rows("2026-08-11", [("gemini-3-pro-thinking", 1500.0, 4.0), ("other", 1400.0, 4.0)], votes=20000)
    after = board_rows("2026-08-12", [("gemini-3-pro-high", 1501.0, 4.0), ("other", 1400.0, 4.0)], votes=20100)
    ingest_rows(empty_store, "arena", before + after, origin="test")
    changes = stored_changes(empty_store, "arena")
    [event] = changes.events
    assert (event.type, event.old_model, event.model, event.old_rank, event.new_rank) == (
        "renamed", "gemini-3-pro-thinking", "gemini-3-pro-high", 1, 1
    )  # fmt: skip
    assert describe_event(event, "arena") == "gemini-3-pro-thinking is now listed as gemini-3-pro-high, still #1"


def test_joining_a_tie_at_the_top_shares_first_place(empty_store: Store) -> None:
    before = board_rows("2026-11-01", [("leader", 1500.0, 3.0), ("climber", 1480.0, 3.0)])
    after = board_rows("2026-11-02", [("leader", 1500.0, 3.0), ("climber", 1497.0, 3.0)])  # intervals now overlap
    ingest_rows(empty_store, "arena", before + after, origin="test")
    [event] = stored_changes(empty_store, "arena").events
    assert (event.type, event.model, event.old_rank, event.new_rank, event.sharing) == (
        "shared_lead", "climber", 2, 1, ("leader",)
    )  # fmt: skip
    assert "now shares #1 with leader" in describe_event(event, "arena")


def test_a_swap_inside_the_intervals_is_no_news(empty_store: Store) -> None:
    before = board_rows("2026-11-01", [("x", 1400.0, 8.0), ("y", 1398.0, 8.0), ("z", 1300.0, 5.0)])
    after = board_rows("2026-11-02", [("x", 1398.0, 8.0), ("y", 1400.0, 8.0), ("z", 1300.0, 5.0)])
    ingest_rows(empty_store, "arena", before + after, origin="test")
    assert stored_changes(empty_store, "arena").events == []


def test_the_agent_arena_has_its_own_columns(empty_store: Store, tmp_path: Path) -> None:
    from tests.parquet_files import AGENT_SCHEMA  # noqa: PLC0415

    rows = [
        {"model_name": "agent-a", "organization": "Acme", "license": "Proprietary", "score": 0.12,
         "score_ci_lower": 0.10, "score_ci_upper": 0.14, "observation_count": 900, "session_count": 300, "rank": 1,
         "category": "overall", "leaderboard_publish_date": "2026-11-30"},
        {"model_name": "agent-b", "organization": "Acme", "license": "MIT", "score": 0.02,
         "score_ci_lower": -0.01, "score_ci_upper": 0.05, "observation_count": 800, "session_count": 250, "rank": 2,
         "category": "overall", "leaderboard_publish_date": "2026-11-30"},
    ]  # fmt: skip
    path = tmp_path / "agent.parquet"
    path.write_bytes(parquet_bytes(rows, AGENT_SCHEMA))
    ingest_file(empty_store, "arena-agent", path)
    answer = Answerer(empty_store).ask("rank of agent-a", board="arena-agent")
    entry = answer.entries[0]
    assert (entry.rank, entry.score, entry.details.sessions, entry.details.observations) == (1, 0.12, 300, 900)
    assert entry.details.interval == (0.10, 0.14) and entry.details.votes is None
    assert "0.120" in answer.text and profile("arena-agent").score.label.lower() in answer.text


def test_an_empty_organization_takes_the_newest_one_named_in_the_import_or_the_store(
    store: Store, tmp_path: Path
) -> None:
    """The store holds the bundled 2024 boards (gemini-exp-1206: Google, gpt-4o-2024-05-13: OpenAI, 2024-12-31). A
    history names both models' organization on a board older than the store's, then only one's on a newer board; on
    its last board both are empty: each takes the newest naming, whichever of the two holds it."""

    def board(day: str, rating: float, organizations: tuple[str, str]) -> list[dict]:
        rows = board_rows(day, [("gemini-exp-1206", rating + 50, 5.0), ("gpt-4o-2024-05-13", rating, 4.0)])
        for row, organization in zip(rows, organizations, strict=True):
            row["organization"] = organization
        return rows

    history = [
        *board("2024-06-01", 1300.0, ("Alphabet", "Alphabet")),  # older than the store's namings
        *board("2025-06-01", 1301.0, ("", "OpenAI Labs")),  # newer than the store's, for one of them
        *board("2026-11-30", 1302.0, ("", "")),
    ]
    report = ingest_file(store, "arena", write_parquet(tmp_path, "full.parquet", history))
    assert len(report.created) == 3 and not report.rejected
    top = Answerer(store).ask("top 2", board="arena").entries
    assert [(e.model, e.organization) for e in top] == [
        ("gemini-exp-1206", "Google"), ("gpt-4o-2024-05-13", "OpenAI Labs")
    ]  # fmt: skip
