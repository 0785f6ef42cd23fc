"""A polite client for the Hugging Face dataset-viewer API (`/rows`, `/filter`), and plain file downloads.

Upstream answers slowly and sometimes with 429 or 5xx, so every request has a timeout and is retried with
exponential backoff (honouring `Retry-After`), and pages are fetched with bounded concurrency. Anything that
still fails becomes one `SourceError` naming the URL, so the caller stores nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp

from .base import SourceError
from .payloads import parse_rows, viewer_page_rows

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # the most the API returns per request
USER_AGENT = "leaderbot (+https://github.com/leaderbot)"


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt, doubled each time, with jitter
    max_wait: float = 60.0  # cap on one wait, Retry-After included


class ViewerClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        concurrency: int = 4,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retry = retry or RetryPolicy()
        self._semaphore = asyncio.Semaphore(concurrency)
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> ViewerClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _get_once(self, url: str) -> bytes:
        assert self._session is not None, "use ViewerClient as an async context manager"
        try:
            async with self._session.get(url, timeout=self.timeout) as response:
                if response.status == 429 or response.status >= 500:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    raise _Retryable(f"HTTP {response.status}", wait)
                if response.status >= 400:
                    text = (await response.text(errors="replace"))[:200].strip()
                    raise SourceError(f"{url}: HTTP {response.status}" + (f" ({text})" if text else ""))
                return await response.read()
        except TimeoutError:
            raise _Retryable(f"no answer within {self.timeout.total:g} s") from None
        except aiohttp.ClientPayloadError as exc:
            raise _Retryable(f"the body was cut off ({exc})") from None
        except aiohttp.ClientError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from None

    async def get(self, url: str, *, parse_json: bool = False) -> Any:
        """GET with retries. With `parse_json`, a body that is not JSON (cut off mid-way) is retried too."""
        last = ""
        attempts = max(1, self.retry.attempts)  # "no retries" still means one try
        for attempt in range(attempts):
            try:
                async with self._semaphore:
                    body = await self._get_once(url)
                if not parse_json:
                    return body
                try:
                    return json.loads(body)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise _Retryable("the answer is not valid JSON (truncated?)") from None
            except _Retryable as exc:
                last = str(exc)
                if attempt + 1 == attempts:
                    break
                wait = exc.wait if exc.wait is not None else self.retry.backoff * 2**attempt
                wait = min(self.retry.max_wait, wait) * (1 + random.random() * 0.1)
                log.warning("GET %s failed (%s); retry %d in %.1f s", url, last, attempt + 1, wait)
                await asyncio.sleep(wait)
        raise SourceError(f"{url}: {last} (gave up after {attempts} attempts)")

    async def fetch_table(
        self, dataset: str, config: str, split: str, *, where: str | None = None
    ) -> list[dict[str, Any]]:
        """Every row of a split (or of `where`'s matches), checking that the pages agree with each other."""
        params: dict[str, str | int] = {"dataset": dataset, "config": config, "split": split}
        endpoint = "rows"
        if where:
            params["where"] = where
            endpoint = "filter"
        return await self._fetch_pages(f"{self.base_url}/{endpoint}", params)

    async def fetch_url(self, url: str) -> list[dict[str, Any]]:
        """A `/rows` or `/filter` URL is paged through in full; anything else is downloaded and parsed as a file."""
        parts = urlsplit(url)
        if parts.path.rstrip("/").rsplit("/", 1)[-1] in ("rows", "filter"):
            params = {k: v for k, v in parse_qsl(parts.query) if k not in ("offset", "length")}
            endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            return await self._fetch_pages(endpoint, params)
        body = await self.get(url)
        return parse_rows(body, origin=url)

    async def _fetch_pages(self, endpoint: str, params: Mapping[str, str | int]) -> list[dict[str, Any]]:
        def page_url(offset: int) -> str:
            return f"{endpoint}?{urlencode({**params, 'offset': offset, 'length': PAGE_SIZE})}"

        first_url = page_url(0)
        first = await self.get(first_url, parse_json=True)
        rows, features = viewer_page_rows(first, origin=first_url)
        total = first.get("num_rows_total")
        if not isinstance(total, int) or total < 0:
            raise SourceError(f"{first_url}: the answer has no 'num_rows_total'")
        if first.get("partial") is True:
            # the viewer only indexed part of the split: ranks computed from it would be wrong
            raise SourceError(f"{first_url}: upstream serves only part of this split ('partial': true)")

        async def page(offset: int) -> list[dict[str, Any]]:
            url = page_url(offset)
            payload = await self.get(url, parse_json=True)
            page_rows, page_features = viewer_page_rows(payload, origin=url)
            if page_features != features:
                raise SourceError(
                    f"{url}: the columns changed between pages (upstream updated mid-fetch); try again later"
                )
            if not page_rows:
                raise SourceError(f"{url}: empty page at offset {offset} of {total} rows")
            return page_rows

        offsets = range(len(rows), total, PAGE_SIZE) if rows else range(0)
        # A TaskGroup cancels the remaining pages as soon as one fails for good.
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(page(o)) for o in offsets]
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        for task in tasks:
            rows.extend(task.result())
        if len(rows) != total:
            raise SourceError(f"{first_url}: got {len(rows)} rows, upstream said {total}")
        return rows


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
