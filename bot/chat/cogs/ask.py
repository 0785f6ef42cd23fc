"""The question commands: rank, top, compare, orgs, boards, help, and questions asked by mentioning the bot.

Each command only turns its arguments into a question for the answering core and renders the answer; all the
matching and ranking lives in `bot.core`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional

import discord
from discord import app_commands
from discord.ext import commands

from ...core.answer import Answer, Kind
from ...core.answers import Answerer
from ...core.i18n import DEFAULT, t
from ...core.questions import MENTION
from ..autocomplete import board_choices, category_choices, model_choices
from ..context import LeaderContext, language_of

if TYPE_CHECKING:
    from ..client import LeaderBot

log = logging.getLogger(__name__)

# Clarifications kept for a reply by number, per (channel, user); the oldest go first beyond this.
MAX_PENDING = 1000

# Listing commands scan a whole board: a burst limit per user keeps one person from hogging the bot.
list_cooldown = commands.cooldown(6, 30.0, commands.BucketType.user)


class AskCog(commands.Cog, name="Questions"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        # Questions by mention get the same per-user limit as the list commands.
        self._mention_limit = commands.CooldownMapping.from_cooldown(6, 30.0, commands.BucketType.user)
        # (channel, user) -> the clarification their next mention may answer with a number or a name
        self._pending: dict[tuple[int, int], Answer] = {}

    @property
    def answerer(self) -> Answerer:
        return self.bot.answerer

    async def ask(
        self,
        ctx: LeaderContext,
        text: str,
        *,
        force: Kind | None,
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        answer = self.answerer.ask(text, board=board, category=category, force=force, lang=ctx.language)
        await ctx.send_answer(answer)

    # --- commands ---------------------------------------------------------------------------------------------

    @commands.hybrid_command(name="rank", aliases=["r", "where"], description="Where a model stands on a board")
    @app_commands.describe(
        model="The model's name; sloppy is fine (qwne2.5 72b, phi3 medium)",
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    async def rank(
        self, ctx: LeaderContext, *, model: str, board: str | None = None, category: str | None = None
    ) -> None:
        """Where a model stands: `!rank qwen2 72b instruct`, `!rank phi3 medium`."""
        await self.ask(ctx, model, force=Kind.RANK, board=board, category=category)

    @commands.hybrid_command(name="top", aliases=["best", "leaders"], description="The leaders of a board")
    @app_commands.describe(
        count="How many (1-100, default 10)",
        filters='Filters in words: "chinese under 10b", "meta", "math", "official chat 7b-14b"',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def top(
        self,
        ctx: LeaderContext,
        count: Optional[int] = None,  # noqa: UP045 - Optional lets `!top chinese` skip the count
        *,
        filters: str = "",
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        """The leaders: `!top`, `!top 20`, `!top 10 chinese`, `!top 5 math under 10b`."""
        await self.ask(
            ctx, f"{'' if count is None else count} {filters}", force=Kind.TOP, board=board, category=category
        )

    @commands.hybrid_command(name="compare", aliases=["vs"], description="Compare two or more models")
    @app_commands.describe(
        models='Models separated by "vs", "and" or commas: llama 3.3 70b vs qwen 2.5 72b',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def compare(
        self, ctx: LeaderContext, *, models: str, board: str | None = None, category: str | None = None
    ) -> None:
        """Side by side: `!compare llama 3.3 70b vs qwen 2.5 72b`."""
        await self.ask(ctx, models, force=Kind.COMPARE, board=board, category=category)

    @commands.hybrid_command(name="orgs", aliases=["labs"], description="Which organizations hold the top places")
    @app_commands.describe(
        count="The top how many (1-100, default 20)",
        filters='Filters in words, e.g. "chinese" or "under 10b"',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def orgs(
        self,
        ctx: LeaderContext,
        count: Optional[int] = None,  # noqa: UP045 - Optional lets `!top chinese` skip the count
        *,
        filters: str = "",
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        """Who dominates: `!orgs`, `!orgs 50`."""
        await self.ask(
            ctx, f"{'' if count is None else count} {filters}", force=Kind.ORGS, board=board, category=category
        )

    @commands.hybrid_command(name="history", aliases=["chart"], description="A model's rank and score over time")
    @app_commands.describe(
        models='One model, or up to 8 joined by "vs": gpt-4o-2024-05-13 vs claude 3 opus',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def history(
        self, ctx: LeaderContext, *, models: str, board: str | None = None, category: str | None = None
    ) -> None:
        """A chart and a summary: `!history gpt-4o-2024-05-13 vs claude 3.5 sonnet`."""
        if ctx.interaction is not None:
            await ctx.defer()  # drawing can take longer than the 3 s an interaction allows
        await self.ask(ctx, models, force=Kind.HISTORY, board=board, category=category)

    @commands.hybrid_command(
        name="everywhere", aliases=["card", "profile"], description="Where one model stands on every board"
    )
    @app_commands.describe(model="The model's name; sloppy is fine (qwen3.5 397b, Qwen/Qwen3.5-397B-A17B)")
    @list_cooldown
    async def everywhere(self, ctx: LeaderContext, *, model: str) -> None:
        """One card: the Arena, every Hub benchmark and the Open LLM archive: `!everywhere qwen2 72b instruct`."""
        await self.ask(ctx, model, force=Kind.PROFILE)

    @commands.hybrid_command(name="boards", description="The boards I know and how fresh they are")
    async def boards(self, ctx: LeaderContext) -> None:
        """The boards, their latest dates and how many snapshots are stored."""
        await self.ask(ctx, "boards", force=Kind.BOARDS)

    @commands.hybrid_command(name="help", description="What you can ask, with examples")
    async def help(self, ctx: LeaderContext) -> None:
        """What you can ask."""
        await self.ask(ctx, "help", force=None)

    # --- autocomplete -----------------------------------------------------------------------------------------

    @rank.autocomplete("model")
    @everywhere.autocomplete("model")
    async def model_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return model_choices(self.answerer, getattr(interaction.namespace, "board", None), current)

    @rank.autocomplete("board")
    @history.autocomplete("board")
    @top.autocomplete("board")
    @compare.autocomplete("board")
    @orgs.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return board_choices(self.answerer, current, interaction.locale)

    @rank.autocomplete("category")
    @history.autocomplete("category")
    @top.autocomplete("category")
    @compare.autocomplete("category")
    @orgs.autocomplete("category")
    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return category_choices(self.answerer, getattr(interaction.namespace, "board", None), current,
                                interaction.locale)  # fmt: skip

    # --- questions by mention ---------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """ "@Leaderbot top Chinese models": a mention that is not a command is a free-text question."""
        # The mention must be in the text: a reply to the bot mentions it too, and "no thanks" is no question.
        if message.author.bot or self.bot.user is None or self.bot.user.id not in message.raw_mentions:
            return
        ctx = await self.bot.get_context(message)
        if ctx.valid:
            return  # a command after the mention: the command system answers it
        bucket = self._mention_limit.get_bucket(message)
        retry_after = bucket.update_rate_limit() if bucket is not None else None
        lang = language_of(self.bot, None, message.guild)
        if retry_after:
            if not self.bot.fair_use.should_tell(message.author.id, retry_after):
                return
            await message.reply(
                t(lang or DEFAULT, "discord.cooldown", seconds=f"{retry_after:.0f}"), mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )  # fmt: skip
            return
        key = (message.channel.id, message.author.id)
        text = MENTION.sub(" ", message.content)
        pending = self._pending.pop(key, None)
        name = self.answerer.picked(pending, text) if pending is not None else None
        answer = (
            self.answerer.choose(pending, name) if pending is not None and name else self.answerer.ask(text, lang=lang)
        )
        if answer.kind == Kind.CLARIFY:  # "@Leaderbot 2" next finishes it (the picker does too)
            self._pending[key] = answer
            while len(self._pending) > MAX_PENDING:
                del self._pending[next(iter(self._pending))]
        try:
            await ctx.send_answer(answer, reply_to=message)
        except discord.Forbidden:
            log.warning("cannot reply in channel %s (missing permissions)", message.channel.id)


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(AskCog(bot))
