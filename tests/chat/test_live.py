"""Live boards on SimCord: one message showing the Arena's top, edited in place (never re-sent, never pinging) at
each new board, across a restart; nothing edited without a new board; a deleted message ends it and admins are
told; an edit that went out before a stop is not made again; only admins start and stop them; with two shard
processes on one store, each edits (and sends the weekly summaries of) its own servers only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import discord
import pytest
import simcord
from discord.ext import commands

from bot import build_bot
from bot.ingest import ingest_rows
from bot.jobs import announce_stored, update_live
from db.store import Store
from tests.chat.test_alerts import next_board, world
from tests.chat.test_shards import SERVERS, discord_world, run_shards

pytestmark = pytest.mark.both_engines


def edits(env, channel, message_id: int) -> list:  # type: ignore[no-untyped-def]
    return [
        r
        for r in env.http_requests
        if r.method == "PATCH" and r.path == f"/channels/{channel.id}/messages/{message_id}"
    ]


def posts(env, channel) -> list:  # type: ignore[no-untyped-def]
    return [r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{channel.id}/messages"]


def bot_messages(env, channel) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    return [m for m in channel.history() if m.author.id == env.bot.user.id and m.embeds]


async def publish(env, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """What a refresh does once it has fetched: store, announce, then the live hook."""
    ingest_rows(env.bot.store, "arena-raw", rows, origin="test-refresh")
    await update_live(env.bot, ["arena-raw"])
    await env.settle()


async def start(env, news, alice) -> discord.Message:  # type: ignore[no-untyped-def]
    await alice.send(news, "!live arena-raw")
    assert news.last_message.content.startswith("Live board posted: the top 10 of arena-raw")
    [live] = [m for m in bot_messages(env, news) if m.embeds[0].title.startswith("Top")]
    return live


async def test_a_live_board_is_edited_in_place_across_a_restart_and_never_resent(simcord_env, db_path):
    env = simcord_env
    _, news, alice, _ = world(env)
    live = await start(env, news, alice)
    embed = live.embeds[0]
    assert embed.title == "Top 10" and "o1-2024-12-17" in embed.description
    assert "Live · updated" in embed.description and "as of 2024-12-31" in embed.footer.text  # date, age
    assert "days old" in embed.footer.text
    [row] = env.bot.store.live_boards()
    assert (row.channel_id, row.message_id, row.count) == (news.id, live.id, 10)

    await update_live(env.bot, ["arena-raw"])  # a refresh that stored nothing new: no edit
    assert edits(env, news, live.id) == []

    sent_before = len(posts(env, news))
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [edit] = edits(env, news, live.id)
    assert edit.json["allowed_mentions"]["parse"] == []  # pings nobody
    [message] = [m for m in news.history() if m.id == live.id]
    assert "DeepSeek-V3" in message.embeds[0].description.split("\n")[0]
    assert "as of 2025-01-07" in message.embeds[0].footer.text

    await env.restart_bot(build_bot(db_path))
    ingest_rows(env.bot.store, "arena-raw", next_board("2025-01-14", new_leader="o1-mini"), origin="test-refresh")
    await announce_stored(env.bot)  # the every-minute look of the restarted process
    await env.settle()
    assert len(edits(env, news, live.id)) == 2  # the same message id, edited again
    assert len(posts(env, news)) == sent_before  # and nothing new posted in the channel
    [message] = [m for m in news.history() if m.id == live.id]
    assert "o1-mini" in message.embeds[0].description.split("\n")[0]
    assert "as of 2025-01-14" in message.embeds[0].footer.text
    assert env.bot.store.live_boards()[0].snapshot_id == env.bot.store.latest_snapshot("arena-raw", "overall").id
    await announce_stored(env.bot)  # and a look with nothing new edits nothing
    assert len(edits(env, news, live.id)) == 2


async def test_a_deleted_or_closed_live_message_ends_it_and_admins_are_told(simcord_env):
    """Three live boards: one's message deleted (404), one's channel closed to us (403), one fine."""
    env = simcord_env
    guild, news, alice, _ = world(env)
    closed, fine = guild.create_text_channel("closed"), guild.create_text_channel("fine")
    live = await start(env, news, alice)
    await alice.send(closed, "!live arena-raw")
    await alice.send(fine, "!live arena-raw")
    await live.delete()
    [closed_live] = [b for b in env.bot.store.live_boards() if b.channel_id == closed.id]
    env.inject_error("PATCH", f"/channels/{closed.id}/messages/{closed_live.message_id}", status=403, code=50013,
                     message="Missing Permissions")  # fmt: skip
    ingest_rows(env.bot.store, "arena-raw", next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="test")
    report = await env.bot.live.update("arena-raw")
    assert (report.edited, report.disabled) == (1, 2)  # one failing never stops the others
    by_channel = {b.channel_id: b for b in env.bot.store.live_boards()}
    assert (by_channel[news.id].enabled, by_channel[news.id].disabled_reason) == (False, "admin.reason_deleted")
    assert (by_channel[closed.id].enabled, by_channel[closed.id].disabled_reason) == (False, "admin.reason_forbidden")
    assert by_channel[fine.id].enabled
    await alice.send(fine, "!subscriptions")
    text = fine.last_message.content
    assert f"I stopped keeping the live arena-raw board up to date in <#{news.id}>: its message was deleted" in text
    assert f"in <#{closed.id}>: I may no longer post there" in text
    assert text.count("**off**") == 2
    await alice.send(fine, "!subscriptions")  # said once, then only the listing marks them
    assert "I stopped keeping" not in fine.last_message.content
    ingest_rows(env.bot.store, "arena-raw", next_board("2025-01-14", new_leader="o1-mini"), origin="test")
    assert (await env.bot.live.update("arena-raw")).disabled == 0  # ended: never tried again
    env.errors  # noqa: B018 - the 404 and the injected 403 were logged: acknowledge what SimCord captured


async def test_an_edit_made_before_a_stop_is_not_made_again(simcord_env, db_path):
    """The edit went out, then the process stopped before recording it: the restarted bot reads the message,
    finds the edit's marker, and records it instead of editing again."""
    env = simcord_env
    _, news, alice, _ = world(env)
    live = await start(env, news, alice)
    before = env.bot.store.live_boards()[0].snapshot_id
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [row] = env.bot.store.live_boards()
    assert len(edits(env, news, live.id)) == 1
    with env.bot.store.write():  # what the stop left: the intent, not the bookkeeping
        env.bot.store.db.execute(
            "UPDATE live_boards SET snapshot_id = ?, editing_snapshot_id = ?", [before, row.snapshot_id]
        )
    await env.restart_bot(build_bot(db_path))
    report = await env.bot.live.update("arena-raw")
    assert (report.recovered, report.edited) == (1, 0)
    assert len(edits(env, news, live.id)) == 1
    [row] = env.bot.store.live_boards()
    assert (
        row.editing_snapshot_id is None and row.snapshot_id == env.bot.store.latest_snapshot("arena-raw", "overall").id
    )


async def test_only_admins_start_and_stop_live_boards_in_the_servers_language(simcord_env):
    env = simcord_env
    _, news, alice, bob = world(env)
    await bob.send(news, "!live arena-raw")
    assert "Manage Server" in news.last_message.content
    assert env.bot.store.live_boards() == []
    simcord.assert_error(env, commands.MissingPermissions)

    result = await alice.slash(news, "live", board="arena-raw", count=5)
    assert result.response.content.startswith("Live board posted: the top 5 of arena-raw")
    [live] = bot_messages(env, news)
    assert live.embeds[0].title == "Top 5" and live.embeds[0].description.count("\n") >= 4
    result = await alice.slash(news, "live", board="arena-raw", count=3)  # the same board again: same message
    assert result.response.content == "The live arena-raw board here now shows the top 3."
    assert [m.id for m in bot_messages(env, news)] == [live.id]
    assert env.bot.store.live_boards()[0].count == 3
    result = await alice.slash(news, "live", board="open-llm")
    assert "archived" in result.response.content
    await alice.send(news, "!subscriptions")
    assert f"<#{news.id}>: live arena-raw overall, top 3" in news.last_message.content
    await alice.send(news, "!live-stop")
    assert news.last_message.content.startswith(f"Stopped 1 live board(s) in <#{news.id}>")
    assert env.bot.store.live_boards() == []
    await alice.send(news, "!live-stop")
    assert news.last_message.content == "No live board to stop here."
    await alice.send(news, "!language th")  # a live board speaks the server's language
    await alice.send(news, "!live arena-raw")
    assert news.last_message.content.startswith("โพสต์กระดานสดแล้ว")
    assert any("สด · อัปเดต" in (m.embeds[0].description or "") for m in bot_messages(env, news))


async def sharded_process(db_path, shard: int, together, seen: dict) -> None:  # type: ignore[no-untyped-def]
    """One of two processes (shards 0 and 1 of 2) on one store: its server gets a live board and a weekly
    subscription; the refresher (shard 0) stores a new board; both look at the store and post weekly summaries."""
    bot = build_bot(db_path, shard_count=2, shard_ids=(shard,), refresher=shard == 0)
    env = simcord.Env(bot)
    await env.start()
    try:
        channels = discord_world(env)
        news, admin = channels[shard]
        await admin.send(news, "!live arena-raw")
        await admin.send(news, "!subscribe arena-raw weekly mon 9")
        await asyncio.to_thread(together.wait)  # both set up
        if shard == 0:
            ingest_rows(bot.store, "arena-raw", next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="refresh")
        await asyncio.to_thread(together.wait)  # stored
        await announce_stored(bot)
        due = datetime.fromisoformat(bot.store.subscriptions()[0].weekly_done) + timedelta(weeks=1)
        weekly = await bot.notifier.announce_weekly(now=due)
        await env.settle()
        await asyncio.to_thread(together.wait)  # both have looked
        mine = [m for m in news.history() if m.author.id == bot.user.id and m.embeds]
        [live] = [m for m in mine if m.embeds[0].title == "Top 10"]
        seen[shard] = {
            "edits": len(edits(env, news, live.id)),
            "shown": live.embeds[0].footer.text,
            "weekly": weekly.sent,
            "other": [r.path for r in env.http_requests if str(channels[1 - shard][0].id) in r.path],
        }
    finally:
        await env.shutdown()
        await bot.close()


def test_each_live_board_and_weekly_summary_is_handled_by_the_process_that_owns_the_server(seeded_copy) -> None:  # type: ignore[no-untyped-def]
    seen = run_shards(seeded_copy, sharded_process)
    for shard in SERVERS:
        assert seen[shard]["edits"] == 1 and "as of 2025-01-07" in seen[shard]["shown"]
        assert seen[shard]["weekly"] == 1  # its own server's summary, not the other's
        assert seen[shard]["other"] == []  # never a request about the other process's channel
    with Store(seeded_copy) as store:
        boards = store.live_boards()
    assert len(boards) == 2 and all(b.enabled and b.editing_snapshot_id is None for b in boards)
