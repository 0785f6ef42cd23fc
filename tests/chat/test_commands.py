"""The real bot from `build_bot` on SimCord: every question command through `!` and `/`, mentions, menus, pages."""

from __future__ import annotations

import discord
import pytest
import simcord
from discord.ext import commands

from bot import build_bot
from bot.core.i18n import t
from bot.profiles import board_ids


def world(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    channel = guild.create_text_channel("llm-talk")
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    return guild, channel, alice, bob


def posted_allowed_mentions(env) -> list:  # type: ignore[no-untyped-def]
    """allowed_mentions of every message the bot posted (messages and interaction responses)."""
    found = []
    for request in env.http_requests:
        if request.method != "POST" or not request.json:
            continue
        if request.path.endswith("/messages"):
            found.append(request.json.get("allowed_mentions"))
        elif request.path.endswith("/callback") and isinstance(request.json.get("data"), dict):
            found.append(request.json["data"].get("allowed_mentions"))
    return found


async def test_rank_by_prefix_and_slash_agree(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank qwne2.5 72b")
    by_prefix = channel.last_message.embeds[0]
    assert by_prefix.title == "#31 · Qwen2.5-72B-Instruct"
    assert "Arena Text (no style control)" in by_prefix.footer.text and "2024-12-31" in by_prefix.footer.text
    # The standing on the other board is shown, labelled archived.
    other = [f for f in by_prefix.fields if f.name.startswith("On Open LLM")]
    assert other and "archived" in other[0].name and "Qwen/Qwen2.5-72B-Instruct" in other[0].value

    result = await alice.slash(channel, "rank", model="qwne2.5 72b")
    assert result.response.embeds[0].title == by_prefix.title
    result = await alice.slash(channel, "rank", model="qwen2 72b instruct", board="open-llm")
    embed = result.response.embeds[0]
    assert embed.title.endswith("Qwen/Qwen2-72B-Instruct")
    assert "archived" in embed.footer.text


async def test_top_with_count_and_filters(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!top 10 chinese")
    embed = channel.last_message.embeds[0]
    lines = embed.description.splitlines()[:10]
    assert len(lines) == 10 and all("CN" in line for line in lines)
    assert "DeepSeek-V3" in lines[0]

    result = await alice.slash(channel, "top", count=5, filters="math under 10b")
    embed = result.response.embeds[0]
    assert "Open LLM Leaderboard v2" in embed.footer.text
    assert "nvidia/AceMath-7B-Instruct" in embed.description.splitlines()[2]  # the notes first: board, ranked column


async def test_compare_orgs_boards_help(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!compare llama 3.3 70b vs qwen 2.5 72b")
    description = channel.last_message.embeds[0].description
    assert description.index("Qwen2.5-72B-Instruct") < description.index("Llama-3.3-70B-Instruct")

    result = await alice.slash(channel, "orgs", count=20, board="arena-raw")
    assert result.response.embeds[0].description.startswith("**Google**")

    await alice.send(channel, "!boards")
    assert "Open LLM Leaderboard v2" in channel.last_message.embeds[0].description
    result = await alice.slash(channel, "boards")
    assert "Arena Text (no style control)" in result.response.embeds[0].description

    await alice.send(channel, "!help")
    assert "top Chinese models" in channel.last_message.embeds[0].description
    result = await alice.slash(channel, "help")
    assert result.response.embeds[0].title == "Leaderbot: what you can ask"


async def test_mention_is_a_free_text_question(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, f"{env.bot.user.mention} top Chinese models on arena-raw")
    reply = channel.last_message
    assert reply.author.id == env.bot.user.id
    assert reply.embeds[0].title.startswith("Top 10") and "DeepSeek-V3" in reply.embeds[0].description
    await alice.send(channel, f"{env.bot.user.mention} what rank is Qwen2-72B-Instruct?")
    assert channel.last_message.embeds[0].title == "#73 · Qwen2-72B-Instruct"
    assert channel.last_message.reference is not None  # a reply to the question


async def test_a_number_in_the_next_mention_finishes_a_clarification(simcord_env):
    env = simcord_env
    _, channel, alice, bob = world(env)
    await alice.send(channel, f"{env.bot.user.mention} gpt-4o vs claude 3 opus")
    assert channel.last_message.embeds[0].title == "Which “gpt-4o”?"
    await bob.send(channel, f"{env.bot.user.mention} 2")  # not Bob's question: a question of its own
    assert not channel.last_message.embeds[0].title.startswith("Comparison")
    await alice.send(channel, f"{env.bot.user.mention} 2")
    picked = channel.last_message.embeds[0]
    assert picked.title == "Comparison"  # the interrupted comparison, finished with the second candidate
    assert "GPT-4o-2024-08-06" in picked.description and "Claude 3 Opus" in picked.description
    await alice.send(channel, f"{env.bot.user.mention} 2")  # the clarification is used up
    assert channel.last_message.embeds[0].title != "Comparison"


@pytest.mark.bot_settings(prefix_commands=False)
async def test_mentions_and_slash_work_without_message_content(simcord_env):
    env = simcord_env
    assert not env.bot.intents.message_content
    _, channel, alice, _ = world(env)
    before = len(channel.history())
    await alice.send(channel, "!top 3")  # content is not delivered without the intent: no answer
    assert len(channel.history()) == before + 1
    await alice.send(channel, f"{env.bot.user.mention} top 3")
    assert channel.last_message.embeds[0].title.startswith("Top 3")
    result = await alice.slash(channel, "rank", model="deepseek v3")
    assert result.response.embeds[0].title == "#9 · DeepSeek-V3"


async def test_autocomplete_suggests_models_boards_categories(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    choices = await alice.autocomplete(channel, "rank", "model", "claude 3.5 s")
    assert [c["value"] for c in choices] == ["Claude 3.5 Sonnet (20240620)", "Claude 3.5 Sonnet (20241022)"]
    choices = await alice.autocomplete(channel, "rank", "model", "qwen2.5 7", board="open-llm")
    assert 0 < len(choices) <= 25 and all("Qwen2.5-7" in c["value"] for c in choices[:1])
    assert len(await alice.autocomplete(channel, "rank", "model", "")) == 25
    boards = await alice.autocomplete(channel, "top", "board", "")
    assert {c["value"] for c in boards} == set(board_ids())
    categories = await alice.autocomplete(channel, "top", "category", "", board="arena-raw")
    assert categories == [{"name": "overall", "value": "overall"}]


async def test_ambiguous_name_shows_a_picker_and_choosing_answers(simcord_env):
    env = simcord_env
    _, channel, alice, bob = world(env)
    await alice.send(channel, "!rank claude 3.5 sonnet")
    menu = channel.last_message
    assert menu.embeds[0].title.startswith("Which")
    options = [o.label for row in menu.components for c in row.children for o in c.options]
    assert options == ["Claude 3.5 Sonnet (20240620)", "Claude 3.5 Sonnet (20241022)"]

    refused = await bob.select(menu, ["1"])
    assert refused.response.content == t("en", "discord.not_yours") and refused.ephemeral
    picked = await alice.select(menu, ["1"])
    assert picked.response.embeds[0].title == "#13 · Claude 3.5 Sonnet (20241022)"
    assert channel.last_message.components == []


async def test_long_lists_page_and_only_the_asker_can_turn_pages(simcord_env):
    env = simcord_env
    _, channel, alice, bob = world(env)
    await alice.send(channel, "!top 50")  # 51 lines: three models share #47, the last place asked for
    message = channel.last_message
    assert message.embeds[0].footer.text.startswith("Page 1/6")
    first_line = message.embeds[0].description.splitlines()[0]

    turned = await alice.click(message, label="Next ›")
    assert turned.response.embeds[0].footer.text.startswith("Page 2/6")
    assert turned.response.embeds[0].description.splitlines()[0] != first_line

    refused = await bob.click(message, label="≫")
    assert refused.response.content == t("en", "discord.not_yours") and refused.ephemeral
    assert channel.last_message.embeds[0].footer.text.startswith("Page 2/6")

    last = await alice.click(message, label="≫")
    assert last.response.embeds[0].footer.text.startswith("Page 6/6")
    assert "3 models share #47, so 51 are listed." in last.response.embeds[0].description
    buttons = {c.label: c.disabled for row in channel.last_message.components for c in row.children}
    assert buttons["Next ›"] and buttons["≫"] and not buttons["‹ Prev"]

    await env.advance_time(200)  # past the view's timeout: every control is disabled
    assert all(c.disabled for row in channel.last_message.components for c in row.children)


async def test_no_answer_pings_anyone(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank @everyone <@&123> gpt")
    await alice.send(channel, f"{env.bot.user.mention} @here top 3")
    await alice.slash(channel, "rank", model="@everyone")
    policies = posted_allowed_mentions(env)
    assert len(policies) == 3
    for policy in policies:  # nothing parsed, no user or role allowed, the asker not pinged by the reply
        assert policy["parse"] == [] and not policy.get("users") and not policy.get("roles")
        assert not policy.get("replied_user", False)
    for message in channel.history():
        if message.author.id == env.bot.user.id:
            text = message.content + "".join(e.description or "" for e in message.embeds)
            assert "@everyone" not in text.replace("@\u200beveryone", "")


async def test_oversized_and_bad_input_get_friendly_replies(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank " + "x" * 1990)
    assert "keep it under 300" in channel.last_message.embeds[0].description
    await alice.send(channel, "!top -3")
    reply = channel.last_message.embeds[0]
    assert reply.title == "I couldn't answer that" and "-3" in reply.description and "1 to 100" in reply.description
    await alice.send(channel, "!rank")
    assert "Missing `model`" in channel.last_message.content
    await alice.send(channel, "!top 100")  # ten pages of ten: every page within the limits
    assert channel.last_message.embeds[0].footer.text.startswith("Page 1/10")
    await alice.send(channel, "!rank zzzz-not-a-model-9000")
    assert channel.last_message.embeds[0].title.startswith("Not found")
    # Only user-input errors were raised, and each got an answer above.
    assert env.errors and all(isinstance(e, commands.UserInputError | commands.HybridCommandError) for e in env.errors)


async def test_slash_count_out_of_range_gets_a_friendly_answer(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    result = await alice.slash(channel, "top", count=500)
    assert "1 to 100" in result.response.embeds[0].description
    result = await alice.slash(channel, "top", count=-3)
    assert "-3" in result.response.embeds[0].description


async def test_a_403_on_send_is_handled_and_the_next_message_works(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    env.inject_error("POST", "/channels/*/messages", status=403, code=50013, message="Missing Permissions")
    await alice.send(channel, "!top 3")
    simcord.assert_error(env, discord.Forbidden, code=50013)  # recorded, handled, logged; nothing crashed
    await alice.send(channel, "!top 3")
    assert channel.last_message.embeds[0].title.startswith("Top 3")


async def test_without_embed_links_the_answer_is_plain_text(simcord_env):
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel(
        "no-embeds", overwrites={guild.me: discord.PermissionOverwrite(embed_links=False)}
    )
    alice = guild.add_member(env.create_user("alice"))
    await alice.send(channel, "!top 3")
    reply = channel.last_message
    assert not reply.embeds and reply.content.startswith("Top 3 on Arena Text (no style control)")


async def test_an_unexpected_error_is_logged_and_apologised_for(simcord_env, caplog, monkeypatch):
    env = simcord_env
    _, channel, alice, _ = world(env)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the answering core broke")

    monkeypatch.setattr(env.bot.answerer, "answer", broken)
    await alice.send(channel, "!top 3")
    assert "error id" in channel.last_message.content
    assert any("unexpected error" in r.getMessage() and r.exc_info for r in caplog.records)
    error = simcord.assert_error(env, RuntimeError)
    assert "broke" in str(error.original)


async def test_cooldown_on_list_commands(simcord_env):
    env = simcord_env
    _, channel, alice, bob = world(env)
    for _ in range(6):
        await alice.send(channel, "!top 1")
    await alice.send(channel, "!top 1")
    assert channel.last_message.content.startswith("Easy there")
    simcord.assert_error(env, commands.CommandOnCooldown)
    await bob.send(channel, "!top 1")  # per user: bob is not slowed by alice
    assert channel.last_message.embeds[0].title.startswith("Top 1")


async def test_restart_keeps_answering_from_the_same_store(simcord_env, db_path):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank deepseek v3")
    before = channel.last_message.embeds[0].title
    await env.restart_bot(build_bot(db_path))
    await alice.send(channel, "!rank deepseek v3")
    assert channel.last_message.embeds[0].title == before


async def test_history_draws_a_chart_with_the_summary(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!history gpt-4o-2024-05-13 vs claude 3 opus")
    reply = channel.last_message
    [attachment] = reply.attachments
    assert attachment.filename == "history.png"
    png = await attachment.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    embed = reply.embeds[0]
    assert embed.image.url == "attachment://history.png"
    assert embed.title == "History: GPT-4o-2024-05-13 vs Claude 3 Opus"
    assert "best #1, 44 days at #1" in embed.description

    result = await alice.slash(channel, "history", models="gemini exp 1206")
    callbacks = [r.json for r in env.http_requests if r.method == "POST" and r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5  # deferred first: drawing may take more than the 3 s an interaction allows
    assert result.response.attachments[0].filename == "history.png"
    assert "25 days at #1" in result.response.embeds[0].description

    await alice.send(channel, f"{env.bot.user.mention} how has claude 3 opus moved on arena-raw?")
    assert channel.last_message.attachments[0].filename == "history.png"

    await alice.send(channel, "!history gpt-4o")  # ambiguous: a picker, no chart
    assert not channel.last_message.attachments
    assert channel.last_message.embeds[0].title.startswith("Which")


async def test_rank_of_and_where_is_read_naturally(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank of deepseek v3")
    assert channel.last_message.embeds[0].title == "#9 · DeepSeek-V3"
    await alice.send(channel, f"{env.bot.user.mention} where is deepseek v3")
    assert channel.last_message.embeds[0].title == "#9 · DeepSeek-V3"


async def test_a_reply_to_the_bot_is_not_a_question(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!rank deepseek v3")
    answer = channel.last_message
    before = len(channel.history())
    await alice.send(channel, "no", reply_to=answer)  # Discord puts the replied-to author in `mentions`
    assert len(channel.history()) == before + 1  # only alice's reply: the bot stays quiet


async def test_top_zero_is_refused_not_taken_for_ten(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!top 0")
    assert "1 to 100" in channel.last_message.embeds[0].description


async def test_picking_a_candidate_finishes_the_comparison(simcord_env):
    env = simcord_env
    _, channel, alice, _ = world(env)
    await alice.send(channel, "!compare gpt-4o vs claude 3 opus")
    menu = channel.last_message
    options = [o for row in menu.components for c in row.children for o in c.options]
    chosen = next(o for o in options if o.label == "GPT-4o-2024-05-13")
    picked = await alice.select(menu, [chosen.value])
    embed = picked.response.embeds[0]
    assert embed.title == "Comparison"
    assert "GPT-4o-2024-05-13" in embed.description and "Claude 3 Opus" in embed.description


async def test_without_attach_files_a_history_comes_without_its_chart(simcord_env):
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel(
        "no-files", overwrites={guild.me: discord.PermissionOverwrite(attach_files=False)}
    )
    alice = guild.add_member(env.create_user("alice"))
    await alice.send(channel, "!history claude 3 opus")
    reply = channel.last_message
    assert not reply.attachments and reply.embeds[0].title == "History: Claude 3 Opus"


@pytest.mark.parametrize("command", ["!rank deepseek v3", "!boards", "!help"])
async def test_every_command_has_a_budget_and_slow_down_is_said_once(simcord_env, command):
    """Before: rank, boards and help had no limit, and each command over a limit got its own reply (200 commands,
    200 bot messages)."""
    env = simcord_env
    _, channel, alice, bob = world(env)
    before = len(channel.history())
    for _ in range(40):
        await alice.send(channel, command)
    replies = [m for m in channel.history()[before:] if m.author.id == env.bot.user.id]
    slow = [m for m in replies if m.content.startswith("Easy there")]
    assert len(replies) == 12 + 1 and len(slow) == 1  # the budget, then one "slow down", then silence
    assert {type(e) for e in env.errors} == {commands.CommandOnCooldown}  # the 28 refused, none unexpected
    await bob.send(channel, command)  # per user: bob is not slowed by alice
    assert not channel.last_message.content.startswith("Easy there")


async def test_a_server_has_a_budget_too(simcord_env):
    env = simcord_env
    guild, channel, *_ = world(env)
    users = [guild.add_member(env.create_user(f"user{i}")) for i in range(13)]
    for user in users:
        for _ in range(10):
            await user.send(channel, "!help")
    answered = [m for m in channel.history() if m.author.id == env.bot.user.id and m.embeds]
    assert len(answered) == 120
    assert {type(e) for e in env.errors} == {commands.CommandOnCooldown}


async def test_questions_by_mention_are_rate_limited_per_user(simcord_env):
    env = simcord_env
    _, channel, alice, bob = world(env)
    for _ in range(6):
        await alice.send(channel, f"{env.bot.user.mention} what rank is deepseek v3")
    await alice.send(channel, f"{env.bot.user.mention} what rank is deepseek v3")
    assert channel.last_message.content.startswith("Easy there")
    await bob.send(channel, f"{env.bot.user.mention} what rank is deepseek v3")
    assert channel.last_message.embeds[0].title == "#9 · DeepSeek-V3"


@pytest.fixture
def user_locale(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """SimCord 3.2.1 sends every interaction with locale en-US (simcord/interactions.py): this sets the locale
    Discord would send for the user, on SimCord's own interaction payload (nothing of Leaderbot's is replaced)."""
    from simcord import interactions  # noqa: PLC0415

    chosen = {"locale": "en-US"}
    build = interactions.base_payload

    def with_locale(*args, **kwargs):  # type: ignore[no-untyped-def]
        record, payload = build(*args, **kwargs)
        payload["locale"] = chosen["locale"]
        return record, payload

    monkeypatch.setattr(interactions, "base_payload", with_locale)
    return chosen


async def test_a_slash_command_answers_in_its_users_language(simcord_env, user_locale):
    env = simcord_env
    _, channel, alice, bob = world(env)
    user_locale["locale"] = "th"
    thai = (await alice.slash(channel, "rank", model="qwen2 72b instruct")).response.embeds[0]
    assert "อยู่อันดับ #" in thai.description and "กระดานวันที่ 31 ธ.ค. 2024" in thai.footer.text
    user_locale["locale"] = "zh-CN"
    chinese = (await alice.slash(channel, "rank", model="qwen2 72b instruct")).response.embeds[0]
    assert "排名第" in chinese.description and "2024年12月31日 的榜单" in chinese.footer.text
    user_locale["locale"] = "fr"  # a language Leaderbot does not speak: English
    english = (await alice.slash(channel, "rank", model="qwen2 72b instruct")).response.embeds[0]
    assert english.title == "#73 · Qwen2-72B-Instruct" and "board" in english.footer.text
    assert thai.title == chinese.title == english.title  # model names stay as the board writes them
    # the same fields as English, named in the user's language; the controls and refusals too
    assert [f.name for f in thai.fields][:3] == ["ช่วงความเชื่อมั่น 95%", "ช่วงอันดับ", "โหวต"]
    assert [f.name for f in english.fields][:3] == ["95% CI", "Rank spread", "Votes"]
    user_locale["locale"] = "th"
    pages = (await alice.slash(channel, "top", count=30)).response
    labels = [c.get("label") for row in pages.components for c in row["components"]]
    assert labels == ["≪", "‹ ก่อนหน้า", "1/4", "ถัดไป ›", "≫"] and pages.embeds[0].footer.text.startswith("หน้า 1/4 · ")
    not_yours = await bob.click(channel.last_message, label="ถัดไป ›")
    assert not_yours.response.content.startswith("เฉพาะคนที่ถามเท่านั้น") and not_yours.ephemeral
    user_locale["locale"] = "zh-CN"  # the refusal is said to whoever pressed, in their own language
    not_yours = await bob.click(channel.last_message, label="ถัดไป ›")
    assert not_yours.response.content == t("zh-CN", "discord.not_yours") and not_yours.ephemeral
    user_locale["locale"] = "th"
    menu = (await alice.slash(channel, "rank", model="claude 3.5 sonnet")).response
    assert menu.components[0]["components"][0]["placeholder"] == "หมายถึงโมเดลไหน?"
    for _ in range(7):  # one over the list commands' budget: told to slow down in Thai
        refused = await bob.slash(channel, "top", count=1)
    assert refused.response.content.startswith("ใจเย็นๆ: ลองใหม่อีกครั้งใน ") and refused.ephemeral
    simcord.assert_error(env, commands.CommandOnCooldown)


async def test_an_error_is_told_in_the_servers_language(simcord_env):
    env = simcord_env
    guild, channel, alice, bob = world(env)
    env.bot.store.set_guild_language(guild.id, "th")
    await alice.send(channel, "!rank")
    assert channel.last_message.content == "ขาด `model` ตัวอย่างเช่น: `!rank qwen2 72b instruct`"
    simcord.assert_error(env, commands.MissingRequiredArgument)
    await bob.send(channel, "!language en")  # not an admin
    assert channel.last_message.content == "ต้องมีสิทธิ์ **จัดการเซิร์ฟเวอร์** จึงจะทำได้"
    assert env.bot.store.guild_language(guild.id) == "th"
    env.errors  # noqa: B018 - the refused permission was answered above: acknowledge what SimCord captured
    for _ in range(7):  # one over the budget of questions by mention
        await alice.send(channel, f"{env.bot.user.mention} what rank is deepseek v3")
    assert channel.last_message.content.startswith("ใจเย็นๆ: ลองใหม่อีกครั้งใน ")
