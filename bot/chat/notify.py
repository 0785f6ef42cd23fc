"""Posting change digests to subscribed channels, once per snapshot per channel, across restarts.

Each subscription remembers the newest snapshot it has been told about (`last_snapshot_id`, in SQLite). A digest
compares that snapshot with the board's newest accepted one, so after downtime a channel gets one digest of
everything it missed, not a backlog; rejected (broken) snapshots are never the newest accepted one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from db.store import Subscription

from ..core.changes import ChangeSet, changes_between
from ..core.snapshots import reader
from .embeds import render_digest

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)


@dataclass
class AnnounceReport:
    sent: int = 0
    quiet: int = 0  # a new snapshot, but nothing worth telling this channel
    disabled: list[int] = field(default_factory=list)  # subscription ids we can no longer post for
    failed: int = 0  # will be retried at the next refresh


class Notifier:
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot

    def changes_for(
        self, subscription: Subscription, memo: dict[tuple[int, ...], ChangeSet] | None = None
    ) -> tuple[ChangeSet, int] | None:
        """The change set this subscription has not been told about yet, and the snapshot it brings it up to.
        `memo` shares work between subscriptions that watch the same snapshots the same way."""
        store = self.bot.store
        newest = reader(store).latest(subscription.board, subscription.category)
        if newest is None or newest.id == subscription.last_snapshot_id:
            return None
        told = store.snapshot(subscription.last_snapshot_id) if subscription.last_snapshot_id else None
        if told is None:  # subscribed before the board had data: what is on it now is the starting point
            return self._empty(subscription, newest.as_of), newest.id
        if told.as_of >= newest.as_of:
            return None
        key = (told.id, newest.id, subscription.top_n, subscription.min_move)
        memo = {} if memo is None else memo
        if key not in memo:
            memo[key] = changes_between(store, told, newest, top_n=subscription.top_n, min_move=subscription.min_move)
        return memo[key], newest.id

    @staticmethod
    def _empty(subscription: Subscription, as_of: str) -> ChangeSet:
        return ChangeSet(subscription.board, subscription.category, None, as_of, subscription.top_n)

    async def announce(self, board: str) -> AnnounceReport:
        """Tell every enabled subscription of `board` about its new snapshot. One channel at a time (discord.py
        keeps within the rate limits); one channel failing never stops the others."""
        report = AnnounceReport()
        memo: dict[tuple[int, ...], ChangeSet] = {}
        for subscription in self.bot.store.subscriptions(board=board, enabled=1):
            pending = self.changes_for(subscription, memo)
            if pending is None:
                continue
            changes, snapshot_id = pending
            if not changes.events:
                self.bot.store.mark_announced(subscription.id, snapshot_id)
                report.quiet += 1
                continue
            outcome = await self.post(subscription, changes)
            if outcome == "sent":
                self.bot.store.mark_announced(subscription.id, snapshot_id)
                report.sent += 1
            elif outcome == "disabled":
                report.disabled.append(subscription.id)
            else:
                report.failed += 1
        if report.sent or report.disabled or report.failed:
            log.info("announced %s: %s", board, report)
        return report

    async def post(self, subscription: Subscription, changes: ChangeSet) -> str:
        """'sent', 'disabled' (the channel is gone or closed to us) or 'failed' (try again next time)."""
        embed = render_digest(changes)
        content, mentions = None, discord.AllowedMentions.none()
        if subscription.role_id:
            content = f"<@&{subscription.role_id}>"
            mentions = discord.AllowedMentions(
                everyone=False, users=False, roles=[discord.Object(subscription.role_id)]
            )
        try:
            channel = self.bot.get_channel(subscription.channel_id) or await self.bot.fetch_channel(
                subscription.channel_id
            )
            await channel.send(content=content, embed=embed, allowed_mentions=mentions)  # type: ignore[union-attr]
        except (discord.Forbidden, discord.NotFound) as exc:
            reason = "the channel is gone" if isinstance(exc, discord.NotFound) else "I may no longer post there"
            self.bot.store.disable_subscription(subscription.id, reason)
            log.warning("disabled subscription %d (channel %d): %s", subscription.id, subscription.channel_id, exc)
            return "disabled"
        except discord.HTTPException as exc:
            log.warning("could not post to channel %d, will retry: %s", subscription.channel_id, exc)
            return "failed"
        return "sent"
