"""A polite HTTP client for the Hugging Face Hub and its dataset-viewer API: every request has a timeout and is
retried with exponential backoff (honouring `Retry-After`) on 429, 5xx, timeouts and bodies cut off; requests run
with bounded concurrency. Anything that still fails becomes one `SourceError` naming the URL, so the caller stores
nothing. Retries are logged at INFO: a person at a terminal sees only the outcome.

Redirects are followed here, not by aiohttp: each `Location` is judged before it is asked for, so a redirect to a
host that is not allowed costs no request to it (aiohttp's own following asked first and let us refuse after).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from .base import SourceError

log = logging.getLogger(__name__)

USER_AGENT = "leaderbot (+https://github.com/leaderbot)"
CHUNK = 1 << 16
T = TypeVar("T")


class Refused(SourceError):
    """Upstream answered 4xx (not 429): asking again will not help. `status` says which (401/403/404: gated or
    gone)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt, doubled each time, with jitter
    max_wait: float = 60.0  # cap on one wait, Retry-After included


# An API answer (a file listing, a viewer page): far more than any real one, far less than the memory.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# Redirects followed for one request, as aiohttp's default: the Hub's `resolve` is one, to its CDN.
MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        concurrency: int = 4,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        redirect_hosts: tuple[str, ...] = (),
        token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # where a download may be redirected: the host asked, and these (and their subdomains), e.g. the Hub's CDN
        self.redirect_hosts = redirect_hosts
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retry = retry or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self._semaphore = asyncio.Semaphore(concurrency)
        self._session = session
        self._owns_session = session is None
        # a Hugging Face token, sent to the Hub for gated datasets: only to the origin asked (see `_get`)
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def __aenter__(self) -> HttpClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _retrying(self, url: str, once: Callable[[], Awaitable[T]]) -> T:
        """`once()` until it succeeds, waiting between attempts; a `SourceError` (a 404, a refusal) is final."""
        last = ""
        attempts = max(1, self.retry.attempts)  # "no retries" still means one try
        for attempt in range(attempts):
            try:
                async with self._semaphore:
                    return await once()
            except _Retryable as exc:
                last = str(exc)
                if attempt + 1 == attempts:
                    break
                wait = exc.wait if exc.wait is not None else self.retry.backoff * 2**attempt
                wait = min(self.retry.max_wait, wait) * (1 + random.random() * 0.1)
                log.info("GET %s failed (%s); retry %d in %.1f s", url, last, attempt + 1, wait)
                await asyncio.sleep(wait)
        raise SourceError(f"{url}: {last} (gave up after {attempts} attempts)")

    @staticmethod
    async def _check(url: str, response: aiohttp.ClientResponse) -> None:
        if response.status == 429 or response.status >= 500:
            raise _Retryable(f"HTTP {response.status}", _retry_after(response.headers.get("Retry-After")))
        if response.status >= 400:
            text = (await response.text(errors="replace"))[:200].strip()
            raise Refused(f"{url}: HTTP {response.status}" + (f" ({text})" if text else ""), response.status)

    def _check_redirect(self, url: str, location: URL) -> None:
        """A redirect anywhere but HTTP(S) to the host asked, a host listed or a subdomain of one listed is refused,
        before it is asked for: another site's answer is never read (one was followed and stored, once)."""
        asked, landed = URL(url).host or "", location.host or ""
        web = location.scheme in ("http", "https")
        listed = any(landed == h or landed.endswith(f".{h}") for h in self.redirect_hosts)
        if not web or not (landed == asked or listed):
            raise SourceError(
                f"{url}: redirected to {landed if web else str(location)[:100]}, which is not the Hub's; refused"
                " (LEADERBOT_DOWNLOAD_HOSTS lists the hosts a download may come from)"
            )

    def _session_or_fail(self) -> aiohttp.ClientSession:
        assert self._session is not None, "use the client as an async context manager"
        return self._session

    @contextlib.asynccontextmanager
    async def _get(self, url: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """The answer to GET `url`, redirects followed by hand: each `Location` (relative to the URL that sent it)
        is checked by `_check_redirect` before it is asked for, at most MAX_REDIRECTS of them. The token goes to the
        origin asked only, and not again once a redirect has left it (as aiohttp does)."""
        session = self._session_or_fail()
        asked = at = URL(url)
        headers = self._headers
        for _ in range(MAX_REDIRECTS + 1):
            if at.origin() != asked.origin():
                headers = {}
            async with session.get(at, timeout=self.timeout, headers=headers, allow_redirects=False) as response:
                location = response.headers.get("Location") if response.status in _REDIRECTS else None
                if location is None:
                    yield response
                    return
            try:
                at = at.join(URL(location))
            except ValueError:
                raise SourceError(f"{url}: redirected to {location[:100]!r}, which is not a URL; refused") from None
            self._check_redirect(url, at)
        raise SourceError(f"{url}: redirected more than {MAX_REDIRECTS} times; refused")

    async def get(self, url: str, *, parse_json: bool = False) -> Any:
        """GET with retries. With `parse_json`, a body that is not JSON (cut off mid-way) is retried too."""
        return (await self.get_page(url, parse_json=parse_json))[0]

    async def get_page(self, url: str, *, parse_json: bool = False) -> tuple[Any, str | None]:
        """`get`, with the next page's URL when the answer's `Link` header names one (the Hub's lists page so)."""

        async def once() -> tuple[Any, str | None]:
            async with _transient(self.timeout), self._get(url) as response:
                await self._check(url, response)
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(CHUNK):  # an endless body stops at the limit
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise SourceError(f"{url}: the answer is over {MAX_ANSWER_BYTES:,} bytes; refused")
                    chunks.append(chunk)
                body = b"".join(chunks)
                following = response.links.get("next")
                next_url = (
                    str(response.url.join(URL(str(following["url"])))) if following and following.get("url") else None
                )
            if not parse_json:
                return body, next_url
            try:
                return json.loads(body), next_url
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise _Retryable("the answer is not valid JSON (truncated?)") from None

        return await self._retrying(url, once)

    async def download(self, url: str, *, expected_size: int | None, max_bytes: int) -> Path:
        """The body of `url` (redirects followed) in a temporary file the caller deletes, checked against the size
        the Hub announced: a body cut off is retried, one over `max_bytes` refused."""

        async def once() -> Path:
            handle = tempfile.NamedTemporaryFile(prefix="leaderbot-", suffix=".download", delete=False)  # noqa: SIM115
            path = Path(handle.name)
            try:
                with handle:
                    async with _transient(self.timeout), self._get(url) as response:
                        await self._check(url, response)
                        size = 0
                        async for chunk in response.content.iter_chunked(CHUNK):
                            size += len(chunk)
                            if size > max_bytes:
                                raise SourceError(f"{url}: the file is over {max_bytes:,} bytes; refused")
                            handle.write(chunk)
                if expected_size is not None and size != expected_size:
                    raise _Retryable(f"got {size:,} of {expected_size:,} bytes (cut off)")
                return path
            except BaseException:
                path.unlink(missing_ok=True)
                raise

        return await self._retrying(url, once)


@contextlib.asynccontextmanager
async def _transient(timeout: aiohttp.ClientTimeout) -> AsyncIterator[None]:
    """Network trouble worth another try, as `_Retryable`."""
    try:
        yield
    except TimeoutError:
        raise _Retryable(f"no answer within {timeout.total:g} s") from None
    except aiohttp.ClientPayloadError as exc:
        raise _Retryable(f"the body was cut off ({exc})") from None
    except aiohttp.ClientError as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}") from None


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
