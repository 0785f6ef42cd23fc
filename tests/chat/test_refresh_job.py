"""The refresh job end to end: a local Hub (127.0.0.1) publishes Parquet files, the bot fetches, stores and posts
one digest on SimCord; an upstream failure stores and announces nothing. And the schedule itself."""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time

from hub_server import HubServer

from bot.ingest import ingest_rows
from bot.jobs import (
    STORE_LOOK_SECONDS,
    WEEKLY_LOOK_MINUTES,
    announce_stored,
    jobs,
    post_weekly,
    refresh_and_announce,
    refresh_dataset,
    start_scheduler,
)
from bot.profiles import live_boards
from tests import hub_benchmarks as hb
from tests.chat.test_alerts import digests, next_board, world
from tests.parquet_files import bradley_terry_schema, parquet_bytes

DATASET = "lmarena-ai/leaderboard-dataset"


def publish(hub: HubServer, rows: list[dict]) -> None:
    """The raw text board as upstream's `text` config publishes it: `latest`, float counts."""
    hub.put(DATASET, "text/latest-00000-of-00001.parquet", parquet_bytes(rows, bradley_terry_schema(float_counts=True)))


async def run_refresh(env, hub: HubServer, boards: tuple[str, ...] = ("arena-raw",)) -> None:  # type: ignore[no-untyped-def]
    env.bot.settings = env.bot.settings.with_overrides(hf_endpoint=hub.url, http_timeout=5.0, http_retries=2)
    # Called from the test, as the scheduler would call it: the fetch is real HTTP to 127.0.0.1.
    await refresh_and_announce(env.bot, list(boards))
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


async def test_the_job_logs_how_many_rows_were_dropped_and_why(simcord_env, caplog):
    """The real last board republished (a made-up date) with one made-up model of NaN rating, as upstream's `text`
    config holds one: the job's line says it was dropped."""
    caplog.set_level(logging.INFO, logger="bot.jobs")
    rows = next_board("2025-01-07", new_leader="DeepSeek-V3")
    rows.append({**rows[-1], "model_name": "made-up-model", "rating": math.nan, "rank": math.nan})
    async with HubServer() as hub:
        publish(hub, rows)
        await run_refresh(simcord_env, hub)
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("arena-raw: stored")]
    assert line.endswith("; 1 row dropped (no rating)")


async def test_the_schedule_polls_each_dataset_once_without_overlap_or_backlog(simcord_env):
    scheduler = start_scheduler(simcord_env.bot)
    try:
        # every live arena is in one dataset: one request tells about all of them; the Hub's benchmarks are one job
        job, benchmarks = sorted((j for j in scheduler.get_jobs() if j.id.startswith("refresh:")),
                                 key=lambda j: j.id != f"refresh:{DATASET}")  # fmt: skip
        assert (job.id, benchmarks.id) == (f"refresh:{DATASET}", "refresh:hub")
        assert job.func is refresh_dataset and job.args[1] == DATASET and benchmarks.args[1] == "hub"
        assert jobs()[DATASET] == live_boards()  # the archived Open LLM board is never polled
        assert job.trigger.interval.total_seconds() == simcord_env.bot.settings.refresh_minutes * 60
        assert job.trigger.jitter == 60
        assert job.max_instances == 1 and job.coalesce and job.misfire_grace_time == 60
        [look, weekly] = [j for j in scheduler.get_jobs() if not j.id.startswith("refresh:")]
        assert look.func is announce_stored and look.trigger.interval.total_seconds() == STORE_LOOK_SECONDS
        assert weekly.func is post_weekly and weekly.trigger.interval.total_seconds() == WEEKLY_LOOK_MINUTES * 60
        assert weekly.max_instances == 1 and weekly.coalesce
    finally:
        scheduler.shutdown(wait=False)


async def test_a_process_that_is_not_the_refresher_only_looks_at_the_store(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.with_overrides(refresher=False)
    scheduler = start_scheduler(simcord_env.bot)
    try:
        assert [j.id for j in scheduler.get_jobs()] == ["announce-stored", "weekly-summaries"]
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
    # one more vote each, as a new publish has: the same names and votes would make the same name index, which the
    # bot takes from the last build instead of building it again, and the yardstick would build nothing
    stored([dict(row, vote_count=row["vote_count"] + 1) for row in big_board("2025-01-06", 1.0, size=6000)])

    async def on_loop() -> None:
        bot.warm()

    blocking, _ = await longest_stall(on_loop)
    assert bot.answerer.ask("top 3").as_of == "2025-01-06"
    assert threaded < took * 1000 / 3 and threaded < blocking / 3, (threaded, blocking, took)
    store.close()


async def test_garbage_made_while_boards_are_built_is_collected_not_frozen(db_path) -> None:  # type: ignore[no-untyped-def]
    """The build keeps full collections away, not young ones: a reference cycle the loop drops meanwhile is freed,
    not frozen for the life of the process with the new boards."""
    import gc  # noqa: PLC0415
    import weakref  # noqa: PLC0415

    from bench.bench_stall import big_board  # noqa: PLC0415
    from bot.chat.client import LeaderBot  # noqa: PLC0415
    from bot.settings import Settings  # noqa: PLC0415
    from db.store import Store  # noqa: PLC0415

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    store = Store(db_path)
    bot = LeaderBot(store, Settings())
    bot.warm()
    ingest_rows(store, "arena-raw", big_board("2025-01-05", 0.0, size=6000), origin="test")
    dropped: list[weakref.ref[Cycle]] = []

    async def loop_work() -> None:
        while len(dropped) < 200:
            dropped.append(weakref.ref(Cycle()))  # a cycle, garbage at once
            await asyncio.sleep(0.002)

    thresholds = gc.get_threshold()
    await asyncio.gather(bot.warm_async(), loop_work())
    assert gc.get_threshold() == thresholds  # full collections are back
    gc.collect()  # frozen objects are out of its reach: only what was not frozen is freed here
    assert sum(ref() is not None for ref in dropped) == 0
    store.close()


async def test_a_benchmark_subscription_posts_when_its_leader_changes(simcord_env):
    """Made-up rankings (tests/hub_benchmarks.py) on a local Hub: `!subscribe swe-bench-verified 1` posts once
    when the #1 changes, even on the same day as the board before."""
    env = simcord_env
    _, evals, alice, _ = world(env)
    async with HubServer() as hub:
        hb.serve(hub)
        await run_refresh(env, hub, ("hub",))
        await alice.send(evals, "!subscribe swe-bench-verified 1")
        assert evals.last_message.content.startswith("Subscribed."), evals.last_message.content
        rows = [dict(r) for r in hb.BOARDS[hb.SWE_VERIFIED]]
        rows[1]["value"] = 80.0  # Qwen3.5 overtakes GLM-5.1
        hub.put_benchmark(hb.SWE_VERIFIED, rows, pretty_name="SWE-bench Verified")
        await run_refresh(env, hub, ("hub",))
        await run_refresh(env, hub, ("hub",))  # the same answers again: nothing new, nothing sent
    [digest] = digests(evals, env.bot.user.id)
    assert digest.embeds[0].title == "New #1 on SWE-bench Verified: Qwen/Qwen3.5-397B-A17B"
    assert "huggingface.co/datasets/SWE-bench/SWE-bench_Verified" in digest.embeds[0].url


async def test_the_everywhere_card_is_one_embed_by_prefix_and_slash(simcord_env):
    """After a refresh of the (made-up) Hub benchmarks, one model on every board: the Arena, the benchmarks and
    the Open LLM archive, each field with its rank, score and board date."""
    env = simcord_env
    _, channel, alice, _ = world(env)
    async with HubServer() as hub:
        hb.serve(hub)
        await run_refresh(env, hub, ("hub",))
    await alice.send(channel, "!everywhere qwen2 72b instruct")
    [embed] = channel.last_message.embeds
    assert embed.title == "Everywhere · Qwen2-72B-Instruct"
    fields = {f.name: f.value for f in embed.fields}
    assert list(fields)[:2] == ["Arena Text (no style control)", "Open LLM Leaderboard v2"]
    assert fields["GPQA"].startswith("#4 of 6 · Score 42.4") and "verified by the Hub" in fields["GPQA"]
    assert "board of" in fields["MMLU-Pro"] and len(embed) <= 6000
    result = await alice.slash(channel, "everywhere", model="Qwen/Qwen2-72B-Instruct")
    assert [f.name for f in result.response.embeds[0].fields] == list(fields)
    await alice.send(channel, f"<@{env.bot.user.id}> best coding model")
    domain = channel.last_message.embeds[0]
    assert domain.title == "Best at coding"
    assert [f.name for f in domain.fields] == ["SWE-bench Verified"]  # the bundled boards have no coding category
    assert "zai-org/GLM-5.1" in domain.fields[0].value and "Arena Text coding" in domain.description


async def test_a_refresh_waits_for_another_writer_off_the_loop_and_answers_go_on(simcord_env, db_path):
    """Before: the refresh job imported on the event loop with the bot's 2 s write wait, so another process's long
    import froze answers for 2 s and then made the refresh give up. Now the import waits in a worker thread
    (the store's full wait) while questions are answered, and stores the board once the lock is free."""
    env = simcord_env
    _, news, alice, _ = world(env)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process importing
    async with HubServer() as hub:
        publish(hub, next_board("2025-01-07", new_leader="DeepSeek-V3"))
        env.bot.settings = env.bot.settings.with_overrides(hf_endpoint=hub.url, http_timeout=5.0, http_retries=2)
        job = asyncio.create_task(refresh_and_announce(env.bot, ["arena-raw"]))
        await asyncio.sleep(0.5)  # the import is waiting for the lock by now
        started = time.perf_counter()
        await alice.send(news, "!rank qwen2 72b instruct")
        assert time.perf_counter() - started < 1.0  # answered while the import waits
        assert news.last_message.embeds[0].title.endswith("Qwen2-72B-Instruct")
        assert not job.done()
        await asyncio.sleep(2.0)  # past the bot's own 2 s wait: the import still waits, it has not given up
        other.execute("COMMIT")
        other.close()
        await job
        await env.settle()
    assert env.bot.store.latest_snapshot("arena-raw", "overall").as_of == "2025-01-07"


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
