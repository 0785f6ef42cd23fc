"""Subscriptions to rank-change digests: subscribe, unsubscribe, subscriptions, notify-test (Manage Server).

A subscription posts a digest per change, or with `weekly` one summary a week (a weekday and an hour, UTC). Its
thresholds, `top` and `moves`, are slash options; the prefix form takes them as typed, `top:10 moves:3`, and the
week as `weekly mon 9`, anywhere after the command, next to the positional form (`!subscribe BOARD 10 2 @role
#channel`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Optional

import discord
from babel.dates import get_day_names
from discord import app_commands
from discord.ext import commands
from discord.ext.commands.view import StringView

from db.store import LiveBoard, StoreBusy, StoreError, Subscription

from ...core.changes import NoChanges, stored_changes
from ...core.i18n import DEFAULT, LANGUAGES, category_shown, t
from ...core.questions import board_named
from ...core.weekly import DAYS, due_at
from ...profiles import PROFILES
from ..admin import admin_reply, reason_text
from ..autocomplete import board_choices, category_choices
from ..checks import admin_only
from ..context import LeaderContext
from ..embeds import escape, render_digest
from ..thresholds import BadThreshold, Thresholds, split_thresholds

if TYPE_CHECKING:
    from ..client import LeaderBot


def day_name(day: int, lang: str) -> str:
    """A weekday (0 Monday) as the language writes it (babel)."""
    return get_day_names("wide", locale=LANGUAGES[lang])[day]


_WEEKLY = re.compile(r"(?<!\S)weekly(?:\s+(\S+))?(?:\s+(\S+))?(?!\S)", re.IGNORECASE)


class BadWeekly(ValueError):
    """`weekly` without a weekday and an hour from 0 to 23 after it."""


def weekday(word: str) -> int | None:
    """A weekday typed in English by its first three letters or more (`mon`, `Monday`): 0 Monday, else None."""
    word = word.casefold()
    if len(word) < 3 or not word.isalpha():
        return None
    return next((i for i in range(len(DAYS)) if day_name(i, DEFAULT).casefold().startswith(word)), None)


def split_weekly(text: str) -> tuple[str, tuple[int, int] | None]:
    """The text without its `weekly DAY HOUR` words, and the (weekday, hour) they set: `weekly mon 9`,
    `weekly monday 21` (the words are syntax, like `top:`, the same in every language)."""
    match = _WEEKLY.search(text)
    if match is None:
        return text, None
    day, hour = weekday(match.group(1) or ""), match.group(2) or ""
    if day is None or not (hour.isascii() and hour.isdigit() and 0 <= int(hour) <= 23):
        raise BadWeekly(match.group(0))
    return " ".join((text[: match.start()] + " " + text[match.end() :]).split()), (day, int(hour))


@dataclass(frozen=True)
class TypedWords:
    """What `!subscribe`'s prefix form said in words rather than by position, or the word it could not read."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    weekly: tuple[int, int] | None = None
    error: BadThreshold | BadWeekly | None = None


class WordsFirst(commands.HybridCommand):  # type: ignore[type-arg]
    """A hybrid command whose prefix form may say `top:N`, `moves:N` and `weekly DAY HOUR` anywhere: they are
    taken out of the text (onto `ctx.words`) before its positional arguments are read from what is left."""

    async def _parse_arguments(self, ctx: commands.Context[Any]) -> None:
        if ctx.interaction is None:
            text = ctx.view.read_rest()
            try:
                text, thresholds = split_thresholds(text)
                text, weekly = split_weekly(text)
                ctx.words = TypedWords(thresholds, weekly)  # type: ignore[attr-defined]
            except (BadThreshold, BadWeekly) as exc:
                text, ctx.words = "", TypedWords(error=exc)  # type: ignore[attr-defined]
            ctx.view = StringView(text)
        await super()._parse_arguments(ctx)


def words_first(**attrs: Any) -> Any:
    """`commands.hybrid_command`, as a `WordsFirst` (hybrid_command takes no command class)."""
    return lambda func: WordsFirst(func, **attrs)


def live_line(b: LiveBoard, lang: str) -> str:
    """A live board as `/subscriptions` lists it."""
    state = "" if b.enabled else t(lang, "admin.off", reason=reason_text(b.disabled_reason, lang))
    return t(lang, "admin.live_line", channel=f"<#{b.channel_id}>", board=escape(b.board),
             category=escape(category_shown(b.category, lang)), count=b.count, state=state)  # fmt: skip


DAY_CHOICES = [app_commands.Choice(name=day_name(i, DEFAULT), value=d) for i, d in enumerate(DAYS)]


class AlertsCog(commands.Cog, name="Alerts"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    @staticmethod
    def language(ctx: LeaderContext) -> str:
        """Admins are answered as everyone is (`language_of`), in English when nothing chooses a language."""
        return ctx.language or DEFAULT

    async def reply(self, ctx: LeaderContext, text: str, embed: discord.Embed | None = None) -> None:
        """Every admin reply first says which subscriptions were switched off since an admin last looked."""
        await admin_reply(self.bot, ctx, text, embed)

    @staticmethod
    def describe(s: Subscription, lang: str) -> str:
        role = t(lang, "admin.pings", role=f"<@&{s.role_id}>") if s.role_id else ""
        if s.weekly_day is not None:
            role += t(lang, "admin.weekly", day=day_name(s.weekly_day, lang), hour=f"{s.weekly_hour:02d}")
        state = "" if s.enabled else t(lang, "admin.off", reason=reason_text(s.disabled_reason, lang))
        return t(lang, "admin.line", channel=f"<#{s.channel_id}>", board=escape(s.board),
                 category=escape(category_shown(s.category, lang)), top=s.top_n, moves=s.min_move, role=role,
                 state=state)  # fmt: skip

    @words_first(name="subscribe", description="Post a digest here when a board's rankings change")
    @app_commands.describe(
        board="Board to watch (default: the server's default board; archived boards never change)",
        top="Watch the top how many (1-100, default 10)",
        min_move="Report moves of at least this many places (default 1)",
        role="A role to ping with each digest (default: nobody)",
        channel="Where to post (default: this channel)",
        category="Board category (default: the board's own, e.g. overall)",
        weekly="One summary a week instead of a digest per change (default: every change)",
        day="The weekday of the weekly summary (UTC)",
        hour="The hour of the weekly summary, 0-23 (UTC)",
    )
    @app_commands.rename(min_move="moves")
    @app_commands.choices(day=DAY_CHOICES)
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
        weekly: bool = False,
        day: str | None = None,
        hour: Optional[int] = None,  # noqa: UP045 - checked below: discord.py makes an optional Range a text option
    ) -> None:
        """`!subscribe BOARD 10 2 @llm-news #leaderboards`: digests of changes in the top 10, moves of 2+;
        `!subscribe swe-bench-verified 1 #evals`: a post when the SWE-bench Verified #1 changes;
        `!subscribe arena top:5 moves:3 weekly mon 9`: a summary every Monday from 09:00 UTC."""
        assert ctx.guild is not None
        lang = self.language(ctx)
        words: TypedWords = getattr(ctx, "words", TypedWords())
        if isinstance(words.error, BadThreshold):
            error = words.error
            await self.reply(ctx, t(lang, "admin.bad_threshold", word=error.word, value=escape(error.value),
                                    low=error.low, high=error.high))  # fmt: skip
            return
        top = words.thresholds.top or top
        min_move = words.thresholds.moves or min_move
        schedule = words.weekly
        weekly = weekly or day is not None or hour is not None  # a day or an hour alone asks for a weekly one
        if words.error is not None or (weekly and (day not in DAYS or hour is None or not 0 <= hour <= 23)):
            await self.reply(ctx, t(lang, "admin.bad_weekly", days=", ".join(DAYS)))
            return
        if weekly:
            schedule = (DAYS.index(day), hour)  # type: ignore[arg-type]
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
        day_hour = schedule or (None, None)
        done = due_at(*schedule, datetime.now(UTC)).isoformat(timespec="seconds") if schedule else None
        self.bot.store.set_weekly(s.id, day_hour[0], day_hour[1], done)  # from the next due time on
        s = self.bot.store.subscriptions(id=s.id)[0]
        key = "admin.subscribed_weekly" if schedule else "admin.subscribed"
        text = t(lang, key, subscription=self.describe(s, lang))
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
        live = self.bot.store.live_boards(guild_id=ctx.guild.id)
        lang = self.language(ctx)
        lines = [self.describe(s, lang) for s in found] + [live_line(b, lang) for b in live]
        await self.reply(ctx, "\n".join(lines) if lines else t(lang, "admin.none"))

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
