"""The refresh job end to end: a local Hub (127.0.0.1) publishes Parquet files, the bot fetches, stores and posts
one digest on SimCord; an upstream failure stores and announces nothing. And the schedule itself."""

from __future__ import annotations

import asyncio

from hub_server import HubServer

from bot.ingest import ingest_rows
from bot.jobs import STORE_LOOK_SECONDS, announce_stored, jobs, refresh_and_announce, refresh_dataset, start_scheduler
from bot.profiles import live_boards
from tests.chat.test_alerts import digests, next_board, world
from tests.parquet_files import bradley_terry_schema, parquet_bytes

DATASET = "lmarena-ai/leaderboard-dataset"


def publish(hub: HubServer, rows: list[dict]) -> None:
    """The raw text board as upstream's `text` config publishes it: `latest`, float counts."""
    hub.put(DATASET, "text/latest-00000-of-00001.parquet", parquet_bytes(rows, bradley_terry_schema(float_counts=True)))


async def run_refresh(env, hub: HubServer) -> None:  # type: ignore[no-untyped-def]
    env.bot.settings = env.bot.settings.with_overrides(hf_endpoint=hub.url, http_timeout=5.0, http_retries=2)
    # Called from the test, as the scheduler would call it: the fetch is real HTTP to 127.0.0.1.
    await refresh_and_announce(env.bot, ["arena-raw"])
    await env.settle()


async def test_a_refresh_fetches_stores_and_announces_once(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    archived = env.bot.answerer.view("open-llm")
    async with HubServer() as hub:
        publish(hub, next_board("2025-01-07", new_leader="DeepSeek-V3"))
        await run_refresh(env, hub)
        await run_refresh(env, hub)  # the next run finds the same file: nothing downloaded, nothing sent
        assert [r.endpoint for r in hub.seen()] == ["tree", "resolve", "cdn", "tree"]
    assert env.bot.answerer.view("open-llm") is archived  # the unchanged board was not rebuilt
    [digest] = digests(news, env.bot.user.id)
    assert digest.embeds[0].title == "New #1 on Arena Text (no style control): DeepSeek-V3"
    assert env.bot.store.latest_snapshot("arena-raw", "overall").as_of == "2025-01-07"
    await alice.send(news, "!rank deepseek v3")  # answers come from the new board at once, said to be fresh
    embed = news.last_message.embeds[0]
    assert embed.title == "#1 · DeepSeek-V3"
    assert "never fetched" not in embed.footer.text and "Not fetched" not in embed.footer.text


async def test_an_upstream_failure_stores_and_announces_nothing(simcord_env, caplog):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    before = len(env.bot.store.snapshots())
    async with HubServer() as hub:
        publish(hub, next_board("2025-01-07", new_leader="DeepSeek-V3"))
        hub.fail(500, endpoint="cdn", times=None)
        await run_refresh(env, hub)
    assert len(env.bot.store.snapshots()) == before
    assert digests(news, env.bot.user.id) == []
    assert any("refresh of arena-raw failed" in r.getMessage() for r in caplog.records)


async def test_the_schedule_polls_each_dataset_once_without_overlap_or_backlog(simcord_env):
    scheduler = start_scheduler(simcord_env.bot)
    try:
        # every live board is in one dataset: one request tells about all of them
        [job] = [j for j in scheduler.get_jobs() if j.id.startswith("refresh:")]
        assert job.id == f"refresh:{DATASET}"
        assert job.func is refresh_dataset and job.args[1] == DATASET
        assert jobs()[DATASET] == live_boards()  # the archived Open LLM board is never polled
        assert job.trigger.interval.total_seconds() == simcord_env.bot.settings.refresh_minutes * 60
        assert job.trigger.jitter == 60
        assert job.max_instances == 1 and job.coalesce and job.misfire_grace_time == 60
        [look] = [j for j in scheduler.get_jobs() if not j.id.startswith("refresh:")]
        assert look.func is announce_stored and look.trigger.interval.total_seconds() == STORE_LOOK_SECONDS
    finally:
        scheduler.shutdown(wait=False)


async def test_a_process_that_is_not_the_refresher_only_looks_at_the_store(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.with_overrides(refresher=False)
    scheduler = start_scheduler(simcord_env.bot)
    try:
        assert [j.id for j in scheduler.get_jobs()] == ["announce-stored"]
    finally:
        scheduler.shutdown(wait=False)


async def test_building_a_large_board_after_a_refresh_leaves_the_loop_free(db_path) -> None:  # type: ignore[no-untyped-def]
    """Before: `warm()` after a refresh held the loop for the whole build (18.7 s for a 200,000-row board). The
    board is the real last 2024 board with 5,818 made-up rows below it; the same build on the loop is the
    yardstick, in the same run."""
    from bench.bench_stall import big_board, longest_stall  # noqa: PLC0415 - the benchmark's board and heartbeat
    from bot.chat.client import LeaderBot  # noqa: PLC0415
    from bot.settings import Settings  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    store = Store(db_path)
    bot = LeaderBot(store, Settings())
    bot.warm()

    def stored(rows: list[dict]) -> None:
        ingest_rows(store, "arena-raw", rows, origin="test")
        # read first, so that the two ways are compared on the build alone (bench_stall.py measures the read too)
        bot.answerer.reader.rows(store.latest_snapshot("arena-raw", "overall"))  # type: ignore[arg-type]

    stored(big_board("2025-01-05", 0.0, size=6000))
    threaded, took = await longest_stall(bot.warm_async)
    stored(big_board("2025-01-06", 1.0, size=6000))

    async def on_loop() -> None:
        bot.warm()

    blocking, _ = await longest_stall(on_loop)
    assert bot.answerer.ask("top 3").as_of == "2025-01-06"
    assert threaded < took * 1000 / 3 and threaded < blocking / 3, (threaded, blocking, took)
    store.close()


async def test_the_refresh_and_the_store_look_at_once_send_one_digest(simcord_env):
    """Both jobs start 30 s after the bot: two announcements of one board may overlap on the loop."""
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    ingest_rows(env.bot.store, "arena-raw", next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="refresh")
    post = env.bot.notifier.post

    async def slow_post(*args, **kwargs):  # type: ignore[no-untyped-def]
        for _ in range(200):  # a send that takes a while: Discord's round trip
            await asyncio.sleep(0)
        return await post(*args, **kwargs)

    env.bot.notifier.post = slow_post
    await asyncio.gather(env.bot.notifier.announce("arena-raw"), announce_stored(env.bot))
    await env.settle()
    assert len(digests(news, env.bot.user.id)) == 1
