"""The one error handler: user mistakes get a short, friendly reply with an example; anything unexpected is
logged with its traceback and the user gets an apology with an id to quote (python-discord/bot's pattern). Both are
said in the user's language (a slash command's locale, else the server's `/language`), English otherwise."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from db.store import StoreBusy

from ...core.i18n import DEFAULT, t
from ..context import language_of

if TYPE_CHECKING:
    from ..client import LeaderBot

log = logging.getLogger(__name__)

EXAMPLES = {
    "rank": "`{p}rank qwen2 72b instruct`",
    "top": "`{p}top 10 chinese`",
    "compare": "`{p}compare llama 3.3 70b vs qwen 2.5 72b`",
    "orgs": "`{p}orgs 20`",
    "history": "`{p}history gpt-4o-2024-05-13 vs claude 3 opus`",
}


def friendly(error: Exception, command: str | None, prefix: str, lang: str) -> str | None:
    """The message for an expected error in `lang`, or None when the error is ours (a bug) rather than the user's.
    discord.py's own description of a bad argument is English: it is quoted as it is."""
    example = EXAMPLES.get(command or "", "`{p}help`").format(p=prefix)
    if isinstance(error, commands.HybridCommandError):
        error = error.original
    if isinstance(getattr(error, "original", None), StoreBusy):
        return t(lang, "discord.busy")
    if isinstance(error, commands.MissingRequiredArgument):
        return t(lang, "discord.missing", name=error.param.name, example=example)
    if isinstance(error, commands.RangeError):
        return t(lang, "discord.range", value=error.value, minimum=error.minimum, maximum=error.maximum,
                 example=example)  # fmt: skip
    if isinstance(error, commands.BadArgument | commands.BadUnionArgument | app_commands.TransformerError):
        return t(lang, "discord.unreadable", error=error, example=example)
    if isinstance(error, commands.CommandOnCooldown):
        return t(lang, "discord.cooldown", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
        return t(lang, "discord.manage_server")
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return t(lang, "discord.server_only")
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return t(lang, "discord.not_here")
    if isinstance(error, commands.UserInputError):
        return t(lang, "discord.input", error=error, example=example)
    return None


class ErrorHandler(commands.Cog):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context[LeaderBot], error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # a mention question or a command for another bot: not ours to complain about
        name = ctx.command.qualified_name if ctx.command else None
        if isinstance(error, commands.CommandOnCooldown) and not self.bot.fair_use.should_tell(
            ctx.author.id, error.retry_after
        ):
            return  # told once already in this window: further commands are dropped quietly
        lang = language_of(self.bot, ctx.interaction, ctx.guild) or DEFAULT
        message = friendly(error, name, self.bot.settings.command_prefix, lang)
        if message is None:
            original = getattr(error, "original", error)
            if isinstance(original, discord.Forbidden):
                log.warning("missing permissions in channel %s: %s", getattr(ctx.channel, "id", "?"), original)
                return  # we cannot speak there; saying so would fail the same way
            message = self.apologise(original, f"command {name!r}", lang)
        try:
            await ctx.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the user about an error: %s", exc)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """For pure slash commands (hybrid ones arrive in on_command_error)."""
        name = interaction.command.qualified_name if interaction.command else None
        lang = language_of(self.bot, interaction, interaction.guild) or DEFAULT
        message = friendly(error, name, "/", lang) or self.apologise(
            getattr(error, "original", error), f"/{name}", lang
        )
        send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
        try:
            await send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the user about an error: %s", exc)

    @staticmethod
    def apologise(error: BaseException, where: str, lang: str) -> str:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s in %s", error_id, where, exc_info=error)
        return t(lang, "discord.sorry", error_id=error_id)

    async def cog_load(self) -> None:
        self._previous = self.bot.tree.on_error
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
