"""Fetching boards from upstream now: `leaderbot refresh` and the scheduled job both come here.

LMArena's boards are Parquet files on the Hugging Face Hub, one folder per config. One tree request per dataset
says which files exist and their ids; a board whose file id is the one last stored costs nothing more, a changed one
is downloaded (redirects followed), read with pyarrow and stored. A config upstream does not publish (any more) is
reported and skipped while the others refresh. A config the tree lists that no profile names (upstream adds
arenas) becomes a board of its own when its columns are an importer's: its profile is derived from the config name
and kept in the store (`upstream_configs`), so it is there after a restart. The Open LLM board, and anything
without Parquet files, comes through the dataset-viewer API as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from db.store import Store

from .ingest import IngestReport, ingest_parquet, ingest_rows
from .profiles import PROFILES, Schema, profile, register
from .profiles.arena import discovered_arena, discovered_id
from .settings import Settings
from .sources import SourceError, get_source, parquet
from .sources.http import RetryPolicy
from .sources.hub import HubClient, HubFile
from .sources.lmarena import schema_of
from .sources.viewer import ViewerClient

log = logging.getLogger(__name__)

Outcome = Literal["stored", "unchanged", "missing", "unknown", "failed"]
UNREACHABLE = "could not reach the Hub"


@dataclass(frozen=True)
class RefreshReport:
    board: str
    outcome: Outcome
    detail: str = ""  # for 'missing', 'unknown' and 'failed', what went wrong, for a person
    ingest: IngestReport | None = None

    def summary(self) -> str:
        if self.ingest is not None:
            return self.ingest.summary()
        if self.outcome == "unchanged":
            return f"{self.board}: unchanged upstream, nothing to fetch"
        if self.outcome in ("missing", "unknown"):
            return f"{self.board}: skipped, {self.detail}"
        return f"{self.board}: refresh failed, nothing stored: {self.detail}"


def _client(cls: type[HubClient] | type[ViewerClient], base_url: str, settings: Settings):  # type: ignore[no-untyped-def]
    return cls(
        base_url,
        timeout=settings.http_timeout,
        concurrency=settings.http_concurrency,
        retry=RetryPolicy(attempts=settings.http_retries),
        redirect_hosts=settings.download_hosts,
    )


def viewer_client(settings: Settings) -> ViewerClient:
    return _client(ViewerClient, settings.viewer_url, settings)


def hub_client(settings: Settings) -> HubClient:
    return _client(HubClient, settings.hf_endpoint, settings)


async def refresh(
    store: Store, boards: Sequence[str], settings: Settings, *, history: bool = False, discover: bool = False
) -> list[RefreshReport]:
    """Fetch each board's current data (with `history`, every board it ever published) and store what is new;
    one report per board, in the order asked, then (with `discover`) one per config of those boards' datasets that
    no profile names yet. One failure never stops the other boards."""
    reports: dict[str, RefreshReport] = {}
    found: list[RefreshReport] = []
    hub: dict[str, list[str]] = {}  # dataset -> its boards published as Parquet files
    for board in boards:
        upstream = profile(board).upstream
        if upstream.schema in (Schema.BRADLEY_TERRY, Schema.AGENT):
            hub.setdefault(upstream.dataset, []).append(board)
        else:
            reports[board] = await _refresh_from_viewer(store, board, settings)
    for dataset, group in hub.items():
        done, new = await _refresh_from_hub(store, dataset, group, settings, history=history, discover=discover)
        reports.update(done)
        found += new
    return [*(reports[b] for b in boards), *found]


async def ingest_url(
    store: Store, board: str, url: str, settings: Settings, *, as_of: str | None = None
) -> IngestReport:
    """A dataset-viewer `/rows` or `/filter` URL, paged in full, or a file URL."""
    get_source(board)  # an unknown board is reported before anything is fetched
    async with viewer_client(settings) as client:
        rows = await client.fetch_url(url)
    return ingest_rows(store, board, rows, origin=url, as_of=as_of)


async def _refresh_from_viewer(store: Store, board: str, settings: Settings) -> RefreshReport:
    up = profile(board).upstream
    origin = f"{settings.viewer_url.rstrip('/')}/rows?dataset={up.dataset}&config={up.config}&split={up.split}"
    try:
        async with viewer_client(settings) as client:
            rows = await client.fetch_table(up.dataset, up.config, up.split)
        report = ingest_rows(store, board, rows, origin=origin)
    except SourceError as exc:
        return RefreshReport(board, "failed", str(exc))
    return RefreshReport(board, "stored" if report.created else "unchanged", ingest=report)


def _shards(files: dict[str, HubFile], config: str, kind: str) -> list[HubFile]:
    """The file(s) of one config and kind: `text/latest-00000-of-00001.parquet` (more shards, should it grow)."""
    prefix = f"{config}/{kind}-"
    return sorted((f for path, f in files.items() if path.startswith(prefix) and path.endswith(".parquet")),
                  key=lambda f: f.path)  # fmt: skip


async def _refresh_from_hub(
    store: Store, dataset: str, boards: list[str], settings: Settings, *, history: bool, discover: bool
) -> tuple[dict[str, RefreshReport], list[RefreshReport]]:
    kind = "full" if history else "latest"
    async with hub_client(settings) as client:
        try:
            files = {f.path: f for f in await client.files(dataset)}
        except SourceError as exc:
            log.info("asking the Hub about %s failed: %s", dataset, exc)
            return {board: RefreshReport(board, "failed", f"{UNREACHABLE} ({exc})") for board in boards}, []
        reports = {board: await _refresh_board(client, store, board, files, kind, settings) for board in boards}
        found = await _discover(client, store, dataset, files, settings) if discover else []
    return reports, found


async def _refresh_board(
    client: HubClient,
    store: Store,
    board: str,
    files: dict[str, HubFile],
    kind: str,
    settings: Settings,
    downloaded: Path | None = None,
) -> RefreshReport:
    """One board from the tree's answer: nothing to do when its file id is the one stored, else download and
    store it (`downloaded`: its first shard, already fetched)."""
    dataset, config = profile(board).upstream.dataset, profile(board).upstream.config
    shards = _shards(files, config, kind)
    if not shards:
        detail = f"{dataset} publishes no {config}/{kind} file (any more)"
        log.warning("%s: %s", board, detail)
        return RefreshReport(board, "missing", detail)
    path, oid = ",".join(f.path for f in shards), ",".join(f.oid for f in shards)
    if downloaded is None and store.upstream_file(board) == (path, oid):
        store.record_upstream(board, path, oid, sum(f.size for f in shards))
        return RefreshReport(board, "unchanged")
    try:
        report = await _fetch_and_store(client, store, board, shards, settings, downloaded)
    except SourceError as exc:
        return RefreshReport(board, "failed", str(exc))
    store.record_upstream(board, path, oid, sum(f.size for f in shards))
    return RefreshReport(board, "stored" if report.created else "unchanged", ingest=report)


async def _discover(
    client: HubClient, store: Store, dataset: str, files: dict[str, HubFile], settings: Settings
) -> list[RefreshReport]:
    """Configs in the tree that no profile names: each whose `latest` columns an importer knows becomes a board
    (registered, kept in the store, stored like any other); one whose columns are not known is reported once per
    change of its file, and skipped."""
    named = {p.upstream.config for p in PROFILES.values() if p.upstream.dataset == dataset}
    configs = {path.split("/", 1)[0] for path in files if "/" in path}
    seen = store.upstream_configs(dataset)
    reports = []
    for config in sorted(configs - named):
        shards = _shards(files, config, "latest")
        oid = ",".join(f.oid for f in shards)
        if not shards or (config in seen and seen[config][0] is None and seen[config][2] == oid):
            continue  # not a board's folder, or columns we did not know in a file that has not changed since
        url = client.file_url(dataset, shards[0].path)
        try:
            local = await client.download(url, expected_size=shards[0].size, max_bytes=settings.max_download_bytes)
        except SourceError as exc:
            reports.append(RefreshReport(config, "failed", str(exc)))
            continue
        try:
            schema = schema_of(parquet.column_names(local, origin=url))
            board = discovered_id(config, configs)
            if schema is None or board in PROFILES:
                why = "whose columns Leaderbot does not know" if schema is None else f"but board {board!r} exists"
                detail = f"{dataset} has a new config {config!r} {why}"
                log.warning("%s", detail)
                store.record_config(dataset, config, oid, None, None)
                reports.append(RefreshReport(config, "unknown", detail))
                continue
            register(discovered_arena(board, config, schema, {*PROFILES, board}))
            store.record_config(dataset, config, oid, board, schema.value)
            log.warning("%s: new config %r, now the board %r", dataset, config, board)
            reports.append(await _refresh_board(client, store, board, files, "latest", settings, downloaded=local))
        except SourceError as exc:
            reports.append(RefreshReport(config, "failed", str(exc)))
        finally:
            local.unlink(missing_ok=True)
    return reports


async def _fetch_and_store(
    client: HubClient,
    store: Store,
    board: str,
    shards: list[HubFile],
    settings: Settings,
    downloaded: Path | None = None,
) -> IngestReport:
    """Download each shard (the first may be `downloaded` already) and store it; the board's report is the last
    shard's (one shard in practice)."""
    dataset = profile(board).upstream.dataset
    report = None
    for i, shard in enumerate(shards):
        url = client.file_url(dataset, shard.path)
        if i == 0 and downloaded is not None:
            report = ingest_parquet(store, board, downloaded, origin=url)
            continue
        local = await client.download(url, expected_size=shard.size, max_bytes=settings.max_download_bytes)
        try:
            report = ingest_parquet(store, board, local, origin=url)
        finally:
            local.unlink(missing_ok=True)
    assert report is not None
    return report
