"""The optional HTTP listener: /healthz for a container's health check or a load balancer, /metrics for Prometheus.

Off unless LEADERBOT_HTTP_PORT is set, and bound to 127.0.0.1 unless LEADERBOT_HTTP_HOST says otherwise: it tells
how many servers and subscriptions the bot has, which is nobody else's business. It runs on the bot's event loop
(aiohttp, already a dependency of discord.py), so a stalled loop shows as a health check that times out.

/healthz is 200 while the gateway is connected and the store takes writes, else 503, with the facts as JSON,
the age of each live board's last fetch among them. Whether the store takes writes is probed off the loop and at
most once a second (`StoreProbe`); what went wrong is logged, never put in the answer. A stale board does not
make it 503: restarting the bot does not bring upstream back, and the answers keep saying how old their data is.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from db.store import StoreBusy

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

STORE_PROBE_WAIT_S = 0.5  # how long the probe waits for another process's write lock before calling it unwritable
STORE_PROBE_EVERY_S = 1.0  # at most one probe per this long (timed by perf_counter, a clock nothing simulates)
BUSY = {"writable": False, "detail": "another process holds the write lock"}
UNWRITABLE = {"writable": False, "detail": "the store takes no writes; the bot's log says why"}


class StoreProbe:
    """Whether the store takes writes, found out in a worker thread on a connection of its own, at most once per
    STORE_PROBE_EVERY_S; health checks arriving meanwhile share the probe under way or its result. So a check
    never holds the event loop (the gateway's heartbeat, answers, digests), however long another process holds
    the write lock, and a flood of checks costs one probe."""

    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        self._state: dict[str, Any] = {"writable": False, "detail": "not checked yet"}
        self._checked = -math.inf
        self._probing: asyncio.Task[None] | None = None

    async def state(self) -> dict[str, Any]:
        if self._probing is None and time.perf_counter() - self._checked >= STORE_PROBE_EVERY_S:
            self._probing = asyncio.ensure_future(self._probe())
        if self._probing is not None:
            await asyncio.shield(self._probing)  # a check that gives up does not cancel the others' probe
        return self._state

    async def _probe(self) -> None:
        try:
            await asyncio.to_thread(self.bot.store.probe_write_elsewhere, wait_s=STORE_PROBE_WAIT_S)
            self._state = {"writable": True}
        except StoreBusy:
            self._state = BUSY
        except Exception:  # a read-only file, a full or vanished disk: told in the log, never in the answer
            if self._state is not UNWRITABLE:
                log.warning("the store at %s takes no writes", self.bot.store.path, exc_info=True)
            self._state = UNWRITABLE
        finally:
            self._checked = time.perf_counter()
            self._probing = None


def health(bot: LeaderBot, store: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether the bot is healthy, and why (or why not), as JSON-ready facts; `store` is the probe's last word."""
    state = bot.live_state()
    gateway = {
        str(shard): {"connected": up, "latency_ms": round(seconds * 1000, 1) if math.isfinite(seconds) else None}
        for shard, (up, seconds) in sorted(state.gateway.items())
    }
    connected = bot.is_ready() and not bot.is_closed() and bool(state.gateway) and all(
        up for up, _ in state.gateway.values()
    )  # fmt: skip
    now = datetime.now(UTC)
    stale_after = bot.settings.stale_after_minutes * 60
    boards = {}
    for board, checked in sorted(state.refreshed.items()):
        age = None if checked is None else round((now - datetime.fromisoformat(checked)).total_seconds())
        boards[board] = {"last_refresh": checked, "age_s": age, "stale": age is None or age > stale_after}
    healthy = connected and store["writable"]
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "gateway": {"connected": connected, "shards": gateway},
        "store": store,
        "boards": boards,
    }


class HealthServer:
    """The listener's life follows the bot's: started in `setup_hook`, stopped in `close`."""

    def __init__(self, bot: LeaderBot) -> None:
        self.bot = bot
        self._runner: web.AppRunner | None = None
        self.store = StoreProbe(bot)
        self.port: int | None = None  # the bound port (LEADERBOT_HTTP_PORT=0 picks a free one)

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server  # aiohttp names no public way to learn the port it bound
        self.port = server.sockets[0].getsockname()[1] if server is not None else port  # type: ignore[union-attr]
        log.info("health and metrics on http://%s:%d/healthz and /metrics", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, facts = health(self.bot, await self.store.state())
        return web.json_response(facts, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        body = self.bot.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
