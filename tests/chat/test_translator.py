"""Slash commands localised: every command and option has a name and a description in every language, within
Discord's rules, and Discord is sent them at sync (SimCord records the payload)."""

from __future__ import annotations

import asyncio
import functools
import re
import tempfile
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot import build_bot
from bot.chat.client import COGS
from bot.chat.translator import CatalogueTranslator, languages, slash_catalogue
from bot.core.i18n import LANGUAGES
from bot.core.weekly import DAYS
from bot.settings import Settings

# Discord's rule for command and option names (https://discord.com/developers/docs/interactions/application-commands)
NAME = re.compile(r"^[-_\w\u0900-\u097f\u0e00-\u0e7f]{1,32}$")


@functools.cache
def slash_commands() -> tuple[app_commands.Command, ...]:  # type: ignore[type-arg]
    """The bot's slash commands, from its cogs (built once: a bot is slow to make)."""

    async def load() -> tuple[app_commands.Command, ...]:  # type: ignore[type-arg]
        with tempfile.TemporaryDirectory() as tmp:
            bot = build_bot(Settings(db_path=Path(tmp) / "slash.db"))
            for cog in COGS:
                await bot.load_extension(cog)
            commands = tuple(c for c in bot.tree.get_commands() if isinstance(c, app_commands.Command))
            await bot.close()
        return commands

    return asyncio.run(load())


@pytest.mark.parametrize("lang", languages())
def test_every_command_and_option_is_translated_within_discords_rules(lang: str) -> None:
    catalogue = slash_catalogue(lang)
    commands = slash_commands()
    assert set(catalogue) - {"choices"} == {c.name for c in commands}, "commands missing or no longer there"
    for command in commands:
        entry = catalogue[command.name]
        assert NAME.match(entry["name"]) and entry["name"] == entry["name"].lower(), (lang, entry["name"])
        assert 1 <= len(entry["description"]) <= 100, (lang, command.name)
        options = entry.get("options", {})
        assert set(options) == {p.name for p in command.parameters}, (lang, command.name)
        names = [name for name, _ in options.values()]
        assert len(set(names)) == len(names), (lang, command.name)  # two options of one command, one name
        for name, description in options.values():
            assert NAME.match(name) and name == name.lower(), (lang, command.name, name)
            assert 1 <= len(description) <= 100, (lang, command.name, name)


@pytest.mark.parametrize("lang", languages())
def test_every_choice_in_words_is_translated(lang: str) -> None:
    """A choice whose name is words has a name in every language; a language is offered by its own name."""
    values = {str(c.value) for command in slash_commands() for p in command.parameters for c in p.choices}
    assert set(slash_catalogue(lang)["choices"]) == values - set(LANGUAGES) == {"auto", *DAYS}
    assert all(1 <= len(name) <= 100 for name in slash_catalogue(lang)["choices"].values())


async def test_discord_is_sent_each_locales_names(simcord_env) -> None:  # type: ignore[no-untyped-def]
    """The sync SimCord received carries the localisations: `/rank` is อันดับ for Thai users, 排名 in Chinese."""
    synced = [r.json for r in simcord_env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
    rank = next(c for c in synced[-1] if c["name"] == "rank")
    assert rank["name_localizations"]["th"] == "อันดับ" and rank["name_localizations"]["zh-CN"] == "排名"
    assert rank["description_localizations"]["ja"] == "モデルがボードで何位か"
    model = next(o for o in rank["options"] if o["name"] == "model")
    assert model["name_localizations"]["es-ES"] == "modelo"
    assert "en-US" not in rank.get("name_localizations", {})  # English is the default, not a localisation
    language = next(c for c in synced[-1] if c["name"] == "language")
    auto = next(choice for choice in language["options"][0]["choices"] if choice["value"] == "auto")
    assert auto["name_localizations"]["th"] == "อัตโนมัติ: ภาษาของแต่ละคำถาม"


def test_a_locale_leaderbot_lacks_is_left_to_english() -> None:
    rank = next(c for c in slash_commands() if c.name == "rank")
    context = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, rank)
    translator, name = CatalogueTranslator(), app_commands.locale_str("rank")

    def said(locale: discord.Locale) -> str | None:
        return asyncio.run(translator.translate(name, locale, context))

    assert said(discord.Locale.thai) == "อันดับ"
    assert said(discord.Locale.french) is None  # Discord shows English
    assert said(discord.Locale.american_english) is None
