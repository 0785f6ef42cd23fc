"""http: what the polite client refuses, against local servers on 127.0.0.1 that answer badly on purpose (several
host names for them through a resolver that answers 127.0.0.1 for every name)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

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


# --- redirects: judged before they are followed ------------------------------------------------------------------


class LocalNames(AbstractResolver):
    """Every host name is 127.0.0.1, so two local servers can stand for the Hub, its CDN and another site."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]  # fmt: skip

    async def close(self) -> None:
        pass


@dataclass
class Site:
    """A local server that answers each path from `answers` (status, Location or body) and records every request:
    its path and the Authorization header it carried."""

    answers: dict[str, tuple[int, str]] = field(default_factory=dict)
    seen: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0

    def at(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.path_qs, request.headers.get("Authorization")))
        status, text = self.answers.get(request.path_qs, (404, "no such path"))
        if status in (301, 302, 303, 307, 308):
            return web.Response(status=status, headers={"Location": text})
        return web.Response(status=status, text=text)


@pytest.fixture
async def sites() -> AsyncIterator[tuple[Site, Site]]:
    """Two servers on 127.0.0.1: the Hub (asked as hub.test) and another (asked as any name a test gives it)."""
    runners, found = [], []
    for _ in range(2):
        site = Site()
        app = web.Application()
        app.router.add_get("/{path:.*}", site.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0)
        await tcp.start()
        site.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        runners.append(runner)
        found.append(site)
    yield found[0], found[1]
    for runner in runners:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def hub_client(hub: Site, **options: object) -> AsyncIterator[HttpClient]:
    """A client of the Hub at hub.test whose downloads may come from hf.test and its subdomains, as the Hub's CDN."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=LocalNames())) as session:
        client = HttpClient(hub.at("hub.test", ""), timeout=5.0, retry=RetryPolicy(attempts=2, backoff=0.01),
                            session=session, redirect_hosts=("hf.test",), **options)  # type: ignore[arg-type]  # fmt: skip
        async with client:
            yield client


async def _fetch(client: HttpClient, url: str, how: str) -> bytes:
    if how == "download":
        path = await client.download(url, expected_size=None, max_bytes=1 << 20)
        try:
            return path.read_bytes()
        finally:
            path.unlink()
    return await client.get(url, parse_json=how == "json")  # type: ignore[no-any-return]


@pytest.mark.parametrize("how", ["download", "get", "json"])
@pytest.mark.parametrize("host", ["elsewhere.test", "evilhf.test", "localhost"])
async def test_a_redirect_to_a_host_not_allowed_is_refused_before_it_is_asked(
    sites: tuple[Site, Site], how: str, host: str
) -> None:
    """Before: aiohttp followed the redirect, the other site was asked (and its answer read), then refused. Now
    the Location is judged first: the other site sees no request at all. `evilhf.test` ends like the allowed
    `hf.test` without being one of its subdomains."""
    hub, other = sites
    other.answers["/file"] = (200, '{"stolen": true}')
    hub.answers["/resolve/file"] = (302, other.at(host, "/file"))
    async with hub_client(hub, token="secret") as client:
        with pytest.raises(SourceError) as caught:
            await _fetch(client, hub.at("hub.test", "/resolve/file"), how)
    assert str(caught.value) == (
        f"{hub.at('hub.test', '/resolve/file')}: redirected to {host}, which is not the Hub's; refused"
        " (LEADERBOT_DOWNLOAD_HOSTS lists the hosts a download may come from)"
    )
    assert other.seen == []
    assert hub.seen == [("/resolve/file", "Bearer secret")]  # refused at once, not retried


@pytest.mark.parametrize("how", ["download", "get"])
async def test_allowed_redirects_are_followed_and_the_token_stays_with_the_origin_asked(
    sites: tuple[Site, Site], how: str
) -> None:
    """A relative Location is resolved against the URL that sent it; a subdomain of a listed host is allowed, and
    so is coming back to the host asked. The token goes to the Hub only, and not again once a redirect has left
    it."""
    hub, cdn = sites
    hub.answers["/dir/resolve"] = (302, "hop?n=1")
    hub.answers["/dir/hop?n=1"] = (307, cdn.at("cdn-lfs.hf.test", "/blob"))
    cdn.answers["/blob"] = (301, hub.at("hub.test", "/final"))
    hub.answers["/final"] = (200, "the file")
    async with hub_client(hub, token="secret") as client:
        assert await _fetch(client, hub.at("hub.test", "/dir/resolve"), how) == b"the file"
    assert hub.seen == [("/dir/resolve", "Bearer secret"), ("/dir/hop?n=1", "Bearer secret"), ("/final", None)]
    assert cdn.seen == [("/blob", None)]


async def test_a_redirect_loop_is_refused_not_retried(sites: tuple[Site, Site]) -> None:
    """Before: aiohttp's TooManyRedirects was taken for network trouble and the whole loop asked again."""
    hub, _ = sites
    hub.answers["/loop"] = (302, "/loop")
    async with hub_client(hub) as client:
        with pytest.raises(SourceError, match=r"/loop: redirected more than 10 times; refused$"):
            await client.get(hub.at("hub.test", "/loop"))
    assert len(hub.seen) == 11  # the request and 10 redirects, once
