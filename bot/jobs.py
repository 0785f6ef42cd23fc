"""The refresh schedule: one APScheduler job per upstream dataset, fetching its live boards and announcing what
changed.

One job per dataset (not per board), because one request to the Hub tells about every board of a dataset; its
boards are looked up at each run, so an arena found upstream (a config no profile names) is refreshed from then on.
The Hub's benchmark boards are one job (`hub`): one request lists the benchmarks, then each is fetched; a benchmark
the Hub adds is fetched from its first listing on. Archived boards have no job.
Jobs never overlap (max_instances=1), a missed run is not replayed after downtime
(coalesce, short misfire grace), and a jitter keeps many bots from hitting upstream together.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.store import StoreBusy

from .ingest import register_boards
from .profiles import live_boards, profile
from .profiles.hub import FAMILY
from .refresh import refresh

if TYPE_CHECKING:
    from .chat.client import LeaderBot

log = logging.getLogger(__name__)

FIRST_RUN_DELAY = timedelta(seconds=30)
STORE_LOOK_SECONDS = 60  # how often every process looks for boards another process stored
WEEKLY_LOOK_MINUTES = 5  # how often every process looks for weekly summaries that have come due


def is_refresher(bot: LeaderBot) -> bool:
    """Whether this process fetches upstream now. On a store shared past one machine (PostgreSQL), whoever holds
    its refresher lock: every process runs the refresh jobs, and each run asks, so a dead refresher's lock passes
    to the next process whose run comes, within one refresh interval. Otherwise LEADERBOT_REFRESHER says."""
    if bot.store.elects_refresher:
        return bot.store.claim_refresher()
    return bot.settings.refresher


async def refresh_dataset(bot: LeaderBot, dataset: str) -> bool:
    """The scheduled run for one dataset: its live boards as of now, and any new config it publishes (for the Hub's
    benchmarks, any new benchmark). Returns whether this process was the refresher and ran it."""
    if not is_refresher(bot):
        log.debug("refresh of %s left to the refresher", dataset)
        return False
    boards = [FAMILY] if dataset == FAMILY else jobs(bot.settings.follows_hub).get(dataset, [])
    await refresh_and_announce(bot, boards, discover=True)
    return True


async def refresh_and_announce(bot: LeaderBot, boards: Sequence[str], *, discover: bool = False) -> None:
    """One run: fetch, store what is new, announce each board that changed. An upstream failure stores and
    announces nothing for that board; one board failing never stops the others."""
    started = time.perf_counter()
    try:
        reports = await refresh(bot.store, boards, bot.settings, discover=discover)
    except Exception:  # a locked or full database: log it and keep the schedule alive for the next run
        log.exception("refresh of %s failed unexpectedly; nothing announced", ", ".join(boards))
        bot.metrics.refreshed(boards, None, time.perf_counter() - started)
        return
    bot.metrics.refreshed(boards, reports, time.perf_counter() - started)
    changed = []
    for report in reports:
        if report.outcome == "failed":
            log.warning("refresh of %s failed, nothing stored or announced: %s", report.board, report.detail)
        else:
            log.info("%s", report.summary())
        if report.ingest is not None and report.ingest.created:
            changed.append(report.board)
    if changed:
        await bot.warm_async()  # build the new boards now (off the loop), not in the next user's question
    for board in changed:
        try:
            await bot.notifier.announce(board)
        except Exception:
            log.exception("announcing %s failed; the next run tries again", board)
    await announce_watches(bot, changed)
    await update_live(bot, changed)


async def update_live(bot: LeaderBot, boards: Sequence[str]) -> None:
    """Edit the live boards of each board with a new snapshot, once each (`bot.chat.live`): after the digests,
    on its own, so a failing edit never holds a digest back."""
    for board in boards:
        try:
            await bot.live.update(board)
        except Exception:
            log.exception("updating the live %s boards failed; the next new board tries again", board)


async def post_weekly(bot: LeaderBot, now: datetime | None = None) -> None:
    """Send the weekly summaries that have come due on this process's shards (`Notifier.announce_weekly`)."""
    try:
        await bot.notifier.announce_weekly(now)
    except Exception:
        log.exception("the weekly summaries failed; the next look tries again")


def jobs(hub: bool = True) -> dict[str, list[str]]:
    """Upstream dataset -> its live boards: what one scheduled job refreshes; the Hub's benchmarks, a family of
    datasets, are the one job `hub` (with `hub`, the setting that they are followed)."""
    found: dict[str, list[str]] = {FAMILY: []} if hub else {}
    for board in live_boards():
        family = profile(board).family
        if not family:
            found.setdefault(profile(board).upstream.dataset, []).append(board)
        elif hub:
            found[family].append(board)
    return found


async def announce_stored(bot: LeaderBot) -> list[str]:
    """Announce the boards whose newest accepted snapshot changed since this process last looked, whoever stored
    it: the refresher process, or `leaderbot refresh`/`ingest` from a shell. Every process runs this, so each
    posts the digests of its own shards; the first run catches up on what arrived while it was down. Returns the
    boards announced. Boards another process found upstream (a new Hub benchmark) are registered first, so this
    process answers and announces them too."""
    with contextlib.suppress(StoreBusy):  # the next look registers them
        register_boards(bot.store)
    reader = bot.answerer.reader
    held = reader.newest_accepted()
    newest = {board: held.get(board, 0) for board in live_boards()}
    changed = [board for board, snapshot_id in newest.items() if bot.announced_upto.get(board) != snapshot_id]
    if not changed:
        return []
    if bot.announced_upto:  # new boards since the last look: build them off the loop before anyone asks
        await bot.warm_async()
    for board in changed:
        try:
            await bot.notifier.announce(board)
        except Exception:
            log.exception("announcing %s failed; the next look tries again", board)
            newest.pop(board)
    await announce_watches(bot, changed)
    await update_live(bot, changed)
    bot.announced_upto.update(newest)
    return changed


async def announce_watches(bot: LeaderBot, boards: Sequence[str]) -> None:
    """The watched models' updates for the boards one refresh (or one look) changed: one per person for all of
    them, after the channel digests. A failure is logged; what was not sent is owed at the next run."""
    if not boards:
        return
    try:
        await bot.watch_notifier.announce(boards)
    except Exception:
        log.exception("watch updates for %s failed; the next run tries again", ", ".join(boards))


def start_scheduler(bot: LeaderBot) -> AsyncIOScheduler:
    """The refresher fetches each dataset on its schedule (on PostgreSQL every process has the jobs, and a run
    goes on in the one holding the refresher lock: `is_refresher`); every process (the refresher too) looks at the
    store every minute for boards another process stored, and announces them to its own shards, and every few
    minutes for weekly summaries that have come due on its shards."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        announce_stored,
        "interval",
        args=[bot],
        id="announce-stored",
        seconds=STORE_LOOK_SECONDS,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=STORE_LOOK_SECONDS,
        next_run_time=datetime.now(UTC) + FIRST_RUN_DELAY,
    )
    scheduler.add_job(
        post_weekly,
        "interval",
        args=[bot],
        id="weekly-summaries",
        minutes=WEEKLY_LOOK_MINUTES,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=WEEKLY_LOOK_MINUTES * 60,
        next_run_time=datetime.now(UTC) + FIRST_RUN_DELAY,
    )
    if not bot.settings.refresher and not bot.store.elects_refresher:
        scheduler.start()
        return scheduler
    for dataset in jobs(bot.settings.follows_hub):
        scheduler.add_job(
            refresh_dataset,
            "interval",
            args=[bot, dataset],
            id=f"refresh:{dataset}",
            minutes=bot.settings.refresh_minutes,
            jitter=60,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
            next_run_time=datetime.now(UTC) + FIRST_RUN_DELAY,
        )
    scheduler.start()
    return scheduler
