"""Refreshing the Arena from the Hub's Parquet files, against a local Hub on 127.0.0.1 (`tests/hub_server.py`):
one tree request tells what changed, changed files are downloaded through a redirect, and every failure stores
nothing and says so in one line. Parquet values here are made up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
from hub_server import HubServer

from bot.core.answers import Answerer
from bot.core.changes import stored_changes
from bot.ingest import register_boards
from bot.profiles import PROFILES, Schema, live_boards, profile
from bot.refresh import refresh
from bot.settings import Settings
from db.store import Store
from tests.parquet_files import AGENT_SCHEMA, agent_rows, board_rows, bradley_terry_schema, parquet_bytes
from tests.stores import fingerprint

DATASET = "lmarena-ai/leaderboard-dataset"
LATEST = "latest-00000-of-00001.parquet"


@pytest.fixture
async def hub() -> AsyncIterator[HubServer]:
    async with HubServer() as server:
        yield server


def settings(hub: HubServer, **overrides: object) -> Settings:
    return Settings(hf_endpoint=hub.url, http_timeout=5.0, http_retries=2, **overrides)  # type: ignore[arg-type]


def text_board(date: str, leader: str = "model-a") -> bytes:
    rows = board_rows(date, [(leader, 1400.0, 5.0), ("model-b", 1380.0, 5.0), ("model-c", 1300.0, 5.0)])
    rows += board_rows(date, [("model-b", 1410.0, 5.0), (leader, 1390.0, 5.0)], category="coding")
    return parquet_bytes(rows, bradley_terry_schema(float_counts=False))


def agent_board(date: str) -> bytes:
    return parquet_bytes(agent_rows(date, [("agent-a", 0.2, 0.02), ("agent-b", 0.1, 0.02)]), AGENT_SCHEMA)


def publish(hub: HubServer, date: str, leader: str = "model-a") -> None:
    hub.put(DATASET, f"text_style_control/{LATEST}", text_board(date, leader))
    hub.put(DATASET, f"webdev/{LATEST}", text_board(date, leader))
    hub.put(DATASET, f"agent/{LATEST}", agent_board(date))
    hub.put(DATASET, "README.md", b"# the dataset card")


BOARDS = ["arena", "arena-webdev", "arena-agent"]


async def test_a_refresh_stores_every_config_then_an_unchanged_one_costs_one_request(
    hub: HubServer, empty_store: Store
) -> None:
    publish(hub, "2026-11-30")
    reports = await refresh(empty_store, BOARDS, settings(hub))
    assert [(r.board, r.outcome) for r in reports] == [(b, "stored") for b in BOARDS]
    assert {(s.board, s.category) for s in empty_store.snapshots()} == {
        ("arena", "overall"), ("arena", "coding"), ("arena-webdev", "overall"), ("arena-webdev", "coding"),
        ("arena-agent", "overall"),
    }  # fmt: skip
    assert [r.endpoint for r in hub.seen()].count("tree") == 1
    assert len(hub.seen("resolve")) == len(hub.seen("cdn")) == 3  # each file through a redirect to the CDN
    assert all(r.status == 302 for r in hub.seen("resolve"))
    assert set(empty_store.checked_at()) == set(BOARDS)

    before, requests = fingerprint(empty_store)[:2], len(hub.seen())
    reports = await refresh(empty_store, BOARDS, settings(hub))
    assert [r.outcome for r in reports] == ["unchanged"] * 3
    assert [r.endpoint for r in hub.seen()[requests:]] == ["tree"]  # one small request, no download
    assert fingerprint(empty_store)[:2] == before


async def test_a_changed_file_is_fetched_again_and_only_that_one(hub: HubServer, empty_store: Store) -> None:
    publish(hub, "2026-11-29")
    await refresh(empty_store, BOARDS, settings(hub))
    hub.put(DATASET, f"text_style_control/{LATEST}", text_board("2026-11-30", leader="model-new"))
    requests = len(hub.seen())
    reports = await refresh(empty_store, BOARDS, settings(hub))
    assert [r.outcome for r in reports] == ["stored", "unchanged", "unchanged"]
    assert [r.path for r in hub.seen("resolve")[-1:]] == [f"text_style_control/{LATEST}"]
    assert len(hub.seen()) - requests == 3  # tree, resolve, cdn
    assert empty_store.latest_snapshot("arena", "overall").as_of == "2026-11-30"


async def test_a_config_upstream_does_not_publish_is_reported_and_skipped(hub: HubServer, empty_store: Store) -> None:
    publish(hub, "2026-11-30")
    hub.remove(DATASET, f"webdev/{LATEST}")
    reports = await refresh(empty_store, BOARDS, settings(hub))
    assert [r.outcome for r in reports] == ["stored", "missing", "stored"]
    assert "publishes no webdev/latest file" in reports[1].summary()
    assert empty_store.snapshots("arena-webdev") == []


@pytest.mark.parametrize("fault", ["tree 500", "cdn 500", "truncated", "renamed column", "not parquet"])
async def test_each_failure_stores_nothing_and_says_so_in_one_line(hub: HubServer, store: Store, fault: str) -> None:
    publish(hub, "2026-11-30")
    if fault == "tree 500":
        hub.fail(500, endpoint="tree", times=None)
    elif fault == "cdn 500":
        hub.fail(500, endpoint="cdn", times=None)
    elif fault == "truncated":
        hub.truncate(times=None)
    elif fault == "renamed column":
        rows = board_rows("2026-11-30", [("model-a", 1400.0, 5.0)])
        renamed = [{("elo" if k == "rating" else k): v for k, v in r.items()} for r in rows]
        schema = bradley_terry_schema(float_counts=False)
        schema = schema.set(schema.get_field_index("rating"), schema.field("rating").with_name("elo"))
        hub.put(DATASET, f"text_style_control/{LATEST}", parquet_bytes(renamed, schema))
    else:
        hub.put(DATASET, f"text_style_control/{LATEST}", b"this is not a parquet file")
    before = fingerprint(store)
    [report] = await refresh(store, ["arena"], settings(hub))
    assert report.outcome == "failed"
    line = report.summary()
    assert "\n" not in line and line.startswith("arena: refresh failed, nothing stored")
    expected = {
        "tree 500": "HTTP 500", "cdn 500": "HTTP 500", "truncated": "cut off", "renamed column": "'rating'",
        "not parquet": "not a readable Parquet file",
    }[fault]  # fmt: skip
    assert expected in line
    assert fingerprint(store) == before
    assert store.upstream_file("arena") is None  # nothing recorded: the next run tries again


async def test_a_redirect_to_another_host_is_refused(hub: HubServer, store: Store) -> None:
    """Before: a 302 to another host was followed and its file stored; then it was still asked for, and refused
    after. `localhost` is the same local server under another name: a host the Hub's settings do not list. It is
    not asked at all now."""
    publish(hub, "2026-11-30")
    hub.cdn_host = "localhost"
    before = fingerprint(store)
    [report] = await refresh(store, ["arena"], settings(hub))
    assert report.outcome == "failed"
    assert "redirected to localhost, which is not the Hub's; refused" in report.summary()
    assert fingerprint(store) == before
    assert hub.seen("cdn") == []  # the redirect was judged before it was followed
    [report] = await refresh(store, ["arena"], replace(settings(hub), download_hosts=("localhost",)))
    assert report.outcome == "stored"  # a host the setting lists


async def test_history_reads_the_full_file(hub: HubServer, empty_store: Store) -> None:
    rows = []
    for day, newcomer in (("2026-11-01", []), ("2026-11-02", []), ("2026-11-03", [("model-z", 1450.0, 5.0)])):
        models = [("model-a", 1400.0, 5.0), ("model-b", 1380.0, 5.0), ("model-c", 1300.0, 5.0), *newcomer]
        rows += board_rows(day, models)
    hub.put(DATASET, "text_style_control/full-00000-of-00001.parquet", parquet_bytes(rows, bradley_terry_schema(
        float_counts=False), row_group_size=2))  # fmt: skip
    [report] = await refresh(empty_store, ["arena"], settings(hub), history=True)
    assert report.outcome == "stored"
    # the 2nd board repeats the 1st: a republication, not stored; the 3rd has a new leader
    assert [(s.as_of, s.status) for s in empty_store.snapshots("arena")] == [("2026-11-01", "ok"), ("2026-11-03", "ok")]
    assert report.ingest is not None and report.ingest.republished == 1
    assert [(e.type, e.model) for e in stored_changes(empty_store, "arena").events][:1] == [("new_leader", "model-z")]


@pytest.fixture
def dead_endpoint(monkeypatch: pytest.MonkeyPatch, cli_env: Path) -> str:
    import socket  # noqa: PLC0415

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("LEADERBOT_HTTP_RETRIES", "1")
    return url


def test_offline_is_one_line_and_the_store_is_untouched(
    seeded_copy: Path, dead_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main  # noqa: PLC0415

    with Store(seeded_copy) as s:
        before = fingerprint(s)
    code = main(["--db", str(seeded_copy), "refresh"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1 and "Could not reach the Hub" in err and "stored boards" in err
    assert "Traceback" not in err and "retry" not in err
    with Store(seeded_copy) as s:
        assert fingerprint(s) == before


def publish_new_configs(hub: HubServer) -> None:
    """Three configs no profile names, as upstream adds them: the raw view of an arena we know, an agent arena,
    and one whose columns are not any importer's."""
    hub.put(DATASET, f"search_style_control/{LATEST}", text_board("2026-11-30"))
    hub.put(DATASET, f"search/{LATEST}", text_board("2026-11-30", leader="model-z"))
    hub.put(DATASET, f"agent_steerability/{LATEST}", agent_board("2026-11-30"))
    odd = pa.schema([pa.field("model", pa.string()), pa.field("elo", pa.float64())])
    hub.put(DATASET, f"text_sentiment/{LATEST}", parquet_bytes([{"model": "x", "elo": 1.0}], odd))


async def test_a_config_no_profile_names_becomes_a_board_when_its_columns_are_known(
    hub: HubServer, empty_store: Store
) -> None:
    publish(hub, "2026-11-30")
    publish_new_configs(hub)
    reports = await refresh(empty_store, [*BOARDS, "arena-search"], settings(hub), discover=True)
    assert [(r.board, r.outcome) for r in reports] == [
        *((b, "stored") for b in BOARDS), ("arena-search", "stored"),
        ("arena-agent-steerability", "stored"), ("arena-search-raw", "stored"), ("text_sentiment", "unknown"),
    ]  # fmt: skip
    assert "new config 'text_sentiment' whose columns Leaderbot does not know" in reports[-1].summary()
    raw = profile("arena-search-raw")
    assert (raw.title, raw.upstream.config) == ("Arena Search (no style control)", "search")
    assert raw.related == ("arena-search",)  # the style-controlled view of the same arena
    assert profile("arena-agent-steerability").upstream.schema is Schema.AGENT
    assert len(hub.seen("cdn")) == 7  # each file once, the new ones too (read for their columns, then stored)

    answerer = Answerer(empty_store)
    top = answerer.ask("top 3 on search raw")
    assert (top.board, [e.model for e in top.entries]) == ("arena-search-raw", ["model-z", "model-b", "model-c"])
    assert answerer.ask("best on agent steerability").board == "arena-agent-steerability"

    requests = len(hub.seen())
    boards = [*BOARDS, "arena-search", "arena-agent-steerability", "arena-search-raw"]
    assert set(boards) <= set(live_boards())  # the scheduled job refreshes the new boards from now on
    reports = await refresh(empty_store, boards, settings(hub), discover=True)
    assert {r.outcome for r in reports} == {"unchanged"}  # the unknown config is not looked at again
    assert [r.endpoint for r in hub.seen()[requests:]] == ["tree"]


async def test_a_board_found_upstream_is_there_after_a_restart(hub: HubServer, empty_store: Store) -> None:
    publish(hub, "2026-11-30")
    publish_new_configs(hub)
    await refresh(empty_store, BOARDS, settings(hub), discover=True)
    found = profile("arena-search-raw")
    del PROFILES["arena-search-raw"], PROFILES["arena-agent-steerability"]  # a new process knows neither
    register_boards(empty_store)
    assert profile("arena-search-raw") == found
    assert "arena-agent-steerability" in live_boards()
    assert Answerer(empty_store).ask("rank of agent-a on agent steerability").entries[0].rank == 1
