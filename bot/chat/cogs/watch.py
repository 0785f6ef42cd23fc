"""Watchlists: watch, unwatch, watchlist. A member follows models and gets one DM per refresh with what changed for
them; a server (Manage Server) may watch for a channel instead, posted there.

The cog parses, asks the core and replies: the model is found by the resolver (a rank question, so a picker when
the name is ambiguous), the boards that hold it by the same answer (the model's other boards), the watches kept by
the store, and the updates sent by `bot.chat.watches`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from db.keys import model_key
from db.store import StoreError, Watch

from ...core.answer import Answer, Kind
from ...core.i18n import DEFAULT, DISCORD_LOCALES, All, category_shown, t
from ...core.questions import board_named, parse_question
from ...profiles import PROFILES, profile
from ..autocomplete import MAX_CHOICES, board_choices, category_choices, model_choices
from ..context import LeaderContext
from ..embeds import clip, escape, render_embeds
from ..thresholds import BadThreshold, checked, split_thresholds
from ..views import Picker
from ..watches import WATCHES_MAX

if TYPE_CHECKING:
    from ..client import LeaderBot

EXAMPLE = "`/watch qwen2.5 72b top:10 moves:3`"
CHANNEL = re.compile(r"(?<!\S)(?:channel:)?<#(\d+)>(?!\S)", re.IGNORECASE)  # a channel named in a prefix command


def thresholds_text(top: int | None, moves: int, lang: str) -> str:
    parts = t(lang, "watch.only_top", top=top) if top is not None else ""
    return parts + (t(lang, "watch.only_moves", moves=moves) if moves > 1 else "")


class WatchCog(commands.Cog, name="Watch"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @staticmethod
    def language(ctx: LeaderContext) -> str:
        return ctx.language or DEFAULT

    async def reply(self, ctx: LeaderContext, text: str) -> None:
        await ctx.send(text[:2000], allowed_mentions=discord.AllowedMentions.none())

    async def recipient(self, ctx: LeaderContext, channel: discord.TextChannel | None) -> tuple[int, bool] | None:
        """Who the command is for (the member, or a channel when named: Manage Server), remembered with where
        they are and their language, which resumes paused watches (said so). None: refused, and said why."""
        assert ctx.guild is not None
        lang = self.language(ctx)
        if channel is not None and not ctx.author.guild_permissions.manage_guild:  # type: ignore[union-attr]
            await self.reply(ctx, t(lang, "discord.manage_server"))
            return None
        key = (channel.id, True) if channel is not None else (ctx.author.id, False)
        own = DISCORD_LOCALES.get(str(ctx.interaction.locale)) if ctx.interaction is not None else None
        resumed = self.bot.store.note_watcher(key[0], ctx.guild.id, to_channel=key[1],
                                              language=None if key[1] else own,  # a channel: the server's
                                              channel_id=ctx.channel.id)  # fmt: skip
        if resumed:
            await self.reply(ctx, t(lang, "watch.resumed"))
        return key

    @commands.hybrid_command(name="watch", description="DM me when a model moves, enters or leaves a board")
    @app_commands.describe(
        model="The model's name; sloppy is fine (qwen2.5 72b); prefix form takes top:10 moves:3 too",
        board="Only this board (default: every board that holds it)",
        category="Board category (default: the board's own, e.g. overall)",
        top="Only changes that touch the top how many (1-100, default: any rank)",
        moves="Only moves of at least this many places (1-100, default 1)",
        channel="Post in this channel instead of DMing me (Manage Server)",
    )
    @commands.guild_only()
    async def watch(
        self,
        ctx: LeaderContext,
        *,
        model: str,
        board: str | None = None,
        category: str | None = None,
        top: int | None = None,  # checked below as a typed `top:` is: hybrid commands take no Optional Range
        moves: int | None = None,
        channel: Optional[discord.TextChannel] = None,  # noqa: UP045 - discord.py reads Optional here
    ) -> None:
        """`!watch qwen2.5 72b top:10 moves:3`: a DM when Qwen2.5-72B moves 3+ places within the top 10."""
        lang = self.language(ctx)
        if channel is None and ctx.guild is not None and (named_channel := CHANNEL.search(model)):
            model = CHANNEL.sub(" ", model)  # `!watch deepseek v3 channel:#news`, as the slash option reads
            found = ctx.guild.get_channel(int(named_channel.group(1)))
            channel = found if isinstance(found, discord.TextChannel) else None
        try:
            text, typed = split_thresholds(model)
            for word, value in (("top", top), ("moves", moves)):
                if value is not None:
                    checked(word, value)
        except BadThreshold as exc:
            await self.reply(ctx, t(lang, "discord.range", value=f"{exc.word}:{exc.value}", minimum=exc.low,
                                    maximum=exc.high, example=EXAMPLE))  # fmt: skip
            return
        named = board_named(board) if board else None
        if board is None:  # `!watch deepseek v3 on arena`: a board named in the text is the one watched
            named = parse_question(text, self.bot.answerer.lexicon, force=Kind.RANK).board
        if board and named is None:
            await self.reply(ctx, t(lang, "admin.unknown_board", board=repr(board)))
            return
        if named is not None and PROFILES[named].archived:
            await self.reply(ctx, t(lang, "admin.archived", title=escape(PROFILES[named].title)))
            return
        key = await self.recipient(ctx, channel)
        if key is None:
            return
        thresholds = (top if top is not None else typed.top, moves if moves is not None else typed.moves or 1)
        answer = self.bot.answerer.ask(text, board=named, category=category, force=Kind.RANK, lang=lang)
        if answer.kind == Kind.CLARIFY and answer.candidates:
            await self.pick(ctx, answer, key, named, category, thresholds)
        elif answer.kind != Kind.RANK or not answer.entries:
            await ctx.send_answer(answer)  # not found, with the resolver's suggestions, in their language
        else:
            await self.reply(ctx, self.make(answer, key, named, category, thresholds, lang))

    async def pick(
        self,
        ctx: LeaderContext,
        clarification: Answer,
        key: tuple[int, bool],
        named: str | None,
        category: str | None,
        thresholds: tuple[int | None, int],
    ) -> None:
        """The resolver's clarification with a picker; the pick makes the watch, in place."""
        lang = self.language(ctx)

        async def on_pick(interaction: discord.Interaction, name: str) -> None:
            picked = self.bot.answerer.choose(clarification, name)
            text = self.make(picked, key, named, category, thresholds, lang)
            await interaction.response.edit_message(content=text[:2000], embed=None, view=None,
                                                    allowed_mentions=discord.AllowedMentions.none())  # fmt: skip

        picker = Picker(clarification.candidates, ctx.author.id, on_pick, lang=lang)
        sent = await ctx.send(embed=render_embeds(clarification)[0], view=picker,
                              allowed_mentions=discord.AllowedMentions.none())  # fmt: skip
        picker.message = sent

    def make(
        self,
        answer: Answer,
        key: tuple[int, bool],
        named: str | None,
        category: str | None,
        thresholds: tuple[int | None, int],
        lang: str,
    ) -> str:
        """Watch the model of a rank answer on its board (with no board named, on every live board that holds
        it), within the limit; what was done, said back."""
        if answer.kind != Kind.RANK or not answer.entries or answer.board is None:
            return answer.text or ""
        entry = answer.entries[0]
        places = [(answer.board, category or answer.category or profile(answer.board).default_category, entry.model)]
        if named is None:
            places += [(o.board, o.category or profile(o.board).default_category, o.model) for o in entry.others]
        places = [p for p in places if not profile(p[0]).archived]
        if not places:
            return t(lang, "admin.archived", title=escape(profile(answer.board).title))
        store = self.bot.store
        recipient, to_channel = key
        mine = store.watches(recipient_id=recipient, to_channel=to_channel)
        held = {(w.board, w.category, w.model_key) for w in mine}
        new = [p for p in places if (p[0], p[1], model_key(p[2])) not in held]
        if len(held) + len(new) > WATCHES_MAX:
            return t(lang, "watch.limit", limit=WATCHES_MAX)
        top, moves = thresholds
        made: list[str] = []
        for board, board_category, name in places:
            try:
                store.watch(recipient, board, board_category, model_key(name), to_channel=to_channel, top_n=top,
                            min_move=moves)  # fmt: skip
            except StoreError:
                continue  # not a name of that board's (an alias): the boards that hold it are watched
            shown = profile(board).title
            if board_category != profile(board).default_category:
                shown = f"{shown} ({category_shown(board_category, lang)})"
            made.append(escape(shown))
        extra = thresholds_text(top, moves, lang)
        if to_channel:
            return t(lang, "watch.watching_channel", model=escape(entry.model), boards=All(made), thresholds=extra,
                     channel=f"<#{recipient}>")  # fmt: skip
        return t(lang, "watch.watching", model=escape(entry.model), boards=All(made), thresholds=extra)

    @commands.hybrid_command(name="unwatch", description="Stop watching a model")
    @app_commands.describe(model="A model you watch", channel="A channel's watches instead (Manage Server)")
    @commands.guild_only()
    async def unwatch(
        self,
        ctx: LeaderContext,
        *,
        model: str,
        channel: Optional[discord.TextChannel] = None,  # noqa: UP045 - discord.py reads Optional here
    ) -> None:
        """`!unwatch qwen2.5 72b`: no more updates about it, on any board."""
        key = await self.recipient(ctx, channel)
        if key is None:
            return
        lang = self.language(ctx)
        watches = self.bot.store.watches(recipient_id=key[0], to_channel=key[1])
        found = matching(watches, model)
        places = Counter((w.board, w.category) for w in found)
        if any(count > 1 for count in places.values()):  # two models of one board: which is meant?
            names = sorted({w.model_name for w in found})
            await self.reply(ctx, t(lang, "watch.which", model=escape(model), names=[escape(n) for n in names]))
            return
        if not found:
            await self.reply(ctx, t(lang, "watch.not_watched", model=escape(model)))
            return
        removed = self.bot.store.unwatch(key[0], [w.id for w in found], to_channel=key[1])
        boards = All([escape(profile(w.board).title) for w in found])
        await self.reply(ctx, t(lang, "watch.unwatched", model=escape(found[0].model_name), boards=boards,
                                count=removed))  # fmt: skip

    @commands.hybrid_command(name="watchlist", description="The models you watch (and resume paused updates)")
    @app_commands.describe(channel="A channel's watches instead (Manage Server)")
    @commands.guild_only()
    async def watchlist(
        self,
        ctx: LeaderContext,
        channel: Optional[discord.TextChannel] = None,  # noqa: UP045 - discord.py reads Optional here
    ) -> None:
        """`!watchlist`: what you watch, where, with which thresholds."""
        key = await self.recipient(ctx, channel)
        if key is None:
            return
        lang = self.language(ctx)
        watches = self.bot.store.watches(recipient_id=key[0], to_channel=key[1])
        if not watches:
            await self.reply(ctx, t(lang, "watch.list_none"))
            return
        lines = [t(lang, "watch.list_head", count=len(watches), limit=WATCHES_MAX)]
        for w in watches:
            lines.append(t(lang, "watch.list_line", model=escape(clip(w.model_name, 100)),
                           board=escape(profile(w.board).title), category=escape(category_shown(w.category, lang)),
                           thresholds=thresholds_text(w.top_n, w.min_move, lang)))  # fmt: skip
        await self.reply(ctx, "\n".join(lines))

    @watch.autocomplete("model")
    async def model_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return model_choices(self.bot.answerer, getattr(interaction.namespace, "board", None), current)

    @watch.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return board_choices(self.bot.answerer, current, interaction.locale)

    @watch.autocomplete("category")
    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return category_choices(self.bot.answerer, getattr(interaction.namespace, "board", None), current,
                                interaction.locale)  # fmt: skip

    @unwatch.autocomplete("model")
    async def watched_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The names the member watches (a channel's, when one is chosen) that carry what was typed."""
        channel = getattr(interaction.namespace, "channel", None)
        recipient, to_channel = (channel.id, True) if channel is not None else (interaction.user.id, False)
        names = sorted({w.model_name for w in self.bot.store.watches(recipient_id=recipient, to_channel=to_channel)})
        typed = current.casefold()
        return [app_commands.Choice(name=clip(n, 100), value=clip(n, 100)) for n in names
                if typed in n.casefold()][:MAX_CHOICES]  # fmt: skip


def matching(watches: list[Watch], typed: str) -> list[Watch]:
    """The watches a typed name means: those of the model of exactly that name, else those whose name carries
    every typed word."""
    wanted = model_key(typed)
    exact = [w for w in watches if w.model_key == wanted or model_key(w.model_name) == wanted]
    if exact:
        return exact
    words = wanted.split()
    return [w for w in watches if all(word in w.model_key for word in words)]


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(WatchCog(bot))
