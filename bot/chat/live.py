"""Live boards: a message showing a board's current top, edited in place at each new snapshot of the board.

The message is the `!top` answer (the same renderer), with when it was last updated; the footer says the board's
date and age as every answer does. An edit sends no new message and pings nobody, and happens once per new
snapshot, never per refresh (a refresh with nothing new edits nothing), which keeps well inside Discord's edit
limits.

Exactly once, as digests are (`bot.chat.notify`): the snapshot about to be shown is recorded before the edit
(`editing_snapshot_id`) and the one shown after it. A run that stopped in between reads the message and finds the
edit's marker (in the link's fragment) instead of editing again. A restart keeps editing the same message id. A
deleted message (404) or a channel closed to us (403) ends the live board; admins are told at their next admin
command. Only the process owning the server's shard edits its live boards (`Settings.owns_guild`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import takewhile
from typing import TYPE_CHECKING

import discord

from db.store import LiveBoard, StoreBusy

from ..core.answer import Answer, Kind
from ..core.i18n import day, t
from ..core.questions import Query
from .context import server_language
from .embeds import DESCRIPTION_MAX, clip, footer, render_embeds
from .notify import carries_marker

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

LOCK_WAIT_S = 0.2  # how long bookkeeping on the event loop waits for another process's write lock


def live_marker(live_id: int, snapshot_id: int) -> str:
    return f"leaderbot-live-{live_id}-{snapshot_id}"


def one_embed(answer: Answer) -> discord.Embed:
    """The `!top` answer in one embed: a message edited in place has no pages to turn (models tied at the last
    place listed can make a top 10 longer than a page)."""
    pages = render_embeds(answer)
    embed = pages[0]
    if len(pages) > 1:
        lines = [(page.description or "").split("\n") for page in pages]
        head = len(list(takewhile(lambda same: len(set(same)) == 1, zip(*lines, strict=False))))  # notes repeated
        rest = ["\n".join(page[head:]) for page in lines[1:]]
        embed.description = clip("\n".join([embed.description or "", *rest]), DESCRIPTION_MAX - 200)
        embed.set_footer(text=footer(answer))
    return embed


@dataclass
class LiveReport:
    edited: int = 0
    disabled: int = 0  # message deleted or channel closed: live board ended
    failed: int = 0  # will be retried at the next new snapshot look
    recovered: int = 0  # found already edited (a run stopped between the edit and its bookkeeping)
    deferred: int = 0  # edited, but the store was locked: its bookkeeping is retried, the edit never repeated


class LiveBoards:
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        self._owed: dict[int, tuple[int, str]] = {}  # live board -> (snapshot, updated at) edited, not recorded
        self._updating = asyncio.Lock()  # the refresh job and the look at the store may both update a board

    def language(self, guild_id: int) -> str:
        """Live boards speak as digests do: the server's language."""
        return server_language(self.bot, guild_id)

    def render(
        self, board: str, category: str, count: int, lang: str, now: datetime, live_id: int | None = None
    ) -> tuple[discord.Embed | None, int | None, str]:
        """The live message for the board's newest snapshot: (embed, its snapshot id, "") or, when there is
        nothing to show, (None, None, why in `lang`). With `live_id`, the embed carries the edit's marker."""
        answer = self.bot.answerer.answer(Query(Kind.TOP, board=board, category=category, count=count), lang)
        if answer.kind != Kind.TOP:
            return None, None, answer.text
        snapshot = self.bot.answerer.reader.latest(board, category)
        assert snapshot is not None  # the answer was made from it
        embed = one_embed(answer)
        if live_id is not None and embed.url:
            embed.url = f"{embed.url}#{live_marker(live_id, snapshot.id)}"
        updated = t(lang, "live.updated", date=day(lang, now.date().isoformat()), time=now.strftime("%H:%M"))
        embed.description = f"{embed.description or ''}\n\n*{updated}*"
        embed.timestamp = now
        return embed, snapshot.id, ""

    async def update(self, board: str, now: datetime | None = None) -> LiveReport:
        """Edit every live board of `board` on this process's shards whose message shows an older snapshot than
        the newest accepted one. One message failing never stops the others."""
        async with self._updating:
            report = LiveReport()
            for live_id, (snapshot_id, updated) in list(self._owed.items()):
                self._book(live_id, snapshot_id, updated, report)
            for live in self.bot.store.live_boards(board=board, enabled=1):
                if not self.bot.settings.owns_guild(live.guild_id) or live.id in self._owed:
                    continue
                try:
                    await self._update_one(live, now or datetime.now(UTC), report)
                except Exception:
                    log.exception("updating the live %s board in channel %d failed", board, live.channel_id)
                    report.failed += 1
            if report.edited or report.disabled or report.failed or report.recovered or report.deferred:
                log.info("live %s boards: %s", board, report)
            return report

    async def _update_one(self, live: LiveBoard, now: datetime, report: LiveReport) -> None:
        newest = self.bot.answerer.reader.latest(live.board, live.category)
        if newest is None or newest.id == live.snapshot_id:
            return  # nothing new: no edit
        updated = now.isoformat(timespec="seconds")
        if live.editing_snapshot_id == newest.id and await self._already_edited(live, newest.id):
            self._book(live.id, newest.id, updated, report)
            report.recovered += 1
            return
        embed, snapshot_id, _why = self.render(
            live.board, live.category, live.count, self.language(live.guild_id), now, live.id
        )
        if embed is None or snapshot_id != newest.id:
            return
        try:
            self.bot.store.begin_live_edit(live.id, newest.id, wait_s=LOCK_WAIT_S)
        except StoreBusy:
            report.failed += 1  # nothing edited: the next look tries again
            return
        try:
            channel = self.bot.get_channel(live.channel_id) or await self.bot.fetch_channel(live.channel_id)
            message = channel.get_partial_message(live.message_id)  # type: ignore[union-attr]
            await message.edit(embed=embed, allowed_mentions=discord.AllowedMentions.none())
        except (discord.Forbidden, discord.NotFound) as exc:
            reason = "admin.reason_deleted" if isinstance(exc, discord.NotFound) else "admin.reason_forbidden"
            self.bot.store.disable_live(live.id, reason)
            log.warning("ended the live board %d (channel %d): %s", live.id, live.channel_id, exc)
            report.disabled += 1
            return
        except discord.HTTPException as exc:
            log.warning("could not edit the live board in channel %d, will retry: %s", live.channel_id, exc)
            report.failed += 1
            return
        self._book(live.id, newest.id, updated, report)
        report.edited += 1

    def _book(self, live_id: int, snapshot_id: int, updated: str, report: LiveReport) -> None:
        """Record an edit; with the store locked by another process, remember it and try again next time."""
        try:
            self.bot.store.mark_live_edited(live_id, snapshot_id, updated, wait_s=LOCK_WAIT_S)
            self._owed.pop(live_id, None)
        except StoreBusy:
            self._owed[live_id] = (snapshot_id, updated)
            report.deferred += 1

    async def _already_edited(self, live: LiveBoard, snapshot_id: int) -> bool:
        """Whether the message already shows this snapshot (its marker), as an edit before a stop left it."""
        marker = live_marker(live.id, snapshot_id)
        try:
            channel = self.bot.get_channel(live.channel_id) or await self.bot.fetch_channel(live.channel_id)
            message = await channel.fetch_message(live.message_id)  # type: ignore[union-attr]
        except discord.HTTPException as exc:
            log.warning("could not read the live board in channel %d: %s", live.channel_id, exc)
            return False
        return carries_marker(message, marker)
