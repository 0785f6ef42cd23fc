"""The one place an answer is sent on Discord (RoboDanny keeps these helpers on its `Context` subclass).

Cogs call `ctx.send_answer(answer)`; what that takes lives here once: probing the channel's permissions, embeds or
the plain-text fallback, the picker for a clarification, the paginator for a long list, and the history chart. A
pick from the picker finishes the question through the same `reply_parts`, so a picked answer looks exactly like
an asked one.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from ..charts import NoHistoryError, render_history_png_async
from ..core.answer import Answer, Kind
from ..core.i18n import DEFAULT, DISCORD_LOCALES
from .embeds import plain_text, render_embeds
from .views import Paginator, Picker, PickHandler

if TYPE_CHECKING:
    from ..core.answers import Answerer

CHART_FILE = "history.png"


@dataclass
class ReplyParts:
    """A message's worth of an answer, for `send`, `reply` or `edit_message`."""

    embed: discord.Embed | None = None
    content: str | None = None
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.content is not None:
            kwargs["content"] = self.content
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Replaces everything the edited message showed (its picker, an old chart)."""
        return {
            "content": self.content,
            "embed": self.embed,
            "view": self.view,
            "attachments": self.files,
            "allowed_mentions": discord.AllowedMentions.none(),
        }


def permissions_in(channel: Any, me: discord.Member | None) -> tuple[bool, bool]:
    """Embed Links and Attach Files for the bot in this channel (always, outside servers)."""
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return True, True
    permissions = channel.permissions_for(me)
    return permissions.embed_links, permissions.attach_files


async def reply_parts(
    answerer: Answerer, answer: Answer, *, owner_id: int, can_embed: bool, can_attach: bool
) -> ReplyParts:
    """How an answer goes out: pages with a paginator, a clarification with a picker, a history with its chart,
    plain text where embeds are not allowed."""
    picker = None
    if answer.kind == Kind.CLARIFY and answer.candidates:
        on_pick = _pick_handler(answerer, answer, owner_id=owner_id, can_embed=can_embed, can_attach=can_attach)
        picker = Picker(answer.candidates, owner_id, on_pick, lang=answer.language)
    if not can_embed:  # the plain text holds every line already: no pages
        return ReplyParts(content=plain_text(answer), view=picker)
    pages = render_embeds(answer)
    parts = ReplyParts(embed=pages[0], view=picker)
    if picker is None and len(pages) > 1:
        parts.view = Paginator(pages, owner_id, lang=answer.language)
    if answer.kind == Kind.HISTORY and can_attach:
        with contextlib.suppress(NoHistoryError):  # nothing to draw: the summary in words says so
            parts.files.append(await _chart(answer, pages[0]))
    return parts


async def _chart(answer: Answer, embed: discord.Embed) -> discord.File:
    """Draw the history chart in a worker thread (matplotlib is slow for an event loop) and show it in the embed."""
    png = await render_history_png_async(
        answer.histories, board_title=answer.board_title or "", score_label=answer.score_label or "Score",
        lang=answer.language,
    )  # fmt: skip
    embed.set_image(url=f"attachment://{CHART_FILE}")
    return discord.File(io.BytesIO(png), filename=CHART_FILE)


def _pick_handler(
    answerer: Answerer, answer: Answer, *, owner_id: int, can_embed: bool, can_attach: bool
) -> PickHandler:
    """What choosing a candidate does: finish the interrupted question with exactly that model, in place."""

    async def on_pick(interaction: discord.Interaction, name: str) -> None:
        picked = answerer.choose(answer, name)
        parts = await reply_parts(answerer, picked, owner_id=owner_id, can_embed=can_embed, can_attach=can_attach)
        await interaction.response.edit_message(**parts.edit_kwargs())
        if parts.view is not None:
            parts.view.message = interaction.message  # type: ignore[attr-defined]

    return on_pick


def guild_language(bot: Any, guild: discord.Guild | None) -> str | None:
    """The language a server chose for prefix commands, mentions and digests (`/language`), if any."""
    return bot.store.guild_language(guild.id) if guild is not None else None


def server_language(bot: Any, guild_id: int) -> str:
    """What the bot posts on its own in a server (digests, live boards, weekly summaries) is in its `/language`,
    else the bot's (`LEADERBOT_LANG`), else English."""
    return bot.store.guild_language(guild_id) or bot.settings.language or DEFAULT


def language_of(bot: Any, interaction: discord.Interaction | None, guild: discord.Guild | None) -> str | None:
    """The language to speak to someone in: a slash command's user's own, when Leaderbot speaks it; else the
    server's choice; else the bot's (`LEADERBOT_LANG`); else None (the question's own language). Digests follow
    the same rule without the user's."""
    if interaction is not None and (own := DISCORD_LOCALES.get(str(interaction.locale))):
        return own
    return guild_language(bot, guild) or bot.settings.language


class LeaderContext(commands.Context["LeaderBot"]):
    started: float = 0.0  # perf_counter() when the question arrived (set by `LeaderBot.get_context`)

    @property
    def language(self) -> str | None:
        """The language to answer in (see `language_of`)."""
        return language_of(self.bot, self.interaction, self.guild)

    async def send_answer(self, answer: Answer, *, reply_to: discord.Message | None = None) -> discord.Message:
        """Answer in this channel (as a reply to `reply_to` when given), as only the asker can page or pick."""
        owner = (reply_to.author if reply_to else self.author).id
        channel = reply_to.channel if reply_to else self.channel
        can_embed, can_attach = permissions_in(channel, self.guild.me if self.guild else None)
        parts = await reply_parts(
            self.bot.answerer, answer, owner_id=owner, can_embed=can_embed, can_attach=can_attach and can_embed
        )
        if reply_to is not None:
            sent = await reply_to.reply(mention_author=False, **parts.send_kwargs())
        else:
            sent = await self.send(**parts.send_kwargs())
        if parts.view is not None:
            parts.view.message = sent  # type: ignore[attr-defined]
        self.bot.metrics.answered(answer.kind.value, time.perf_counter() - self.started)
        return sent
