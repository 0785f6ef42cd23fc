"""One bot process of tests/chat/test_refresher.py, on its own SimCord (as a process on a machine of its own would
be): `python -m tests.chat.bot_process STORE_URL SHARD_COUNT SHARD_IDS HUB_URL`.

It builds the real bot for its shards, makes one server per shard (the server Discord's rule puts there) with a
news channel, subscribes it with `!subscribe arena-raw`, says `ready`, then runs what the test writes on stdin, one
line each, answering with one JSON line: `refresh` (the scheduled job `refresh_dataset`, which goes on only in the
process holding the refresher lock), `look` (the every-minute `announce_stored`), `quit`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import discord
import simcord

from bot import build_bot
from bot.jobs import announce_stored, refresh_dataset

DATASET = "lmarena-ai/leaderboard-dataset"


def guild_of(shard: int, shard_count: int) -> int:
    """A server id on `shard`: Discord puts a server on shard (id >> 22) % shard_count."""
    return (shard_count * 200 + shard) << 22


def say(**what: Any) -> None:
    print(json.dumps(what), flush=True)


async def main(url: str, shard_count: int, shard_ids: tuple[int, ...], hub_url: str) -> None:
    bot = build_bot(
        url, shard_count=shard_count, shard_ids=shard_ids, hf_endpoint=hub_url, http_timeout=5.0, http_retries=2
    )
    env = simcord.Env(bot)
    await env.start()
    try:
        # SimCord makes ids from its fixed clock, the same in every process: each process skips ahead by its own
        # count, so its channels and users have ids no other process's have (as Discord's are)
        for _ in range(1000 * shard_ids[0]):
            env.backend.snowflake()
        channels = {}
        for shard in shard_ids:
            guild = env.create_guild(f"server {shard}", id=guild_of(shard, shard_count))
            news = guild.create_text_channel("llm-news")
            admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
            admin = guild.add_member(env.create_user(f"admin{shard}"), roles=[admins])
            await admin.send(news, "!subscribe arena-raw")
            channels[shard] = news

        def digests() -> dict[int, list[str]]:
            return {
                shard: [
                    m.embeds[0].title
                    for m in news.history()
                    if m.author.id == bot.user.id and m.embeds and "board of" in (m.embeds[0].footer.text or "")
                ]
                for shard, news in channels.items()
            }

        say(ready=True, digests=digests())
        while line := (await asyncio.to_thread(sys.stdin.readline)).strip():
            if line == "refresh":
                ran = await refresh_dataset(bot, DATASET)
                await env.settle()
                say(refreshed=ran, digests=digests())
            elif line == "look":
                announced = await announce_stored(bot)
                await env.settle()
                say(announced=announced, digests=digests())
            else:
                break
    finally:
        await env.shutdown()
        await bot.close()


if __name__ == "__main__":
    store, count, ids, hub = sys.argv[1:5]
    asyncio.run(main(store, int(count), tuple(int(i) for i in ids.split(",")), hub))
