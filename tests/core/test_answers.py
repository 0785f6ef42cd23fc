"""answers: Query + store -> Answer, on the real bundled data. Ranks are checked against the store's own rows,
computed here independently by the boards' rules (README: Open LLM rank = 1 + rows with a strictly higher score,
within the filtered rows when filtered; LMArena keeps its published rank)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.answers import Answer, Answerer
from bot.core.i18n import LANGUAGES, catalogue, said, t
from bot.core.names import parse_size
from bot.core.text import HELP
from bot.ingest import ingest_rows
from bot.profiles import board_ids, profile
from bot.sources.payloads import read_rows
from db.store import Store
from tests.bundled import ARENA_2024
from tests.stores import read_entries

pytestmark = pytest.mark.both_engines


def latest_rows(store: Store, board: str, as_of: str | None = None) -> list[dict[str, Any]]:
    snapshot = store.latest_snapshot(board, "overall", on_or_before=as_of)
    assert snapshot is not None
    return read_entries(store, snapshot)


def best_rows(rows: list[dict[str, Any]], key: str = "score") -> dict[str, dict[str, Any]]:
    """Each model's row with the highest `key` (Open LLM lists some models at several precisions)."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get(key) is None:
            continue
        name = row["name"]
        if name not in best or row[key] > best[name][key]:
            best[name] = row
    return best


def open_llm_rank(rows: list[dict[str, Any]], value: float, key: str = "score") -> int:
    return 1 + sum(1 for r in rows if r.get(key) is not None and r[key] > value)


def with_ties(rows: list[dict[str, Any]], count: int, extra: int = 10) -> list[dict[str, Any]]:
    """The first `count` rows (one per model, in board order) and every row after them sharing the last rank, when
    at most `extra` do: what a top N lists."""
    first = rows[:count]
    tied = [r for r in rows[count:] if r["rank"] == first[-1]["rank"]]
    return first + tied if len(tied) <= extra and count + len(tied) <= 100 else first


def one_per_model(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    return [r for r in rows if not (r["name"] in seen or seen.add(r["name"]))]  # type: ignore[func-returns-value]


def size_of(row: dict[str, Any]) -> float | None:
    """Parameters in billions: the board's column when it holds a real size, else what the name says."""
    value = row.get("params_b")
    return float(value) if value and value > 0 else parse_size(row["name"])


@pytest.fixture(scope="module")
def open_llm_rows(shared_store: Store) -> list[dict[str, Any]]:
    return latest_rows(shared_store, "open-llm")


@pytest.fixture(scope="module")
def arena_rows(shared_store: Store) -> list[dict[str, Any]]:
    return latest_rows(shared_store, "arena-raw")


# --- every answer says where it comes from --------------------------------------------------------------------

BOARD_QUESTIONS = [
    ("rank of Qwen2-72B-Instruct", "arena-raw", "rank"),
    ("rank of Qwen2-72B-Instruct on open-llm", "open-llm", "rank"),
    ("top 10", "arena-raw", "top"),
    ("top 3 on open-llm", "open-llm", "top"),
    ("top 5 on math under 10b", "open-llm", "top"),
    ("llama 3.3 70b vs qwen 2.5 72b", "arena-raw", "compare"),
    ("compare gemma 2 27b and llama 3 70b on open-llm", "open-llm", "compare"),
    ("which orgs dominate the top 20 on arena-raw", "arena-raw", "orgs"),
    ("which orgs dominate the top 20 on open-llm", "open-llm", "orgs"),
    ("rank of Qwen-72B", "arena-raw", "clarify"),
    ("qwen on open-llm", "open-llm", "clarify"),
    ("xyzzy-9000 on arena-raw", "arena-raw", "not_found"),
    ("xyzzy-9000 on open-llm", "open-llm", "not_found"),
]


@pytest.mark.parametrize(("question", "board", "kind"), BOARD_QUESTIONS)
def test_every_answer_names_its_board_and_date(answerer: Answerer, question: str, board: str, kind: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == kind, answer.text
    assert answer.board == board
    assert answer.as_of == ("2024-12-31" if board == "arena-raw" else "2025-03-21")
    assert answer.archived is (board == "open-llm")
    assert answer.category == "overall"
    state = "archived board" if board == "open-llm" else "board"
    assert f"{answer.board_title} (overall, {state} of {answer.as_of}, " in answer.text  # then its age
    assert answer.question == question


@pytest.mark.parametrize(("question", "board", "kind"), BOARD_QUESTIONS)
def test_json_answer(answerer: Answerer, question: str, board: str, kind: str) -> None:
    data = answerer.ask(question).to_json()
    data = json.loads(json.dumps(data))  # plain JSON all the way down
    for name in ("question", "kind", "board", "as_of", "entries", "candidates", "text"):
        assert name in data
    assert (data["question"], data["kind"], data["board"]) == (question, kind, board)
    for entry in data["entries"]:
        for name in ("rank", "model", "score", "organization", "country"):
            assert name in entry
        assert isinstance(entry["rank"], int) and entry["rank"] >= 1
        assert isinstance(entry["score"], int | float)
    if kind in ("rank", "top", "compare", "orgs"):
        assert data["entries"]
    if kind == "clarify":
        assert len(data["candidates"]) >= 2


def test_json_rank_entry_carries_the_details(answerer: Answerer) -> None:
    entry = answerer.ask("rank of Qwen2-72B-Instruct").to_json()["entries"][0]
    assert entry["model"] == "Qwen2-72B-Instruct"
    assert (entry["organization"], entry["country"]) == ("Alibaba", "CN")
    assert entry["votes"] > 0
    assert len(entry["interval"]) == 2
    assert entry["other"]["board"] == "open-llm"
    assert "details" not in entry


# --- rank answers and the other board ------------------------------------------------------------------------


def test_rank_on_arena_mentions_the_open_llm_standing(
    answerer: Answerer, arena_rows: list[dict[str, Any]], open_llm_rows: list[dict[str, Any]]
) -> None:
    answer = answerer.ask("rank of Qwen2-72B-Instruct")
    assert answer.kind == "rank"
    entry = answer.entries[0]
    row = next(r for r in arena_rows if r["name"] == "Qwen2-72B-Instruct")
    assert (entry.model, entry.rank, entry.score) == ("Qwen2-72B-Instruct", row["rank"], row["score"])
    assert answer.of == len(arena_rows)

    other = entry.other
    assert other is not None
    assert other.board == "open-llm"
    assert other.archived
    assert other.as_of == "2025-03-21"
    assert other.model == "Qwen/Qwen2-72B-Instruct"
    score = best_rows(open_llm_rows)["Qwen/Qwen2-72B-Instruct"]["score"]
    assert other.score == score
    assert other.rank == open_llm_rank(open_llm_rows, score)
    assert f"#{other.rank} of" in answer.text
    assert "Qwen/Qwen2-72B-Instruct" in answer.text


def test_rank_on_open_llm_follows_the_rule(answerer: Answerer, open_llm_rows: list[dict[str, Any]]) -> None:
    answer = answerer.ask("rank of Qwen/Qwen2.5-72B-Instruct", board="open-llm")
    assert answer.kind == "rank"
    entry = answer.entries[0]
    assert entry.model == "Qwen/Qwen2.5-72B-Instruct"
    score = best_rows(open_llm_rows)[entry.model]["score"]
    assert entry.score == score
    assert entry.rank == open_llm_rank(open_llm_rows, score)
    assert entry.details.official is True
    assert set(entry.details.benchmarks or {}) == {"IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"}
    # ... and its LMArena standing is the published rank
    assert entry.other is not None and entry.other.board == "arena-raw"
    assert entry.other.model == "Qwen2.5-72B-Instruct"


def test_a_model_only_on_open_llm_is_answered_from_there(answerer: Answerer) -> None:
    answer = answerer.ask("rank of qwen 2.5 7b")
    assert answer.kind == "rank"
    assert answer.board == "open-llm"
    assert answer.archived
    assert answer.entries[0].model == "Qwen/Qwen2.5-7B"
    assert any("Not on Arena Text (no style control)" in n for n in answer.notes)
    assert "Not on Arena Text (no style control)" in answer.text


def test_a_named_board_is_not_left(answerer: Answerer) -> None:
    answer = answerer.ask("rank of qwen 2.5 7b", board="arena-raw")
    assert answer.kind == "not_found"
    assert answer.board == "arena-raw"
    answer = answerer.ask("rank of qwen 2.5 7b on arena-raw")
    assert answer.kind == "not_found"


# --- as of ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2024-08-01", "2024-09-01", "2024-06-19", "2024-12-31", "2030-01-01"])
def test_as_of_answers_from_the_latest_board_on_or_before(answerer: Answerer, shared_store: Store, as_of: str) -> None:
    published = sorted(s.as_of for s in shared_store.snapshots("arena-raw", "overall"))
    expected = max(d for d in published if d <= as_of)
    answer = answerer.ask("top 3", as_of=as_of)
    assert answer.kind == "top"
    assert answer.as_of == expected
    rows = latest_rows(shared_store, "arena-raw", expected)
    assert [e.model for e in answer.entries] == [r["name"] for r in with_ties(rows, 3)]
    assert answer.of == len(rows)


def test_as_of_before_the_first_board_is_an_error_naming_the_first(answerer: Answerer, shared_store: Store) -> None:
    first = min(s.as_of for s in shared_store.snapshots("arena-raw", "overall"))
    assert first == "2024-06-19"
    answer = answerer.ask("top 3", as_of="2024-01-01")
    assert answer.kind == "error"
    assert first in (answer.error or "")
    assert first in answer.text


def test_as_of_in_the_question_wins_over_the_option(answerer: Answerer) -> None:
    answer = answerer.ask("top 3 as of 2024-09-01", as_of="2024-07-01")
    assert answer.as_of == "2024-08-30"


def test_as_of_on_open_llm(answerer: Answerer) -> None:
    answer = answerer.ask("top 3 on open-llm", as_of="2025-01-01")
    assert (answer.board, answer.as_of, answer.of) == ("open-llm", "2025-01-01", 2695)
    answer = answerer.ask("top 3 on open-llm as of 2024-12-31")
    assert answer.as_of == "2024-12-11"


def test_as_of_rank_question(answerer: Answerer) -> None:
    answer = answerer.ask("chatgpt 4o latest as of 2024-10-01")
    assert answer.kind == "rank"
    assert answer.as_of <= "2024-10-01"
    assert answer.entries[0].model == "ChatGPT-4o-latest (2024-09-03)"


# --- lists ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3, 10, 25, 100])
def test_top_n_lists_every_model_tied_at_the_cut(
    answerer: Answerer, arena_rows: list[dict[str, Any]], count: int
) -> None:
    answer = answerer.ask(f"top {count}")
    expected = with_ties(arena_rows, count)
    assert len(answer.entries) >= count
    assert [e.model for e in answer.entries] == [r["name"] for r in expected]
    assert [e.rank for e in answer.entries] == [r["rank"] for r in expected]
    assert [e.position for e in answer.entries] == list(range(1, len(expected) + 1))
    assert answer.total == len(arena_rows)
    last = expected[-1]["rank"]
    if len(expected) > count:  # the cut fell inside a tie: the answer says why the list is longer
        assert f"share #{last}, so {len(expected)} are listed" in answer.footnote
        assert arena_rows[count - 1]["rank"] == last
    elif len(arena_rows) > count and arena_rows[count]["rank"] == last:  # too many to list: told how many
        more = sum(r["rank"] == last for r in arena_rows[count:])
        assert answer.footnote == f"{more} more models share #{last}."


def test_top_10_on_the_last_2024_board_stops_after_the_tie_at_9(answerer: Answerer) -> None:
    """The bundled board of 2024-12-31 has four models at #9: `top 10` lists all four (12 lines), not two."""
    answer = answerer.ask("top 10")
    assert [e.rank for e in answer.entries][-4:] == [9, 9, 9, 9]
    assert len(answer.entries) == 12
    assert "4 models share #9, so 12 are listed." in answer.text


def test_who_is_number_one_lists_everyone_sharing_it(answerer: Answerer, arena_rows: list[dict[str, Any]]) -> None:
    leaders = [r["name"] for r in arena_rows if r["rank"] == 1]
    for question in ("who is #1", "what's the top model right now?", "current leader", "best model"):
        answer = answerer.ask(question)
        assert answer.kind == "top", question
        assert [e.model for e in answer.entries] == leaders, question


def test_top_20_chinese_on_arena(answerer: Answerer, arena_rows: list[dict[str, Any]]) -> None:
    answer = answerer.ask("top 20 chinese")
    assert answer.kind == "top"
    assert answer.board == "arena-raw"
    chinese = [r for r in arena_rows if r["country"] == "CN"]
    assert len(answer.entries) == 20 < len(chinese) == answer.total
    assert all(e.country == "CN" for e in answer.entries)
    # LMArena keeps its published ranks under a filter
    assert [(e.model, e.rank) for e in answer.entries] == [(r["name"], r["rank"]) for r in chinese[:20]]


def test_a_filtered_open_llm_list_shows_board_ranks_and_its_own_places(
    answerer: Answerer, open_llm_rows: list[dict[str, Any]]
) -> None:
    answer = answerer.ask("top 20 chinese on open-llm")
    assert answer.kind == "top"
    chinese = [r for r in open_llm_rows if r["country"] == "CN"]
    assert all(e.country == "CN" for e in answer.entries)
    assert answer.total == len({r["name"] for r in chinese})
    expected = with_ties(one_per_model(chinese), 20)
    assert [e.model for e in answer.entries] == [r["name"] for r in expected]
    # the board's rank, never the place within the filter (that is the position)
    assert [e.rank for e in answer.entries] == [r["rank"] for r in expected]
    assert (answer.entries[0].model, answer.entries[0].rank, answer.entries[0].position) == (
        "Qwen/Qwen2.5-72B-Instruct",
        6,
        1,
    )
    for e in answer.entries:
        assert e.rank == open_llm_rank(open_llm_rows, e.score), e.model
    listed = json.loads(json.dumps(answer.to_json()))["entries"][0]
    assert (listed["rank"], listed["position"]) == (6, 1)


def test_meta_models_on_open_llm_keep_their_board_rank(answerer: Answerer) -> None:
    """The case from the issue: Llama-3.3-70B-Instruct is #40 on the board; a filtered list must not call it #1."""
    answer = answerer.ask("top models from meta on open-llm")
    first = answer.entries[0]
    assert (first.model, first.rank, first.position) == ("meta-llama/Llama-3.3-70B-Instruct", 40, 1)
    assert "#40" in answer.text and "#1 " not in answer.text


def test_official_providers_on_open_llm(answerer: Answerer, open_llm_rows: list[dict[str, Any]]) -> None:
    answer = answerer.ask("top 15 official models on open-llm")
    official = one_per_model([r for r in open_llm_rows if r["official"]])
    assert [e.model for e in answer.entries] == [r["name"] for r in with_ties(official, 15)]
    assert all(e.details.official for e in answer.entries)
    for e in answer.entries:
        assert e.rank == open_llm_rank(open_llm_rows, e.score), e.model


def test_organization_filter(answerer: Answerer, arena_rows: list[dict[str, Any]]) -> None:
    meta = [r for r in arena_rows if r["organization"] == "Meta"]
    answer = answerer.ask("top models from Meta")
    assert answer.kind == "top"
    assert [e.model for e in answer.entries] == [r["name"] for r in with_ties(meta, 10)]
    best = answerer.ask("best model from Meta")
    assert [e.model for e in best.entries] == [r["name"] for r in meta if r["rank"] == meta[0]["rank"]]
    assert best.entries[0].model == "Meta-Llama-3.1-405B-Instruct-bf16"


@pytest.mark.parametrize(
    ("question", "license_class"),
    [
        ("best open model", "open weights"),
        ("top 5 open models", "open weights"),
        ("top 5 open source models", "open weights"),
        ("top 10 open-weight models", "open weights"),
        ("top 5 closed models", "proprietary"),
        ("best proprietary model", "proprietary"),
    ],
)
def test_license_filters(
    answerer: Answerer, arena_rows: list[dict[str, Any]], question: str, license_class: str
) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "top", answer.text
    assert answer.entries and all(e.details.license_class == license_class for e in answer.entries)
    closed = {"proprietary", "propretary"}
    kept = [
        r for r in arena_rows if ((r.get("license") or "").casefold() in closed) == (license_class == "proprietary")
    ]
    assert answer.entries[0].model == kept[0]["name"]
    assert answer.entries[0].rank == kept[0]["rank"]  # the board's rank: DeepSeek-V3 is #9, not "#1 open model"
    assert license_class in answer.text


def test_closed_models_on_the_open_weights_board_are_refused(answerer: Answerer) -> None:
    answer = answerer.ask("top 5 closed models on open-llm")
    assert answer.kind == "error"
    assert "lists only open-weight models" in (answer.error or "")


def test_european_means_the_eu(answerer: Answerer, arena_rows: list[dict[str, Any]]) -> None:
    answer = answerer.ask("top 10 european models")
    assert answer.entries
    assert {e.country for e in answer.entries} <= {"FR", "DE", "PL", "IT", "ES", "NL", "SE", "FI", "AT", "BE"}
    assert answer.total == sum(1 for r in arena_rows if r["country"] in {"FR", "DE", "PL"})


def test_top_5_on_math_under_10b(answerer: Answerer, open_llm_rows: list[dict[str, Any]]) -> None:
    answer = answerer.ask("top 5 on math under 10b")
    assert answer.kind == "top"
    assert answer.board == "open-llm"
    assert answer.archived
    assert answer.notes and "Open LLM" in answer.notes[0]
    assert answer.sort_label == "MATH Lvl 5"
    assert len(answer.entries) >= 5
    math = [(e.details.benchmarks or {})["MATH Lvl 5"] for e in answer.entries]
    assert math == sorted(math, reverse=True)
    assert all(0 < (e.details.params_b or 0) <= 10 for e in answer.entries)
    assert answer.entries[0].model == "nvidia/AceMath-7B-Instruct"
    small = [r for r in open_llm_rows if r["math"] is not None and (size_of(r) or 1e9) <= 10]
    best = best_rows(small, "math")
    assert [e.model for e in answer.entries][:5] == sorted(best, key=lambda n: -best[n]["math"])[:5]
    for e, value in zip(answer.entries, math, strict=True):
        assert e.rank == open_llm_rank(open_llm_rows, value, "math")  # its MATH rank on the whole board
    assert [e.position for e in answer.entries] == [1, 2, 3, 4, 5]
    assert "MATH Lvl 5" in answer.text


@pytest.mark.parametrize(
    ("question", "column", "keep"),
    [
        ("top 30 on gpqa under 10b", "gpqa", lambda r: (size_of(r) or 1e9) <= 10),
        ("top 20 on gpqa official", "gpqa", lambda r: bool(r["official"])),
        ("top 30 on math under 10b", "math", lambda r: (size_of(r) or 1e9) <= 10),
    ],
)
def test_equal_values_share_a_rank(
    answerer: Answerer, open_llm_rows: list[dict[str, Any]], question: str, column: str, keep: Any
) -> None:
    answer = answerer.ask(question)
    assert answer.board == "open-llm"
    rows = [r for r in open_llm_rows if r[column] is not None and keep(r)]
    label = answer.sort_label or ""
    ranks = [e.rank for e in answer.entries]
    assert len(set(ranks)) < len(ranks), "expected ties in this list"
    every = [r for r in open_llm_rows if r[column] is not None]
    for e in answer.entries:
        assert e.rank == open_llm_rank(every, (e.details.benchmarks or {})[label], column), e.model
    assert {e.model for e in answer.entries} <= {r["name"] for r in rows}


def test_a_benchmark_on_arena_is_refused(answerer: Answerer) -> None:
    answer = answerer.ask("top 5 on gpqa on arena-raw")
    assert answer.kind == "error"
    assert "open-llm" in (answer.error or "")


@pytest.mark.parametrize(
    "question", ["top 5 coding models", "top 5 on math on arena-raw", "best model for creative writing"]
)
def test_a_category_the_store_lacks_says_so_and_where_it_is_published(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "error"
    assert "category is not stored for Arena Text (no style control) (it holds: overall)" in (answer.error or "")
    assert "publishes it: `leaderbot refresh arena" in (answer.error or "")


def test_size_filter_on_arena_uses_the_names(answerer: Answerer) -> None:
    answer = answerer.ask("top 50 7b-14b")
    assert answer.board == "arena-raw"
    assert answer.entries
    assert all(7 <= (parse_size(e.model) or 0) <= 14 for e in answer.entries)
    assert any("LMArena publishes no sizes" in n for n in answer.notes)


def test_an_unknown_size_is_not_a_small_size(answerer: Answerer) -> None:
    answer = answerer.ask("top 100 under 1.5b on open-llm")
    assert len(answer.entries) == 100  # the board has well over 100 models it knows to be that small
    assert all((e.details.params_b or 0) > 0 for e in answer.entries), [
        (e.model, e.details.params_b) for e in answer.entries if (e.details.params_b or 0) <= 0
    ]


def test_an_empty_list_says_so(answerer: Answerer) -> None:
    answer = answerer.ask("top chinese models from meta")
    assert answer.kind == "top"
    assert answer.entries == []
    assert answer.total == 0
    assert "No model" in answer.text


@pytest.mark.parametrize(
    ("question", "n"),
    [("which orgs dominate the top 20 on arena-raw", 20), ("which labs dominate the top 50 on open-llm", 50)],
)
def test_orgs_count_every_model_ranked_within_n(answerer: Answerer, shared_store: Store, question: str, n: int) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "orgs"
    counts = [o.count for o in answer.orgs]
    assert counts == sorted(counts, reverse=True)
    # independently: the organizations of every model (once) whose board rank is n or better
    within = [r for r in one_per_model(latest_rows(shared_store, answer.board or "")) if r["rank"] <= n]
    assert sum(counts) == len(within) == answer.total >= n
    expected = Counter(r["organization"] or "unknown" for r in within)
    assert {o.organization: o.count for o in answer.orgs} == dict(expected)
    assert [o.position for o in answer.orgs] == list(range(1, len(answer.orgs) + 1))


def test_who_dominates_the_top_10_counts_the_twelve_models_ranked_there(answerer: Answerer) -> None:
    answer = answerer.ask("who dominates the top 10")
    assert answer.total == 12
    assert "12 models hold a top-10 rank" in answer.text


def test_orgs_on_arena_top_20_leader(answerer: Answerer) -> None:
    answer = answerer.ask("which orgs dominate the top 20 on arena-raw")
    assert (answer.orgs[0].organization, answer.orgs[0].country) == ("Google", "US")
    assert answer.orgs[0].best_rank == 1


# --- compare, clarify, errors -----------------------------------------------------------------------------------


def test_compare_sorted_by_rank(answerer: Answerer) -> None:
    answer = answerer.ask("llama 3.3 70b vs qwen 2.5 72b")
    assert answer.kind == "compare"
    assert [e.model for e in answer.entries] == ["Qwen2.5-72B-Instruct", "Llama-3.3-70B-Instruct"]
    ranks = [e.rank for e in answer.entries]
    assert ranks == sorted(ranks)


def test_compare_with_an_ambiguous_name_asks_which(answerer: Answerer) -> None:
    answer = answerer.ask("gpt-4o vs claude 3 opus")
    assert answer.kind == "clarify"
    assert "GPT-4o-2024-05-13" in answer.candidates
    assert any("gpt-4o" in n for n in answer.notes)


def test_clarification_text_lists_the_candidates(answerer: Answerer) -> None:
    answer = answerer.ask("rank of Qwen-72B")
    assert answer.kind == "clarify"
    assert set(answer.candidates) == {"Qwen1.5-72B-Chat", "Qwen2-72B-Instruct", "Qwen2.5-72B-Instruct"}
    for i, name in enumerate(answer.candidates, start=1):
        assert f"{i}. {name}" in answer.text


def test_long_clarification_text_shows_ten_and_counts_the_rest(answerer: Answerer) -> None:
    answer = answerer.ask("qwen on open-llm")
    assert answer.kind == "clarify"
    assert len(answer.candidates) == 25
    assert "10. " + answer.candidates[9] in answer.text
    assert answer.candidates[10] not in answer.text
    assert "15 more" in answer.text


def test_not_found_offers_suggestions(answerer: Answerer) -> None:
    answer = answerer.ask("gpt-4o-2024-05-1")
    assert answer.kind == "not_found"
    assert answer.candidates[0] == "GPT-4o-2024-05-13"
    assert "Did you mean" in answer.text and "GPT-4o-2024-05-13" in answer.text


@pytest.mark.parametrize(
    "name",
    [
        "claude-opus-4-6",  # a later Claude version than the board's 3.5
        "gpt-5.2-chat-latest-20260210",  # a later GPT, and a release date after the board's
        "qwen3.5-max-preview",  # the board's newest Qwen is 2.5
        "gemini 3 pro",
    ],
)
def test_a_name_newer_than_a_months_old_board_gets_no_unrelated_suggestions(answerer: Answerer, name: str) -> None:
    answer = answerer.ask(f"rank of {name}")
    assert answer.kind == "not_found" and answer.newer_than_board
    assert answer.candidates == []
    assert (
        f"“{name}” is not on the stored Arena Text (no style control) (overall, board of 2024-12-31, 700 days old);"
        " `leaderbot refresh` fetches the current one." in answer.text
    )
    assert "Did you mean" not in answer.text


def test_on_the_archive_a_newer_name_is_told_the_board_is_archived(answerer: Answerer) -> None:
    answer = answerer.ask("rank of qwen3 235b on open llm")
    assert answer.kind == "not_found" and answer.newer_than_board
    assert "archived board of 2025-03-21" in answer.text and "likely newer than the board" in answer.text
    assert "refresh" not in answer.text  # nothing to fetch: the board is retired


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("gpt-4o-2024-05-1", "GPT-4o-2024-05-13"),
        ("claude 2.5 opus", "Claude 3 Opus"),
        ("qwen 1 110b", "Qwen1.5-110B-Chat"),
    ],
)
def test_an_older_or_misspelt_name_still_gets_suggestions(answerer: Answerer, name: str, suggested: str) -> None:
    answer = answerer.ask(f"rank of {name}")
    assert answer.kind == "not_found" and not answer.newer_than_board
    assert suggested in answer.candidates and "Did you mean" in answer.text


def test_on_a_fresh_board_a_newer_looking_name_still_gets_suggestions(store: Store) -> None:
    fresh = Answerer(store, now=lambda: datetime(2025, 1, 5, tzinfo=UTC))  # the board is 5 days old
    answer = fresh.ask("rank of claude-opus-4-6")
    assert answer.kind == "not_found" and not answer.newer_than_board
    assert answer.candidates and "Did you mean" in answer.text


@pytest.mark.parametrize("question", ["rank of @everyone gpt-4o-2024-05-13", "rank of gpt-4o-2024-05-13 @everyone"])
def test_everyone_in_a_name_does_not_crash_or_ping(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "rank"
    assert answer.entries[0].model == "GPT-4o-2024-05-13"
    assert answer.question == question
    assert "@everyone" not in answer.text


@pytest.mark.parametrize("question", ["@everyone", "@everyone @here", "xyzzy @everyone", "top 3 @everyone"])
def test_mentions_never_reach_the_text(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.question == question
    assert "@everyone" not in answer.text and "@here" not in answer.text


@pytest.mark.parametrize(
    ("question", "needle"),
    [("top -3", "-3"), ("top 500", "500"), ("x" * 5000, "5,000"), ("top 10 purple models", "purple")],
)
def test_errors_are_answers(answerer: Answerer, question: str, needle: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "error"
    assert needle in (answer.error or "")
    assert "help" in answer.text
    assert "Traceback" not in answer.text
    assert len(answer.text) < 300


def test_help_and_boards(answerer: Answerer, shared_store: Store) -> None:
    assert answerer.ask("help").text == HELP
    answer = answerer.ask("boards")
    assert answer.kind == "boards"
    boards = {b.board: b for b in answer.boards}
    held = {b for b in board_ids() if shared_store.snapshots(b)}
    assert set(boards) == held == {"arena-raw", "open-llm"}
    assert any(n.startswith("These boards have no data yet: arena, arena-webdev") for n in answer.notes)
    assert boards["arena-raw"].archived is False and boards["open-llm"].archived is True
    assert boards["arena-raw"].snapshots == len(shared_store.snapshots("arena-raw")) == 39
    assert (boards["arena-raw"].first, boards["arena-raw"].latest) == ("2024-06-19", "2024-12-31")
    assert (boards["open-llm"].snapshots, boards["open-llm"].latest) == (3, "2025-03-21")
    assert answer.entries == []  # boards are not squeezed into model entries


# --- the store changes under a running Answerer ---------------------------------------------------------------


def snoozy(answer: Answer) -> tuple[str | None, str | None]:
    assert answer.kind == "rank", answer.text
    assert answer.entries[0].model == "GPT4All-13B-Snoozy"
    return answer.entries[0].organization, answer.entries[0].country


def test_an_organization_correction_shows_in_the_next_answer(store: Store) -> None:
    answerer = Answerer(store)
    assert snoozy(answerer.ask("rank of gpt4all 13b snoozy")) == ("Nomic AI", None)
    assert answerer.ask("top models from nomic ai").kind == "error"  # not an organization yet
    before = store.revision()

    store.set_organization("Nomic AI", country="US", aliases=["Nomic AI"])

    assert store.revision() != before
    assert snoozy(answerer.ask("rank of gpt4all 13b snoozy")) == ("Nomic AI", "US")
    listed = answerer.ask("top models from nomic ai")
    assert listed.kind == "top"
    assert [e.model for e in listed.entries] == ["GPT4All-13B-Snoozy"]
    american = answerer.ask("top american models from nomic ai")
    assert [(e.model, e.country) for e in american.entries] == [("GPT4All-13B-Snoozy", "US")]


def test_a_correction_from_another_connection_shows_too(store: Store) -> None:
    answerer = Answerer(store)
    assert snoozy(answerer.ask("rank of gpt4all 13b snoozy"))[1] is None
    other = Store(store.path)  # another process, as `leaderbot orgs set` would be
    try:
        other.set_organization("Nomic AI", country="US", aliases=["Nomic AI"])
    finally:
        other.close()
    assert snoozy(answerer.ask("rank of gpt4all 13b snoozy"))[1] == "US"


def test_a_model_alias_added_at_run_time(store: Store) -> None:
    answerer = Answerer(store)
    assert answerer.ask("rank of big qwen").kind != "rank"
    store.set_model_alias("arena-raw", "big qwen", "qwen2.5-72b-instruct")
    answer = answerer.ask("rank of big qwen")
    assert answer.kind == "rank"
    assert answer.entries[0].model == "Qwen2.5-72B-Instruct"


def test_a_new_board_rebuilds_its_own_view_only(store: Store) -> None:
    answerer = Answerer(store)
    answerer.warm()
    archived, live = answerer.view("open-llm"), answerer.view("arena-raw")
    assert archived is not None and live is not None
    rows = [r for r in read_rows(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    rows = [{**r, "leaderboard_publish_date": "2025-01-07", "vote_count": r["vote_count"] + 10} for r in rows]
    ingest_rows(store, "arena-raw", rows, origin="test")
    assert answerer.view("open-llm") is archived
    fresh = answerer.view("arena-raw")
    assert fresh is not live and fresh is not None and fresh.snapshot.as_of == "2025-01-07"
    assert answerer.ask("top 1").as_of == "2025-01-07"


def test_the_other_board_standing_is_from_the_same_moment(answerer: Answerer) -> None:
    """Open LLM snapshots start on 2024-12-11: an arena answer as of 2024-08-01 has no Open LLM standing yet."""
    then = answerer.ask("rank of qwen2 72b instruct", as_of="2024-08-01")
    assert then.kind == "rank" and then.as_of <= "2024-08-01"
    assert then.entries[0].other is None
    now = answerer.ask("rank of qwen2 72b instruct")
    assert now.entries[0].other is not None and now.entries[0].other.as_of == "2025-03-21"


def test_a_history_as_of_a_date_stops_at_that_date(answerer: Answerer) -> None:
    """From the raw file: GPT-4o-2024-05-13 is #1 on 2024-06-19 and the next board is 2024-07-07."""
    then = answerer.ask("history of gpt-4o-2024-05-13 as of 2024-07-01")
    [history] = then.histories
    assert [(p.date, p.rank) for p in history.points] == [("2024-06-19", 1)]
    assert history.days_at_1 == 1 and then.as_of == "2024-06-19"
    now = answerer.ask("history of gpt-4o-2024-05-13")
    assert len(now.histories[0].points) == 39


@pytest.mark.parametrize("kind", ["top", "orgs", "rank", "compare", "history"])
def test_an_unknown_board_is_an_error_answer(answerer: Answerer, kind: str) -> None:
    answer = answerer.ask("llama 3 70b vs gemma 2 27b" if kind == "compare" else "10", board="nope", force=kind)
    assert answer.kind == "error"
    assert "I don't know a board called 'nope'" in (answer.error or "")


# --- comparisons say what the intervals allow; changes in chat are the CLI's changes -------------------------


def test_overlapping_intervals_are_told_as_a_statistical_tie(answerer: Answerer) -> None:
    answer = answerer.ask("gemini exp 1206 vs gemini 2.0 flash thinking")
    assert [e.rank for e in answer.entries] == [1, 1]
    assert "Gemini-Exp-1206 and Gemini-2.0-Flash-Thinking-Exp-1219 are statistically tied" in answer.text
    assert "95% CI" in answer.text and "votes" in answer.text
    apart = answerer.ask("is deepseek v3 better than gpt-4o-2024-05-13?")
    assert [e.model for e in apart.entries] == ["DeepSeek-V3", "GPT-4o-2024-05-13"]
    assert "statistically tied" not in apart.text  # 1303–1327 against 1283–1288: DeepSeek-V3 is ahead


def test_an_open_llm_comparison_shows_every_benchmark(answerer: Answerer) -> None:
    text = answerer.ask("compare gemma 2 27b and llama 3 70b on open-llm").text
    assert text.count("IFEval") == 2 and text.count("MMLU-PRO") == 2


def test_changes_in_chat_are_the_events_of_leaderbot_changes(answerer: Answerer, shared_store: Store) -> None:
    from bot.core.changes import stored_changes  # noqa: PLC0415

    answer = answerer.ask("what changed")
    expected = stored_changes(shared_store, "arena-raw").to_json()
    data = answer.to_json()
    assert (data["kind"], data["from"], data["to"]) == ("changes", expected["from"], expected["to"])
    assert data["events"] == expected["events"]
    since = answerer.ask("any changes since 2024-09-01").to_json()
    assert (since["from"], since["to"]) == ("2024-08-30", "2024-12-31")  # the board on or before that day


def test_what_moved_this_week_on_a_months_old_board_says_there_is_no_new_board(answerer: Answerer) -> None:
    answer = answerer.ask("what moved this week")
    assert answer.kind == "changes" and answer.changes is None
    assert "No new board since 2026-11-24: the latest stored is of 2024-12-31 (700 days old)." in answer.text


def test_one_fact_of_a_history(answerer: Answerer) -> None:
    first = answerer.ask("when did gpt-4o-2024-05-13 first reach #1")
    assert first.text.startswith("GPT-4o-2024-05-13 first reached #1 on 2024-06-19.")
    reign = answerer.ask("how long was gpt-4o-2024-05-13 #1")
    assert reign.text.startswith(f"GPT-4o-2024-05-13 was #1 for {reign.histories[0].days_at_1} days")
    never = answerer.ask("when did claude 3 opus first reach #1")
    assert "never reached #1 on the stored boards; its best is #6" in never.text


def test_a_greeting_is_a_short_hello_with_examples(answerer: Answerer) -> None:
    answer = answerer.ask("hi")
    assert answer.kind == "greeting" and answer.entries == [] and answer.candidates == []
    assert "`top 10`" in answer.text and len(answer.text) < 200


def test_the_bundled_store_says_how_to_fetch_the_hub_benchmarks(answerer: Answerer) -> None:
    assert any("`leaderbot refresh hub` fetches them" in n for n in answerer.ask("boards").notes)
    assert "`leaderbot refresh hub`" in answerer.data_line()
    assert "`leaderbot refresh hub`" in answerer.ask("best coding model").text


# --- round three (#23) --------------------------------------------------------------------------------------------


def _commands(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("what", ["price", "speed", "context"])
def test_what_no_board_measures_offers_questions_that_are_answered(answerer: Answerer, lang: str, what: str) -> None:
    """Each question a language's catalogue offers instead of price, speed or context is one the bot answers, in
    that language."""
    offered = _commands(t(lang, f"unmeasured.{what}_instead"))
    assert len(offered) == 3
    for question in offered:
        answer = answerer.ask(question)
        assert answer.kind not in ("error", "help", "not_found"), (lang, question, answer.text)
        assert answer.language == lang, question


def test_what_no_board_measures_is_said_plainly(answerer: Answerer) -> None:
    answer = answerer.ask("cheapest good model")
    assert answer.kind == "error"
    assert answer.error.startswith("No board I hold measures price")
    assert all(profile(b).title in answer.error for b in answerer.held_boards())
    assert "refresh" not in answer.text  # never blamed on the board's age


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_example_offered_is_answered(answerer: Answerer, lang: str) -> None:
    examples = [key for key in catalogue(lang) if key.startswith("examples.")]
    assert len(examples) >= 3
    for key in examples:
        answer = answerer.ask(t(lang, key))
        assert answer.kind not in ("error", "help", "not_found"), (lang, key, answer.text)
        assert answer.language == lang, key


def test_words_that_read_as_no_model_name_are_not_understood(answerer: Answerer) -> None:
    answer = answerer.ask("asdf qwerty blorp")
    assert answer.kind == "error"
    assert "“asdf qwerty blorp”" in answer.text and "refresh" not in answer.text
    assert len(_commands(answer.error)) == 3  # the closest questions it can answer
    newer = answerer.ask("claude 5")  # a family and a version: a model the old board may predate
    assert newer.kind == "not_found" and newer.newer_than_board


def test_not_understood_in_a_list_offers_the_closest_questions(answerer: Answerer) -> None:
    answer = answerer.ask("top 5 frnch models")
    assert "`top 10 chinese models`" in answer.error
    spanish = answerer.ask("posición de asdf qwerty")
    assert spanish.language == "es-ES" and "`posición de qwen2.5 72b`" in spanish.text


@pytest.mark.parametrize(
    ("question", "key", "ahead", "intervals"),
    [
        ("is claude 3 opus better than gpt-4o-2024-05-13", "compare.ahead", "GPT-4o-2024-05-13", "compare.apart"),
        ("is gemini-exp-1114 better than gemini-2.0-flash-exp", "compare.ahead", "Gemini-2.0-Flash-Exp",
         "compare.overlap"),
        ("which is better: gemini exp 1206 or o1-2024-12-17", "compare.level", "Gemini-Exp-1206", None),
    ],
)  # fmt: skip
def test_better_than_says_who_is_ahead_and_whether_the_intervals_overlap(
    answerer: Answerer, question: str, key: str, ahead: str, intervals: str | None
) -> None:
    answer = answerer.ask(question)
    verdict = answer.notes[0]
    assert (answer.kind, verdict.key, verdict.params["a"]) == ("compare", key, ahead)
    assert getattr(verdict.params.get("intervals"), "key", None) == intervals
    assert answer.text.splitlines()[0] == said(verdict, "en")
    assert not answerer.ask("claude 3 opus vs gpt-4o-2024-05-13").notes  # a plain comparison has no verdict


def test_a_list_by_a_benchmark_says_which_column_ranks_it(answerer: Answerer) -> None:
    answer = answerer.ask("top 5 on math under 10b")
    note = next(n for n in answer.notes if getattr(n, "key", "") == "notes.ranked_by")
    assert note.params["benchmark"] == answer.sort_label == "MATH Lvl 5"
    maths = [e.details.benchmarks["MATH Lvl 5"] for e in answer.entries]
    assert maths == sorted(maths, reverse=True)  # the ranks follow the benchmark, not the average shown first
    assert [e.score for e in answer.entries] != sorted((e.score for e in answer.entries), reverse=True)
    assert "Ranked by MATH Lvl 5" in answer.text
