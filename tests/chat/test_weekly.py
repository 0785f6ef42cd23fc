"""Weekly summaries and thresholds on SimCord: a weekly subscription gets no digest per change and one summary of
its week (new #1s, movers, debuts, the top 5's chart as a PNG) once its weekday and hour have come, once across a
restart; `top:` and `moves:` keep the digests that touch the top N or move N places, and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord
import pytest

from bot import build_bot
from bot.ingest import ingest_rows
from bot.jobs import post_weekly
from tests.chat.test_alerts import digests, next_board, world

pytestmark = pytest.mark.both_engines

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "The week on Arena Text (no style control)"
ADMIN = discord.Permissions(manage_guild=True)


def summaries(channel, bot_id: int) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    return [m for m in channel.history() if m.author.id == bot_id and m.embeds and m.embeds[0].title == TITLE]


async def publish(env, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    ingest_rows(env.bot.store, "arena-raw", rows, origin="test-refresh")
    await env.bot.notifier.announce("arena-raw")
    await env.settle()


def one_place_up(date: str) -> list[dict]:
    """The last real board again, with o1-preview's interval raised just past Gemini-Exp-1114's and listed at #7
    instead of #8 (the file's ranks, which have ties, are the board's): the only change."""
    rows = next_board(date)
    for row in rows:
        if row["model_name"] == "o1-preview":
            row.update(rank=7, rating_upper=1343.0)
    return rows


async def test_a_weekly_summary_goes_once_with_its_week_and_its_chart_across_restarts(simcord_env, db_path):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw weekly mon 9")
    reply = news.last_message.content
    assert reply.startswith("Subscribed.") and "weekly on Monday at 09:00 UTC" in reply, reply
    assert "a summary of each week" in reply
    [subscription] = env.bot.store.subscriptions()
    assert (subscription.weekly_day, subscription.weekly_hour) == (0, 9)
    due = datetime.fromisoformat(subscription.weekly_done) + timedelta(weeks=1)  # the first one: next Monday 09:00

    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    await publish(env, next_board("2025-01-09", new_leader="o1-mini"))
    assert digests(news, env.bot.user.id) == []  # no digest per change

    early = await env.bot.notifier.announce_weekly(now=due - timedelta(minutes=1))
    assert early.sent == 0 and summaries(news, env.bot.user.id) == []
    await post_weekly(env.bot, now=due + timedelta(minutes=4))  # the scheduled look, a few minutes after 09:00
    await env.settle()
    [summary] = summaries(news, env.bot.user.id)
    embed = summary.embeds[0]
    assert "**New #1**" in embed.description
    assert "2025-01-07: DeepSeek-V3: #9 → #1" in embed.description
    assert "2025-01-09: o1-mini" in embed.description
    assert embed.description.startswith("2 new board(s) this week.")
    assert "2024-12-31 → 2025-01-09" in embed.footer.text
    assert embed.url.endswith(f"#leaderbot-weekly-{subscription.id}-{env.bot.store.snapshots('arena-raw')[-1].id}")
    [attachment] = summary.attachments
    assert attachment.filename == "week.png" and embed.image.url == "attachment://week.png"
    png = await attachment.read()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000

    await env.restart_bot(build_bot(db_path))
    again = await env.bot.notifier.announce_weekly(now=due + timedelta(minutes=9))
    await env.settle()
    assert again.sent == 0 and len(summaries(news, env.bot.user.id)) == 1  # once, across the restart
    [subscription] = env.bot.store.subscriptions()
    assert subscription.weekly_done == due.isoformat(timespec="seconds") and subscription.sending_snapshot_id is None
    told = subscription.last_snapshot_id

    quiet = await env.bot.notifier.announce_weekly(now=due + timedelta(weeks=1, hours=1))  # no new board all week
    await env.settle()
    assert (quiet.sent, quiet.quiet) == (0, 1) and len(summaries(news, env.bot.user.id)) == 1

    # The next week's summary goes out, then the process stops before recording it: the intent is all it left.
    await publish(env, next_board("2025-01-16", new_leader="Yi-Lightning"))
    later = due + timedelta(weeks=2)
    assert (await env.bot.notifier.announce_weekly(now=later)).sent == 1
    [subscription] = env.bot.store.subscriptions()
    newest = env.bot.store.latest_snapshot("arena-raw", "overall").id
    with env.bot.store.write():
        env.bot.store.db.execute(
            "UPDATE subscriptions SET last_snapshot_id = ?, sending_snapshot_id = ?, weekly_sending = ?,"
            " weekly_done = ?",
            [told, newest, later.isoformat(timespec="seconds"), (due + timedelta(weeks=1)).isoformat()],
        )
    await env.restart_bot(build_bot(db_path))
    report = await env.bot.notifier.announce_weekly(now=later + timedelta(minutes=5))
    assert (report.recovered, report.sent) == (1, 0)  # found in the channel, not sent again
    assert len(summaries(news, env.bot.user.id)) == 2
    [subscription] = env.bot.store.subscriptions()
    assert subscription.last_snapshot_id == newest and subscription.weekly_done == later.isoformat(timespec="seconds")


async def test_thresholds_and_weeks_as_typed_and_the_digests_they_keep(simcord_env):
    env = simcord_env
    guild, every, alice, _ = world(env)
    news = guild.create_text_channel("settings")
    await alice.send(news, "!subscribe arena-raw top:0")
    assert news.last_message.content == "`top:0` must be a whole number from 1 to 100."
    await alice.send(news, "!subscribe arena-raw weekly funday 9")
    assert news.last_message.content.startswith("A weekly summary needs a day (mon, tue, wed")
    await alice.send(news, "!subscribe arena-raw weekly mon 24")
    assert "an hour from 0 to 23" in news.last_message.content
    result = await alice.slash(news, "subscribe", board="arena-raw", weekly=True)  # no day, no hour
    assert "needs a day" in result.response.content
    assert env.bot.store.subscriptions() == []
    await alice.send(news, "!language es-ES")
    await alice.send(news, "!subscribe arena-raw moves:x")
    assert news.last_message.content == "`moves:x` debe ser un número entero de 1 a 100."

    await alice.send(news, "!subscribe arena-raw weekly sun 20")
    assert news.last_message.content.startswith("Suscrito.")
    assert "semanal, cada domingo a las 20:00 UTC" in news.last_message.content
    result = await alice.slash(news, "subscribe", board="arena-raw", weekly=True, day="sun", hour=20, moves=2)
    assert "weekly on Sunday at 20:00 UTC" in result.response.content  # the slash user's own language
    [s] = env.bot.store.subscriptions()
    assert (s.weekly_day, s.weekly_hour, s.min_move, s.top_n) == (6, 20, 2, 10)
    await alice.send(news, "!subscribe arena-raw 5 2")  # the positional form; no `weekly`: every change again
    [s] = env.bot.store.subscriptions()
    assert (s.weekly_day, s.top_n, s.min_move) == (None, 5, 2)
    await alice.send(news, "!language auto")
    await alice.send(news, "!unsubscribe")
    assert env.bot.store.subscriptions() == []

    # Another admin (each person has a budget of commands), and three channels with their thresholds.
    carol = guild.add_member(env.create_user("carol"), roles=[guild.create_role("Mods", permissions=ADMIN)])
    big_moves, podium = guild.create_text_channel("big-moves"), guild.create_text_channel("podium")
    await carol.send(every, "!subscribe arena-raw")
    await carol.send(big_moves, "!subscribe arena-raw moves:3")
    await carol.send(podium, "!subscribe arena-raw top:3")
    assert "top 3, moves of 1+" in podium.last_message.content
    by_channel = {s.channel_id: (s.top_n, s.min_move) for s in env.bot.store.subscriptions()}
    assert by_channel == {every.id: (10, 1), big_moves.id: (10, 3), podium.id: (3, 1)}

    await publish(env, one_place_up("2025-01-07"))  # one model up one place, at #7
    [digest] = digests(every, env.bot.user.id)
    assert "o1-preview: #8 → #7" in digest.embeds[0].description
    assert digests(big_moves, env.bot.user.id) == []  # a 1-place move is below moves:3
    assert digests(podium, env.bot.user.id) == []  # a change below #3 is outside top:3

    await publish(env, next_board("2025-01-14", new_leader="DeepSeek-V3"))  # 9 -> 1: both want that
    assert [len(digests(c, env.bot.user.id)) for c in (every, big_moves, podium)] == [2, 1, 1]
