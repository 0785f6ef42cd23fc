"""Subscriptions to rank-change digests: subscribe, unsubscribe, subscriptions, notify-test (Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from db.store import StoreBusy, StoreError, Subscription

from ...core.changes import NoChanges, stored_changes
from ...core.i18n import DEFAULT, catalogue, category_shown, t
from ...core.questions import board_named
from ...profiles import PROFILES
from ..autocomplete import board_choices, category_choices
from ..checks import admin_only
from ..context import LeaderContext
from ..embeds import escape, render_digest

if TYPE_CHECKING:
    from ..client import LeaderBot


# The reasons stored as English text before they were catalogue keys.
LEGACY_REASONS = {"the channel is gone": "admin.reason_gone", "I may no longer post there": "admin.reason_forbidden"}


def reason_text(reason: str | None, lang: str) -> str:
    """Why a subscription was switched off, said in `lang`: a catalogue key (`admin.reason_*`, as the notifier
    stores it) or one of the texts it stored before; anything else as it is."""
    key = LEGACY_REASONS.get(reason or "", reason)
    return t(lang, key) if key in catalogue(lang) else reason or ""


class AlertsCog(commands.Cog, name="Alerts"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @staticmethod
    def language(ctx: LeaderContext) -> str:
        """Admins are answered as everyone is (`language_of`), in English when nothing chooses a language."""
        return ctx.language or DEFAULT

    async def reply(self, ctx: LeaderContext, text: str, embed: discord.Embed | None = None) -> None:
        """Every admin reply first says which subscriptions were switched off since an admin last looked."""
        assert ctx.guild is not None
        notices = self.bot.store.take_disabled_notices(ctx.guild.id)
        if notices:
            lang = self.language(ctx)
            lines = [t(lang, "admin.stopped", board=escape(s.board), channel=f"<#{s.channel_id}>",
                       reason=reason_text(s.disabled_reason, lang)) for s in notices]  # fmt: skip
            text = "\n".join(lines) + "\n" + text
        await ctx.send(text[:2000], embed=embed, allowed_mentions=discord.AllowedMentions.none())

    @staticmethod
    def describe(s: Subscription, lang: str) -> str:
        role = t(lang, "admin.pings", role=f"<@&{s.role_id}>") if s.role_id else ""
        state = "" if s.enabled else t(lang, "admin.off", reason=reason_text(s.disabled_reason, lang))
        return t(lang, "admin.line", channel=f"<#{s.channel_id}>", board=escape(s.board),
                 category=escape(category_shown(s.category, lang)), top=s.top_n, moves=s.min_move, role=role,
                 state=state)  # fmt: skip

    @commands.hybrid_command(name="subscribe", description="Post a digest here when a board's rankings change")
    @app_commands.describe(
        board="Board to watch (default: the server's default board; archived boards never change)",
        top="Watch the top how many (1-100, default 10)",
        min_move="Report moves of at least this many places (default 1)",
        role="A role to ping with each digest (default: nobody)",
        channel="Where to post (default: this channel)",
        category="Board category (default: the board's own, e.g. overall)",
    )
    @admin_only()
    async def subscribe(
        self,
        ctx: LeaderContext,
        board: str | None = None,
        top: commands.Range[int, 1, 100] = 10,
        min_move: commands.Range[int, 1, 100] = 1,
        role: Optional[discord.Role] = None,  # noqa: UP045 - discord.py reads Optional here
        channel: Optional[discord.TextChannel] = None,  # noqa: UP045
        category: str | None = None,
    ) -> None:
        """`!subscribe BOARD 10 2 @llm-news #leaderboards`: digests of changes in the top 10, moves of 2+;
        `!subscribe swe-bench-verified 1 #evals`: a post when the SWE-bench Verified #1 changes."""
        assert ctx.guild is not None
        lang = self.language(ctx)
        asked = board or self.bot.settings.default_board
        board = board_named(asked)
        if board is None:
            await self.reply(ctx, t(lang, "admin.unknown_board", board=repr(asked)))
            return
        watched = PROFILES[board]
        category = category or watched.default_category
        if watched.archived:
            await self.reply(ctx, t(lang, "admin.archived", title=escape(watched.title)))
            return
        categories = self.bot.answerer.categories(board) or [watched.default_category]  # empty until fetched
        if category not in categories:
            held = [escape(category_shown(c, lang)) for c in categories]  # upstream's categories, and what was typed
            text = t(lang, "admin.no_category", title=escape(watched.title), category=escape(repr(category)), held=held)
            await self.reply(ctx, text)
            return
        if role is not None and (role.is_default() or role.managed):
            await self.reply(ctx, t(lang, "admin.role"))
            return
        target = channel or ctx.channel
        try:
            s = self.bot.store.subscribe(
                ctx.guild.id,
                target.id,
                board,
                category,
                top_n=top,
                min_move=min_move,
                role_id=role.id if role else None,
            )
        except StoreBusy:
            raise  # the error handler says it in words for a person (the path of the store is not theirs to see)
        except StoreError as exc:
            await self.reply(ctx, f"{exc}.")
            return
        text = t(lang, "admin.subscribed", subscription=self.describe(s, lang))
        if role is not None and not role.mentionable and not target.permissions_for(ctx.guild.me).mention_everyone:
            text += t(lang, "admin.not_mentionable", role=role.name)
        await self.reply(ctx, text)

    @commands.hybrid_command(name="unsubscribe", description="Stop posting digests in a channel")
    @app_commands.describe(channel="Which channel (default: this one)", board="Only this board (default: all)")
    @admin_only()
    async def unsubscribe(
        self,
        ctx: LeaderContext,
        channel: Optional[discord.TextChannel] = None,  # noqa: UP045 - first, so `!unsubscribe #news` reads it
        board: Optional[str] = None,  # noqa: UP045
    ) -> None:
        """`!unsubscribe` stops every digest in this channel; `!unsubscribe #news BOARD` one board elsewhere."""
        target = channel or ctx.channel
        removed = self.bot.store.unsubscribe(target.id, board)
        lang = self.language(ctx)
        if removed:
            await self.reply(ctx, t(lang, "admin.removed", count=removed, channel=f"<#{target.id}>"))
        else:
            await self.reply(ctx, t(lang, "admin.nothing_removed"))

    @commands.hybrid_command(name="subscriptions", description="List this server's digest subscriptions")
    @admin_only()
    async def subscriptions(self, ctx: LeaderContext) -> None:
        assert ctx.guild is not None
        found = self.bot.store.subscriptions(guild_id=ctx.guild.id)
        lang = self.language(ctx)
        text = "\n".join(self.describe(s, lang) for s in found) if found else t(lang, "admin.none")
        await self.reply(ctx, text)

    @commands.hybrid_command(name="notify-test", description="Post a sample digest here (the board's last change)")
    @app_commands.describe(board="Board (default: the server's default board)", top="Top how many (default 10)")
    @admin_only()
    async def notify_test(
        self, ctx: LeaderContext, board: str | None = None, top: commands.Range[int, 1, 100] = 10
    ) -> None:
        """Shows what a digest looks like, from the last two stored snapshots of the board."""
        lang = self.language(ctx)
        named = self.bot.answerer.board_for(board and (board_named(board) or board))
        if named not in PROFILES:
            await self.reply(ctx, t(lang, "admin.unknown_board", board=repr(named)))
            return
        try:
            changes = stored_changes(self.bot.store, named, top_n=top)
        except NoChanges as exc:
            await self.reply(ctx, t(lang, "admin.no_sample", reason=exc.args[0]))
            return
        embed = render_digest(changes, lang=lang)
        await self.reply(ctx, t(lang, "admin.sample"), embed=embed)

    @subscribe.autocomplete("category")
    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return category_choices(self.bot.answerer, getattr(interaction.namespace, "board", None), current,
                                interaction.locale)  # fmt: skip

    @subscribe.autocomplete("board")
    @unsubscribe.autocomplete("board")
    @notify_test.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return board_choices(self.bot.answerer, current, interaction.locale)


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(AlertsCog(bot))
