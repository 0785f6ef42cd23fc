"""The Discord client: `LeaderBot`, the `build_bot` factory, and `run_bot` for `leaderbot run`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from db.engine import is_postgres
from db.store import Store

from ..core.answers import Answerer
from ..core.boards import BoardView
from ..core.snapshots import SnapshotReader
from ..ingest import open_store
from ..jobs import start_scheduler
from ..profiles import PROFILES, profile
from ..settings import Settings
from .context import LeaderContext
from .fair_use import FairUse
from .health import HealthServer
from .live import LiveBoards
from .metrics import BotMetrics, LiveState
from .notify import Notifier
from .translator import CatalogueTranslator
from .watches import WatchNotifier

log = logging.getLogger(__name__)

# Leaderbot never joins voice: don't warn at every start that voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

COGS = (
    "bot.chat.cogs.errors",
    "bot.chat.cogs.ask",
    "bot.chat.cogs.alerts",
    "bot.chat.cogs.server",
    "bot.chat.cogs.watch",
    "bot.chat.cogs.live",
)


# How long a write from the bot (its event loop) waits for another process's write lock before giving up: the
# command says the store is busy, the refresh job tries again at its next run.
STORE_WAIT_S = 2.0
NO_FULL_COLLECTION = 10**9  # generation-1 collections before a full one: never, while boards are built


class LeaderBot(commands.Bot):
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        scheduler: bool = False,
        owns_store: bool = False,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()
        intents.members = False
        intents.presences = False
        # Prefix commands need the privileged Message Content intent; mentions and slash commands do not.
        intents.message_content = settings.prefix_commands
        prefix = (
            commands.when_mentioned_or(settings.command_prefix) if settings.prefix_commands else commands.when_mentioned
        )
        super().__init__(
            command_prefix=prefix,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            case_insensitive=True,
            **options,
        )
        self.store = store
        store.write_wait_s = STORE_WAIT_S  # never hold the event loop long for another process's write lock
        self.settings = settings
        self.answerer = Answerer(
            store, default_board=settings.default_board, stale_after_minutes=settings.stale_after_minutes
        )
        self.notifier = Notifier(self)
        self.watch_notifier = WatchNotifier(self)  # watched models' updates, per person (bot.chat.watches)
        self.live = LiveBoards(self)  # the live boards' messages, edited at each new snapshot
        self.fair_use = FairUse()
        self._building = asyncio.Lock()  # one `warm_async` at a time (the refresh job and the look at the store)
        self.metrics = BotMetrics(self.live_state)
        self.health_server = HealthServer(self) if settings.http_port is not None else None
        self.announced_upto: dict[str, int] = {}  # live board -> newest accepted snapshot announced (see jobs)
        self.wants_scheduler = scheduler
        self.scheduler: AsyncIOScheduler | None = None
        self._owns_store = owns_store

    async def get_context(  # type: ignore[override]
        self, origin: discord.Message | discord.Interaction, /, *, cls: type[commands.Context[Any]] = LeaderContext
    ) -> Any:
        """Every command gets a `LeaderContext`, hybrid commands invoked as slash commands too; it notes when the
        question arrived, for the answer latency in /metrics."""
        ctx = await super().get_context(origin, cls=cls)
        ctx.started = time.perf_counter()
        return ctx

    def live_state(self) -> LiveState:
        """The gateway per shard, the servers, the subscriptions and each live board's last fetch, as now."""
        if isinstance(self, commands.AutoShardedBot):
            gateway = {shard_id: (not info.is_closed(), info.latency) for shard_id, info in self.shards.items()}
        else:
            ws = self.ws
            gateway = {self.shard_id or 0: (ws is not None and ws.open and not self.is_closed(), self.latency)}
        counts = {"enabled": 0, "disabled": 0}
        for subscription in self.store.subscriptions():
            counts["enabled" if subscription.enabled else "disabled"] += 1
        checked = self.store.checked_at()
        refreshed = {board: checked.get(board) for board, p in PROFILES.items() if not p.archived}
        return LiveState(self.shard_count or 1, gateway, len(self.guilds), counts, refreshed)

    async def setup_hook(self) -> None:
        if self.health_server is not None:  # first: a health check can tell "starting" from "not there"
            await self.health_server.start(self.settings.http_host, self.settings.http_port or 0)
        self.add_check(self.fair_use.check)
        for cog in COGS:
            await self.load_extension(cog)
        await self.tree.set_translator(CatalogueTranslator())  # names and descriptions per locale, at sync
        # Build the in-memory boards now, before any event arrives, so the first question
        # is answered at full speed.
        self.warm()
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands%s", len(synced), " to the dev guild" if self.settings.dev_guild_id else "")
        if self.wants_scheduler:
            self.scheduler = start_scheduler(self)

    def warm(self) -> None:
        """Build the boards, then move them out of the garbage collector's sight: they live until the next
        refresh, and a full collection that walks them stalls the event loop (see BENCHMARKS.md, "Discord bot").
        Dropped boards are still freed by reference counting."""
        self.answerer.warm()
        gc.collect()
        gc.freeze()

    async def warm_async(self) -> None:
        """`warm` after a refresh, with the building of each board in a worker thread: the event loop (the
        gateway heartbeat, other answers) keeps going while a large board is built. A new board's rows are read
        in the worker too, through a connection of its own (the store's belongs to the loop's thread)."""
        # No full collection while boards are built: one that starts in the worker holds the GIL, and so the loop,
        # for as long as it walks the heap (50-200 ms mid-build). The young generations are still collected (each
        # walk is short), so garbage cycles made meanwhile are freed; the new boards, which survive, are then moved
        # out of the collector's sight unwalked, like `warm`'s. What an old board leaves is freed by reference
        # counting (a board holds no reference cycles). One build at a time: the thresholds are shared.
        async with self._building:
            thresholds = gc.get_threshold()
            gc.set_threshold(thresholds[0], thresholds[1], NO_FULL_COLLECTION)
            try:
                await self._build_boards(self.answerer.reader)
                gc.collect(1)  # the young generations: a short walk, since young collections ran throughout
                gc.freeze()
            finally:
                gc.set_threshold(*thresholds)

    async def _build_boards(self, reader: SnapshotReader) -> None:
        for board in list(PROFILES):  # a refresh may register a board while this one awaits its build
            snapshot = reader.latest(board, profile(board).default_category)
            if snapshot is not None and not reader.has_rows(snapshot):  # read in a worker thread, on its own
                reader.prime(*await asyncio.to_thread(reader.read_elsewhere, snapshot))
            parts = self.answerer.view_parts(board)
            if parts is not None and parts[1] is not None:
                key, build = parts
                self.answerer.install(key, await asyncio.to_thread(_warmed, build))
            await asyncio.sleep(0)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.health_server is not None:
            await self.health_server.stop()
        await super().close()
        if self._owns_store:
            self.store.close()
        gc.unfreeze()  # hand what warm() froze back to the collector: the bot's own cycles must be freeable


class ShardedLeaderBot(LeaderBot, commands.AutoShardedBot):
    """The bot over discord.py's AutoShardedBot: `SHARD_COUNT` shards, of which this process runs `SHARD_IDS`
    (one gateway connection each, one event loop for all). Everything else is `LeaderBot`'s; the notifier posts
    only the digests of this process's shards (`Settings.owns_guild`)."""

    def __init__(self, store: Store, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            store, settings, shard_count=settings.shard_count, shard_ids=list(settings.own_shards), **kwargs
        )


def build_bot(settings: Settings | str | Path, *, scheduler: bool = False, **overrides: Any) -> LeaderBot:
    """The one way to make the bot, for the CLI, the tests and anyone embedding it: from `Settings`, or from a
    store path plus overrides as the short form (`build_bot("x.db", prefix_commands=False)`). Opens (and seeds,
    if empty) the store but no network connection; nothing talks to Discord until the bot is started."""
    if isinstance(settings, Settings):
        values = settings
    elif is_postgres(settings):
        values = Settings(database_url=str(settings))
    else:
        values = Settings(db_path=Path(settings))
    values = values.with_overrides(**overrides)
    store = open_store(values.store_location)
    kind = LeaderBot if values.shard_count is None else ShardedLeaderBot
    return kind(store, values, scheduler=scheduler, owns_store=True)


def failure_message(exc: BaseException) -> str | None:
    """One line for a failure at the edge with Discord (login, gateway), or None for a bug of ours."""
    if isinstance(exc, discord.LoginFailure) or (isinstance(exc, discord.ConnectionClosed) and exc.code == 4004):
        return "Discord rejected the token: check DISCORD_TOKEN (Bot tab of your application)"
    if isinstance(exc, discord.PrivilegedIntentsRequired) or (
        isinstance(exc, discord.ConnectionClosed) and exc.code == 4014
    ):
        return (
            "Discord refused the Message Content intent: enable it on the Bot tab of your application,"
            " or set LEADERBOT_PREFIX_COMMANDS=false to run with mentions and slash commands only"
        )
    if isinstance(exc, discord.ConnectionClosed):
        return f"Discord closed the connection (code {exc.code}: {exc.reason or 'no reason given'}); try again later"
    if isinstance(exc, discord.DiscordServerError):
        return f"Discord answered {exc.status} (a problem on Discord's side); try again in a few minutes"
    if isinstance(exc, aiohttp.ClientError | OSError | discord.GatewayNotFound):
        return f"cannot reach Discord ({type(exc).__name__}); check the network and try again"
    return None


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM, then close cleanly. Returns the process exit status."""
    bot = build_bot(settings, scheduler=True)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows has no add_signal_handler
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(settings.discord_token or "")

    try:
        asyncio.run(main())
    except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
        message = failure_message(exc)
        if message is None:
            raise
        log.error(message)
        return 1
    return 0


def _warmed(build: Callable[[], BoardView]) -> BoardView:
    """A board built with its name index and links, in the worker thread that builds it."""
    return build().warmed()
