"""Posting change digests to subscribed channels, once per snapshot per channel, across restarts.

Each subscription remembers the newest snapshot it has been told about (`last_snapshot_id`, in SQLite). A digest
compares that snapshot with the board's newest accepted one, so after downtime a channel gets one digest of
everything it missed, not a backlog; rejected (broken) snapshots are never the newest accepted one.

Exactly once, as far as Discord allows: the intent is recorded before a send (`sending_snapshot_id`) and the
message after it, with the channel's last message id at the time. When the run stops in between (a crash, or a store
another process holds locked), the next run looks back through the channel as far as that message for the digest's
marker (in its link's fragment) before sending again, however many messages came since.
Bookkeeping from the event loop waits only briefly for the lock; what it cannot write is retried, never resent.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import discord

from db.store import StoreBusy, Subscription

from ..core.changes import ChangeSet, changes_between
from ..core.i18n import DEFAULT
from ..core.snapshots import reader
from .embeds import render_digest

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

LOCK_WAIT_S = 0.2  # how long bookkeeping on the event loop waits for another process's write lock
# The most messages a recovery reads looking for a digest that may have gone out before a crash: it stops at the
# channel's last message when the intent was recorded, and this bounds a channel where that one is not known.
HISTORY_LOOKBACK = 1000


def digest_marker(subscription_id: int, snapshot_id: int) -> str:
    return f"leaderbot-digest-{subscription_id}-{snapshot_id}"


@dataclass
class AnnounceReport:
    sent: int = 0
    quiet: int = 0  # a new snapshot, but nothing worth telling this channel
    disabled: list[int] = field(default_factory=list)  # subscription ids we can no longer post for
    failed: int = 0  # will be retried at the next refresh
    recovered: int = 0  # found already posted (a run stopped between send and bookkeeping): not sent again
    deferred: int = 0  # sent, but the store was locked: its bookkeeping is retried, the digest never resent


class Notifier:
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        self._owed: dict[int, tuple[int, int | None]] = {}  # subscription -> (snapshot, message) not yet recorded
        # One announcement at a time: the refresh job and the look at the store may both announce a board, and
        # two runs over one subscription would each send before either recorded the delivery.
        self._announcing = asyncio.Lock()

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
        if (told.as_of, told.id) >= (newest.as_of, newest.id):  # a Hub benchmark may change twice in a day
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
        """Tell every enabled subscription of `board` on this process's shards about its new snapshot. One channel
        at a time (discord.py keeps within the rate limits); one channel failing, for any reason, never stops the
        others."""
        async with self._announcing:
            return await self._announce(board)

    async def _announce(self, board: str) -> AnnounceReport:
        report = AnnounceReport()
        memo: dict[tuple[int, ...], ChangeSet] = {}
        for subscription_id, (snapshot_id, message_id) in list(self._owed.items()):
            self._book(subscription_id, snapshot_id, message_id, report)
        for subscription in self.bot.store.subscriptions(board=board, enabled=1):
            if not self.bot.settings.owns_guild(subscription.guild_id):
                continue  # another process's shard: it posts this one, from the same store
            if subscription.id in self._owed:
                continue  # sent already; only its bookkeeping waits for the store
            try:
                await self._announce_one(subscription, memo, report)
            except Exception:
                log.exception("announcing %s to channel %d failed", board, subscription.channel_id)
                report.failed += 1
        if report.sent or report.disabled or report.failed or report.recovered or report.deferred:
            log.info("announced %s: %s", board, report)
        self.bot.metrics.announced(report)
        return report

    async def _announce_one(
        self, subscription: Subscription, memo: dict[tuple[int, ...], ChangeSet], report: AnnounceReport
    ) -> None:
        sending = subscription.sending_snapshot_id
        if sending is not None and await self._already_posted(subscription, digest_marker(subscription.id, sending)):
            self._book(subscription.id, sending, None, report)  # it went out before the last run stopped
            report.recovered += 1
            subscription = replace(subscription, last_snapshot_id=sending, sending_snapshot_id=None)
        pending = self.changes_for(subscription, memo)
        if pending is None:
            return
        changes, snapshot_id = pending
        if not changes.events:
            self._book(subscription.id, snapshot_id, None, report)
            report.quiet += 1
            return
        channel = self.bot.get_channel(subscription.channel_id)
        last_seen = getattr(channel, "last_message_id", None)  # kept by discord.py from the gateway: no request
        try:
            self.bot.store.begin_delivery(subscription.id, snapshot_id, after_id=last_seen, wait_s=LOCK_WAIT_S)
        except StoreBusy:
            report.failed += 1  # nothing sent: the next run tries again
            return
        outcome, message_id = await self.post(subscription, changes, digest_marker(subscription.id, snapshot_id))
        if outcome == "sent":
            self._book(subscription.id, snapshot_id, message_id, report)
            report.sent += 1
        elif outcome == "disabled":
            report.disabled.append(subscription.id)
        else:
            report.failed += 1

    def _book(self, subscription_id: int, snapshot_id: int, message_id: int | None, report: AnnounceReport) -> None:
        """Record a delivery; with the store locked by another process, remember it and try again next run."""
        try:
            self.bot.store.mark_announced(subscription_id, snapshot_id, message_id, wait_s=LOCK_WAIT_S)
            self._owed.pop(subscription_id, None)
        except StoreBusy:
            self._owed[subscription_id] = (snapshot_id, message_id)
            report.deferred += 1

    async def _already_posted(self, subscription: Subscription, marker: str) -> bool:
        """Whether a digest with this marker is among the channel's messages (by us) since the intent was recorded:
        newest first, back to the message that was the channel's last then, however busy the channel has been
        since (at most HISTORY_LOOKBACK messages)."""
        try:
            channel = self.bot.get_channel(subscription.channel_id) or await self.bot.fetch_channel(
                subscription.channel_id
            )
            async for message in channel.history(limit=HISTORY_LOOKBACK):  # type: ignore[union-attr]
                if subscription.sending_after_id is not None and message.id <= subscription.sending_after_id:
                    return False  # back before the intent: it was never sent
                mine = self.bot.user is not None and message.author.id == self.bot.user.id
                if mine and any((embed.url or "").endswith(f"#{marker}") for embed in message.embeds):
                    return True
        except discord.HTTPException as exc:
            log.warning("could not read channel %d to check for a digest: %s", subscription.channel_id, exc)
        return False

    async def post(
        self, subscription: Subscription, changes: ChangeSet, marker: str | None = None
    ) -> tuple[str, int | None]:
        """'sent' (with the message id), 'disabled' (the channel is gone or closed to us) or 'failed' (try again
        next time)."""
        lang = self.bot.store.guild_language(subscription.guild_id) or self.bot.settings.language or DEFAULT
        embed = render_digest(changes, marker, lang)  # in the server's language (`/language`)
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
            sent = await channel.send(content=content, embed=embed, allowed_mentions=mentions)  # type: ignore[union-attr]
        except (discord.Forbidden, discord.NotFound) as exc:
            reason = "admin.reason_gone" if isinstance(exc, discord.NotFound) else "admin.reason_forbidden"  # keys
            self.bot.store.disable_subscription(subscription.id, reason)
            log.warning("disabled subscription %d (channel %d): %s", subscription.id, subscription.channel_id, exc)
            return "disabled", None
        except discord.HTTPException as exc:
            log.warning("could not post to channel %d, will retry: %s", subscription.channel_id, exc)
            return "failed", None
        return "sent", sent.id
