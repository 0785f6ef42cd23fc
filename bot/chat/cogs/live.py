"""Live boards (Manage Server): `/live` posts a board's top here and keeps it up to date, `/live-stop` ends it.

The message is edited in place at each new snapshot (`bot.chat.live`); `/subscriptions` lists the live boards
with the subscriptions. One live board per board and category per channel: `/live` again on the same board and
category shows the new count in the same message (or a new one, when that message is gone).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ...core.i18n import DEFAULT, category_shown, t
from ...core.questions import board_named
from ...profiles import PROFILES
from ..admin import admin_reply
from ..autocomplete import board_choices, category_choices
from ..checks import admin_only
from ..context import LeaderContext
from ..embeds import PAGE_SIZE, escape

if TYPE_CHECKING:
    from ..client import LeaderBot


class LiveCog(commands.Cog, name="Live"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @commands.hybrid_command(name="live", description="Post a board's top here and keep it up to date")
    @app_commands.describe(
        board="Which board (live boards only: archived ones never change)",
        category="Board category (default: the board's own, e.g. overall)",
        count=f"How many (1-{PAGE_SIZE}, default {PAGE_SIZE})",
    )
    @admin_only()
    async def live(
        self,
        ctx: LeaderContext,
        board: str,
        category: str | None = None,
        count: commands.Range[int, 1, PAGE_SIZE] = PAGE_SIZE,
    ) -> None:
        """`!live arena`: the Arena's top 10 here, edited at each new board; `!live arena-webdev overall 5`."""
        assert ctx.guild is not None
        lang = ctx.language or DEFAULT
        named = board_named(board)
        if named is None:
            await admin_reply(self.bot, ctx, t(lang, "admin.unknown_board", board=repr(board)))
            return
        shown = PROFILES[named]
        category = category or shown.default_category
        if shown.archived:
            await admin_reply(self.bot, ctx, t(lang, "admin.archived", title=escape(shown.title)))
            return
        categories = self.bot.answerer.categories(named) or [shown.default_category]
        if category not in categories:
            held = [escape(category_shown(c, lang)) for c in categories]
            text = t(lang, "admin.no_category", title=escape(shown.title), category=escape(repr(category)), held=held)
            await admin_reply(self.bot, ctx, text)
            return
        now = datetime.now(UTC)
        server_lang = self.bot.live.language(ctx.guild.id)  # the message is the server's, as digests are
        [existing] = self.bot.store.live_boards(channel_id=ctx.channel.id, board=named, category=category) or [None]
        embed, snapshot_id, why = self.bot.live.render(
            named, category, count, server_lang, now, existing.id if existing else None
        )
        if embed is None:
            await admin_reply(self.bot, ctx, why)
            return
        message_id = None
        if existing is not None and existing.enabled:  # the same message, showing the new count
            try:
                await ctx.channel.get_partial_message(existing.message_id).edit(  # type: ignore[union-attr]
                    embed=embed, allowed_mentions=discord.AllowedMentions.none()
                )
                message_id = existing.message_id
            except discord.NotFound:
                message_id = None  # deleted meanwhile: a new message
        if message_id is None:
            sent = await ctx.channel.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
            message_id = sent.id
        self.bot.store.start_live(ctx.guild.id, ctx.channel.id, named, category, count=count, message_id=message_id,
                                  snapshot_id=snapshot_id, now=now.isoformat(timespec="seconds"))  # fmt: skip
        key = "admin.live_updated" if message_id == getattr(existing, "message_id", None) else "admin.live_started"
        await admin_reply(self.bot, ctx, t(lang, key, board=escape(named), count=count))

    @commands.hybrid_command(name="live-stop", description="Stop keeping a live board up to date in this channel")
    @app_commands.describe(
        board="Only this board (default: every live board here)", category="Only this category (default: all)"
    )
    @admin_only()
    async def live_stop(self, ctx: LeaderContext, board: str | None = None, category: str | None = None) -> None:
        """`!live-stop` ends every live board in this channel; `!live-stop arena` one. The message stays, as it
        was last."""
        lang = ctx.language or DEFAULT
        named = (board_named(board) or board) if board else None
        ended = self.bot.store.stop_live(ctx.channel.id, named, category)
        if ended:
            await admin_reply(self.bot, ctx, t(lang, "admin.live_stopped", count=len(ended),
                                               channel=f"<#{ctx.channel.id}>"))  # fmt: skip
        else:
            await admin_reply(self.bot, ctx, t(lang, "admin.live_nothing"))

    @live.autocomplete("board")
    @live_stop.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return board_choices(self.bot.answerer, current, interaction.locale)

    @live.autocomplete("category")
    @live_stop.autocomplete("category")
    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return category_choices(self.bot.answerer, getattr(interaction.namespace, "board", None), current,
                                interaction.locale)  # fmt: skip


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(LiveCog(bot))
