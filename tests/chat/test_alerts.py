"""Subscriptions and digests on SimCord: one digest per new board, none for broken or repeated ones, across
restarts; a channel we lose is switched off and admins are told; only admins manage subscriptions."""

from __future__ import annotations

import gzip
import json
import time

import discord
import pytest
import simcord
from discord.ext import commands

from bot import build_bot
from bot.chat.admin import reason_text
from bot.ingest import ingest_rows
from tests.bundled import ARENA_2024
from tests.stores import write_lock_held

pytestmark = pytest.mark.both_engines

LAST_DATE = "2024-12-31"


def last_board() -> list[dict]:
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if r["leaderboard_publish_date"] == LAST_DATE]


def next_board(date: str, *, keep: float = 1.0, new_leader: str | None = None) -> list[dict]:
    """The last real board republished on `date`: optionally only its top `keep` share, optionally with one model
    lifted to a clear #1."""
    rows = [dict(r, leaderboard_publish_date=date) for r in last_board()]
    rows.sort(key=lambda r: r["rank"])
    rows = rows[: round(len(rows) * keep)]
    if new_leader:
        for r in rows:
            if r["model_name"] == new_leader:
                r.update(rating=1400.0, rating_lower=1395.0, rating_upper=1405.0, rank=1)
            else:
                r["rank"] += 1
    return rows


def world(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    news = guild.create_text_channel("llm-news")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    alice = guild.add_member(env.create_user("alice"), roles=[admins])  # an admin
    bob = guild.add_member(env.create_user("bob"))  # not an admin
    return guild, news, alice, bob


def digests(channel, bot_id: int) -> list[discord.Message]:  # type: ignore[no-untyped-def]
    return [
        m for m in channel.history() if m.author.id == bot_id and m.embeds and "board of" in m.embeds[0].footer.text
    ]


def crash_after_the_sends(store) -> int:  # type: ignore[no-untyped-def]
    """What a crash right after the last digests went out leaves in the store: the intents (with the channel's
    last message then), not the bookkeeping. The newest snapshot's id."""
    newest, before = (s.id for s in sorted(store.snapshots("arena-raw", "overall"), key=lambda s: s.as_of)[-1:-3:-1])
    with store.write():
        store.db.execute("UPDATE subscriptions SET last_snapshot_id = ?, sending_snapshot_id = ?", [before, newest])
    return newest


async def announce_after_a_restart(env, db_path):  # type: ignore[no-untyped-def]
    """A new bot on the same store, and its first look at arena-raw's subscriptions: what it sent, found, skipped."""
    await env.restart_bot(build_bot(db_path))
    report = await env.bot.notifier.announce("arena-raw")
    await env.settle()
    return report


async def publish(env, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """What a refresh does once it has fetched: store, then announce."""
    ingest_rows(env.bot.store, "arena-raw", rows, origin="test-refresh")
    await env.bot.notifier.announce("arena-raw")
    await env.settle()


async def test_one_digest_per_new_board_and_none_for_repeats(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw 10")
    assert channel_text(news).startswith("Subscribed.")
    await env.bot.notifier.announce("arena-raw")  # nothing new since subscribing: the current board is not news
    assert digests(news, env.bot.user.id) == []

    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [digest] = digests(news, env.bot.user.id)
    embed = digest.embeds[0]
    assert embed.title == "New #1 on Arena Text (no style control): DeepSeek-V3"
    assert "DeepSeek-V3: #9 → #1" in embed.description
    assert "2024-12-31 → 2025-01-07" in embed.footer.text
    assert embed.url.startswith("https://arena.ai/leaderboard/text#leaderbot-digest-")  # the page, and the marker

    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))  # the same data again
    await env.bot.notifier.announce("arena-raw")  # and another refresh with nothing new
    assert len(digests(news, env.bot.user.id)) == 1


async def test_a_broken_board_is_rejected_and_announces_nothing(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    await publish(env, next_board("2025-01-07", keep=0.4))  # 60% of the board gone at once: broken
    assert digests(news, env.bot.user.id) == []
    stored = env.bot.store.snapshots("arena-raw")[-1]
    assert (stored.as_of, stored.status) == ("2025-01-07", "rejected")
    assert env.bot.store.latest_snapshot("arena-raw", "overall").as_of == LAST_DATE  # answers ignore it too

    await publish(env, next_board("2025-01-14", keep=0.85, new_leader="Claude 3.5 Sonnet (20241022)"))
    [digest] = digests(news, env.bot.user.id)  # 15% of rows retired is real change: it passes
    assert digest.embeds[0].title == "New #1 on Arena Text (no style control): Claude 3.5 Sonnet (20241022)"


async def test_nothing_is_sent_twice_across_a_restart(simcord_env, db_path):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert len(digests(news, env.bot.user.id)) == 1
    await announce_after_a_restart(env, db_path)
    assert len(digests(news, env.bot.user.id)) == 1


async def test_after_a_long_gap_one_digest_covers_everything_missed(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw")
    for date, leader in (("2025-01-07", "DeepSeek-V3"), ("2025-01-14", "o1-mini"), ("2025-01-21", "Yi-Lightning")):
        ingest_rows(env.bot.store, "arena-raw", next_board(date, new_leader=leader), origin="test-refresh")
    await env.bot.notifier.announce("arena-raw")
    await env.settle()
    [digest] = digests(news, env.bot.user.id)
    assert digest.embeds[0].title == "New #1 on Arena Text (no style control): Yi-Lightning"
    assert "2024-12-31 → 2025-01-21" in digest.embeds[0].footer.text


async def test_a_lost_channel_disables_its_subscription_and_admins_are_told(simcord_env):
    env = simcord_env
    guild, news, alice, _ = world(env)
    other = guild.create_text_channel("other-news")
    await alice.send(news, "!subscribe arena-raw")
    await alice.send(other, "!subscribe arena-raw")
    env.inject_error("POST", f"/channels/{news.id}/messages", status=403, code=50013, message="Missing Permissions")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert digests(news, env.bot.user.id) == []
    assert len(digests(other, env.bot.user.id)) == 1  # one channel failing never stops the others
    [lost] = [s for s in env.bot.store.subscriptions() if s.channel_id == news.id]
    assert not lost.enabled

    await alice.send(other, "!subscriptions")
    text = channel_text(other)
    assert f"stopped posting arena-raw digests to <#{news.id}>" in text
    assert "**off**" in text
    await alice.send(other, "!subscriptions")  # said once, then only the listing marks it
    assert "stopped posting" not in channel_text(other)


async def test_a_configured_role_is_pinged_and_nobody_else(simcord_env):
    env = simcord_env
    guild, news, alice, _ = world(env)
    fans = guild.create_role("llm-fans")
    await alice.send(news, f"!subscribe arena-raw 5 1 {fans.mention}")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [digest] = digests(news, env.bot.user.id)
    assert digest.content == f"<@&{fans.id}>"
    posted = [r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{news.id}/messages"][-1]
    assert posted.json["allowed_mentions"]["roles"] == [str(fans.id)] or posted.json["allowed_mentions"]["roles"] == [
        fans.id
    ]
    assert posted.json["allowed_mentions"]["parse"] == []


async def test_only_admins_manage_subscriptions(simcord_env):
    env = simcord_env
    _, news, alice, bob = world(env)
    await bob.send(news, "!subscribe arena-raw")
    assert "Manage Server" in channel_text(news)
    assert env.bot.store.subscriptions() == []
    simcord.assert_error(env, commands.MissingPermissions)
    with pytest.raises(simcord.SetupError):  # Discord hides the slash command from him
        await bob.slash(news, "subscribe")
    assert "subscribe" not in bob.available_commands(news)
    assert "subscribe" in alice.available_commands(news)

    result = await alice.slash(news, "subscribe", board="open-llm")
    assert "archived" in result.response.content
    result = await alice.slash(news, "subscribe", board="arena-raw", top=20, moves=3)
    assert result.response.content.startswith("Subscribed.")
    [s] = env.bot.store.subscriptions()
    assert (s.channel_id, s.top_n, s.min_move, s.role_id) == (news.id, 20, 3, None)
    result = await alice.slash(news, "unsubscribe")
    assert "Removed 1" in result.response.content
    assert env.bot.store.subscriptions() == []


async def test_notify_test_posts_a_sample_digest(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    result = await alice.slash(news, "notify-test")
    # from the raw file: o1-2024-12-17 joins four models at #1 on 2024-12-31
    assert result.response.embeds[0].title == "o1-2024-12-17 now shares #1 on Arena Text (no style control)"
    assert env.bot.store.subscriptions() == []


def channel_text(channel) -> str:  # type: ignore[no-untyped-def]
    return channel.last_message.content


async def test_subscribe_refuses_what_would_never_work(simcord_env):
    env = simcord_env
    _, news, alice, _ = world(env)
    await alice.send(news, "!subscribe arena-raw 10 1 @everyone")
    assert "not @everyone" in news.last_message.content
    result = await alice.slash(news, "subscribe", board="arena-raw", category="codng")
    assert "no category 'codng'" in result.response.content and "overall" in result.response.content
    assert env.bot.store.subscriptions() == []


async def test_unsubscribe_another_channel_by_mention(simcord_env):
    env = simcord_env
    guild, news, alice, _ = world(env)
    other = guild.create_text_channel("other-news")
    await alice.send(news, f"!subscribe arena-raw 10 1 {other.mention}")  # no role given: the channel is read
    assert [s.channel_id for s in env.bot.store.subscriptions()] == [other.id]
    await alice.send(news, f"!unsubscribe {other.mention}")
    assert "Removed 1" in news.last_message.content
    assert env.bot.store.subscriptions() == []


def three_channels(env):  # type: ignore[no-untyped-def]
    guild, news, alice, _ = world(env)
    return [news, guild.create_text_channel("more-news"), guild.create_text_channel("even-more")], alice


async def test_a_store_locked_by_another_process_sends_nothing_twice_and_never_stalls(simcord_env, db_path):
    """Before: with another process holding the write lock, bookkeeping blocked the event loop for 5 s, raised,
    ended the run, and the next run sent some digests twice ([2, 1, 1])."""
    env = simcord_env
    channels, alice = three_channels(env)
    for channel in channels:
        await alice.send(channel, "!subscribe arena-raw")
    ingest_rows(env.bot.store, "arena-raw", next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="test")
    with write_lock_held(db_path):  # another process writing, for the whole fan-out
        started = time.perf_counter()
        report = await env.bot.notifier.announce("arena-raw")
        assert time.perf_counter() - started < 3 * 0.2 + 1.0  # each write waited briefly, then moved on
        assert report.sent == 0 and report.failed == 3  # no intent recorded, so nothing was sent
    await env.bot.notifier.announce("arena-raw")
    await env.bot.notifier.announce("arena-raw")
    await env.settle()
    assert [len(digests(c, env.bot.user.id)) for c in channels] == [1, 1, 1]


async def test_a_restart_between_a_send_and_its_bookkeeping_does_not_send_again(simcord_env, db_path):
    env = simcord_env
    channels, alice = three_channels(env)
    for channel in channels:
        await alice.send(channel, "!subscribe arena-raw")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert [len(digests(c, env.bot.user.id)) for c in channels] == [1, 1, 1]
    newest = crash_after_the_sends(env.bot.store)
    report = await announce_after_a_restart(env, db_path)
    assert (report.recovered, report.sent) == (3, 0)  # found in each channel, not sent again
    assert [len(digests(c, env.bot.user.id)) for c in channels] == [1, 1, 1]
    assert all(s.last_snapshot_id == newest for s in env.bot.store.subscriptions())


async def test_a_server_error_in_one_channel_never_stops_the_others(simcord_env):
    env = simcord_env
    channels, alice = three_channels(env)
    for channel in channels:
        await alice.send(channel, "!subscribe arena-raw")
    env.inject_error("POST", f"/channels/{channels[0].id}/messages", status=500, message="Internal Server Error")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert [len(digests(c, env.bot.user.id)) for c in channels] == [0, 1, 1]
    await env.bot.notifier.announce("arena-raw")  # the next run: only the one that failed
    await env.settle()
    assert [len(digests(c, env.bot.user.id)) for c in channels] == [1, 1, 1]
    env.errors  # noqa: B018 - the injected 500 was logged, not raised: acknowledge what SimCord captured


async def test_a_command_that_cannot_write_says_the_store_is_busy_without_holding_the_loop(simcord_env, db_path):
    """Before: a write from the bot waited up to the full busy timeout (and retries) with the event loop held."""
    env = simcord_env
    _, news, alice, _ = world(env)
    with write_lock_held(db_path):  # another process writing
        started = time.perf_counter()
        await alice.send(news, "!subscribe arena-raw")
        assert time.perf_counter() - started < 5.0  # the bot's short wait (2 s), not 30
        assert news.last_message.content.startswith("The store is busy")
    assert env.bot.store.subscriptions() == []
    env.errors  # noqa: B018 - the refused write, reported to the user: acknowledge what SimCord captured
    await alice.send(news, "!subscribe arena-raw")
    assert len(env.bot.store.subscriptions()) == 1


async def test_a_server_set_to_thai_gets_its_digests_and_answers_in_thai(simcord_env):
    env = simcord_env
    _, news, alice, bob = world(env)
    await bob.send(news, "!language th")  # not an admin: refused, nothing changes
    assert env.bot.store.guild_language(news.guild.id) is None
    env.errors  # noqa: B018 - the refused permission is reported to the user: acknowledge what SimCord captured
    await alice.send(news, "!language th")
    assert news.last_message.content == "ต่อจากนี้ภาษาของคำตอบและสรุปที่นี่: ไทย (th)"  # said in the language chosen
    await alice.send(news, "!subscribe arena-raw")
    assert news.last_message.content.startswith("ติดตามแล้ว <#") and "ภาพรวม, ท็อป 10" in news.last_message.content
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    posted = [m for m in news.history() if m.author.id == env.bot.user.id and m.embeds]
    [digest] = [m for m in posted if "leaderbot-digest" in (m.embeds[0].url or "")]
    assert digest.embeds[0].title == "อันดับ 1 คนใหม่บน Arena Text (no style control): DeepSeek-V3"
    assert "กระดานวันที่" in digest.embeds[0].footer.text and "**อันดับ 1 คนใหม่**" in digest.embeds[0].description
    await alice.send(news, "!rank deepseek v3")  # a prefix command answers in the server's language
    assert "อยู่อันดับ #1" in news.last_message.embeds[0].description
    await alice.send(news, "!language auto")
    assert env.bot.store.guild_language(news.guild.id) is None
    await alice.send(news, "!language klingon")
    assert news.last_message.content.startswith("I don't speak 'klingon'")


def test_a_reason_stored_before_the_catalogues_is_said_in_the_admins_language() -> None:
    assert reason_text("the channel is gone", "th") == reason_text("admin.reason_gone", "th") == "ช่องนี้ไม่มีอยู่แล้ว"
    assert reason_text("I may no longer post there", "en") == "I may no longer post there"
    assert reason_text("something else", "ja") == "something else"  # not ours to translate


async def test_admin_replies_show_upstream_categories_escaped(simcord_env):
    """A made-up category of hostile markdown on the real last board (what upstream's free-text categories could
    be): listed in the reply to a category that is not there, and in the subscription's line, shown literally."""
    env = simcord_env
    _, news, alice, _ = world(env)
    hostile = "[evil](http://evil.example)_`tick`"
    ingest_rows(env.bot.store, "arena-raw", [dict(r, category=hostile) for r in last_board()[:20]], origin="test")
    result = await alice.slash(news, "subscribe", board="arena-raw", category="codng")
    assert "\\[evil](http://evil.example)\\_\\`tick\\`" in result.response.content, result.response.content
    result = await alice.slash(news, "subscribe", board="arena-raw", category=hostile)
    assert result.response.content.startswith("Subscribed.") and "\\[evil]" in result.response.content
    assert "[evil](" not in result.response.content.replace("\\[evil](", "")


async def test_a_restart_after_a_send_in_a_busy_channel_does_not_send_again(simcord_env, db_path):
    """A crash between a send and its bookkeeping, then 100 messages by others before the bot is back: the look
    back reaches the digest (it goes as far as the channel's last message when the intent was recorded)."""
    env = simcord_env
    _, news, alice, bob = world(env)
    await alice.send(news, "!subscribe arena-raw")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert len(digests(news, env.bot.user.id)) == 1
    store = env.bot.store
    newest = crash_after_the_sends(store)
    [subscription] = store.subscriptions()
    assert subscription.sending_after_id is not None
    assert subscription.sending_after_id < digests(news, env.bot.user.id)[0].id
    for i in range(100):
        await bob.send(news, f"chatting {i}")
    report = await announce_after_a_restart(env, db_path)
    assert (report.recovered, report.sent) == (1, 0)
    assert len(digests(news, env.bot.user.id)) == 1
    assert env.bot.store.subscriptions()[0].last_snapshot_id == newest


async def test_a_digest_that_never_went_out_is_sent_once_after_the_restart(simcord_env, db_path):
    """The intent was recorded but the send never happened: the look back stops at the message that was the
    channel's last then, finds nothing, and sends."""
    env = simcord_env
    _, news, alice, bob = world(env)
    await alice.send(news, "!subscribe arena-raw")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [digest] = digests(news, env.bot.user.id)
    await digest.delete()  # as if it had never been sent
    crash_after_the_sends(env.bot.store)
    for i in range(30):
        await bob.send(news, f"chatting {i}")
    report = await announce_after_a_restart(env, db_path)
    assert (report.recovered, report.sent) == (0, 1)
    assert len(digests(news, env.bot.user.id)) == 1
