"""Getting upstream data into the store: from files, URLs, the live dataset-viewer API, and the bundled seed.

All parsing and validation finish before the first write, and one import is one transaction, so a bad file or
a failed fetch leaves the store exactly as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from db.seed import bundled_snapshots, organization_rows
from db.store import Saved, Store

from .core.changes import check_snapshot
from .settings import Settings
from .sources import SOURCES, SnapshotData, SourceError, get_source
from .sources.payloads import parse_rows, read_rows
from .sources.viewer import RetryPolicy, ViewerClient

log = logging.getLogger(__name__)

# After this long without an accepted board, the old leaders may all have retired: that alone is no sign of breakage.
TURNOVER_DAYS = 60


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
    for source in SOURCES.values():
        info = source.info
        store.ensure_board(info.id, title=info.title, url=info.url, live=info.live, score_label=info.score_label)


def ingest_rows(
    store: Store, board: str, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
) -> IngestReport:
    source = get_source(board)
    snapshots = source.to_snapshots(rows, origin=origin, as_of=as_of)
    register_boards(store)
    judge_snapshots(store, snapshots)
    return IngestReport(board, origin, store.save_snapshots(snapshots))


def judge_snapshots(store: Store, snapshots: Sequence[SnapshotData]) -> None:
    """Mark each new snapshot that looks broken next to the one before it as rejected: it is kept for the
    record but never answered from or announced (see `core.changes.check_snapshot`)."""
    previous: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # category -> (date, rows) of the last accepted
    rejected: dict[str, list[dict[str, Any]]] = {}  # category -> rows of the newest rejected since then
    for data in sorted(snapshots, key=lambda d: d.as_of):
        if data.category not in previous:
            before = store.latest_snapshot(data.board, data.category, on_or_before=data.as_of)
            previous[data.category] = (before.as_of, store.entries(before.id)) if before else (data.as_of, [])
            since = [
                s for s in store.snapshots(data.board, data.category)
                if s.status == "rejected" and (before is None or s.as_of > before.as_of) and s.as_of <= data.as_of
            ]  # fmt: skip
            if since:
                rejected[data.category] = store.entries(since[-1].id)
        as_of, rows = previous[data.category]
        gap = (date.fromisoformat(data.as_of) - date.fromisoformat(as_of)).days
        verdict = check_snapshot(rows or None, data.rows, board=data.board, turnover_expected=gap > TURNOVER_DAYS)
        if verdict.rule == "leaders" and data.category in rejected:
            # New leaders twice in a row: the board has turned over; it is no glitch. (Half a board or impossible
            # scores stay rejected however often they come: `leaderbot accept` overrides by hand.)
            again = check_snapshot(rejected[data.category], data.rows, board=data.board)
            if again.ok:
                log.warning("%s %s %s accepted: it agrees with the previous publish, which was held back (%s)",
                            data.board, data.category, data.as_of, verdict.reason)  # fmt: skip
                verdict = again
        if verdict.ok:
            previous[data.category] = (data.as_of, data.rows)
            rejected.pop(data.category, None)
        else:
            data.status = "rejected"
            rejected[data.category] = data.rows
            log.warning(
                "%s %s %s looks broken, stored as rejected: %s", data.board, data.category, data.as_of, verdict.reason
            )


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
    info = get_source(board).info
    async with viewer_client(settings) as client:
        rows = await client.fetch_table(info.dataset, info.config, info.split)
    origin = f"{settings.viewer_url.rstrip('/')}/rows?dataset={info.dataset}&config={info.config}&split={info.split}"
    return ingest_rows(store, board, rows, origin=origin)


def live_boards() -> list[str]:
    return [board for board, source in SOURCES.items() if source.info.live]


def seed(store: Store) -> list[IngestReport]:
    """Bring a store up to the bundled data: all of it on first use, and again if a seed was interrupted or a
    new release bundles more (identical snapshots are skipped, so nothing is stored twice)."""
    store.seed_organizations(organization_rows())
    register_boards(store)
    files = bundled_snapshots()
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
