"""A local stand-in for the Hugging Face dataset-viewer API, for tests of the HTTP path.

A real aiohttp server on 127.0.0.1 (random port) answering `/rows` and `/filter` in the upstream shape
(`features`, `rows` of `{"row_idx", "row", "truncated_cells"}`, `num_rows_total`, `num_rows_per_page`, `partial`),
at most 100 rows a page, plus plain files under `/files/<name>`. Faults are queued per request and consumed in
order: HTTP errors (500, 429 with `Retry-After`, 404), a page slower than the client's timeout, a body cut off
(invalid JSON, or the connection dropped mid-body), and a schema change (other features) from some offset on.
It records every request and the most requests it had in flight at once, so tests can count retries and check
the client's concurrency bound.

Tests in `tests/` import it as `viewer_server` (the root conftest puts `tests/` on `sys.path`). Async tests use
`async with ViewerServer() as server`; code that runs its own event loop (the CLI's `asyncio.run`) uses
`serve_in_thread(server)`.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

PAGE_LIMIT = 100  # the most rows upstream returns per request

ARENA_DATASET = ("lmarena-ai/leaderboard-dataset", "text")  # dataset, config: split `latest` or `full`
OPEN_LLM_DATASET = ("open-llm-leaderboard/contents", "default", "train")  # dataset, config, split

_FEATURE_TYPES = {str: "string", float: "float64", int: "int64", bool: "bool"}
_CONDITION = re.compile(
    r"""^\s*"(?P<column>[^"]+)"\s*=\s*(?:'(?P<text>(?:[^']|'')*)'|(?P<number>-?\d+(?:\.\d+)?))\s*$"""
)


@functools.cache
def _load_rows(path: str) -> tuple[dict[str, Any], ...]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a gzip'd JSON Lines file, parsed once per test session (the list is new, the dicts shared)."""
    return list(_load_rows(str(path)))


def features_of(rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The `features` list upstream sends: one entry per column, typed from the first non-null value."""
    names: dict[str, str] = {}
    for row in rows:
        for name, value in row.items():
            if names.get(name, "null") == "null":
                names[name] = "null" if value is None else _FEATURE_TYPES.get(type(value), "string")
    return [
        {"feature_idx": i, "name": name, "type": {"dtype": dtype, "_type": "Value"}}
        for i, (name, dtype) in enumerate(names.items())
    ]


def rows_page(
    rows: list[Mapping[str, Any]],
    *,
    offset: int = 0,
    length: int = PAGE_LIMIT,
    features: list[dict[str, Any]] | None = None,
    partial: bool = False,
    row_indexes: list[int] | None = None,
) -> dict[str, Any]:
    """One `/rows` (or `/filter`) answer for `rows[offset:offset + length]`."""
    length = max(0, min(length, PAGE_LIMIT))
    indexes = row_indexes if row_indexes is not None else list(range(len(rows)))
    return {
        "features": features if features is not None else features_of(rows[:200]),
        "rows": [
            {"row_idx": indexes[i], "row": dict(rows[i]), "truncated_cells": []}
            for i in range(offset, min(offset + length, len(rows)))
        ],
        "num_rows_total": len(rows),
        "num_rows_per_page": PAGE_LIMIT,
        "partial": partial,
    }


@dataclass
class Fault:
    """What to do instead of a normal answer, `times` times (None: every time), only at `offset` if given."""

    kind: str  # "status", "slow", "truncate", "drop"
    times: int | None = 1
    offset: int | None = None
    endpoint: str | None = None  # "rows", "filter", "files"; None: any
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0

    def matches(self, endpoint: str, offset: int | None) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        return self.offset is None or self.offset == offset


@dataclass
class Table:
    rows: list[dict[str, Any]]
    partial: bool = False
    features: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it: when it arrived (`time.monotonic()`) and the status it was answered
    with (0 when the client gave up before the answer)."""

    endpoint: str
    params: dict[str, str]
    status: int
    at: float

    @property
    def offset(self) -> int | None:
        value = self.params.get("offset")
        return int(value) if value is not None and value.isdigit() else None


class ViewerServer:
    def __init__(self, *, page_delay: float = 0.0) -> None:
        self.page_delay = page_delay  # every answer waits this long, so concurrent requests overlap
        self.tables: dict[tuple[str, str, str], Table] = {}
        self.files: dict[str, bytes] = {}
        self.faults: list[Fault] = []
        self.schema_change_from: int | None = None
        self.claimed_total: int | None = None
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- content and faults -------------------------------------------------------------------------------

    def add_table(
        self, dataset: str, config: str, split: str, rows: list[dict[str, Any]], *, partial: bool = False
    ) -> ViewerServer:
        self.tables[(dataset, config, split)] = Table(rows, partial, features_of(rows[:200]))
        return self

    def add_bundled(self, *, arena: Path, open_llm: Path) -> ViewerServer:
        """The two boards where the product looks for them: LMArena `latest` (the newest board of the file) and
        `full` (every board), and the Open LLM `contents` table."""
        arena_rows = load_rows(arena)
        newest = max(r["leaderboard_publish_date"] for r in arena_rows)
        self.add_table(*ARENA_DATASET, "full", arena_rows)
        self.add_table(*ARENA_DATASET, "latest", [r for r in arena_rows if r["leaderboard_publish_date"] == newest])
        self.add_table(*OPEN_LLM_DATASET, load_rows(open_llm))
        return self

    def add_file(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.url}/files/{name}"

    def fail(
        self,
        status: int = 500,
        *,
        times: int | None = 1,
        offset: int | None = None,
        endpoint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Answer HTTP `status` (with `Retry-After` if given)."""
        self.faults.append(Fault("status", times, offset, endpoint, status=status, retry_after=retry_after))

    def slow(self, seconds: float, *, times: int | None = 1, offset: int | None = None) -> None:
        """Wait `seconds` before answering (a client with a shorter timeout gives up first)."""
        self.faults.append(Fault("slow", times, offset, seconds=seconds))

    def truncate(self, *, times: int | None = 1, offset: int | None = None, drop_connection: bool = False) -> None:
        """Send half the body: as a complete response of invalid JSON, or (`drop_connection`) announcing the full
        length and closing the connection half-way."""
        self.faults.append(Fault("drop" if drop_connection else "truncate", times, offset))

    def change_schema(self, *, from_offset: int) -> None:
        """Pages from `from_offset` on carry one more column, as if upstream updated the table mid-fetch."""
        self.schema_change_from = from_offset

    # --- what was asked -----------------------------------------------------------------------------------

    def seen(self, endpoint: str | None = None, *, offset: int | None = None) -> list[Seen]:
        return [
            r
            for r in self.requests
            if (endpoint is None or r.endpoint == endpoint) and (offset is None or r.offset == offset)
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rows_url(self, dataset: str, config: str, split: str) -> str:
        return f"{self.url}/rows?dataset={dataset}&config={config}&split={split}"

    # --- serving ------------------------------------------------------------------------------------------

    async def start(self) -> ViewerServer:
        app = web.Application()
        app.router.add_get("/rows", functools.partial(self._handle, "rows"))
        app.router.add_get("/filter", functools.partial(self._handle, "filter"))
        app.router.add_get("/files/{name}", functools.partial(self._handle, "files"))
        # a client that gave up on a slow page disconnects: stop its handler instead of waiting for it
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ViewerServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _handle(self, endpoint: str, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        params = dict(request.query)
        status, arrived = 0, time.monotonic()
        try:
            if self.page_delay:
                await asyncio.sleep(self.page_delay)
            response = await self._answer(endpoint, request, params)
            status = response.status
            return response
        finally:
            self.in_flight -= 1
            self.requests.append(Seen(endpoint, params, status, arrived))

    def _take_fault(self, endpoint: str, offset: int | None) -> Fault | None:
        for fault in self.faults:
            if fault.matches(endpoint, offset):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    async def _answer(self, endpoint: str, request: web.Request, params: dict[str, str]) -> web.StreamResponse:
        offset_text = params.get("offset", "0")
        offset = int(offset_text) if offset_text.isdigit() else None
        fault = self._take_fault(endpoint, offset)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "status":
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            return web.json_response({"error": f"injected HTTP {fault.status}"}, status=fault.status, headers=headers)

        if endpoint == "files":
            data = self.files.get(request.match_info["name"])
            if data is None:
                return web.json_response({"error": "Not found."}, status=404)
            body, content_type = data, "application/octet-stream"
        else:
            answer = self._page(endpoint, params, offset)
            if isinstance(answer, web.Response):
                return answer
            body, content_type = json.dumps(answer).encode(), "application/json"

        if fault is not None and fault.kind == "truncate":
            return web.Response(body=body[: len(body) // 2], content_type=content_type)
        if fault is not None and fault.kind == "drop":
            response = web.StreamResponse(headers={"Content-Type": content_type})
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: len(body) // 2])
            if request.transport is not None:
                request.transport.close()
            return response
        return web.Response(body=body, content_type=content_type)

    def _page(self, endpoint: str, params: dict[str, str], offset: int | None) -> dict[str, Any] | web.Response:
        key = (params.get("dataset", ""), params.get("config", ""), params.get("split", ""))
        table = self.tables.get(key)
        if table is None:
            return web.json_response({"error": "The dataset does not exist, or is not accessible."}, status=404)
        length_text = params.get("length", str(PAGE_LIMIT))
        if offset is None or not length_text.isdigit():
            return web.json_response({"error": "offset and length must be non-negative integers"}, status=422)
        rows, indexes = table.rows, None
        if endpoint == "filter":
            matched = _filter(rows, params.get("where", ""))
            if matched is None:
                return web.json_response({"error": "Parameter 'where' is invalid"}, status=422)
            indexes = matched
            rows = [table.rows[i] for i in matched]
        page = rows_page(
            rows,
            offset=offset,
            length=int(length_text),
            features=table.features,
            partial=table.partial,
            row_indexes=indexes,
        )
        if self.claimed_total is not None:
            page["num_rows_total"] = self.claimed_total  # a page that lies about the split's size
        if self.schema_change_from is not None and offset >= self.schema_change_from:
            page["features"] = [
                *page["features"],
                {"feature_idx": len(page["features"]), "name": "added_later", "type": {"dtype": "string"}},
            ]
            for item in page["rows"]:
                item["row"]["added_later"] = "x"
        return page


def _filter(rows: list[Mapping[str, Any]], where: str) -> list[int] | None:
    """Row indexes matching `"col"='text' AND "col"=number ...`; None for a condition this stand-in cannot read."""
    conditions = []
    for part in re.split(r"\s+AND\s+", where, flags=re.IGNORECASE):
        match = _CONDITION.match(part)
        if not match:
            return None
        if match.group("text") is not None:
            wanted: Any = match.group("text").replace("''", "'")
        else:
            wanted = float(match.group("number"))
        conditions.append((match.group("column"), wanted))
    return [i for i, row in enumerate(rows) if all(row.get(col) == value for col, value in conditions)]


@contextmanager
def serve_in_thread(server: ViewerServer) -> Iterator[ViewerServer]:
    """Run `server` on its own event loop in a background thread, for callers that start their own loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="viewer-server", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
