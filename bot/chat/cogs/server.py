"""A server's own settings (Manage Server): the language of its answers to prefix commands and mentions, and of
its digests. A slash command always answers in its user's language when Leaderbot speaks it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ...core.i18n import DEFAULT, LANGUAGES, UnknownLanguage, name_of, t
from ...core.i18n import language as language_named
from ..checks import admin_only
from ..context import LeaderContext
from ..embeds import clip, escape

if TYPE_CHECKING:
    from ..client import LeaderBot

NONE = discord.AllowedMentions.none()
SHOWN_MAX = 40  # characters of an unknown language echoed back
# `/language` offers each language by its own name; "auto" goes back to each question's own language.
AUTO = "auto"
CHOICES = [app_commands.Choice(name=f"{name_of(lang)} ({lang})", value=lang) for lang in LANGUAGES] + [
    app_commands.Choice(name=app_commands.locale_str("auto: each question's own language"), value=AUTO)
]  # the slash files translate "auto" (`[choices]`); the languages keep their own names


def _named(chosen: str | None, lang: str) -> str:
    """A server's language by its own name ("ไทย (th)"), or what "auto" means, in `lang`."""
    return f"{name_of(chosen)} ({chosen})" if chosen else t(lang, "admin.language_auto")


class ServerCog(commands.Cog, name="Server"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @commands.hybrid_command(name="language", description="The language of this server's answers and digests")
    @app_commands.describe(language="en, th, zh-CN, ja, es-ES, or auto (each question's own language)")
    @app_commands.choices(language=CHOICES)
    @admin_only()
    async def set_language(self, ctx: LeaderContext, language: str | None = None) -> None:
        """`!language th`: answers to prefix commands and mentions, and digests, in Thai; `!language` says which."""
        assert ctx.guild is not None
        lang = ctx.language or DEFAULT
        if language is None:
            chosen = self.bot.store.guild_language(ctx.guild.id)
            await ctx.send(t(lang, "admin.language_is", language=_named(chosen, lang)), allowed_mentions=NONE)
            return
        try:
            chosen = None if language.casefold() == AUTO else language_named(language)
        except UnknownLanguage:
            shown = escape(clip(language, SHOWN_MAX))  # a 1,985-character word echoed whole would not fit a message
            text = t(lang, "admin.language_unknown", language=f"'{shown}'", languages=", ".join(LANGUAGES))
            await ctx.send(text, allowed_mentions=NONE)
            return
        self.bot.store.set_guild_language(ctx.guild.id, chosen)
        lang = chosen or lang  # said in the language just chosen, so whoever set it sees it works
        await ctx.send(t(lang, "admin.language_set", language=_named(chosen, lang)), allowed_mentions=NONE)


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(ServerCog(bot))
