"""Watchlists on SimCord: the real bot, the real 2024 Arena rows. A watch made by prefix or slash command, one DM
per refresh with every watched change, thresholds, a real rename kept, a DM refused (told once, paused, resumed),
channel watches (Manage Server), the limit, and exactly once across a restart and a locked store."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import discord
import pytest
import simcord

from bot import build_bot
from bot.chat.watches import render_update
from bot.core.watches import Standing as WatchStanding
from bot.core.watches import WatchedChange
from bot.ingest import ingest_rows
from bot.jobs import announce_stored
from db.store import Store
from tests.chat.test_alerts import next_board
from tests.chat.test_commands import user_locale  # noqa: F401 - the fixture, for the DM in the user's language
from tests.chat.test_shards import SERVERS, discord_world, run_shards
from tests.hostile import HOSTILE, UNESCAPED
from tests.stores import write_lock_held

pytestmark = pytest.mark.both_engines

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


def renamed(rows: list[dict], old: str, new: str) -> list[dict]:
    """The board with one model renamed as LMArena does: same maker, votes and rating, a new name (the votes rule
    of the board's profile links the two)."""
    return [dict(r, model_name=new) if r["model_name"] == old else r for r in rows]


async def test_a_real_rename_keeps_the_watch_and_is_told(simcord_env):
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    await alice.send(talk, "!watch qwen2 72b instruct")
    await publish(env, renamed(next_board("2025-01-07"), "Qwen2-72B-Instruct", "Qwen2 72B Instruct Chat"))
    dms = alice.user.dm_channel
    [dm] = updates(dms, env.bot.user.id)
    assert "• Qwen2 72B Instruct Chat (was Qwen2-72B-Instruct): still #73" in dm.embeds[0].description
    [watch] = env.bot.store.watches(recipient_id=alice.id)
    assert (watch.model_key, watch.model_name) == ("qwen2 72b instruct chat", "Qwen2 72B Instruct Chat")
    # the next board moves it: told under its new name, the watch followed it
    rows = renamed(next_board("2025-01-14", new_leader="DeepSeek-V3"), "Qwen2-72B-Instruct", "Qwen2 72B Instruct Chat")
    await publish(env, rows)
    latest = updates(dms, env.bot.user.id)[-1]
    assert "• Qwen2 72B Instruct Chat: #73 → #74" in latest.embeds[0].description
    await alice.send(talk, "!watchlist")
    assert "Qwen2 72B Instruct Chat: Arena Text (no style control) · overall" in talk.last_message.content


async def test_a_refused_dm_is_told_once_pauses_the_watches_and_a_watch_command_resumes_them(simcord_env):
    env = simcord_env
    _, talk, news, alice, _ = world(env)
    await alice.send(talk, "!watch deepseek v3")
    await alice.send(news, "!watchlist")  # the channel they last used
    dms = alice.user.dm_channel
    env.inject_error("POST", f"/channels/{dms.id}/messages", status=403, code=50007,
                     message="Cannot send messages to this user")  # fmt: skip
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    assert updates(dms, env.bot.user.id) == []
    told = news.last_message
    assert told.content.startswith(f"<@{alice.id}>: I couldn't DM you about the models you watch")
    assert env.bot.store.watchers()[(alice.id, False)].paused
    posted = [r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{news.id}/messages"]
    assert posted[-1].json["allowed_mentions"] == {"parse": []}  # named, never pinged

    await publish(env, next_board("2025-01-14", new_leader="o1-mini"))  # paused: no DM, not told again
    assert updates(dms, env.bot.user.id) == [] and news.last_message.id == told.id
    await alice.send(talk, "!watchlist")
    assert [m.content for m in talk.history()][-2].startswith("Your watches were paused")
    await env.bot.watch_notifier.announce([BOARD])
    await env.settle()
    [dm] = updates(dms, env.bot.user.id)  # what it missed, in one update: 2024-12-31 to the newest board
    assert dm.embeds[0].title == "1 change to a model you watch"
    assert "board of 2025-01-14" in dm.embeds[0].description and "DeepSeek-V3: #9 → #10" in dm.embeds[0].description


async def test_thresholds_keep_only_the_changes_asked_for(simcord_env, user_locale):  # noqa: F811
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    await alice.send(talk, "!watch qwen2 72b instruct top:10")  # #73 -> #74: outside the top 10
    await alice.send(talk, "!watch deepseek v3 moves:3")  # #9 -> #1: 8 places
    assert talk.last_message.content.startswith("Watching DeepSeek-V3 on Arena Text (no style control), only moves")
    await alice.send(talk, "!watch gpt-4o-2024-05-13 moves:3")  # one place down
    await alice.send(talk, "!watch deepseek v3 top:0")
    assert talk.last_message.content == "`top:0` is out of range: use 1 to 100. For example: " + (
        "`/watch qwen2.5 72b top:10 moves:3`"
    )
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [dm] = updates(alice.user.dm_channel, env.bot.user.id)
    assert dm.embeds[0].title == "1 change to a model you watch" and "DeepSeek-V3: #9 → #1" in dm.embeds[0].description
    watches = {w.model_key: (w.top_n, w.min_move) for w in env.bot.store.watches(recipient_id=alice.id)}
    assert watches == {"qwen2-72b-instruct": (10, 1), "deepseek-v3": (None, 3), "gpt-4o-2024-05-13": (None, 3)}
    user_locale["locale"] = "th"  # the slash command's options, and a DM in the language of its locale
    reply = await alice.slash(talk, "watch", model="qwen2 72b instruct", top=80, moves=1)
    assert "เฉพาะการเปลี่ยนแปลงใน 80 อันดับแรก" in reply.response.content
    await publish(env, next_board("2025-01-14", new_leader="o1-mini"))
    thai = updates(alice.user.dm_channel, env.bot.user.id)[-1].embeds[0]
    assert thai.title == "โมเดลที่คุณติดตามมีการเปลี่ยนแปลง 1 รายการ"  # Qwen2 stays #74: no change
    assert "กระดานวันที่ 14 ม.ค. 2025" in thai.description and "DeepSeek-V3: #1 → #10" in thai.description


async def test_a_channel_watch_needs_manage_server_and_posts_there(simcord_env):
    env = simcord_env
    _, talk, news, alice, boss = world(env)
    refused = await alice.slash(talk, "watch", model="deepseek v3", channel=news)
    assert refused.response.content == "You need the **Manage Server** permission for that."
    made = await boss.slash(talk, "watch", model="deepseek v3", channel=news)
    assert made.response.content.startswith(f"Watching DeepSeek-V3 on Arena Text (no style control) for <#{news.id}>")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    [posted] = updates(news, env.bot.user.id)
    assert "DeepSeek-V3: #9 → #1" in posted.embeds[0].description
    assert updates(boss.user.dm_channel, env.bot.user.id) == []  # the channel's watch, not the admin's
    listed = await boss.slash(talk, "watchlist", channel=news)
    assert "DeepSeek-V3: Arena Text (no style control) · overall" in listed.response.content
    await boss.send(talk, f"!watch qwen2 72b instruct channel:<#{news.id}>")  # the prefix form
    assert talk.last_message.content.startswith(
        f"Watching Qwen2-72B-Instruct on Arena Text (no style control) for <#{news.id}>"
    )
    await alice.send(talk, f"!watch qwen2 72b instruct <#{news.id}>")
    assert talk.last_message.content == "You need the **Manage Server** permission for that."
    removed = await boss.slash(talk, "unwatch", model="deepseek v3", channel=news)
    assert removed.response.content.startswith("Stopped watching DeepSeek-V3 on Arena Text")
    assert [w.model_name for w in env.bot.store.watches(recipient_id=news.id, to_channel=True)] == [
        "Qwen2-72B-Instruct"
    ]


async def test_an_ambiguous_name_offers_a_picker_and_the_pick_makes_the_watch(simcord_env):
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    await alice.send(talk, "!watch claude 3.5 sonnet")
    menu = talk.last_message
    options = [o.label for row in menu.components for c in row.children for o in c.options]
    assert options == ["Claude 3.5 Sonnet (20240620)", "Claude 3.5 Sonnet (20241022)"]
    assert env.bot.store.watches() == []
    picked = await alice.select(menu, ["1"])
    assert picked.response.content.startswith("Watching Claude 3.5 Sonnet (20241022) on Arena Text")
    assert [w.model_name for w in env.bot.store.watches(recipient_id=alice.id)] == ["Claude 3.5 Sonnet (20241022)"]


async def test_the_limit_unwatch_and_the_list(simcord_env):
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    store = env.bot.store
    keys = [r["model_key"] for r in store.entries(store.latest_snapshot(BOARD, "overall").id)[10:35]]
    for key in keys:
        store.watch(alice.id, BOARD, "overall", key)
    await alice.send(talk, "!watch deepseek v3")
    assert talk.last_message.content.startswith("That would be more than 25 watches, the most there can be")
    assert store.count_watches(alice.id) == 25
    await alice.send(talk, "!watchlist")
    assert talk.last_message.content.startswith("Watching 25 of at most 25:")
    name = store.watches(recipient_id=alice.id)[0].model_name
    await alice.send(talk, f"!unwatch {name}")
    assert talk.last_message.content.startswith(f"Stopped watching {name} on Arena Text")
    await alice.send(talk, "!unwatch no such model")
    assert talk.last_message.content.startswith("You don't watch no such model")
    await alice.send(talk, "!watch deepseek v3")
    assert store.count_watches(alice.id) == 25


async def test_nothing_is_sent_twice_across_a_restart_or_sent_while_the_store_is_locked(simcord_env, db_path):
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    await alice.send(talk, "!watch deepseek v3")
    await publish(env, next_board("2025-01-07", new_leader="DeepSeek-V3"))
    dms = alice.user.dm_channel
    assert len(updates(dms, env.bot.user.id)) == 1
    store = env.bot.store
    newest, before = (s.id for s in store.snapshots(BOARD, "overall")[-1:-3:-1])

    def crashed_after_the_send(*, sent: bool) -> None:
        """What a crash between the send and its bookkeeping leaves: the intent. `sent=False`: an update whose
        intent was recorded and that never went out (its marker is nowhere)."""
        with store.write():
            store.db.execute("UPDATE watches SET last_snapshot_id = ?, sending_snapshot_id = ?", [before, newest])
            store.db.execute("UPDATE watchers SET sending = 1, deliveries = deliveries + ?", [0 if sent else 1])

    crashed_after_the_send(sent=True)
    await env.restart_bot(build_bot(db_path))
    report = await env.bot.watch_notifier.announce([BOARD])
    await env.settle()
    assert (report.recovered, report.sent) == (1, 0) and len(updates(dms, env.bot.user.id)) == 1
    [watch] = env.bot.store.watches()
    assert (watch.last_snapshot_id, watch.sending_snapshot_id) == (newest, None)

    store = env.bot.store
    crashed_after_the_send(sent=False)
    report = await env.bot.watch_notifier.announce([BOARD])
    await env.settle()
    assert (report.recovered, report.sent) == (0, 1) and len(updates(dms, env.bot.user.id)) == 2

    ingest_rows(store, BOARD, next_board("2025-01-14", new_leader="o1-mini"), origin="test-refresh")
    with write_lock_held(db_path):  # another process holds the write lock
        report = await env.bot.watch_notifier.announce([BOARD])
        await env.settle()
        assert report.failed == 1 and len(updates(dms, env.bot.user.id)) == 2  # nothing sent it could not record
    report = await env.bot.watch_notifier.announce([BOARD])
    await env.settle()
    assert report.sent == 1 and len(updates(dms, env.bot.user.id)) == 3
    with Store(db_path) as again:
        assert again.watchers()[(alice.id, False)].sending is False


async def one_shard(db_path, shard: int, together, seen: dict) -> None:  # type: ignore[no-untyped-def]
    """One process of two (shard 0 or 1): its server's member watches a model; the refresher stores a board; each
    process looks at the store and sends the updates of its own server's watchers only."""
    bot = build_bot(db_path, shard_count=2, shard_ids=(shard,), refresher=shard == 0)
    env = simcord.Env(bot)
    await env.start()
    try:
        channels = discord_world(env)
        news, admin = channels[shard]
        await admin.send(news, "!watch deepseek v3")
        await asyncio.to_thread(together.wait)  # both watch
        if shard == 0:
            ingest_rows(bot.store, BOARD, next_board("2025-01-07", new_leader="DeepSeek-V3"), origin="refresh")
        await asyncio.to_thread(together.wait)  # stored
        await announce_stored(bot)
        await env.settle()
        await asyncio.to_thread(together.wait)  # both have looked
        await announce_stored(bot)  # nothing new: nothing sent
        await env.settle()
        seen[shard] = {s: len(updates(channels[s][1].user.dm_channel, bot.user.id)) for s in SERVERS}
    finally:
        await env.shutdown()
        await bot.close()


def test_each_dm_goes_out_once_from_the_process_that_owns_the_watchers_server(seeded_copy) -> None:  # type: ignore[no-untyped-def]
    seen = run_shards(seeded_copy, one_shard)
    assert seen == {0: {0: 1, 1: 0}, 1: {0: 0, 1: 1}}  # each member's one DM, from their server's process
    with Store(seeded_copy) as store:
        newest = store.latest_snapshot(BOARD, "overall")
        assert {w.last_snapshot_id for w in store.watches()} == {newest.id}  # type: ignore[union-attr]
        assert not any(w.sending for w in store.watchers().values())


def test_an_update_of_25_hostile_names_stays_within_discords_limits_and_shows_them_literally() -> None:
    """The most an update can hold: 25 changes, each a hostile name of the longest kind upstream may publish."""
    long = HOSTILE + " " + "x" * 200
    changes = [
        WatchedChange(i, "renamed", BOARD, "overall", f"{long} {i}", "2024-12-31", "2025-01-07",
                      WatchStanding(i + 1, 1300.0 - i, 1290.0, 1310.0), WatchStanding(i + 2, 1299.0 - i), long)
        for i in range(25)
    ]  # fmt: skip
    embeds = render_update(changes, "en", "leaderbot-watch-user-1-1", datetime(2026, 1, 1, tzinfo=UTC))
    text = "".join((e.title or "") + (e.description or "") + (e.footer.text or "") for e in embeds)
    assert 1 <= len(embeds) <= 10 and len(text) <= 6000 and "… and more on the board" in text
    assert all(len(e.description or "") <= 4096 for e in embeds)
    assert embeds[0].url.endswith("#leaderbot-watch-user-1-1") and embeds[0].title == "25 changes to models you watch"
    for what, pattern in UNESCAPED.items():
        assert not pattern.search(text), what


async def test_a_board_named_in_the_words_is_the_only_one_watched(simcord_env):
    """`!watch X on <board>` watches X there, not on every board that holds it. The second live board here is the
    last real 2024 text board stored as the style-controlled arena's: made-up data for that board."""
    env = simcord_env
    _, talk, _, alice, _ = world(env)
    ingest_rows(env.bot.store, "arena", next_board("2024-12-31"), origin="test: made-up copy of arena-raw's board")
    await alice.send(talk, "!watch deepseek v3")
    assert {w.board for w in env.bot.store.watches(recipient_id=alice.id)} == {BOARD, "arena"}
    await alice.send(talk, "!unwatch deepseek v3")
    await alice.send(talk, f"!watch deepseek v3 on {BOARD}")
    assert {w.board for w in env.bot.store.watches(recipient_id=alice.id)} == {BOARD}
    assert talk.last_message.content.startswith("Watching DeepSeek-V3 on Arena Text")
