"""Slash commands in the languages Leaderbot speaks: command and option names and descriptions per Discord locale,
through discord.py's `app_commands.Translator`, from one file per language (`slash/<lang>.toml`, data, not code).

English stays in the cogs, the default every other locale falls back to. A command or option a file lacks is
shown in English; a test checks that every file has every command and option, and no name breaks Discord's rules.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import discord
from discord import app_commands

from ..core.i18n import DEFAULT, DISCORD_LOCALES, LANGUAGES

SLASH = Path(__file__).with_name("slash")


@functools.cache
def slash_catalogue(lang: str) -> dict[str, dict[str, object]]:
    """Command name -> {"name", "description", "options": {option: [name, description]}} in `lang`, and under
    "choices" (a name no command has) choice value -> name."""
    return tomllib.loads((SLASH / f"{lang}.toml").read_text(encoding="utf-8"))


def languages() -> list[str]:
    return [lang for lang in LANGUAGES if lang != DEFAULT]


class CatalogueTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        lang = DISCORD_LOCALES.get(str(locale))
        if lang is None or lang == DEFAULT:
            return None
        where = context.location
        if where in (app_commands.TranslationContextLocation.command_name,
                     app_commands.TranslationContextLocation.command_description):  # fmt: skip
            entry = slash_catalogue(lang).get(context.data.name, {})
            key = "name" if where is app_commands.TranslationContextLocation.command_name else "description"
            value = entry.get(key)
            return value if isinstance(value, str) else None
        if where in (app_commands.TranslationContextLocation.parameter_name,
                     app_commands.TranslationContextLocation.parameter_description):  # fmt: skip
            parameter = context.data
            entry = slash_catalogue(lang).get(parameter.command.name, {})
            option = entry.get("options", {}).get(parameter.name)  # type: ignore[union-attr]
            if not isinstance(option, list):
                return None
            return option[0] if where is app_commands.TranslationContextLocation.parameter_name else option[1]
        if where is app_commands.TranslationContextLocation.choice_name:  # "auto" of `/language` (`[choices]`)
            value = slash_catalogue(lang).get("choices", {}).get(str(context.data.value))  # type: ignore[union-attr]
            return value if isinstance(value, str) else None
        return None
