"""The optional HTTP listener: /healthz for a container's health check or a load balancer, /metrics for Prometheus.

Off unless LEADERBOT_HTTP_PORT is set, and bound to 127.0.0.1 unless LEADERBOT_HTTP_HOST says otherwise: it tells
how many servers and subscriptions the bot has, which is nobody else's business. It runs on the bot's event loop
(aiohttp, already a dependency of discord.py), so a stalled loop shows as a health check that times out.

/healthz is 200 while the gateway is connected and the store takes writes, else 503, with the facts as JSON,
the age of each live board's last fetch among them. A stale board does not make it 503: restarting the bot does
not bring upstream back, and the answers keep saying how old their data is.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from db.store import StoreBusy

if TYPE_CHECKING:
    from .client import LeaderBot

log = logging.getLogger(__name__)

STORE_PROBE_WAIT_S = 0.5  # how long the probe waits for another process's write lock before calling it unwritable


def health(bot: LeaderBot) -> tuple[bool, dict[str, Any]]:
    """Whether the bot is healthy, and why (or why not), as JSON-ready facts."""
    state = bot.live_state()
    gateway = {
        str(shard): {"connected": up, "latency_ms": round(seconds * 1000, 1) if math.isfinite(seconds) else None}
        for shard, (up, seconds) in sorted(state.gateway.items())
    }
    connected = bot.is_ready() and not bot.is_closed() and bool(state.gateway) and all(
        up for up, _ in state.gateway.values()
    )  # fmt: skip
    try:
        bot.store.probe_write(wait_s=STORE_PROBE_WAIT_S)
        store: dict[str, Any] = {"writable": True}
    except StoreBusy:
        store = {"writable": False, "detail": "another process holds the write lock"}
    except Exception as exc:  # a read-only file, a full or vanished disk: unhealthy, and said in one line
        store = {"writable": False, "detail": f"{type(exc).__name__}: {exc}"}
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
        healthy, facts = health(self.bot)
        return web.json_response(facts, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        body = self.bot.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
