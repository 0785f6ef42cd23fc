"""Getting upstream data into the store: from files, URLs, the live dataset-viewer API, and the bundled seed.

All parsing and validation finish before the first write, and one import is one transaction, so a bad file or
a failed fetch leaves the store exactly as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.seed import bundled_files, organization_rows
from db.store import Saved, Store

from .core.judging import judge_snapshots
from .profiles import PROFILES
from .settings import Settings
from .sources import SourceError, get_source
from .sources.payloads import parse_rows, read_rows
from .sources.viewer import RetryPolicy, ViewerClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    board: str
    origin: str
    saved: list[Saved]

    @property
    def created(self) -> list[Saved]:
        return [s for s in self.saved if s.created]

    @property
    def rejected(self) -> list[Saved]:
        return [s for s in self.created if s.snapshot.status == "rejected"]

    def summary(self) -> str:
        new = len(self.created)
        rows = sum(s.snapshot.row_count for s in self.created)
        if not new:
            return f"{self.board}: nothing new in {self.origin} ({len(self.saved)} snapshot(s) already stored)"
        held = len(self.rejected)
        return (
            f"{self.board}: stored {new} new snapshot(s), {rows:,} rows, from {self.origin}"
            + (f" ({len(self.saved) - new} already stored)" if len(self.saved) > new else "")
            + (f"; {held} looked broken and will not be answered from or announced (see the log)" if held else "")
        )


def register_boards(store: Store) -> None:
    """Every profile's id in the boards table, the anchor snapshots and subscriptions refer to."""
    for board in PROFILES:
        store.ensure_board(board)


def ingest_rows(
    store: Store, board: str, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
) -> IngestReport:
    source = get_source(board)
    snapshots = source.to_snapshots(rows, origin=origin, as_of=as_of)
    register_boards(store)
    judge_snapshots(store, snapshots)
    return IngestReport(board, origin, store.save_snapshots(snapshots))


def ingest_file(store: Store, board: str, path: str | Path, *, as_of: str | None = None) -> IngestReport:
    get_source(board)  # an unknown board is reported before the file is read
    return ingest_rows(store, board, read_rows(path), origin=str(path), as_of=as_of)


def viewer_client(settings: Settings) -> ViewerClient:
    return ViewerClient(
        settings.viewer_url,
        timeout=settings.http_timeout,
        concurrency=settings.http_concurrency,
        retry=RetryPolicy(attempts=settings.http_retries),
    )


async def ingest_url(
    store: Store, board: str, url: str, settings: Settings, *, as_of: str | None = None
) -> IngestReport:
    get_source(board)
    async with viewer_client(settings) as client:
        rows = await client.fetch_url(url)
    return ingest_rows(store, board, rows, origin=url, as_of=as_of)


async def refresh(store: Store, board: str, settings: Settings) -> IngestReport:
    """Fetch a board's current table from the dataset-viewer API and store what is new."""
    up = get_source(board).profile.upstream
    async with viewer_client(settings) as client:
        rows = await client.fetch_table(up.dataset, up.config, up.split)
    origin = f"{settings.viewer_url.rstrip('/')}/rows?dataset={up.dataset}&config={up.config}&split={up.split}"
    return ingest_rows(store, board, rows, origin=origin)


def seed(store: Store) -> list[IngestReport]:
    """Bring a store up to the bundled data: all of it on first use, and again if a seed was interrupted or a
    new release bundles more (identical snapshots are skipped, so nothing is stored twice)."""
    store.seed_organizations(organization_rows())
    register_boards(store)
    files = [(p.id, item) for p in PROFILES.values() if p.bundle for item in bundled_files(p.bundle)]
    wanted = ",".join(item.name for _, item in files)
    if store.meta("bundled") == wanted:
        return []
    started = time.perf_counter()
    reports = []
    for board, item in files:
        origin = f"bundled:{item.name}"
        rows = parse_rows(item.read_bytes(), origin=origin)
        reports.append(ingest_rows(store, board, rows, origin=origin))
    store.set_meta("bundled", wanted)  # only once every file is in
    log.info("seeded the store from bundled data in %.2f s", time.perf_counter() - started)
    return reports


def open_store(path: str | Path, *, seed_if_empty: bool = True) -> Store:
    store = Store(path)
    try:
        if seed_if_empty:
            seed(store)
        else:
            store.seed_organizations(organization_rows())
            register_boards(store)
    except Exception:
        store.close()
        raise
    return store


__all__ = [
    "IngestReport",
    "SourceError",
    "ingest_file",
    "ingest_rows",
    "ingest_url",
    "open_store",
    "refresh",
    "seed",
]
