"""The health and metrics listener, asked over real HTTP (aiohttp's client, 127.0.0.1) while the bot runs on
SimCord: /healthz is 200 or 503 with its reasons, /metrics counts questions, answers, refreshes and digests; each
bot has its own registry; without LEADERBOT_HTTP_PORT there is no listener."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hub_server import HubServer
from prometheus_client.parser import text_string_to_metric_families

from bot import build_bot
from bot.chat.health import STORE_PROBE_EVERY_S
from tests.chat.test_alerts import digests, next_board, world
from tests.chat.test_refresh_job import publish, run_refresh


async def get(bot: Any, path: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET to the bot's listener."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.health_server.port}{path}", timeout=aiohttp.ClientTimeout(total=10)) as r,
    ):
        return r.status, r.headers["Content-Type"], await r.text()


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """(sample name, its labels) -> value, parsed with prometheus-client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }


@pytest.mark.bot_settings(http_port=0)
async def test_healthz_is_200_with_the_facts_while_connected(simcord_env) -> None:
    status, kind, body = await get(simcord_env.bot, "/healthz")
    assert status == 200 and kind.startswith("application/json")
    facts = json.loads(body)
    assert facts["status"] == "ok"
    assert facts["gateway"]["connected"] is True
    assert facts["gateway"]["shards"] == {"0": {"connected": True, "latency_ms": 0.0}}
    assert facts["store"] == {"writable": True}
    assert facts["boards"]["arena-raw"] == {"last_refresh": None, "age_s": None, "stale": True}  # never fetched
    assert "open-llm" not in facts["boards"]  # archived: never refreshed, never stale


@pytest.mark.bot_settings(http_port=0)
async def test_healthz_is_503_when_the_store_takes_no_writes(simcord_env, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holding the write lock past the probe's wait
    try:
        status, _, body = await get(simcord_env.bot, "/healthz")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 503
    facts = json.loads(body)
    assert facts["status"] == "unavailable"
    assert facts["store"] == {"writable": False, "detail": "another process holds the write lock"}
    assert facts["gateway"]["connected"] is True
    # the next probe, a real second later (SimCord keeps a clock of its own for time.monotonic)
    await asyncio.to_thread(time.sleep, STORE_PROBE_EVERY_S * 1.2)
    again = await get(simcord_env.bot, "/healthz")
    assert again[0] == 200, again[2]  # the lock released: healthy again


@pytest.mark.bot_settings(http_port=0)
async def test_health_checks_never_hold_the_loop_while_another_process_writes(simcord_env, db_path: Path) -> None:
    """20 checks at once while another process holds the write lock: one probe, in a worker thread; the loop's
    heartbeat goes on (each check used to wait for the lock on the loop itself)."""
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    beating = asyncio.create_task(heartbeat())
    try:
        await asyncio.to_thread(time.sleep, STORE_PROBE_EVERY_S * 1.2)
        answers = await asyncio.gather(*(get(simcord_env.bot, "/healthz") for _ in range(20)))
    finally:
        beating.cancel()
        other.execute("ROLLBACK")
        other.close()
    assert {status for status, _, _ in answers} == {503}
    assert {json.loads(body)["store"]["detail"] for _, _, body in answers} == {"another process holds the write lock"}
    assert max(gaps) < 0.2, f"the loop stood still for {max(gaps) * 1000:.0f} ms"


@pytest.mark.bot_settings(http_port=0)
async def test_an_unwritable_store_is_503_without_the_exception_in_the_answer(simcord_env, db_path: Path) -> None:
    """A store that cannot take writes (here its file gone from under the bot) is 503 with a fixed sentence; what
    the exception said goes to the log. The probe never makes a new, empty file in its place."""
    moved = db_path.with_name(db_path.name + "-away")
    await asyncio.to_thread(time.sleep, STORE_PROBE_EVERY_S * 1.2)
    db_path.rename(moved)
    try:
        status, _, body = await get(simcord_env.bot, "/healthz")
        assert not db_path.exists()
    finally:
        moved.rename(db_path)
    assert status == 503
    assert json.loads(body)["store"] == {
        "writable": False,
        "detail": "the store takes no writes; the bot's log says why",
    }
    assert "Error" not in body and str(db_path) not in body


@pytest.mark.bot_settings(http_port=0)
async def test_healthz_is_503_when_the_gateway_is_down(simcord_env) -> None:
    await simcord_env.bot.ws.close()
    status, _, body = await get(simcord_env.bot, "/healthz")
    assert status == 503
    assert json.loads(body)["gateway"]["shards"]["0"]["connected"] is False


@pytest.mark.bot_settings(http_port=0)
async def test_metrics_count_questions_refreshes_and_digests(simcord_env) -> None:
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    await alice.send(news, "!top 3")
    await alice.send(news, "!rank qwne2.5 72b")
    await alice.send(news, "!rank gpt-4o")  # which one?
    async with HubServer() as hub:
        publish(hub, next_board("2025-01-07", new_leader="DeepSeek-V3"))
        await run_refresh(env, hub)
        await run_refresh(env, hub)  # unchanged upstream
    assert len(digests(news, env.bot.user.id)) == 1
    status, kind, body = await get(env.bot, "/metrics")
    assert status == 200 and kind.startswith("text/plain; version=")
    got = samples(body)
    assert got["leaderbot_questions_total", (("kind", "top"),)] == 1
    assert got["leaderbot_questions_total", (("kind", "rank"),)] == 1
    assert got["leaderbot_questions_total", (("kind", "clarify"),)] == 1
    assert got["leaderbot_answer_latency_seconds_count", ()] == 3
    assert got["leaderbot_answer_latency_seconds_sum", ()] > 0
    assert got["leaderbot_refreshes_total", (("board", "arena-raw"), ("outcome", "stored"))] == 1
    assert got["leaderbot_refreshes_total", (("board", "arena-raw"), ("outcome", "unchanged"))] == 1
    assert got["leaderbot_refresh_duration_seconds_count", ()] == 2
    assert got["leaderbot_digests_total", (("outcome", "sent"),)] == 1
    assert got["leaderbot_subscriptions", (("state", "enabled"),)] == 1
    assert got["leaderbot_subscriptions", (("state", "disabled"),)] == 0
    assert got["leaderbot_gateway_connected", (("shard", "0"),)] == 1
    assert got["leaderbot_gateway_latency_seconds", (("shard", "0"),)] == 0.0
    assert got["leaderbot_shards", (("of", "process"),)] == 1
    assert got["leaderbot_shards", (("of", "bot"),)] == 1
    assert got["leaderbot_guilds", ()] == 1
    assert 0 <= got["leaderbot_board_refresh_age_seconds", (("board", "arena-raw"),)] < 60


@pytest.mark.bot_settings(http_port=0)
async def test_each_bot_counts_for_itself(simcord_env, db_path: Path) -> None:
    """Two bots in one process: no clash of metric names, and one's questions are not the other's."""
    other = build_bot(db_path, http_port=0)
    try:
        await other.health_server.start("127.0.0.1", 0)  # type: ignore[union-attr]
        _, news, alice, _ = world(simcord_env)
        await alice.send(news, "!top 3")
        assert samples((await get(simcord_env.bot, "/metrics"))[2])["leaderbot_questions_total", (("kind", "top"),)]
        assert ("leaderbot_questions_total", (("kind", "top"),)) not in samples((await get(other, "/metrics"))[2])
    finally:
        await other.close()


async def test_no_listener_unless_a_port_is_set(simcord_env) -> None:
    assert simcord_env.bot.settings.http_port is None
    assert simcord_env.bot.health_server is None


@pytest.mark.bot_settings(http_port=0, shard_count=4, shard_ids=(1, 3))
async def test_a_sharded_bot_reports_each_of_its_shards(simcord_env) -> None:
    status, _, body = await get(simcord_env.bot, "/healthz")
    assert status == 200
    assert set(json.loads(body)["gateway"]["shards"]) == {"1", "3"}
    got = samples((await get(simcord_env.bot, "/metrics"))[2])
    assert got["leaderbot_shards", (("of", "process"),)] == 2
    assert got["leaderbot_shards", (("of", "bot"),)] == 4
    assert {labels for name, labels in got if name == "leaderbot_gateway_connected"} == {
        (("shard", "1"),),
        (("shard", "3"),),
    }
