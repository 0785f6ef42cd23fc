"""http: what the polite client refuses, against a local server on 127.0.0.1 that answers badly on purpose."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.sources import SourceError, http
from bot.sources.http import HttpClient, RetryPolicy


@pytest.fixture
async def endless() -> AsyncIterator[str]:
    """A server whose answer never ends: 64 KiB of JSON-ish bytes, forever."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        chunk = b" " * 65536
        while True:
            await response.write(chunk)
            await asyncio.sleep(0)

    app = web.Application()
    app.router.add_get("/api/endless", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_an_endless_answer_stops_at_the_limit(endless: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: an endless body was read to 674 MB (and to a MemoryError unthrottled). The limit is lowered here so
    the test is quick; the code path is the same."""
    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 2 * 1024 * 1024)
    async with HttpClient(endless, timeout=10.0, retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(SourceError, match="the answer is over 2,097,152 bytes; refused"):
            await client.get(f"{endless}/api/endless", parse_json=True)
