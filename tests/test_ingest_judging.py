"""Judging new snapshots on the way in: a broken publish is kept as 'rejected' and never answered from or announced,
while real change (models retired, a new leader) goes through. Through `bot.ingest` on a copy of the seeded store,
with input files in the upstream column names."""

from __future__ import annotations

import gzip
import json
import logging
import math
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core.answers import Answerer
from bot.core.changes import stored_changes
from bot.ingest import IngestReport, ingest_file, ingest_rows
from db.store import Store
from tests.bundled import ARENA_2024, OPEN_LLM_FINAL

UPSTREAM_COLUMNS = {
    "model_name",
    "organization",
    "license",
    "rating",
    "rating_lower",
    "rating_upper",
    "variance",
    "vote_count",
    "rank",
    "category",
    "leaderboard_publish_date",
}

Row = dict[str, Any]


def read_gz(path: Path) -> list[Row]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def last_board(date: str = "2025-01-07", *, new_votes: int = 100) -> list[Row]:
    """The 2024-12-31 LMArena board as upstream rows, published again on `date` (ordered by rating, as upstream)
    with `new_votes` more votes for every model, so it is a new board (0: an identical republication)."""
    rows = [r for r in read_gz(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    assert len(rows) == 182 and set(rows[0]) == UPSTREAM_COLUMNS
    rows.sort(key=lambda r: -r["rating"])
    return [{**r, "leaderboard_publish_date": date, "vote_count": r["vote_count"] + new_votes} for r in rows]


def write(tmp_path: Path, name: str, rows: list[Row]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def arena_snapshots(store: Store) -> list[tuple[str, str, int]]:
    return [(s.as_of, s.status, s.row_count) for s in store.snapshots("arena-raw", "overall")]


def assert_still_answering_from_dec_31(store: Store) -> None:
    latest = store.latest_snapshot("arena-raw", "overall")
    assert latest is not None and latest.as_of == "2024-12-31"
    later = store.latest_snapshot("arena-raw", "overall", on_or_before="2025-12-31")
    assert later is not None and later.id == latest.id
    answer = Answerer(store).ask("top 3", board="arena-raw")
    assert answer.as_of == "2024-12-31"
    assert "Gemini-Exp-1206" in answer.text
    # nothing to announce: the last two accepted snapshots are still the latest change
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date) == ("2024-12-23", "2024-12-31")


def assert_rejected(report: IngestReport, as_of: str, rows: int) -> None:
    assert len(report.created) == 1
    assert report.rejected == report.created
    snapshot = report.created[0].snapshot
    assert (snapshot.as_of, snapshot.status, snapshot.row_count) == (as_of, "rejected", rows)


# --- broken publishes -------------------------------------------------------------------------------------------


def test_board_with_60_percent_of_rows_missing_is_rejected(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = last_board()
    kept = rows[: math.floor(0.4 * len(rows))]  # the bottom 60% gone, the leaders still there
    with caplog.at_level(logging.WARNING, logger="bot.core.judging"):
        report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", kept))
    assert_rejected(report, "2025-01-07", len(kept))
    assert arena_snapshots(store)[-1] == ("2025-01-07", "rejected", 72)
    assert any("rejected" in r.getMessage() and "2025-01-07" in r.getMessage() for r in caplog.records)
    assert_still_answering_from_dec_31(store)


def test_board_missing_all_previous_leaders_is_rejected(store: Store, tmp_path: Path) -> None:
    rows = last_board()
    # on 2024-12-31 five models share #1 and the next is #4: all five gone, every other row as it was
    kept = [r for r in rows if r["rank"] > 3]
    assert len(kept) == len(rows) - 5
    report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", kept))
    assert_rejected(report, "2025-01-07", len(kept))
    assert_still_answering_from_dec_31(store)


@pytest.mark.parametrize("rating", [99999, 12.0, -1300])
def test_board_with_a_rating_out_of_range_is_rejected(store: Store, tmp_path: Path, rating: float) -> None:
    rows = last_board()
    rows[20] = {**rows[20], "rating": rating}
    report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", rows))
    assert_rejected(report, "2025-01-07", len(rows))
    assert_still_answering_from_dec_31(store)


def test_open_llm_average_out_of_range_is_rejected(store: Store, tmp_path: Path) -> None:
    rows = read_gz(OPEN_LLM_FINAL)
    rows[100] = {**rows[100], "Average ⬆️": 150.0}
    report = ingest_file(store, "open-llm", write(tmp_path, "contents-2025-04-01.jsonl", rows))
    assert_rejected(report, "2025-04-01", len(rows))
    latest = store.latest_snapshot("open-llm", "overall")
    assert latest is not None and latest.as_of == "2025-03-21"
    cs = stored_changes(store, "open-llm")
    assert (cs.from_date, cs.to_date) == ("2025-01-01", "2025-03-21")


def test_a_rejected_snapshot_is_not_the_baseline_for_the_next(store: Store, tmp_path: Path) -> None:
    rows = last_board()
    broken = rows[:70]
    assert_rejected(ingest_file(store, "arena-raw", write(tmp_path, "a.jsonl", broken)), "2025-01-07", 70)
    # the same broken board a week later would pass next to the rejected one: it is judged against 2024-12-31
    again = [{**r, "leaderboard_publish_date": "2025-01-14"} for r in broken]
    assert_rejected(ingest_file(store, "arena-raw", write(tmp_path, "b.jsonl", again)), "2025-01-14", 70)
    assert_still_answering_from_dec_31(store)
    # then a sound board: accepted, and compared with the last accepted one
    sound = last_board("2025-01-21")
    report = ingest_file(store, "arena-raw", write(tmp_path, "c.jsonl", sound))
    assert [s.snapshot.status for s in report.created] == ["ok"]
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date, cs.events) == ("2024-12-31", "2025-01-21", [])
    assert [s for s in arena_snapshots(store) if s[0] >= "2024-12-31"] == [
        ("2024-12-31", "ok", 182),
        ("2025-01-07", "rejected", 70),
        ("2025-01-14", "rejected", 70),
        ("2025-01-21", "ok", 182),
    ]


def test_one_file_with_a_broken_and_a_sound_board(store: Store, tmp_path: Path) -> None:
    broken = last_board("2025-01-07")[:60]
    sound = last_board("2025-01-14")
    report = ingest_file(store, "arena-raw", write(tmp_path, "two.jsonl", broken + sound))
    assert [(s.snapshot.as_of, s.snapshot.status) for s in report.created] == [
        ("2025-01-07", "rejected"),
        ("2025-01-14", "ok"),
    ]
    latest = store.latest_snapshot("arena-raw", "overall")
    assert latest is not None and latest.as_of == "2025-01-14"
    assert store.latest_snapshot("arena-raw", "overall", on_or_before="2025-01-10").as_of == "2024-12-31"
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date, cs.events) == ("2024-12-31", "2025-01-14", [])


# --- real change passes -----------------------------------------------------------------------------------------


def test_retiring_the_bottom_15_percent_is_accepted(store: Store, tmp_path: Path) -> None:
    """LMArena once dropped 15% of its rows in one publish when it retired old models."""
    rows = last_board()
    kept = rows[: len(rows) - math.ceil(0.15 * len(rows))]
    assert len(kept) == 154
    report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", kept))
    assert [(s.snapshot.as_of, s.snapshot.status, s.snapshot.row_count) for s in report.created] == [
        ("2025-01-07", "ok", 154)
    ]
    latest = store.latest_snapshot("arena-raw", "overall")
    assert latest is not None and latest.as_of == "2025-01-07"
    assert Answerer(store).ask("top 3", board="arena-raw").as_of == "2025-01-07"
    # the retired models were far below the top 10: nothing to announce
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date, cs.events) == ("2024-12-31", "2025-01-07", [])


def test_retirement_and_a_new_leader_is_accepted_and_announced(store: Store, tmp_path: Path) -> None:
    rows = last_board()
    kept = rows[: len(rows) - 27]  # about 15% retired
    newcomer = {
        **rows[0],
        "model_name": "Gemini-2.0-Pro-Exp-0205",
        "rating": 1385.0,
        "rating_lower": 1379.0,
        "rating_upper": 1391.0,
        "vote_count": 5000,
        "rank": 1,
    }
    report = ingest_rows(store, "arena-raw", [newcomer, *kept], origin="test")
    assert [s.snapshot.status for s in report.created] == ["ok"]
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date) == ("2024-12-31", "2025-01-07")
    # the five models at #1 on 2024-12-31 keep it: the newcomer shares #1 with them, it is no sole new leader
    assert [(e.type, e.model, e.old_rank, e.new_rank) for e in cs.events] == [
        ("shared_lead", "Gemini-2.0-Pro-Exp-0205", None, 1)
    ]


def test_a_new_publish_with_the_same_ranks_is_accepted_with_nothing_to_tell(store: Store, tmp_path: Path) -> None:
    report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", last_board()))
    assert [s.snapshot.status for s in report.created] == ["ok"]
    cs = stored_changes(store, "arena-raw")
    assert (cs.from_date, cs.to_date, cs.events) == ("2024-12-31", "2025-01-07", [])


def test_an_identical_republication_under_a_new_date_is_not_stored(store: Store, tmp_path: Path) -> None:
    before = len(store.snapshots("arena-raw"))
    report = ingest_file(store, "arena-raw", write(tmp_path, "board.jsonl", last_board(new_votes=0)))
    assert report.created == [] and report.republished == 1
    assert len(store.snapshots("arena-raw")) == before
    assert_still_answering_from_dec_31(store)


# --- identical data -------------------------------------------------------------------------------------------


def test_reingesting_identical_data_creates_nothing(store: Store, tmp_path: Path) -> None:
    before = store.snapshots()
    entries = store.db.execute("SELECT count(*) FROM entries").fetchone()[0]
    report = ingest_file(store, "arena-raw", ARENA_2024)
    assert report.created == [] and len(report.saved) == 39
    dec_31 = [r for r in read_gz(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    assert ingest_file(store, "arena-raw", write(tmp_path, "dec31.jsonl", dec_31[::-1])).created == []
    assert ingest_file(store, "open-llm", OPEN_LLM_FINAL).created == []
    assert store.snapshots() == before
    assert store.db.execute("SELECT count(*) FROM entries").fetchone()[0] == entries


def test_reingesting_a_rejected_board_creates_nothing_and_it_stays_rejected(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "board.jsonl", last_board()[:50])
    assert_rejected(ingest_file(store, "arena-raw", path), "2025-01-07", 50)
    count = len(store.snapshots())
    again = ingest_file(store, "arena-raw", path)
    assert again.created == []
    assert [s.snapshot.status for s in again.saved] == ["rejected"]
    assert len(store.snapshots()) == count
    assert_still_answering_from_dec_31(store)


# --- a new board that stays new -----------------------------------------------------------------------------------


def new_generation(date: str) -> list[Row]:
    """A plausible board where every 2024 model has retired: 190 new models, none of the old leaders."""
    return [
        {
            "model_name": f"NextGen-{i}", "organization": "Google", "license": "Proprietary", "rating": 1450.0 - i,
            "rating_lower": 1445.0 - i, "rating_upper": 1455.0 - i, "variance": None, "vote_count": 5000,
            "rank": i + 1, "category": "overall", "leaderboard_publish_date": date,
        }
        for i in range(190)
    ]  # fmt: skip


def test_a_turnover_held_back_once_is_accepted_when_the_next_publish_agrees(store: Store, tmp_path: Path) -> None:
    first = ingest_file(store, "arena-raw", write(tmp_path, "a.jsonl", new_generation("2025-01-07")))
    assert_rejected(first, "2025-01-07", 190)  # all leaders gone a week later: held back
    second = ingest_file(store, "arena-raw", write(tmp_path, "b.jsonl", new_generation("2025-01-14")))
    assert [s.snapshot.status for s in second.created] == ["ok"]  # the same shape again: it is the board now
    assert Answerer(store).ask("top 1", board="arena-raw").entries[0].model == "NextGen-0"
    assert "looked broken" not in second.summary() and "looked broken" in first.summary()


def test_after_a_long_gap_new_leaders_are_no_sign_of_breakage(store: Store, tmp_path: Path) -> None:
    report = ingest_file(store, "arena-raw", write(tmp_path, "late.jsonl", new_generation("2025-06-01")))
    assert [s.snapshot.status for s in report.created] == ["ok"]


def test_a_half_empty_board_stays_rejected_even_if_repeated_after_a_good_one(store: Store, tmp_path: Path) -> None:
    """Unlike new leaders, a board that lost half its models is no turnover however often it comes back."""
    half = last_board("2025-01-07")[:80]
    assert_rejected(ingest_file(store, "arena-raw", write(tmp_path, "h1.jsonl", half)), "2025-01-07", 80)
    again = [{**r, "leaderboard_publish_date": "2025-01-14"} for r in half]
    assert_rejected(ingest_file(store, "arena-raw", write(tmp_path, "h2.jsonl", again)), "2025-01-14", 80)
    assert_still_answering_from_dec_31(store)


def test_an_admin_can_accept_a_rejected_board(store: Store, tmp_path: Path, seeded_copy: Path) -> None:
    store.close()
    path = write(tmp_path, "half.jsonl", last_board("2025-01-07")[:80])
    assert main(["--db", str(seeded_copy), "ingest", "arena-raw", "--file", str(path)]) == 0
    assert main(["--db", str(seeded_copy), "accept", "arena-raw", "2025-01-08"]) == 2  # no such rejected board
    assert main(["--db", str(seeded_copy), "accept", "arena-raw", "2025-01-07"]) == 0
    with Store(seeded_copy) as reopened:
        latest = reopened.latest_snapshot("arena-raw", "overall")
        assert (latest.as_of, latest.row_count) == ("2025-01-07", 80)
