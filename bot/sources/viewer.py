"""The Hugging Face dataset-viewer API (`/rows`, `/filter`), paged in full, and plain file downloads.

Upstream answers slowly and sometimes with 429 or 5xx; the polite client in `http` retries those. Pages are
fetched with bounded concurrency and checked against each other (the same columns, the promised row count), and
their rows counted per board as each page arrives (`limits.BoardRows`): a board past its limit stops the fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .base import SourceError
from .http import HttpClient, RetryPolicy
from .limits import MAX_JSON_ROWS, BoardRows
from .payloads import parse_rows, viewer_page_rows

PAGE_SIZE = 100  # the most the API returns per request

__all__ = ["PAGE_SIZE", "RetryPolicy", "ViewerClient"]


class ViewerClient(HttpClient):
    async def fetch_table(
        self, dataset: str, config: str, split: str, *, where: str | None = None, counted: BoardRows | None = None
    ) -> list[dict[str, Any]]:
        """Every row of a split (or of `where`'s matches), checking that the pages agree with each other;
        `counted` counts them per board as pages arrive."""
        params: dict[str, str | int] = {"dataset": dataset, "config": config, "split": split}
        endpoint = "rows"
        if where:
            params["where"] = where
            endpoint = "filter"
        return await self._fetch_pages(f"{self.base_url}/{endpoint}", params, counted)

    async def fetch_url(self, url: str, *, counted: BoardRows | None = None) -> list[dict[str, Any]]:
        """A `/rows` or `/filter` URL is paged through in full; anything else is downloaded and parsed as a file
        (counted per board as it is parsed)."""
        parts = urlsplit(url)
        if parts.path.rstrip("/").rsplit("/", 1)[-1] in ("rows", "filter"):
            params = {k: v for k, v in parse_qsl(parts.query) if k not in ("offset", "length")}
            endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            return await self._fetch_pages(endpoint, params, counted)
        body = await self.get(url)
        return parse_rows(body, origin=url, counted=counted)

    async def _fetch_pages(
        self, endpoint: str, params: Mapping[str, str | int], counted: BoardRows | None
    ) -> list[dict[str, Any]]:
        def page_url(offset: int) -> str:
            return f"{endpoint}?{urlencode({**params, 'offset': offset, 'length': PAGE_SIZE})}"

        first_url = page_url(0)
        first = await self.get(first_url, parse_json=True)
        rows, features = viewer_page_rows(first, origin=first_url)
        total = first.get("num_rows_total")
        if not isinstance(total, int) or total < 0:
            raise SourceError(f"{first_url}: the answer has no 'num_rows_total'")
        if total > MAX_JSON_ROWS:  # a split claiming far more is read from its Parquet files, or not at all
            raise SourceError(
                f"{first_url}: upstream claims {total:,} rows, over the {MAX_JSON_ROWS:,} Leaderbot reads from the"
                " dataset viewer; refused"
            )
        if counted is not None:
            counted.read(rows)
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
            if counted is not None:
                counted.read(page_rows)
            return page_rows

        offsets = iter(range(len(rows), total, PAGE_SIZE) if rows else range(0))
        pages: dict[int, list[dict[str, Any]]] = {}

        async def worker() -> None:
            for offset in offsets:  # shared: each page is taken by one worker, a few at a time, never queued up front
                pages[offset] = await page(offset)

        # A TaskGroup cancels the other workers as soon as one fails for good.
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.concurrency):
                    group.create_task(worker())
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        for offset in sorted(pages):
            rows.extend(pages[offset])
        if len(rows) != total:
            raise SourceError(f"{first_url}: got {len(rows)} rows, upstream said {total}")
        return rows
