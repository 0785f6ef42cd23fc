"""Fetching boards from upstream now: `leaderbot refresh` and the scheduled job both come here.

LMArena's boards are Parquet files on the Hugging Face Hub, one folder per config. One tree request per dataset
says which files exist and their ids; a board whose file id is the one last stored costs nothing more, a changed one
is downloaded (redirects followed), read with pyarrow and stored. A config upstream does not publish (any more) is
reported and skipped while the others refresh. The Open LLM board, and anything without Parquet files, comes
through the dataset-viewer API as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from db.store import Store

from .ingest import IngestReport, ingest_parquet, ingest_rows
from .profiles import Schema, profile
from .settings import Settings
from .sources import SourceError, get_source
from .sources.http import RetryPolicy
from .sources.hub import HubClient, HubFile
from .sources.viewer import ViewerClient

log = logging.getLogger(__name__)

Outcome = Literal["stored", "unchanged", "missing", "failed"]
UNREACHABLE = "could not reach the Hub"


@dataclass(frozen=True)
class RefreshReport:
    board: str
    outcome: Outcome
    detail: str = ""  # for 'missing' and 'failed', what went wrong, for a person
    ingest: IngestReport | None = None

    def summary(self) -> str:
        if self.ingest is not None:
            return self.ingest.summary()
        if self.outcome == "unchanged":
            return f"{self.board}: unchanged upstream, nothing to fetch"
        if self.outcome == "missing":
            return f"{self.board}: skipped, {self.detail}"
        return f"{self.board}: refresh failed, nothing stored: {self.detail}"


def _client(cls: type[HubClient] | type[ViewerClient], base_url: str, settings: Settings):  # type: ignore[no-untyped-def]
    return cls(
        base_url,
        timeout=settings.http_timeout,
        concurrency=settings.http_concurrency,
        retry=RetryPolicy(attempts=settings.http_retries),
    )


def viewer_client(settings: Settings) -> ViewerClient:
    return _client(ViewerClient, settings.viewer_url, settings)


def hub_client(settings: Settings) -> HubClient:
    return _client(HubClient, settings.hf_endpoint, settings)


async def refresh(
    store: Store, boards: Sequence[str], settings: Settings, *, history: bool = False
) -> list[RefreshReport]:
    """Fetch each board's current data (with `history`, every board it ever published) and store what is new;
    one report per board, in the order asked. One failure never stops the other boards."""
    reports: dict[str, RefreshReport] = {}
    hub: dict[str, list[str]] = {}  # dataset -> its boards published as Parquet files
    for board in boards:
        upstream = profile(board).upstream
        if upstream.schema in (Schema.BRADLEY_TERRY, Schema.AGENT):
            hub.setdefault(upstream.dataset, []).append(board)
        else:
            reports[board] = await _refresh_from_viewer(store, board, settings)
    for dataset, group in hub.items():
        reports.update(await _refresh_from_hub(store, dataset, group, settings, history=history))
    return [reports[b] for b in boards]


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
    store: Store, dataset: str, boards: list[str], settings: Settings, *, history: bool
) -> dict[str, RefreshReport]:
    kind = "full" if history else "latest"
    reports: dict[str, RefreshReport] = {}
    async with hub_client(settings) as client:
        try:
            files = {f.path: f for f in await client.files(dataset)}
        except SourceError as exc:
            log.info("asking the Hub about %s failed: %s", dataset, exc)
            return {board: RefreshReport(board, "failed", f"{UNREACHABLE} ({exc})") for board in boards}
        for board in boards:
            config = profile(board).upstream.config
            shards = _shards(files, config, kind)
            if not shards:
                detail = f"{dataset} publishes no {config}/{kind} file (any more)"
                log.warning("%s: %s", board, detail)
                reports[board] = RefreshReport(board, "missing", detail)
                continue
            path, oid = ",".join(f.path for f in shards), ",".join(f.oid for f in shards)
            if store.upstream_file(board) == (path, oid):
                store.record_upstream(board, path, oid, sum(f.size for f in shards))
                reports[board] = RefreshReport(board, "unchanged")
                continue
            try:
                report = await _fetch_and_store(client, store, dataset, board, shards, settings)
            except SourceError as exc:
                reports[board] = RefreshReport(board, "failed", str(exc))
                continue
            store.record_upstream(board, path, oid, sum(f.size for f in shards))
            reports[board] = RefreshReport(board, "stored" if report.created else "unchanged", ingest=report)
    return reports


async def _fetch_and_store(
    client: HubClient,
    store: Store,
    dataset: str,
    board: str,
    shards: list[HubFile],
    settings: Settings,
) -> IngestReport:
    """Download each shard and store it; the board's report is the last shard's (one shard in practice)."""
    report = None
    for shard in shards:
        url = client.file_url(dataset, shard.path)
        local = await client.download(url, expected_size=shard.size, max_bytes=settings.max_download_bytes)
        try:
            report = ingest_parquet(store, board, local, origin=url)
        finally:
            local.unlink(missing_ok=True)
    assert report is not None
    return report
