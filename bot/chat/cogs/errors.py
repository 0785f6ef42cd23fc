"""The one error handler: user mistakes get a short, friendly reply with an example; anything unexpected is
logged with its traceback and the user gets an apology with an id to quote (python-discord/bot's pattern)."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from db.store import StoreBusy

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


def friendly(error: Exception, command: str | None, prefix: str) -> str | None:
    """The message for an expected error, or None when the error is ours (a bug) rather than the user's."""
    example = EXAMPLES.get(command or "", "`{p}help`").format(p=prefix)
    if isinstance(error, commands.HybridCommandError):
        error = error.original
    if isinstance(getattr(error, "original", None), StoreBusy):
        return "The store is busy (another Leaderbot process is writing to it); nothing was changed, try again soon."
    if isinstance(error, commands.MissingRequiredArgument):
        return f"Missing `{error.param.name}`. For example: {example}"
    if isinstance(error, commands.RangeError):
        return f"`{error.value}` is out of range: use {error.minimum} to {error.maximum}. For example: {example}"
    if isinstance(error, commands.BadArgument | commands.BadUnionArgument | app_commands.TransformerError):
        return f"I couldn't read that: {error}. For example: {example}"
    if isinstance(error, commands.CommandOnCooldown):
        return f"Easy there: try again in {error.retry_after:.0f} s."
    if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
        return "You need the **Manage Server** permission for that."
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return "That only works in a server."
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return "You can't use that command here."
    if isinstance(error, commands.UserInputError):
        return f"{error} For example: {example}"
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
        message = friendly(error, name, self.bot.settings.command_prefix)
        if message is None:
            original = getattr(error, "original", error)
            if isinstance(original, discord.Forbidden):
                log.warning("missing permissions in channel %s: %s", getattr(ctx.channel, "id", "?"), original)
                return  # we cannot speak there; saying so would fail the same way
            message = self.apologise(original, f"command {name!r}")
        try:
            await ctx.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the user about an error: %s", exc)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """For pure slash commands (hybrid ones arrive in on_command_error)."""
        name = interaction.command.qualified_name if interaction.command else None
        message = friendly(error, name, "/") or self.apologise(getattr(error, "original", error), f"/{name}")
        send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
        try:
            await send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell the user about an error: %s", exc)

    @staticmethod
    def apologise(error: BaseException, where: str) -> str:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s in %s", error_id, where, exc_info=error)
        return f"Sorry, something went wrong on my side. If it keeps happening, quote error id `{error_id}`."

    async def cog_load(self) -> None:
        self._previous = self.bot.tree.on_error
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
