"""Sharding: two bot instances, shard 0 and shard 1 of 2, on one store, each on its own SimCord (its own event loop,
as two processes would be). Each subscribes its own server; the refresher (shard 0) stores a new board; both look
at the store: every digest goes out exactly once, from the process that owns the server, and neither touches the
other's subscription."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord

from bot import build_bot
from bot.ingest import ingest_rows
from bot.jobs import announce_stored
from db.store import Store
from tests.chat.test_alerts import digests, next_board

pytestmark = pytest.mark.both_engines

SERVERS = {0: 1000 << 22, 1: 1001 << 22}  # (id >> 22) % 2: the first on shard 0, the second on shard 1


def discord_world(env: simcord.Env) -> dict[int, Any]:
    """The same Discord in both simulations: both servers, each with a news channel and an admin."""
    channels = {}
    for shard, guild_id in SERVERS.items():
        guild = env.create_guild(f"server {shard}", id=guild_id)
        news = guild.create_text_channel("llm-news")
        admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
        admin = guild.add_member(env.create_user(f"admin{shard}"), roles=[admins])
        channels[shard] = (news, admin)
    return channels


async def one_process(db_path: Path, shard: int, together: threading.Barrier, seen: dict[int, Any]) -> None:
    bot = build_bot(db_path, shard_count=2, shard_ids=(shard,), refresher=shard == 0)
    env = simcord.Env(bot)
    await env.start()
    try:
        assert bot.shard_ids == [shard] and bot.shard_count == 2
        channels = discord_world(env)
        assert {g.id for g in bot.guilds} == {SERVERS[shard]}  # this process sees its own shard's server only
        news, admin = channels[shard]
        await admin.send(news, "!subscribe arena-raw")
        assert news.last_message.content.startswith("Subscribed.")
        await asyncio.to_thread(together.wait)  # both subscribed
        if shard == 0:  # the refresher stores what it fetched
            ingest_rows(bot.store, "arena-raw", next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="refresh")
        await asyncio.to_thread(together.wait)  # stored
        announced = await announce_stored(bot)
        await env.settle()
        await asyncio.to_thread(together.wait)  # both have looked
        again = await announce_stored(bot)  # nothing new: nothing sent
        await env.settle()
        seen[shard] = {
            "announced": announced,
            "again": again,
            "digests": {s: len(digests(channels[s][0], bot.user.id)) for s in SERVERS},
            "titles": [m.embeds[0].title for m in digests(news, bot.user.id)],
        }
    finally:
        await env.shutdown()
        await bot.close()


def run_shards(db_path: Path, process: Callable[..., Awaitable[None]]) -> dict[int, Any]:
    """Two "processes" (shard 0 and shard 1, a thread and an event loop each) on one store, kept in step by a
    barrier: `process(db_path, shard, together, seen)` each; what each put in `seen`. A failure in either stops both
    and is raised here."""
    together = threading.Barrier(2, timeout=60)
    seen: dict[int, Any] = {}
    failures: list[BaseException] = []

    def run(shard: int) -> None:
        try:
            asyncio.run(process(db_path, shard, together, seen))
        except BaseException as exc:
            together.abort()
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(shard,)) for shard in SERVERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if failures:
        raise failures[0]
    return seen


def test_each_digest_goes_out_once_from_the_process_that_owns_the_server(seeded_copy: Path) -> None:
    seen = run_shards(seeded_copy, one_process)
    for shard in SERVERS:
        assert "arena-raw" in seen[shard]["announced"] and seen[shard]["again"] == []
        assert seen[shard]["titles"] == ["New #1 on Arena Text (no style control): DeepSeek-V3"]
    # each server's channel has one digest in all: from its own process, none from the other
    assert seen[0]["digests"] == {0: 1, 1: 0}
    assert seen[1]["digests"] == {0: 0, 1: 1}
    with Store(seeded_copy) as store:
        subscriptions = store.subscriptions()
        newest = store.latest_snapshot("arena-raw", "overall")
    assert sorted(s.guild_id for s in subscriptions) == sorted(SERVERS.values())
    for subscription in subscriptions:
        assert subscription.enabled and subscription.last_snapshot_id == newest.id  # type: ignore[union-attr]
        assert subscription.sending_snapshot_id is None and subscription.last_message_id is not None
