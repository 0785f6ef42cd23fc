"""The question commands: rank, top, compare, orgs, boards, help, and questions asked by mentioning the bot.

Each command only turns its arguments into a question for the answering core and renders the answer; all the
matching and ranking lives in `bot.core`.
"""

from __future__ import annotations

import contextlib
import io
import logging
from typing import TYPE_CHECKING, Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from ...charts import NoHistoryError, render_history_png_async
from ...core.answers import Answer, Answerer
from ...core.questions import QueryKind
from ..embeds import clip, plain_text, render_embeds
from ..views import Paginator, Picker, PickHandler

if TYPE_CHECKING:
    from ..client import LeaderBot

log = logging.getLogger(__name__)

# Listing commands scan a whole board: a burst limit per user keeps one person from hogging the bot.
list_cooldown = commands.cooldown(6, 30.0, commands.BucketType.user)
CHART_FILE = "history.png"


class AskCog(commands.Cog, name="Questions"):
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        # Questions by mention get the same per-user limit as the list commands.
        self._mention_limit = commands.CooldownMapping.from_cooldown(6, 30.0, commands.BucketType.user)

    @property
    def answerer(self) -> Answerer:
        return self.bot.answerer

    # --- sending ----------------------------------------------------------------------------------------------

    async def send_answer(
        self,
        ctx: commands.Context[LeaderBot],
        answer: Answer,
        *,
        message: discord.Message | None = None,
    ) -> None:
        """Reply with the answer: pages with a paginator, a clarification with a picker, text without embeds."""
        owner = (message.author if message else ctx.author).id
        channel = message.channel if message else ctx.channel
        can_embed, can_attach = _can_embed_and_attach(channel, ctx.guild.me if ctx.guild else None)
        view: discord.ui.View | None = None
        pages = render_embeds(answer)
        if answer.kind == "clarify" and answer.candidates:
            view = Picker(answer.candidates, owner, self._pick_handler(answer))
        elif len(pages) > 1 and can_embed:  # plain text holds every line already; pages would be embeds
            view = Paginator(pages, owner)
        kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if can_embed:
            kwargs["embed"] = pages[0]
        else:
            kwargs["content"] = plain_text(answer)
        if view is not None:
            kwargs["view"] = view
        if answer.kind == "history" and can_embed and can_attach:
            with contextlib.suppress(NoHistoryError):  # nothing to draw: the summary in words says so
                kwargs["file"] = await self._chart(answer, pages[0])
        if message is not None:
            sent = await message.reply(mention_author=False, **kwargs)
        else:
            sent = await ctx.send(**kwargs)
        if view is not None:
            view.message = sent  # type: ignore[attr-defined]

    @staticmethod
    async def _chart(answer: Answer, embed: discord.Embed) -> discord.File:
        """Draw the history chart in a worker thread (matplotlib is slow for an event loop) and put it in the
        embed."""
        png = await render_history_png_async(
            answer.histories, board_title=answer.board_title or "", score_label=answer.score_label or "Score"
        )
        embed.set_image(url=f"attachment://{CHART_FILE}")
        return discord.File(io.BytesIO(png), filename=CHART_FILE)

    def _pick_handler(self, answer: Answer) -> PickHandler:
        """What choosing a candidate does: finish the interrupted question with exactly that model."""

        async def on_pick(interaction: discord.Interaction, name: str) -> None:
            picked = self.answerer.choose(answer, name)
            pages = render_embeds(picked)
            files = []
            if picked.kind == "history":
                with contextlib.suppress(NoHistoryError):
                    files.append(await self._chart(picked, pages[0]))
            await interaction.response.edit_message(
                content=None, embed=pages[0], view=None, attachments=files,
                allowed_mentions=discord.AllowedMentions.none(),
            )  # fmt: skip

        return on_pick

    async def ask(
        self,
        ctx: commands.Context[LeaderBot],
        text: str,
        *,
        force: QueryKind | None,
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        answer = self.answerer.ask(text, board=board, category=category, force=force)
        await self.send_answer(ctx, answer)

    # --- commands ---------------------------------------------------------------------------------------------

    @commands.hybrid_command(name="rank", aliases=["r", "where"], description="Where a model stands on a board")
    @app_commands.describe(
        model="The model's name; sloppy is fine (qwne2.5 72b, phi3 medium)",
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    async def rank(
        self, ctx: commands.Context[LeaderBot], *, model: str, board: str | None = None, category: str | None = None
    ) -> None:
        """Where a model stands: `!rank qwen2 72b instruct`, `!rank phi3 medium on open-llm`."""
        await self.ask(ctx, model, force="rank", board=board, category=category)

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
        ctx: commands.Context[LeaderBot],
        count: Optional[int] = None,  # noqa: UP045 - Optional lets `!top chinese` skip the count
        *,
        filters: str = "",
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        """The leaders: `!top`, `!top 20`, `!top 10 chinese`, `!top 5 math under 10b`."""
        await self.ask(ctx, f"{'' if count is None else count} {filters}", force="top", board=board, category=category)

    @commands.hybrid_command(name="compare", aliases=["vs"], description="Compare two or more models")
    @app_commands.describe(
        models='Models separated by "vs", "and" or commas: llama 3.3 70b vs qwen 2.5 72b',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def compare(
        self, ctx: commands.Context[LeaderBot], *, models: str, board: str | None = None, category: str | None = None
    ) -> None:
        """Side by side: `!compare llama 3.3 70b vs qwen 2.5 72b`."""
        await self.ask(ctx, models, force="compare", board=board, category=category)

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
        ctx: commands.Context[LeaderBot],
        count: Optional[int] = None,  # noqa: UP045 - Optional lets `!top chinese` skip the count
        *,
        filters: str = "",
        board: str | None = None,
        category: str | None = None,
    ) -> None:
        """Who dominates: `!orgs`, `!orgs 50 on open-llm`."""
        await self.ask(ctx, f"{'' if count is None else count} {filters}", force="orgs", board=board, category=category)

    @commands.hybrid_command(name="history", aliases=["chart"], description="A model's rank and score over time")
    @app_commands.describe(
        models='One model, or up to 8 joined by "vs": gpt-4o-2024-05-13 vs claude 3 opus',
        board="Which board (default: the server's default board)",
        category="Board category, e.g. overall",
    )
    @list_cooldown
    async def history(
        self, ctx: commands.Context[LeaderBot], *, models: str, board: str | None = None, category: str | None = None
    ) -> None:
        """A chart and a summary: `!history gpt-4o-2024-05-13 vs claude 3.5 sonnet`."""
        if ctx.interaction is not None:
            await ctx.defer()  # drawing can take longer than the 3 s an interaction allows
        await self.ask(ctx, models, force="history", board=board, category=category)

    @commands.hybrid_command(name="boards", description="The boards I know and how fresh they are")
    async def boards(self, ctx: commands.Context[LeaderBot]) -> None:
        """The boards, their latest dates and how many snapshots are stored."""
        await self.ask(ctx, "boards", force="boards")

    @commands.hybrid_command(name="help", description="What you can ask, with examples")
    async def help(self, ctx: commands.Context[LeaderBot]) -> None:
        """What you can ask."""
        await self.ask(ctx, "help", force=None)

    # --- autocomplete -----------------------------------------------------------------------------------------

    @rank.autocomplete("model")
    async def model_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        board = getattr(interaction.namespace, "board", None)
        names = self.answerer.complete(board if board in self.answerer.boards() else None, current[:100])
        return [app_commands.Choice(name=clip(n, 100), value=clip(n, 100)) for n in names[:25]]

    @rank.autocomplete("board")
    @history.autocomplete("board")
    @top.autocomplete("board")
    @compare.autocomplete("board")
    @orgs.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return board_choices(self.answerer, current)

    @rank.autocomplete("category")
    @history.autocomplete("category")
    @top.autocomplete("category")
    @compare.autocomplete("category")
    @orgs.autocomplete("category")
    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        board = getattr(interaction.namespace, "board", None) or self.answerer.default_board
        categories = self.answerer.categories(board)
        return [app_commands.Choice(name=c, value=c) for c in categories if current.casefold() in c.casefold()][:25]

    # --- questions by mention ---------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """ "@Leaderbot top Chinese models on arena": a mention that is not a command is a free-text question."""
        # The mention must be in the text: a reply to the bot mentions it too, and "no thanks" is no question.
        if message.author.bot or self.bot.user is None or self.bot.user.id not in message.raw_mentions:
            return
        ctx = await self.bot.get_context(message)
        if ctx.valid:
            return  # a command after the mention: the command system answers it
        bucket = self._mention_limit.get_bucket(message)
        retry_after = bucket.update_rate_limit() if bucket is not None else None
        if retry_after:
            await message.reply(
                f"Easy there: try again in {retry_after:.0f} s.", mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )  # fmt: skip
            return
        answer = self.answerer.ask(message.content)
        try:
            await self.send_answer(ctx, answer, message=message)
        except discord.Forbidden:
            log.warning("cannot reply in channel %s (missing permissions)", message.channel.id)


def board_choices(answerer: Answerer, typed: str) -> list[app_commands.Choice[str]]:
    """Boards whose id or title contains what was typed, archived ones labelled (shared by every cog)."""
    typed = typed.casefold()
    return [
        app_commands.Choice(name=f"{meta.title}{' (archived)' if meta.archived else ''}", value=board)
        for board, meta in answerer.boards().items()
        if typed in board or typed in meta.title.casefold()
    ][:25]


def _can_embed_and_attach(channel: discord.abc.Messageable, me: discord.Member | None) -> tuple[bool, bool]:
    """Embed Links and Attach Files in this channel (always, outside servers)."""
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return True, True
    permissions = channel.permissions_for(me)
    return permissions.embed_links, permissions.attach_files


async def setup(bot: LeaderBot) -> None:
    await bot.add_cog(AskCog(bot))
