"""Posting change digests to subscribed channels, once per snapshot per channel, across restarts.

Each subscription remembers the newest snapshot it has been told about (`last_snapshot_id`, in SQLite). A digest
compares that snapshot with the board's newest accepted one, so after downtime a channel gets one digest of
everything it missed, not a backlog; rejected (broken) snapshots are never the newest accepted one.

Exactly once, as far as Discord allows: the intent is recorded before a send (`sending_snapshot_id`) and the
message after it, with the channel's last message id at the time. When the run stops in between (a crash, or a store
another process holds locked), the next run looks back through the channel as far as that message for the digest's
marker (in its link's fragment) before sending again, however many messages came since.
Bookkeeping from the event loop waits only briefly for the lock; what it cannot write is retried, never resent.

A weekly subscription gets no digest per change: `announce_weekly` (a scheduled look every few minutes, in every
process, for its own shards) sends it one summary of the week once its weekday and hour have come (`due_at`),
with its top 5's history chart, under the same rules: the intent (the due time and the snapshot) before the send,
the due time served after it, and a look for the summary's marker before sending again.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from db.store import StoreBusy, Subscription

from ..charts import NoHistoryError, render_top_history_png_async
from ..core.changes import ChangeSet, changes_between
from ..core.snapshots import reader
from ..core.weekly import WeeklySummary, due_at, weekly_summary
from ..profiles import profile
from .context import permissions_in, server_language
from .embeds import render_digest, render_weekly

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

LOCK_WAIT_S = 0.2  # how long bookkeeping on the event loop waits for another process's write lock
# The most messages a recovery reads looking for a digest that may have gone out before a crash: it stops at the
# channel's last message when the intent was recorded, and this bounds a channel where that one is not known.
HISTORY_LOOKBACK = 1000


def carries_marker(message: discord.Message, marker: str) -> bool:
    """Whether a message is the one a marker names: the marker is its first embed's link fragment."""
    return any((embed.url or "").endswith(f"#{marker}") for embed in message.embeds)


async def sent_since(
    channel: discord.abc.Messageable, me: discord.abc.User | None, marker: str, after_id: int | None, limit: int
) -> bool:
    """Whether one of our messages in `channel` carries the marker: newest first, back to `after_id` (the
    channel's last message when the intent was recorded; None: as far as `limit` messages). How a run that stopped
    between a send and its bookkeeping learns whether the send happened. Discord's errors are the caller's."""
    async for message in channel.history(limit=limit):
        if after_id is not None and message.id <= after_id:
            return False  # back before the intent: it was never sent
        if me is not None and message.author.id == me.id and carries_marker(message, marker):
            return True
    return False


def digest_marker(subscription_id: int, snapshot_id: int) -> str:
    return f"leaderbot-digest-{subscription_id}-{snapshot_id}"


def weekly_marker(subscription_id: int, snapshot_id: int) -> str:
    return f"leaderbot-weekly-{subscription_id}-{snapshot_id}"


WEEKLY_CHART = "week.png"


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
        # weekly subscription -> (due time, snapshot, message) of a summary sent but not yet recorded
        self._owed_weekly: dict[int, tuple[str, int | None, int | None]] = {}
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
            if subscription.weekly:
                continue  # one summary a week instead (`announce_weekly`)
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
            return await sent_since(channel, self.bot.user, marker, subscription.sending_after_id, HISTORY_LOOKBACK)  # type: ignore[arg-type]
        except discord.HTTPException as exc:
            log.warning("could not read channel %d to check for a digest: %s", subscription.channel_id, exc)
        return False

    async def post(
        self, subscription: Subscription, changes: ChangeSet, marker: str | None = None
    ) -> tuple[str, int | None]:
        """'sent' (with the message id), 'disabled' (the channel is gone or closed to us) or 'failed' (try again
        next time)."""
        embed = render_digest(changes, marker, self._language(subscription))  # the server's language (`/language`)
        return await self._send(subscription, embed)

    def _language(self, subscription: Subscription) -> str:
        return server_language(self.bot, subscription.guild_id)

    async def _send(
        self,
        subscription: Subscription,
        embed: discord.Embed,
        attach: Callable[[Any], Awaitable[list[discord.File]]] | None = None,
    ) -> tuple[str, int | None]:
        """Post one embed (with the files `attach` makes for the channel) where the subscription says, pinging its
        role alone if it has one: 'sent' with the message id, 'disabled' (the channel is gone or closed to us: the
        subscription is switched off) or 'failed' (try again next time)."""
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
            files = {"files": await attach(channel)} if attach is not None else {}
            sent = await channel.send(content=content, embed=embed, allowed_mentions=mentions, **files)  # type: ignore[union-attr]
        except (discord.Forbidden, discord.NotFound) as exc:
            reason = "admin.reason_gone" if isinstance(exc, discord.NotFound) else "admin.reason_forbidden"  # keys
            self.bot.store.disable_subscription(subscription.id, reason)
            log.warning("disabled subscription %d (channel %d): %s", subscription.id, subscription.channel_id, exc)
            return "disabled", None
        except discord.HTTPException as exc:
            log.warning("could not post to channel %d, will retry: %s", subscription.channel_id, exc)
            return "failed", None
        return "sent", sent.id

    # --- weekly summaries -------------------------------------------------------------------------------------

    async def announce_weekly(self, now: datetime | None = None) -> AnnounceReport:
        """Send every weekly summary that is due (its weekday and hour have come, `now` by default the clock) to
        the subscriptions of this process's shards, once each."""
        now = now or datetime.now(UTC)
        async with self._announcing:
            report = AnnounceReport()
            for subscription_id, (due, snapshot_id, message_id) in list(self._owed_weekly.items()):
                self._book_weekly(subscription_id, due, snapshot_id, message_id, report)
            for subscription in self.bot.store.subscriptions(enabled=1):
                if not subscription.weekly or not self.bot.settings.owns_guild(subscription.guild_id):
                    continue
                if subscription.id in self._owed_weekly:
                    continue  # sent already; only its bookkeeping waits for the store
                try:
                    await self._weekly_one(subscription, now, report)
                except Exception:
                    log.exception("the weekly summary of %s to channel %d failed", subscription.board,
                                  subscription.channel_id)  # fmt: skip
                    report.failed += 1
            if report.sent or report.disabled or report.failed or report.recovered or report.deferred:
                log.info("weekly summaries: %s", report)
            self.bot.metrics.announced(report)
            return report

    async def _weekly_one(self, subscription: Subscription, now: datetime, report: AnnounceReport) -> None:
        assert subscription.weekly_day is not None and subscription.weekly_hour is not None
        due = due_at(subscription.weekly_day, subscription.weekly_hour, now).isoformat(timespec="seconds")
        if subscription.weekly_done is not None and subscription.weekly_done >= due:
            return  # this week's is served (or the subscription began after it was due)
        sending = subscription.sending_snapshot_id
        if sending is not None and await self._already_posted(subscription, weekly_marker(subscription.id, sending)):
            was_due = subscription.weekly_sending or due
            self._book_weekly(subscription.id, was_due, sending, None, report)  # it went out before a stop
            report.recovered += 1
            if was_due >= due:
                return
            subscription = replace(subscription, last_snapshot_id=sending, sending_snapshot_id=None)
        store = self.bot.store
        newest = reader(store).latest(subscription.board, subscription.category)
        told = store.snapshot(subscription.last_snapshot_id) if subscription.last_snapshot_id else None
        if newest is None or (told is not None and (told.as_of, told.id) >= (newest.as_of, newest.id)):
            self._book_weekly(subscription.id, due, None, None, report)  # no new board all week: nothing to say
            report.quiet += 1
            return
        summary = weekly_summary(store, told, newest, top_n=subscription.top_n, min_move=subscription.min_move)
        channel = self.bot.get_channel(subscription.channel_id)
        last_seen = getattr(channel, "last_message_id", None)
        try:
            store.begin_weekly(subscription.id, newest.id, due, after_id=last_seen, wait_s=LOCK_WAIT_S)
        except StoreBusy:
            report.failed += 1  # nothing sent: the next look tries again
            return
        outcome, message_id = await self.post_weekly(subscription, summary, weekly_marker(subscription.id, newest.id))
        if outcome == "sent":
            self._book_weekly(subscription.id, due, newest.id, message_id, report)
            report.sent += 1
        elif outcome == "disabled":
            report.disabled.append(subscription.id)
        else:
            report.failed += 1

    def _book_weekly(
        self, subscription_id: int, due: str, snapshot_id: int | None, message_id: int | None, report: AnnounceReport
    ) -> None:
        """Record a weekly summary served; with the store locked by another process, try again next look."""
        try:
            self.bot.store.mark_weekly(subscription_id, due, snapshot_id, message_id, wait_s=LOCK_WAIT_S)
            self._owed_weekly.pop(subscription_id, None)
        except StoreBusy:
            self._owed_weekly[subscription_id] = (due, snapshot_id, message_id)
            report.deferred += 1

    async def post_weekly(
        self, subscription: Subscription, summary: WeeklySummary, marker: str
    ) -> tuple[str, int | None]:
        """The week's summary with its chart (drawn in a worker thread; left out where files may not be sent or
        nothing can be drawn): 'sent' with the message id, 'disabled' or 'failed', as `post`."""
        lang = self._language(subscription)
        embed = render_weekly(summary, marker, lang)

        async def chart(channel: Any) -> list[discord.File]:
            me = getattr(getattr(channel, "guild", None), "me", None)
            if not permissions_in(channel, me)[1]:
                return []
            board = profile(summary.board)
            try:
                png = await render_top_history_png_async(
                    summary.top, first_date=summary.chart_since, board_title=board.title,
                    score_label=board.score.label, lang=lang,
                )  # fmt: skip
            except NoHistoryError:
                return []  # the summary in words says the week
            embed.set_image(url=f"attachment://{WEEKLY_CHART}")
            return [discord.File(io.BytesIO(png), filename=WEEKLY_CHART)]

        return await self._send(subscription, embed, chart)
