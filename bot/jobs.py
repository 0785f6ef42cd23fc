"""The refresh schedule: one APScheduler job per live board, fetching it and announcing what changed.

Archived boards have no job. Jobs never overlap (max_instances=1), a missed run is not replayed
after downtime (coalesce, short misfire grace), and a jitter keeps many bots from hitting upstream together.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from .ingest import refresh
from .profiles import live_boards
from .sources import SourceError

if TYPE_CHECKING:
    from .chat.client import LeaderBot

log = logging.getLogger(__name__)

FIRST_RUN_DELAY = timedelta(seconds=30)


async def refresh_and_announce(bot: LeaderBot, board: str) -> None:
    """One run: fetch, store what is new, announce. An upstream failure stores and announces nothing."""
    try:
        report = await refresh(bot.store, board, bot.settings)
    except SourceError as exc:
        log.warning("refresh of %s failed, nothing stored or announced: %s", board, exc)
        return
    except Exception:  # a locked or full database: log it and keep the schedule alive for the next run
        log.exception("refresh of %s failed unexpectedly; nothing announced", board)
        return
    log.info("%s", report.summary())
    if report.created:
        bot.warm()  # build the new board now, not in the next user's question
    try:
        await bot.notifier.announce(board)
    except Exception:
        log.exception("announcing %s failed; the next run tries again", board)


def start_scheduler(bot: LeaderBot) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    for board in live_boards():
        scheduler.add_job(
            refresh_and_announce,
            "interval",
            args=[bot, board],
            id=f"refresh:{board}",
            minutes=bot.settings.refresh_minutes,
            jitter=60,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
            next_run_time=datetime.now(UTC) + FIRST_RUN_DELAY,
        )
    scheduler.start()
    return scheduler
