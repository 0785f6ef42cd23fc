"""The Hub's benchmark leaderboards, fetched from a local Hub on 127.0.0.1 (`tests/hub_server.py`) that answers in
the Hub's shapes with made-up rankings (`tests/hub_benchmarks.py` says so): discovery, both rankings, verified and
community rows, lower-is-better, a gated benchmark, one that vanishes, unchanged answers, broken answers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator

import pytest

from bot.ingest import register_boards
from bot.profiles import PROFILES, profile, register
from bot.profiles.hub import BASE, WITH_FINE_TUNES, HubBenchmark, hub_profile, spoken, title_of
from bot.refresh import refresh
from bot.settings import Settings
from bot.sources import SourceError, get_source
from bot.sources.hub import Leaderboard
from db.store import Store
from tests import hub_benchmarks as hb
from tests.hub_server import HubServer


@pytest.fixture
async def hub() -> AsyncIterator[HubServer]:
    async with HubServer() as server:
        hb.serve(server)
        yield server


def settings(hub: HubServer, **overrides: object) -> Settings:
    values: dict[str, object] = {"http_timeout": 5.0, "http_retries": 2, **overrides}
    return Settings(hf_endpoint=hub.url, **values)  # type: ignore[arg-type]


def outcomes(reports: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {r.board: r.outcome for r in reports}


async def test_refresh_hub_finds_every_benchmark_and_stores_both_rankings(hub: HubServer, empty_store: Store) -> None:
    reports = await refresh(empty_store, ["hub"], settings(hub))
    board = "hub:" + hb.SWE_VERIFIED
    assert outcomes(reports)[board] == "stored"
    assert profile(board).title == "SWE-bench Verified"  # the card's pretty_name
    assert profile("hub:" + hb.AIME).title == "AIME 2026"  # no card: the repo name made readable
    base = empty_store.latest_snapshot(board, BASE)
    every = empty_store.latest_snapshot(board, WITH_FINE_TUNES)
    assert base is not None and every is not None
    assert base.row_count == 7 and every.row_count == 9  # fine-tunes only with `base_model=false`
    rows = {r["name"]: r for r in empty_store.entries(base.id)}
    assert rows["moonshotai/Kimi-K2.5"]["pull_request"] == 12 and rows["moonshotai/Kimi-K2.5"]["verified"] == 0
    assert rows["zai-org/GLM-5.1"]["rank"] == 1 and rows["zai-org/GLM-5.1"]["verified"] == 1
    assert rows["zai-org/GLM-5.1"]["source_url"] == "https://huggingface.co/zai-org/GLM-5.1"
    assert profile("hub:" + hb.LOWER).lower_is_better and not profile(board).lower_is_better
    # one list request, two rankings per benchmark (the gated one answers 404 twice at most)
    assert len(hub.seen("list")) == 1
    assert len(hub.seen("leaderboard")) <= 2 * len(hb.BOARDS)


async def test_an_unchanged_benchmark_costs_its_requests_only_and_stores_nothing(
    hub: HubServer, empty_store: Store
) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    before = len(empty_store.snapshots())
    again = await refresh(empty_store, ["hub"], settings(hub))
    assert outcomes(again)["hub:" + hb.SWE_VERIFIED] == "unchanged"
    assert len(empty_store.snapshots()) == before


async def test_a_changed_ranking_is_a_new_snapshot(hub: HubServer, empty_store: Store) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    rows = [dict(r) for r in hb.BOARDS[hb.GPQA]]
    rows[0]["value"], rows[1]["value"] = 80.0, 90.0  # GLM-5.1 overtakes Qwen3.5
    hub.put_benchmark(hb.GPQA, rows, pretty_name="GPQA")
    reports = await refresh(empty_store, ["hub:" + hb.GPQA], settings(hub))
    assert outcomes(reports)["hub:" + hb.GPQA] == "stored"
    latest = empty_store.latest_snapshot("hub:" + hb.GPQA, BASE)
    assert latest is not None
    assert next(r for r in empty_store.entries(latest.id) if r["rank"] == 1)["name"] == "zai-org/GLM-5.1"


async def test_a_gated_benchmark_without_a_token_says_so_and_stores_nothing(hub: HubServer, empty_store: Store) -> None:
    reports = await refresh(empty_store, ["hub"], settings(hub))
    gated = next(r for r in reports if r.board == "hub:" + hb.GATED)
    assert gated.outcome == "failed"
    assert "gated benchmark needs HF_TOKEN" in gated.summary() and "\n" not in gated.summary()
    assert empty_store.snapshots("hub:" + hb.GATED) == []
    with_token = await refresh(empty_store, ["hub:" + hb.GATED], settings(hub, hf_token="hf_test"))
    assert outcomes(with_token)["hub:" + hb.GATED] == "stored"


async def test_a_benchmark_that_vanishes_is_retired_and_keeps_its_boards(hub: HubServer, empty_store: Store) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    board = "hub:" + hb.MMLU_PRO
    stored = empty_store.snapshots(board)
    del hub.benchmarks[hb.MMLU_PRO]
    reports = await refresh(empty_store, ["hub"], settings(hub))
    assert outcomes(reports)[board] == "retired"
    assert profile(board).archived and empty_store.snapshots(board) == stored
    del PROFILES[board]  # a restart: the store says it is retired
    register_boards(empty_store)
    assert profile(board).archived


async def test_an_empty_list_retires_nothing(hub: HubServer, empty_store: Store) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    hub.benchmarks.clear()
    reports = await refresh(empty_store, ["hub"], settings(hub))
    assert outcomes(reports)["hub"] == "failed"
    assert all(profile(b).live for b in PROFILES if b.startswith("hub:"))


async def test_the_list_is_followed_page_by_page(hub: HubServer, empty_store: Store) -> None:
    hub.page_size = 2
    await refresh(empty_store, ["hub"], settings(hub))
    assert len(hub.seen("list")) == 4  # 7 benchmarks, 2 a page
    assert "hub:" + hb.LOWER in PROFILES


async def test_the_followed_benchmarks_are_a_setting(hub: HubServer, empty_store: Store) -> None:
    await refresh(empty_store, ["hub"], settings(hub, hub_benchmarks=(hb.GPQA, hb.AIME)))
    assert {b for b in PROFILES if b.startswith("hub:")} == {"hub:" + hb.GPQA, "hub:" + hb.AIME}
    none = await refresh(empty_store, [], settings(hub, hub_benchmarks=("none",)), discover=True)
    assert none == []


@pytest.mark.parametrize("fault", [500, 429])
async def test_failing_leaderboards_store_nothing_and_say_so(hub: HubServer, empty_store: Store, fault: int) -> None:
    hub.fail(fault, endpoint="leaderboard", times=None)
    reports = await refresh(empty_store, ["hub"], settings(hub, http_retries=1))
    assert {r.outcome for r in reports if r.board.startswith("hub:")} == {"failed"}
    assert empty_store.snapshots() == []


async def test_an_unreachable_hub_is_one_line(empty_store: Store) -> None:
    reports = await refresh(empty_store, ["hub"], Settings(hf_endpoint="http://127.0.0.1:9", http_retries=1))
    assert [r.outcome for r in reports] == ["failed"]
    assert "could not reach the Hub" in reports[0].summary()


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ({"error": "oops"}, "not a leaderboard"),
        ([{"rank": 1, "modelId": "a/b", "value": "high"}], "1 of 1 rows are bad, refused: value not a finite number"),
        ([{"rank": 1, "modelId": "a/b", "value": float("inf")}], "value not a finite number (row 1)"),
        ([{"rank": 0, "modelId": "a/b", "value": 1.0}], "rank below 1 (row 1)"),
        ([{"rank": 1, "value": 1.0}], "missing required column(s) 'modelId'"),
        (["a/b"], "not an object (row 1)"),
    ],
)
def test_a_broken_answer_is_refused_in_one_line(rows: object, says: str) -> None:
    """An answer whose every row is bad (here its one row) is refused, saying why."""
    source = get_source_for_test()
    with pytest.raises(SourceError) as caught:
        source.to_snapshots(rows, origin="leaderboard")  # type: ignore[arg-type]
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_an_answer_past_the_row_limit_is_refused_before_the_rest_is_parsed() -> None:
    """Before: the whole answer (up to 32 MB) was parsed, then flattened and converted, to refuse its one board
    (BENCHMARKS.md, "Memory to refuse junk"). The rows are counted as they are parsed: here what follows row
    20,001 is not JSON, and the row count is what is said."""
    rows = [{**hb.row(f"made-up/model-{i}", 90.0 - i / 1000), "rank": i + 1} for i in range(20_001)]
    answer = Leaderboard(json.dumps(rows).encode()[:-1] + b", {oops", "leaderboard")
    with pytest.raises(SourceError) as caught:
        answer.rows  # noqa: B018
    assert str(caught.value) == "leaderboard: 20,001 rows or more, over the limit of 20,000 for one board; refused"
    assert Leaderboard(json.dumps(rows[:3]).encode(), "leaderboard").rows == rows[:3]
    with pytest.raises(SourceError, match="not a leaderboard"):
        Leaderboard(b'{"error": "oops"}', "leaderboard").rows  # noqa: B018


def get_source_for_test():  # type: ignore[no-untyped-def]
    register(hub_profile(HubBenchmark(hb.GPQA, "GPQA")), update=True)
    return get_source("hub:" + hb.GPQA)


def test_long_notes_are_shortened_not_refused() -> None:
    row = hb.row("a/b", 1.0, notes="x" * 5000)
    row["rank"] = 1
    (snapshot,) = get_source_for_test().to_snapshots([row], origin="leaderboard")
    assert len(snapshot.rows[0]["notes"]) == 300


@pytest.mark.parametrize(
    ("dataset", "title", "typed"),
    [
        ("SWE-bench/SWE-bench_Verified", "SWE-bench Verified", ["swe-bench verified", "swebench verified"]),
        ("cais/hle", "HLE", ["hle"]),
        ("Idavidrein/gpqa", "GPQA", ["gpqa"]),
        ("TIGER-Lab/MMLU-Pro", "MMLU-Pro", ["mmlu-pro", "mmlu pro"]),
        ("MathArena/aime_2026", "AIME 2026", ["aime 2026", "aime_2026"]),
        ("allenai/olmOCR-bench", "olmOCR-bench", ["olmocr-bench", "olmocr bench"]),
        ("openai/gsm8k", "GSM8K", ["gsm8k"]),
    ],
)
def test_a_benchmark_is_titled_and_named_as_people_type_it(dataset: str, title: str, typed: list[str]) -> None:
    assert title_of(dataset) == title
    for words in typed:
        assert any(re.fullmatch(pattern, words) for pattern in spoken(dataset)), words


def gpqa_leader(store: Store) -> str:
    latest = store.latest_snapshot("hub:" + hb.GPQA, BASE)
    assert latest is not None
    return next(r for r in store.entries(latest.id) if r["rank"] == 1)["name"]


async def test_a_ranking_that_comes_back_the_same_day_is_stored_again(hub: HubServer, store: Store) -> None:
    """A, then B, then A again in one day: the last is the board answered (a file store: imports in a worker)."""
    await refresh(store, ["hub"], settings(hub))
    rows = [dict(r) for r in hb.BOARDS[hb.GPQA]]
    rows[0]["value"], rows[1]["value"] = 80.0, 90.0
    hub.put_benchmark(hb.GPQA, rows, pretty_name="GPQA")
    await refresh(store, ["hub:" + hb.GPQA], settings(hub))
    assert gpqa_leader(store) == "zai-org/GLM-5.1"
    hub.put_benchmark(hb.GPQA, hb.BOARDS[hb.GPQA], pretty_name="GPQA")
    reports = await refresh(store, ["hub:" + hb.GPQA], settings(hub))
    assert outcomes(reports)["hub:" + hb.GPQA] == "stored"
    assert gpqa_leader(store) == "Qwen/Qwen3.5-397B-A17B"


async def test_an_empty_answer_keeps_lower_is_better_and_a_retired_benchmark_stays_retired(
    hub: HubServer, empty_store: Store
) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    board = "hub:" + hb.LOWER
    hub.put_benchmark(hb.LOWER, [])
    reports = await refresh(empty_store, [board], settings(hub))
    assert outcomes(reports)[board] == "missing" and profile(board).lower_is_better
    assert [lower for b, _d, _t, lower, _r in empty_store.hub_benchmarks() if b == board] == [True]
    del hub.benchmarks[hb.LOWER]
    await refresh(empty_store, ["hub"], settings(hub))  # retired
    hub.put_benchmark(hb.LOWER, [dict(r, lower_is_better=False) for r in hb.BOARDS[hb.LOWER]])
    await refresh(empty_store, [board], settings(hub))  # fetched by name, and now says higher is better
    assert [retired for b, _d, _t, _l, retired in empty_store.hub_benchmarks() if b == board] == [True]


async def test_a_list_past_its_page_limit_is_refused_and_retires_nothing(hub: HubServer, empty_store: Store) -> None:
    await refresh(empty_store, ["hub"], settings(hub))
    for i in range(20):
        hub.put_benchmark(f"made-up-org/bench-{i}", [hb.row("a/b", 1.0)])
    hub.page_size = 1  # 27 benchmarks: 27 pages, past the 20 followed
    reports = await refresh(empty_store, ["hub"], settings(hub))
    assert "past 20 pages" in next(r.summary() for r in reports if r.board == "hub")
    assert all(not retired for *_rest, retired in empty_store.hub_benchmarks())


async def test_a_next_page_on_another_host_is_refused(hub: HubServer, empty_store: Store) -> None:
    hub.page_size, hub.link_host = 2, "localhost"  # the same server under another name: not the Hub asked
    reports = await refresh(empty_store, ["hub"], settings(hub, hf_token="hf_secret"))
    assert "the next page is on another host (localhost)" in next(r.summary() for r in reports if r.board == "hub")
    assert len(hub.seen("list")) == 1  # never asked, so the token never went there


async def test_one_odd_benchmark_fails_alone(hub: HubServer, store: Store) -> None:
    """Before: a value too large for SQLite (2**70) raised OverflowError and lost the whole run."""
    hub.put_benchmark(hb.AIME, [dict(r, pullRequest=2**70) for r in hb.BOARDS[hb.AIME]])
    hub.put_benchmark(hb.MMLU_PRO, [dict(r, value=10**400) for r in hb.BOARDS[hb.MMLU_PRO]])
    reports = await refresh(store, ["hub"], settings(hub))
    assert outcomes(reports)["hub:" + hb.AIME] == "failed" and outcomes(reports)["hub:" + hb.MMLU_PRO] == "failed"
    assert "pullRequest not a whole number" in next(r.summary() for r in reports if r.board == "hub:" + hb.AIME)
    assert outcomes(reports)["hub:" + hb.SWE_VERIFIED] == "stored"


async def test_a_listed_dataset_without_a_proper_id_is_skipped(hub: HubServer, empty_store: Store) -> None:
    hub.benchmarks["naïve/ünïcode"] = ({"id": "naïve/ünïcode"}, [])
    hub.benchmarks["no-slash"] = ({"id": "no-slash"}, [])
    reports = await refresh(empty_store, ["hub"], settings(hub))
    assert outcomes(reports)["hub:" + hb.SWE_VERIFIED] == "stored"
    assert not any("ünïcode" in b or "no-slash" in b for b in PROFILES)


def summary_of(reports: list, board: str) -> str:  # type: ignore[type-arg]
    return next(r.summary() for r in reports if r.board == board)


async def refresh_gpqa(hub: HubServer, store: Store, rows: list[dict[str, object]]) -> list:  # type: ignore[type-arg]
    """`refresh hub` following GPQA alone, its leaderboard answering `rows`."""
    hub.put_benchmark(hb.GPQA, rows, pretty_name="GPQA")
    return await refresh(store, ["hub"], settings(hub, hub_benchmarks=(hb.GPQA,)))


async def test_one_row_with_a_huge_id_is_dropped_and_counted_not_the_whole_board(
    hub: HubServer, empty_store: Store
) -> None:
    """Before: one row's 10,000-character modelId (over the 200 a name may have) refused the benchmark's every
    update. The row is in both rankings (the one with fine-tunes repeats the base models): counted once."""
    reports = await refresh_gpqa(hub, empty_store, [*hb.BOARDS[hb.GPQA], hb.row("x/" + "y" * 10_000, 99.0)])
    board = "hub:" + hb.GPQA
    assert outcomes(reports)[board] == "stored"
    assert summary_of(reports, board).endswith("; 1 row dropped (modelId too long)")
    for category in (BASE, WITH_FINE_TUNES):
        latest = empty_store.latest_snapshot(board, category)
        assert latest is not None and latest.row_count == len(hb.BOARDS[hb.GPQA])
        assert max(len(r["name"]) for r in empty_store.entries(latest.id)) < 200


async def test_bad_rows_of_every_kind_are_dropped_and_counted_by_reason(hub: HubServer, empty_store: Store) -> None:
    """Made-up bad rows beside the made-up good ones, ranked as the Hub sent them: a NaN and an infinite value (JSON
    answers may carry both), an id that is a number, an empty id, a value that is text."""
    good = [hb.row(f"made-up-org/model-{i}", 80.0 - i, rank=i + 1) for i in range(6)]
    bad = [hb.row("a/nan", math.nan, rank=7), hb.row("a/inf", math.inf, rank=8),
           {**hb.row("a/int", 50.0, rank=9), "modelId": 12345}, hb.row("", 50.0, rank=10),
           {**hb.row("a/text", 50.0, rank=11), "value": "high"}]  # fmt: skip
    board = "hub:" + hb.GPQA
    reports = await refresh_gpqa(hub, empty_store, [*good, *bad])
    assert summary_of(reports, board).endswith(
        "; 5 rows dropped (3 value not a finite number, 1 modelId not text, 1 empty modelId)"
    )
    latest = empty_store.latest_snapshot(board, BASE)
    assert latest is not None and {r["name"] for r in empty_store.entries(latest.id)} == {r["modelId"] for r in good}


async def test_a_board_with_most_rows_bad_is_refused(hub: HubServer, empty_store: Store) -> None:
    board = "hub:" + hb.GPQA
    good = [hb.row("made-up-org/model-a", 80.0), hb.row("made-up-org/model-b", 70.0)]
    bad = [hb.row(f"made-up-org/{'z' * 300}-{i}", 60.0 - i) for i in range(3)]
    reports = await refresh_gpqa(hub, empty_store, [*good, *bad])
    assert outcomes(reports)[board] == "failed"
    assert "3 of 5 rows are bad, refused: modelId too long (row 3, 4, 5)" in summary_of(reports, board)
    assert empty_store.snapshots(board) == []
    reports = await refresh_gpqa(hub, empty_store, [*good, *bad[:2]])  # 2 of 4: not most, so stored
    assert outcomes(reports)[board] == "stored" and "2 rows dropped (modelId too long)" in summary_of(reports, board)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "https://",
     "https://example.org/a b", "https://example.org/<x>", "//example.org/x", "http:example.org"],
)  # fmt: skip
def test_a_source_link_that_is_not_a_web_address_is_not_stored(url: str) -> None:
    """Before: `javascript:alert(1)` was stored and shown as the row's source link. The row and its source's name
    stay."""
    row = hb.row("a/b", 1.0, rank=1, source={"url": url, "name": "model card", "isExternal": True})
    (snapshot,) = get_source_for_test().to_snapshots([row], origin="leaderboard")
    assert (snapshot.rows[0]["source_url"], snapshot.rows[0]["source_name"]) == (None, "model card")


def test_a_web_link_is_kept_its_parentheses_encoded() -> None:
    """A `)` would end a markdown link early, and what follows would be shown as if it were ours."""
    row = hb.row("a/b", 1.0, rank=1, source={"url": "https://example.org/x_(y)?q=1", "name": "paper"})
    (snapshot,) = get_source_for_test().to_snapshots([row], origin="leaderboard")
    assert snapshot.rows[0]["source_url"] == "https://example.org/x_%28y%29?q=1"
