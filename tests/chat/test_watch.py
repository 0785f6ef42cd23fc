"""Watchlists on SimCord: the real bot, the real 2024 Arena rows. A watch made by prefix or slash command, one DM
per refresh with every watched change, thresholds, a real rename kept, a DM refused (told once, paused, resumed),
channel watches (Manage Server), the limit, and exactly once across a restart and a locked store."""

from __future__ import annotations

import sqlite3
from datetime import date

import discord
import pytest
import simcord
from discord.ext import commands

from bot import build_bot
from bot.ingest import ingest_rows
from db.store import Store
from tests.chat.test_alerts import next_board
from tests.chat.test_commands import user_locale  # noqa: F401 - the fixture, for the DM in the user's language

BOARD = "arena-raw"


def world(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    talk = guild.create_text_channel("llm-talk")
    news = guild.create_text_channel("llm-news")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    alice = guild.add_member(env.create_user("alice"))
    boss = guild.add_member(env.create_user("boss"), roles=[admins])
    return guild, talk, news, alice, boss


def updates(channel, bot_id: int) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    """The watch updates the bot sent there (a DM channel, or a watching channel)."""
    return [m for m in channel.history() if m.author.id == bot_id and m.embeds and "#leaderbot-watch-" in
            (m.embeds[0].url or "")]  # fmt: skip


async def publish(env, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """What a refresh does once it has fetched: store, then the digests and the watch updates."""
    ingest_rows(env.bot.store, BOARD, rows, origin="test-refresh")
    await env.bot.watch_notifier.announce([BOARD])
    await env.settle()


async def test_one_dm_per_refresh_with_every_watched_change(simcord_env):
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    await alice.send(talk, "!watch deepseek v3")
    assert talk.last_message.content.startswith("Watching DeepSeek-V3 on Arena Text (no style control).")
    await alice.send(talk, "!watch qwen2 72b instruct")
    await env.bot.watch_notifier.announce([BOARD])  # nothing new since: where they stand is not news
    dms = alice.user.dm_channel
    assert updates(dms, env.bot.user.id) == []

    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [dm] = updates(dms, env.bot.user.id)
    embed = dm.embeds[0]
    assert embed.title == "2 changes to models you watch"
    age = (env.bot.answerer.now().date() - date(2025, 1, 7)).days
    assert f"**Arena Text (no style control)** · overall · board of 2025-01-07, {age} days old" in embed.description
    assert "• DeepSeek-V3: #9 → #1 (1315 → 1400, 95% CI 1395–1405)" in embed.description
    assert "• Qwen2-72B-Instruct: #73 → #74" in embed.description
    posted = [r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{dms.id}/messages"]
    assert posted[-1].json["allowed_mentions"] == {"parse": []}

    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))  # the same board again: nothing
    await env.bot.watch_notifier.announce([BOARD])
    assert len(updates(dms, env.bot.user.id)) == 1
