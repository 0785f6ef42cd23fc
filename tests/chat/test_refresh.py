"""The refresh job end to end: a local dataset-viewer server (127.0.0.1) publishes, the bot fetches, stores and
posts one digest on SimCord; an upstream failure stores and announces nothing. And the schedule itself."""

from __future__ import annotations

from viewer_server import ARENA_DATASET, ViewerServer

from bot.jobs import refresh_and_announce, start_scheduler
from tests.chat.test_alerts import digests, next_board, world


async def run_refresh(env, server: ViewerServer) -> None:  # type: ignore[no-untyped-def]
    env.bot.settings = env.bot.settings.with_overrides(viewer_url=server.url, http_timeout=5.0, http_retries=2)
    # Called from the test, as the scheduler would call it: the fetch is real HTTP to 127.0.0.1.
    await refresh_and_announce(env.bot, "arena")
    await env.settle()


async def test_a_refresh_fetches_stores_and_announces_once(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena")
    archived = env.bot.answerer.view("open-llm")
    async with ViewerServer() as server:
        server.add_table(*ARENA_DATASET, "latest", next_board("2025-01-07", new_leader="DeepSeek-V3"))
        await run_refresh(env, server)
        await run_refresh(env, server)  # the next run finds the same board: nothing new, nothing sent
        assert server.seen("rows")  # it really went over HTTP
    assert env.bot.answerer.view("open-llm") is archived  # the unchanged board was not rebuilt
    [digest] = digests(news, env.bot.user.id)
    assert digest.embeds[0].title == "New #1 on LMArena Text: DeepSeek-V3"
    assert env.bot.store.latest_snapshot("arena", "overall").as_of == "2025-01-07"
    await alice.send(news, "!rank deepseek v3")  # answers come from the new board at once
    assert news.last_message.embeds[0].title == "#1 · DeepSeek-V3"


async def test_an_upstream_failure_stores_and_announces_nothing(simcord_env, caplog):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena")
    before = len(env.bot.store.snapshots())
    async with ViewerServer() as server:
        server.add_table(*ARENA_DATASET, "latest", next_board("2025-01-07", new_leader="DeepSeek-V3"))
        server.fail(500, times=None)
        await run_refresh(env, server)
    assert len(env.bot.store.snapshots()) == before
    assert digests(news, env.bot.user.id) == []
    assert any("refresh of arena failed" in r.getMessage() for r in caplog.records)


async def test_the_schedule_polls_live_boards_only_without_overlap_or_backlog(simcord_env):
    scheduler = start_scheduler(simcord_env.bot)
    try:
        [job] = scheduler.get_jobs()
        assert job.id == "refresh:arena"  # the archived Open LLM board is never polled
        assert job.trigger.interval.total_seconds() == simcord_env.bot.settings.refresh_minutes * 60
        assert job.trigger.jitter == 60
        assert job.max_instances == 1 and job.coalesce and job.misfire_grace_time == 60
    finally:
        scheduler.shutdown(wait=False)
