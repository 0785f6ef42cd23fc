"""The Open LLM Leaderboard v2 importer on the real final table (contents-2025-03-21)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.sources import SourceError
from bot.sources.open_llm import OpenLLMSource, rank_by_score
from bot.sources.payloads import read_rows
from db.store import Store
from tests.stores import read_entries

DATA = Path(__file__).resolve().parents[2] / "db" / "data" / "open-llm"
OPEN_LLM_FINAL = DATA / "contents-2025-03-21.jsonl.gz"
SCORE = "Average ⬆️"


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    """The file as gzip + json see it, without the product's reader."""
    with gzip.open(OPEN_LLM_FINAL, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def snapshot(raw: list[dict]):
    (only,) = OpenLLMSource().to_snapshots(read_rows(OPEN_LLM_FINAL), origin=str(OPEN_LLM_FINAL))
    return only


def rank_of(raw: list[dict], i: int) -> int:
    """The board's rule, literally: 1 + the number of rows with a strictly higher average."""
    return 1 + sum(1 for r in raw if r[SCORE] > raw[i][SCORE])


def test_one_snapshot_of_every_row_dated_from_the_file_name(snapshot, raw: list[dict]) -> None:
    assert len(raw) == 4576
    assert (snapshot.board, snapshot.category, snapshot.as_of) == ("open-llm", "overall", "2025-03-21")
    assert len(snapshot.rows) == 4576
    assert snapshot.source == str(OPEN_LLM_FINAL)
    assert [r["name"] for r in snapshot.rows] == [r["fullname"] for r in raw]


def test_rank_is_one_plus_the_rows_strictly_above(snapshot, raw: list[dict]) -> None:
    top = max(range(len(raw)), key=lambda i: raw[i][SCORE])
    assert raw[top]["fullname"] == "MaziyarPanahi/calme-3.2-instruct-78b"
    assert snapshot.rows[top]["rank"] == rank_of(raw, top) == 1

    middle = sorted(range(len(raw)), key=lambda i: raw[i][SCORE])[len(raw) // 2]
    assert snapshot.rows[middle]["rank"] == rank_of(raw, middle)
    assert 2000 < snapshot.rows[middle]["rank"] < 2600

    bottom = min(range(len(raw)), key=lambda i: raw[i][SCORE])
    assert snapshot.rows[bottom]["rank"] == rank_of(raw, bottom) == 4576


def test_equal_averages_share_a_rank_and_the_next_one_skips(snapshot, raw: list[dict]) -> None:
    counts = Counter(r[SCORE] for r in raw)
    best_tie = max(score for score, n in counts.items() if n > 1)
    tied = [i for i, r in enumerate(raw) if r[SCORE] == best_tie]
    assert len(tied) == 2
    shared = rank_of(raw, tied[0])
    assert [snapshot.rows[i]["rank"] for i in tied] == [shared, shared]
    below = max((i for i, r in enumerate(raw) if r[SCORE] < best_tie), key=lambda i: raw[i][SCORE])
    assert snapshot.rows[below]["rank"] == shared + 2


def test_every_rank_matches_a_sort_based_count(snapshot, raw: list[dict]) -> None:
    ordered = sorted((r[SCORE] for r in raw), reverse=True)
    first_position = {}
    for position, score in enumerate(ordered, start=1):
        first_position.setdefault(score, position)
    assert [r["rank"] for r in snapshot.rows] == [first_position[r[SCORE]] for r in raw]


def test_rows_carry_the_store_columns(snapshot, raw: list[dict]) -> None:
    i = next(i for i, r in enumerate(raw) if r["fullname"] == "Qwen/QwQ-32B")
    row = snapshot.rows[i]
    assert row["score"] == raw[i][SCORE]
    assert row["ifeval"] == raw[i]["IFEval"]
    assert row["mmlu_pro_raw"] == raw[i]["MMLU-PRO Raw"]
    assert row["params_b"] == raw[i]["#Params (B)"]
    assert row["official"] == int(raw[i]["Official Providers"])
    assert row["submission_date"] == raw[i]["Submission Date"][:10]
    assert (row["organization"], row["org_key"], row["model_key"]) == ("Qwen", "qwen", "qwen/qwq-32b")


def test_organization_and_country_come_from_the_namespace(store: Store) -> None:
    latest = store.latest_snapshot("open-llm", "overall")
    assert latest is not None and latest.as_of == "2025-03-21" and latest.row_count == 4576
    entries = read_entries(store, latest)
    assert len(entries) == 4576
    by_name = {e["name"]: e for e in entries}
    qwen = by_name["Qwen/Qwen2.5-72B-Instruct"]
    assert (qwen["organization"], qwen["country"], qwen["raw_organization"]) == ("Alibaba", "CN", "Qwen")
    deepseek = next(e for e in entries if e["name"].startswith("deepseek-ai/"))
    assert (deepseek["organization"], deepseek["country"]) == ("DeepSeek", "CN")
    community = next(e for e in entries if e["name"].startswith("jaspionjader/"))
    assert (community["organization"], community["country"]) == ("jaspionjader", None)
    bare = by_name["gpt2"]  # no namespace at all
    assert bare["organization"] is None
    assert [e["rank"] for e in entries] == sorted(e["rank"] for e in entries)


def test_without_a_dated_name_the_newest_submission_dates_the_table(raw: list[dict]) -> None:
    (snapshot,) = OpenLLMSource().to_snapshots(raw, origin="https://example.org/rows?dataset=contents")
    assert snapshot.as_of == max(r["Submission Date"][:10] for r in raw) == "2025-03-13"
    (dated,) = OpenLLMSource().to_snapshots(raw[:10], origin="contents.jsonl", as_of="2025-03-22")
    assert dated.as_of == "2025-03-22"


def test_a_table_without_any_date_asks_for_one(raw: list[dict]) -> None:
    rows = [{**r, "Submission Date": None} for r in raw[:5]]
    with pytest.raises(SourceError, match=r"^rows\.jsonl: no date in the file name or the rows; pass --as-of$"):
        OpenLLMSource().to_snapshots(rows, origin="rows.jsonl")
    with pytest.raises(SourceError, match="'2025-02-30' is not a date"):
        OpenLLMSource().to_snapshots(rows, origin="rows.jsonl", as_of="2025-02-30")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({SCORE: "41.2"}, "column 'Average ⬆️' should be num (row 2)"),
        ({SCORE: True}, "column 'Average ⬆️' should be num (row 2)"),
        ({SCORE: float("inf")}, "column 'Average ⬆️' should be num (row 2)"),
        ({"Hub ❤️": 2.5}, "column 'Hub ❤️' should be int (row 2)"),
        ({"MoE": "false"}, "column 'MoE' should be bool (row 2)"),
        ({"Submission Date": "yesterday"}, "column 'Submission Date' should be date (row 2)"),
    ],
)
def test_bad_cells_are_named_with_their_column_and_row(raw: list[dict], change: dict, expected: str) -> None:
    rows = [dict(r) for r in raw[:3]]
    rows[1].update(change)
    with pytest.raises(SourceError) as failed:
        OpenLLMSource().to_snapshots(rows, origin="contents-2025-03-21.jsonl")
    assert str(failed.value) == f"contents-2025-03-21.jsonl: {expected}"


def test_rows_without_an_average_are_dropped_and_counted(raw: list[dict]) -> None:
    """Before: one row without an average (null, or NaN as Parquet writes it) refused the whole table. Now it is
    left out and counted; ranks are of the rows kept."""
    rows = [dict(r) for r in raw[:10]]
    rows[1][SCORE], rows[4][SCORE] = None, float("nan")
    (snapshot,) = OpenLLMSource().to_snapshots(rows, origin="contents-2025-03-21.jsonl")
    assert len(snapshot) == 8 and snapshot.dropped.summary() == "2 rows dropped (no Average ⬆️)"
    assert {r["name"] for r in snapshot.rows} == {r["fullname"] for i, r in enumerate(raw[:10]) if i not in (1, 4)}
    assert sorted(r["rank"] for r in snapshot.rows)[0] == 1


def test_a_table_where_most_rows_have_no_average_is_refused(raw: list[dict]) -> None:
    rows = [{**r, SCORE: None} if i < 6 else r for i, r in enumerate(raw[:10])]
    with pytest.raises(SourceError) as failed:
        OpenLLMSource().to_snapshots(rows, origin="x.jsonl")
    assert str(failed.value) == "x.jsonl: 6 of 10 rows are bad, refused: no Average ⬆️ (row 1, 2, 3 and 3 more)"


def test_many_bad_cells_are_summarised_per_column(raw: list[dict]) -> None:
    rows = [{k: v for k, v in r.items() if k != "IFEval"} if i >= 60 else r for i, r in enumerate(raw[:70])]
    rows[3] = {**rows[3], "BBH": "n/a"}
    with pytest.raises(SourceError) as failed:
        OpenLLMSource().to_snapshots(rows, origin="x.jsonl")
    assert str(failed.value) == (
        "x.jsonl: column 'BBH' should be num (row 4); column 'IFEval' is missing or null (row 61, 62, 63 and 7 more)"
    )


def test_integral_floats_are_accepted_as_ints_and_ints_as_numbers(raw: list[dict]) -> None:
    rows = [dict(r) for r in raw[:2]]
    rows[0]["Hub ❤️"] = 12.0
    rows[0][SCORE] = 40
    (snapshot,) = OpenLLMSource().to_snapshots(rows, origin="x-2025-01-01.jsonl")
    assert snapshot.rows[0]["hub_likes"] == 12 and type(snapshot.rows[0]["hub_likes"]) is int
    assert snapshot.rows[0]["score"] == 40.0


def test_rank_by_score_unit() -> None:
    assert rank_by_score([]) == []
    assert rank_by_score([50.0, 70.0, 50.0, 60.0, 70.0]) == [4, 1, 4, 3, 1]
