"""Sending watched-model updates: one DM per person per refresh with every change to the models they watch (a
channel's watches are posted in it), exactly once across restarts, from the process that owns their server.

The same rules as the channel digests (`bot.chat.notify`): the intent is recorded before the send (each watch's
`sending_snapshot_id`, the watcher's `sending` flag and numbered marker, and the last update sent them, where a
recovery stops looking back) and the message after it. Every intent of a refresh goes in one write and the
bookkeeping in a write per few sends, so the store sees a few commits per refresh, not two per person. A run that
stopped in between looks back through the DM channel for the update's marker (in its link's fragment) before
sending again; bookkeeping a locked store refuses is retried at the next run, never resent.

A refused DM (403: the person closed their DMs to the bot) pauses their watches and says so once in the channel
where they last ran a watch command; their next watch command resumes them (`Store.note_watcher`). A person's
updates go from the process that owns the server of their last watch command (`Settings.owns_guild`), so they get
one update per refresh however many servers they watch from, and two shard processes never both send it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from db.store import StoreBusy, Watch, Watcher

from ..core.i18n import category_shown, t
from ..core.text import age_text, board_of
from ..core.untrusted import printable, web_link
from ..core.watches import Pending, WatchedChange, WatchSteps, age_days, sorted_changes
from ..profiles import profile
from .context import server_language
from .embeds import DESCRIPTION_MAX, EMBED_TOTAL_MAX, TITLE_MAX, clip, escape
from .notify import sent_since

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

LOCK_WAIT_S = 0.2  # as the digests: bookkeeping on the event loop waits this long for another process's lock
BOOK_EVERY = 25  # sends between two writes of their bookkeeping
HISTORY_LOOKBACK = 200  # the most DM messages a recovery reads: a DM channel holds little but our updates
EMBEDS_MAX = 10  # per message (Discord)
FOOTER_ROOM = 100  # what each embed's footer may take of the message's 6,000 characters
WATCHES_MAX = 25  # per person (and per channel): a DM that stays readable


def watch_marker(watcher: Watcher, number: int) -> str:
    kind = "channel" if watcher.to_channel else "user"
    return f"leaderbot-watch-{kind}-{watcher.recipient_id}-{number}"


@dataclass
class WatchReport:
    sent: int = 0
    quiet: int = 0  # new boards, but nothing their thresholds let through
    paused: int = 0  # DMs closed (or the channel gone): told once, their watches paused
    failed: int = 0  # tried again at the next refresh
    recovered: int = 0  # found already sent (a run stopped between send and bookkeeping): not sent again
    deferred: int = 0  # sent, but the store was locked: the bookkeeping is retried, the update never resent


def change_line(change: WatchedChange, lang: str) -> str:
    """One change: the model, its old and new rank, its score (and interval, where the board gives one)."""
    before, after = change.before, change.after
    score = profile(change.board).score
    if change.type == "entered" and after is not None:
        move = t(lang, "events.debut", rank=after.rank)
    elif change.type == "left" and before is not None:
        move = t(lang, "events.off", old=before.rank)
    else:
        assert before is not None and after is not None
        move = t(lang, "events.moved", old=before.rank, new=after.rank)
        if change.type == "renamed" and before.rank == after.rank:
            move = t(lang, "events.still", rank=after.rank)
    shown = [s for s in (before, after) if s is not None]
    scores = " → ".join(score(s.score) for s in shown)
    last = shown[-1]
    interval = (
        ""
        if last.lower is None or last.upper is None
        else t(lang, "watch.interval", low=score(last.lower), high=score(last.upper))
    )
    was = t(lang, "events.was", old=printable(change.old_model)) if change.old_model else ""
    return t(lang, "watch.line", model=printable(change.model), was=was, move=move, scores=scores,
             interval=interval)  # fmt: skip


def render_update(
    changes: Sequence[WatchedChange], lang: str, marker: str | None, today: datetime
) -> list[discord.Embed]:
    """One embed (a few, past Discord's limits) with every change of the update, grouped by board, each board
    saying its date and age; `marker` goes in the first link's fragment, unseen, to find the update again."""
    blocks: list[str] = []
    current: tuple[str, str] | None = None
    for change in sorted_changes(list(changes)):
        if (change.board, change.category) != current:
            current = (change.board, change.category)
            p = profile(change.board)
            when = board_of(p.archived, change.to_date, lang) + age_text(age_days(change.to_date, today.date()), lang)
            blocks.append("\n" + t(lang, "watch.board", board=escape(p.title),
                                   category=escape(category_shown(change.category, lang)), when=when))  # fmt: skip
        blocks.append("• " + escape(change_line(change, lang)))
    pages: list[str] = [""]
    room = EMBED_TOTAL_MAX - TITLE_MAX - EMBEDS_MAX * FOOTER_ROOM  # the whole message's text, every embed's
    for block in blocks:
        if len(block) + 1 > room:
            pages[-1] += "\n" + t(lang, "digest.more")
            break
        if len(pages[-1]) + len(block) + 1 > DESCRIPTION_MAX - 100:
            pages.append("")
        pages[-1] = f"{pages[-1]}\n{block}".strip("\n")
        room -= len(block) + 1
    key = "watch.title_one" if len(changes) == 1 else "watch.title_many"
    title = clip(t(lang, key, count=len(changes)), TITLE_MAX)
    url = next((u for c in changes if (u := web_link(profile(c.board).url))), None)
    embeds = []
    for i, page in enumerate(pages[:EMBEDS_MAX]):
        link = f"{url}#{marker}" if url and marker and i == 0 else url
        embed = discord.Embed(title=title if i == 0 else None, description=page, url=link,
                              colour=discord.Colour.blurple())  # fmt: skip
        embed.set_footer(text=clip(t(lang, "watch.footer"), FOOTER_ROOM))
        embeds.append(embed)
    return embeds


class WatchNotifier:
    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        self._owed: dict[tuple[int, bool], tuple[Watcher, int | None]] = {}  # sent, bookkeeping not yet written
        self._announcing = asyncio.Lock()  # the refresh job and the look at the store may both announce

    def language(self, watcher: Watcher) -> str:
        """Their own (a slash command's locale), else their server's `/language`, else the bot's, else English."""
        return watcher.language or server_language(self.bot, watcher.guild_id)

    async def announce(self, boards: Iterable[str]) -> WatchReport:
        """Tell everyone on this process's shards who watches a model of `boards` what changed for it: one update
        per person, with every board of this refresh. One person failing never stops the others."""
        async with self._announcing:
            return await self._announce(list(boards))

    async def _announce(self, boards: list[str]) -> WatchReport:
        report = WatchReport()
        self._book([(watcher, message_id, True) for watcher, message_id in self._owed.values()], report)
        grouped: dict[tuple[int, bool], list[Watch]] = defaultdict(list)
        for watch in self.bot.store.watches(boards=boards):
            grouped[(watch.recipient_id, watch.to_channel)].append(watch)
        watchers = self.bot.store.watchers(grouped)
        steps = WatchSteps(self.bot.store)
        quiet: list[tuple[int, int, int]] = []
        updates: list[tuple[Watcher, list[WatchedChange], list[tuple[int, int, int]]]] = []
        for key, watches in grouped.items():
            watcher = watchers.get(key)
            if watcher is None or watcher.paused or key in self._owed:
                continue
            if not self.bot.settings.owns_guild(watcher.guild_id):
                continue  # another process's shard: it sends this one, from the same store
            try:
                owed = self.owed(await self._recover(watcher, boards, report) if watcher.sending else watches, steps)
            except Exception:
                log.exception("working out the watch update of %d failed", watcher.recipient_id)
                report.failed += 1
                continue
            if owed is not None and owed[0]:
                updates.append((watcher, *owed))
            elif owed is not None:
                quiet.extend(owed[1])
                report.quiet += 1
        if quiet:
            try:
                self.bot.store.advance_watches(quiet, wait_s=LOCK_WAIT_S)
            except StoreBusy:  # nothing was sent for them: worked out again next run
                log.info("store busy: %d quiet watch(es) move forward next run", len(quiet))
        if updates:
            await self._deliver(updates, report)
        if report.sent or report.paused or report.failed or report.recovered or report.deferred:
            log.info("watch updates for %s: %s", ", ".join(boards), report)
        return report

    def owed(
        self, watches: Iterable[Watch], steps: WatchSteps
    ) -> tuple[list[WatchedChange], list[tuple[int, int, int]]] | None:
        """What one recipient is owed now: the changes to tell them and the bookkeeping that follows (watch,
        snapshot, model identity); None when every watch is up to date."""
        pendings = [p for w in watches if (p := steps.pending(w)) is not None]
        if not pendings:
            return None
        return [p.change for p in pendings if p.change is not None], self.plans(pendings)

    def plans(self, pendings: Iterable[Pending]) -> list[tuple[int, int, int]]:
        """(watch, snapshot, model identity after it) for each pending watch: a renamed model's new identity."""
        out = []
        for p in pendings:
            model_id = p.watch.model_id
            if p.model_key != p.watch.model_key:
                model_id = self.bot.store.model_ids(p.watch.board, [p.model_key]).get(p.model_key, model_id)
            out.append((p.watch.id, p.snapshot_id, model_id))
        return out

    async def _deliver(
        self, updates: list[tuple[Watcher, list[WatchedChange], list[tuple[int, int, int]]]], report: WatchReport
    ) -> None:
        """Every intent in one write before the first send, then one send per person, their bookkeeping written
        every BOOK_EVERY sends: a few commits per refresh, not two per person. A stop in between leaves intents
        whose updates the next run finds (or not) in the DM channel."""
        try:
            numbers = self.bot.store.begin_watch_deliveries([(w, plans) for w, _, plans in updates], wait_s=LOCK_WAIT_S)
        except StoreBusy:
            report.failed += len(updates)  # nothing sent: the next run tries again
            return
        now = self.bot.answerer.now()
        outcomes: list[tuple[Watcher, int | None, bool]] = []
        for watcher, changes, _ in updates:
            try:
                message_id = await self._send(watcher, changes, numbers[watcher.key], now, report)
            except Exception:  # its intent stands: the next run's recovery looks for it before sending again
                log.exception("watch update to %d failed", watcher.recipient_id)
                report.failed += 1
                continue
            outcomes.append((watcher, message_id, message_id is not None))
            if len(outcomes) >= BOOK_EVERY:
                self._book(outcomes, report)
                outcomes = []
        self._book(outcomes, report)

    async def _send(
        self, watcher: Watcher, changes: list[WatchedChange], number: int, now: datetime, report: WatchReport
    ) -> int | None:
        """Send one update; the message id, or None when it did not go out (refused: paused, said so once)."""
        destination = await self._destination(watcher)
        if destination is None:
            await self._pause(watcher, report)
            return None
        embeds = render_update(changes, self.language(watcher), watch_marker(watcher, number), now)
        try:
            sent = await destination.send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none())
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("watch update to %d refused, pausing: %s", watcher.recipient_id, exc)
            await self._pause(watcher, report)
            return None
        except discord.HTTPException as exc:
            log.warning("could not send a watch update to %d, will retry: %s", watcher.recipient_id, exc)
            report.failed += 1
            return None
        report.sent += 1
        return sent.id

    def _book(self, outcomes: list[tuple[Watcher, int | None, bool]], report: WatchReport) -> None:
        """Record deliveries; with the store locked by another process, the sent ones are remembered and written
        next run (never resent), the others left to the next run's recovery."""
        if not outcomes:
            return
        try:
            self.bot.store.finish_watch_deliveries(outcomes, wait_s=LOCK_WAIT_S)
        except StoreBusy:
            for watcher, message_id, sent in outcomes:
                if sent:
                    self._owed[watcher.key] = (watcher, message_id)
                    report.deferred += 1
            return
        for watcher, _, _ in outcomes:
            self._owed.pop(watcher.key, None)

    async def _recover(self, watcher: Watcher, boards: list[str], report: WatchReport) -> list[Watch]:
        """A run stopped between an update's intent and its bookkeeping: if the update is in the DM channel, it
        went out (its watches move forward), else it never did. Their watches of `boards`, as they now stand."""
        found = await self._already_sent(watcher, watch_marker(watcher, watcher.deliveries))
        self.bot.store.finish_watch_deliveries([(watcher, None, found)])
        if found:
            report.recovered += 1
        wanted = set(boards)
        return [
            w
            for w in self.bot.store.watches(recipient_id=watcher.recipient_id, to_channel=watcher.to_channel)
            if w.board in wanted
        ]

    async def _already_sent(self, watcher: Watcher, marker: str) -> bool:
        """Whether an update with this marker is among our messages there since the intent was recorded."""
        destination = await self._destination(watcher)
        if destination is None:
            return False
        try:
            return await sent_since(destination, self.bot.user, marker, watcher.sending_after_id, HISTORY_LOOKBACK)
        except discord.HTTPException as exc:
            log.warning("could not read the updates sent to %d: %s", watcher.recipient_id, exc)
        return False

    async def _destination(self, watcher: Watcher) -> discord.abc.Messageable | None:
        """The person's DM channel, or the watching channel; None when Discord says it is gone or closed."""
        try:
            if watcher.to_channel:
                found = self.bot.get_channel(watcher.recipient_id) or await self.bot.fetch_channel(watcher.recipient_id)
                return found if isinstance(found, discord.abc.Messageable) else None
            user = self.bot.get_user(watcher.recipient_id) or await self.bot.fetch_user(watcher.recipient_id)
            return user.dm_channel or await user.create_dm()
        except (discord.Forbidden, discord.NotFound):
            return None

    async def _pause(self, watcher: Watcher, report: WatchReport) -> None:
        """Pause their watches, then say so once where they last ran a watch command (no ping)."""
        self.bot.store.pause_watcher(watcher)
        report.paused += 1
        if watcher.last_channel_id is None:
            return
        lang = self.language(watcher)
        if watcher.to_channel:
            text = t(lang, "watch.channel_closed", channel=f"<#{watcher.recipient_id}>")
        else:
            text = t(lang, "watch.dm_closed", user=f"<@{watcher.recipient_id}>")
        try:
            channel = self.bot.get_channel(watcher.last_channel_id) or await self.bot.fetch_channel(
                watcher.last_channel_id
            )
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())  # type: ignore[union-attr]
        except discord.HTTPException as exc:
            log.info("could not tell %d their watches are paused: %s", watcher.recipient_id, exc)
