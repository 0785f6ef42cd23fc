"""A local stand-in for the Hugging Face Hub, for tests of fetching Parquet files.

A real aiohttp server on 127.0.0.1 (random port) answering in the Hub's shapes:

- `GET /api/datasets/<owner>/<name>/tree/main[/<folder>][?recursive=true]`: a JSON list of
  `{"type": "file", "path", "oid", "size", "lfs": {"oid", "size", "pointerSize"}}` and `{"type": "directory",
  "path", "oid"}` entries. `oid` is the git blob sha of the content, so it changes exactly when a file does.
- `GET /datasets/<owner>/<name>/resolve/main/<path>`: a 302 to `/cdn/<sha256>`, as the Hub sends files to its CDN;
  404 for a file it does not have (or, with `gate`, 401 for a gated repo asked without a token).
- `GET /cdn/<sha256>`: the bytes.
- `GET /api/datasets?filter=benchmark:official`: the benchmarks put in with `put_benchmark` (dataset infos with
  `id`, `cardData.pretty_name`, `gated`), `page_size` at a time with a `Link: <...>; rel="next"` header, as the
  Hub pages lists.
- `GET /api/datasets/<owner>/<name>/leaderboard[?base_model=false]`: the benchmark's rows as a bare JSON array
  (base models only unless `base_model=false`); 404 for one the server does not have, or a gated one asked
  without a token.

Faults are queued and consumed in order, per endpoint ("tree", "resolve", "cdn", "list", "leaderboard"): an HTTP
status, or a body cut off half-way with the full length announced (`truncate`). Every request is recorded. Tests
put files in with `put` (`tests/parquet_files.py` writes Parquet in the upstream schema) and benchmarks with
`put_benchmark`, and point `HF_ENDPOINT` at `url`.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from aiohttp import web


def git_blob_oid(data: bytes) -> str:
    """The oid git (and the Hub's tree API) gives a file's content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class HubFault:
    kind: str  # "status" or "truncate"
    endpoint: str  # "tree", "resolve", "cdn"
    times: int | None = 1  # None: every time
    status: int = 500


@dataclass(frozen=True)
class HubRequest:
    endpoint: str
    path: str
    status: int


class HubServer:
    def __init__(self) -> None:
        self.files: dict[tuple[str, str], bytes] = {}  # (dataset, path) -> content
        self.faults: list[HubFault] = []
        self.requests: list[HubRequest] = []
        self.gated: set[str] = set()
        self.cdn_host: str | None = None  # redirect downloads to this host name (same server) instead of a path
        # dataset -> (its info in the list, its leaderboard rows; a row with "base": False is a fine-tune)
        self.benchmarks: dict[str, tuple[dict[str, object], list[dict[str, object]]]] = {}
        self.page_size = 1000
        self.link_host: str | None = None  # name the next page of the list on this host instead (a hostile answer)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- content and faults -------------------------------------------------------------------------------

    def put(self, dataset: str, path: str, data: bytes) -> None:
        self.files[(dataset, path)] = data

    def put_benchmark(
        self, dataset: str, rows: list[dict[str, object]], *, pretty_name: str | None = None, gated: bool = False
    ) -> None:
        """A benchmark the list shows and its leaderboard. Rows are in the Hub's shape; a row may carry `"base":
        False` (left out of the answer) to mark a fine-tune, listed only with `base_model=false`."""
        info: dict[str, object] = {"id": dataset, "gated": gated, "tags": ["benchmark:official"]}
        if pretty_name:
            info["cardData"] = {"pretty_name": pretty_name}
        self.benchmarks[dataset] = (info, rows)
        if gated:
            self.gated.add(dataset)

    def remove(self, dataset: str, path: str) -> None:
        del self.files[(dataset, path)]

    def fail(self, status: int = 500, *, endpoint: str = "tree", times: int | None = 1) -> None:
        self.faults.append(HubFault("status", endpoint, times, status))

    def truncate(self, *, times: int | None = 1) -> None:
        """The CDN announces the whole file and closes the connection half-way."""
        self.faults.append(HubFault("truncate", "cdn", times))

    def seen(self, endpoint: str | None = None) -> list[HubRequest]:
        return [r for r in self.requests if endpoint is None or r.endpoint == endpoint]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- serving ------------------------------------------------------------------------------------------

    async def start(self) -> HubServer:
        app = web.Application()
        app.router.add_get("/api/datasets/{owner}/{name}/tree/{revision}", functools.partial(self._handle, "tree"))
        app.router.add_get(
            "/api/datasets/{owner}/{name}/tree/{revision}/{path:.*}", functools.partial(self._handle, "tree")
        )
        app.router.add_get(
            "/datasets/{owner}/{name}/resolve/{revision}/{path:.*}", functools.partial(self._handle, "resolve")
        )
        app.router.add_get("/cdn/{sha}", functools.partial(self._handle, "cdn"))
        app.router.add_get("/api/datasets", functools.partial(self._handle, "list"))
        app.router.add_get("/api/datasets/{owner}/{name}/leaderboard", functools.partial(self._handle, "leaderboard"))
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

    async def __aenter__(self) -> HubServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _take_fault(self, endpoint: str) -> HubFault | None:
        for fault in self.faults:
            if fault.endpoint == endpoint and (fault.times is None or fault.times > 0):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    async def _handle(self, endpoint: str, request: web.Request) -> web.StreamResponse:
        path = request.match_info.get("path", "") or request.match_info.get("sha", "")
        response = await self._answer(endpoint, request)
        self.requests.append(HubRequest(endpoint, path, response.status))
        return response

    async def _answer(self, endpoint: str, request: web.Request) -> web.StreamResponse:
        fault = self._take_fault(endpoint)
        if fault is not None and fault.kind == "status":
            return web.json_response({"error": f"injected HTTP {fault.status}"}, status=fault.status)
        info = request.match_info
        if endpoint == "list":
            return self._list(request)
        if endpoint == "cdn":
            data = next((d for d in self.files.values() if hashlib.sha256(d).hexdigest() == info["sha"]), None)
            if data is None:
                return web.json_response({"error": "Not found"}, status=404)
            if fault is not None and fault.kind == "truncate":
                response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
                response.content_length = len(data)
                await response.prepare(request)
                await response.write(data[: len(data) // 2])
                if request.transport is not None:
                    request.transport.close()
                return response
            return web.Response(body=data, content_type="application/octet-stream")
        dataset = f"{info['owner']}/{info['name']}"
        asked_anonymously = dataset in self.gated and "authorization" not in request.headers
        if endpoint == "leaderboard":
            if dataset not in self.benchmarks or asked_anonymously:  # the Hub hides a gated leaderboard: 404
                return web.json_response({"error": "Repository not found"}, status=404)
            every = request.query.get("base_model") == "false"
            rows = [
                {k: v for k, v in row.items() if k != "base"}
                for row in self.benchmarks[dataset][1]
                if every or row.get("base", True)
            ]
            if rows and "rank" not in rows[0]:  # ranked as the Hub ranks: by value, best first, per answer
                lower = bool(rows[0].get("lower_is_better"))
                rows.sort(key=lambda r: r["value"] if lower else -r["value"])  # type: ignore[operator]
                rows = [{"rank": i, **r} for i, r in enumerate(rows, start=1)]
            return web.json_response(rows)
        if asked_anonymously:
            return web.json_response({"error": "Access to this dataset is restricted."}, status=401)
        if endpoint == "resolve":
            data = self.files.get((dataset, info["path"]))
            if data is None:
                return web.json_response({"error": "Entry not found"}, status=404)
            where = f"http://{self.cdn_host}:{self.port}" if self.cdn_host else ""  # a CDN on another host
            return web.Response(status=302, headers={"Location": f"{where}/cdn/{hashlib.sha256(data).hexdigest()}"})
        if not any(d == dataset for d, _ in self.files):
            return web.json_response({"error": "Repository not found"}, status=404)
        folder = info.get("path", "").strip("/")
        return web.json_response(self._tree(dataset, folder, request.query.get("recursive") == "true"))

    def _list(self, request: web.Request) -> web.Response:
        if request.query.get("filter") != "benchmark:official":
            return web.json_response([])
        infos = [info for info, _rows in self.benchmarks.values()]
        start = int(request.query.get("cursor", "0"))
        page = infos[start : start + self.page_size]
        headers = {}
        if start + self.page_size < len(infos):
            where = f"http://{self.link_host}:{self.port}" if self.link_host else self.url
            headers["Link"] = (
                f'<{where}/api/datasets?filter=benchmark:official&cursor={start + self.page_size}>; rel="next"'
            )

        return web.json_response(page, headers=headers)

    def _tree(self, dataset: str, folder: str, recursive: bool) -> list[dict[str, object]]:
        prefix = f"{folder}/" if folder else ""
        entries: dict[str, dict[str, object]] = {}
        for (d, path), data in sorted(self.files.items()):
            if d != dataset or not path.startswith(prefix):
                continue
            rest = path[len(prefix) :]
            parts = rest.split("/")
            for depth in range(1, len(parts)):  # the folders on the way
                if recursive or depth == 1:
                    sub = prefix + "/".join(parts[:depth])
                    entries.setdefault(sub, {"type": "directory", "oid": git_blob_oid(sub.encode()), "path": sub})
            if recursive or len(parts) == 1:
                entries[path] = {
                    "type": "file",
                    "oid": git_blob_oid(data),
                    "size": len(data),
                    "path": path,
                    "lfs": {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134},
                }
        return list(entries.values())
