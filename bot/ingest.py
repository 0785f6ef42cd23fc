"""Getting upstream data into the store: from files, URLs, the live dataset-viewer API, and the bundled seed.

All parsing and validation finish before the first write, and one import is one transaction, so a bad file or
a failed fetch leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from db.seed import bundled_files, organization_rows, organizations_text
from db.store import Saved, Store

from .core.judging import Judge
from .core.names import model_words
from .profiles import PROFILES, Schema, register
from .profiles.arena import DATASET as ARENA_DATASET
from .profiles.arena import discovered_arena
from .profiles.hub import HubBenchmark, hub_profile
from .sources import SnapshotData, SourceError, get_source
from .sources.base import PARQUET_MAGIC, DroppedRows
from .sources.limits import BoardRows, check_snapshot
from .sources.payloads import parse_rows, read_rows

log = logging.getLogger(__name__)
# How far a long import has got: INFO, which the command line shows a person (`cli.configure_logging`).
progress_log = logging.getLogger("leaderbot.progress")
PROGRESS_EVERY_S = 5.0


@dataclass(frozen=True)
class IngestReport:
    board: str
    origin: str
    saved: list[Saved]
    republished: int = 0  # boards identical to the one before them but for their date: not stored
    dropped: DroppedRows = field(default_factory=DroppedRows)  # upstream rows the importer left out, and why

    @property
    def created(self) -> list[Saved]:
        return [s for s in self.saved if s.created]

    @property
    def rejected(self) -> list[Saved]:
        return [s for s in self.created if s.snapshot.status == "rejected"]

    def summary(self) -> str:
        new = len(self.created)
        rows = sum(s.snapshot.row_count for s in self.created)
        again = f"; {self.republished} republication(s) of an unchanged board skipped" if self.republished else ""
        dropped = f"; {self.dropped.summary()}" if self.dropped else ""
        if not new:
            return (
                f"{self.board}: nothing new in {self.origin} ({len(self.saved)} snapshot(s) already stored{again})"
                + dropped
            )
        held = len(self.rejected)
        return (
            f"{self.board}: stored {new} new snapshot(s), {rows:,} rows, from {self.origin}"
            + (f" ({len(self.saved) - new} already stored)" if len(self.saved) > new else "")
            + again
            + (f"; {held} looked broken and will not be answered from or announced (see the log)" if held else "")
            + dropped
        )


def register_boards(store: Store) -> None:
    """The boards the store found upstream (arenas added after this code, and the Hub's benchmarks, see
    `refresh`) registered as profiles, then every profile's id in the boards table, the anchor snapshots and
    subscriptions refer to."""
    found = store.discovered_boards()
    boards = {*PROFILES, *(board for board, *_ in found)}
    for board, dataset, config, schema in found:
        if board not in PROFILES and dataset == ARENA_DATASET:
            register(discovered_arena(board, config, Schema(schema), boards))
    for _board, dataset, title, lower_is_better, retired in store.hub_benchmarks():
        register(hub_profile(HubBenchmark(dataset, title, lower_is_better, retired)), update=True)
    anchor_boards(store)


def anchor_boards(store: Store) -> None:
    """Every profile's id in the boards table. Registers nothing: an import in a worker thread calls this, and the
    registry is only ever changed on the thread that answers (it iterates it)."""
    for board in list(PROFILES):
        store.ensure_board(board)


class Organizations:
    """Fills an empty `organization` with the model's last known one (LMArena empties it for older models), so a
    filter by country keeps them: from the newest board, stored or earlier in this import, that names one. The
    import's own boards are followed as they come; the store is asked once per model, and only for what it holds
    published after the newest of this import's boards that named the model's organization."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, tuple[str, str, str | None]] = {}  # model key -> (as of, organization, org key)
        self.asked: set[str] = set()
        self.newest = ""  # the latest board followed: none of `known` is newer

    def fill(self, data: SnapshotData) -> None:
        organizations, keys = data.columns.get("organization"), data.columns["model_key"]
        if organizations is None:
            return
        org_keys = data.columns["org_key"]
        known, as_of = self.known, data.as_of
        if as_of >= self.newest and all(organizations):  # a history in date order, every organization named
            known.update(zip(keys, zip(repeat(as_of, len(keys)), organizations, org_keys, strict=True), strict=True))
        else:
            for key, organization, org in zip(keys, organizations, org_keys, strict=True):
                if organization and (key not in known or known[key][0] <= as_of):
                    known[key] = (as_of, organization, org)
        self.newest = max(self.newest, as_of)
        empty = [i for i, o in enumerate(organizations) if not o]
        if not empty:
            return
        ask = {keys[i] for i in empty} - self.asked
        if ask:  # the store may hold newer boards than this import's (another arena, an earlier import)
            newer = self.store.last_organizations({key: known[key][0] if key in known else "" for key in ask})
            known.update(newer)
            self.asked |= ask
        for i in empty:
            if keys[i] in known:
                _, organizations[i], org_keys[i] = known[keys[i]]


class Progress:
    """Rows and boards read so far, said once an import has run `every_s` seconds and then at most once every
    `every_s`: a history import takes a while, and a short import says nothing."""

    def __init__(self, board: str, origin: str, *, every_s: float) -> None:
        self.board, self.origin, self.every_s = board, origin, every_s
        self.started = self.said = time.monotonic()
        self.rows = self.boards = 0

    def read(self, data: SnapshotData) -> None:
        self.boards += 1
        self.rows += len(data) + data.dropped.total
        now = time.monotonic()
        if now - self.said >= self.every_s:
            self.said = now
            progress_log.info("%s: %s rows, %s boards read so far from %s (%.0f s)", self.board,
                              f"{self.rows:,}", f"{self.boards:,}", self.origin, now - self.started)  # fmt: skip


def store_snapshots(
    store: Store,
    board: str,
    origin: str,
    snapshots: Iterable[SnapshotData],
    *,
    expected_rows: int = 0,
    progress_every_s: float = PROGRESS_EVERY_S,
) -> IngestReport:
    """Judge and store one import's snapshots (oldest first) in one transaction: a board already stored is kept
    as it is, a republication of the board before it is skipped, a broken one is stored as rejected; the rows the
    importer dropped from any of them are counted in the report, and a long import says how far it has got
    (`Progress`). `expected_rows`: how many rows the import may bring, if its file says (a large one is written in
    bulk, see `Store.save_snapshots`). The boards found upstream are registered by whoever opened the store
    (`open_store`, `refresh`), never here."""
    anchor_boards(store)
    judge = Judge(store)
    organizations = Organizations(store)
    progress = Progress(board, origin, every_s=progress_every_s)
    skipped = 0
    dropped = DroppedRows()

    def worth_storing() -> Iterator[SnapshotData]:
        nonlocal skipped, dropped
        for data in snapshots:
            progress.read(data)
            dropped += data.dropped
            if not len(data):  # every row of this board was dropped: nothing to store, but counted
                continue
            if store.has_snapshot(data):
                yield data  # the store answers "already stored" for it
                continue
            check_snapshot(data)  # past a limit: SourceError, and the whole import is rolled back
            organizations.fill(data)
            if judge(data) == "republished":
                skipped += 1
                continue
            yield data

    saved = store.save_snapshots(worth_storing(), expected_rows=expected_rows)
    if any(s.created for s in saved):
        complete_model_words(store)
    return IngestReport(board, origin, saved, republished=skipped, dropped=dropped)


def complete_model_words(store: Store) -> None:
    """Each new model's name as the question parser and the cross-board links read it, written once, so no
    process has to tokenise every board's names before it can parse a question."""
    missing = store.models_without_words()
    if missing:
        store.set_model_words((*model_words(name), i) for i, name in missing)


def ingest_rows(
    store: Store, board: str, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
) -> IngestReport:
    snapshots = get_source(board).to_snapshots(rows, origin=origin, as_of=as_of)
    return store_snapshots(store, board, origin, sorted(snapshots, key=lambda d: d.as_of))


def ingest_file(store: Store, board: str, path: str | Path, *, as_of: str | None = None) -> IngestReport:
    """A local file: Parquet in the upstream schema, JSON Lines (plain or gzip), or a dataset-viewer page."""
    source = get_source(board)  # an unknown board is reported before the file is read
    path = Path(path)
    try:
        with path.open("rb") as f:
            is_parquet = f.read(4) == PARQUET_MAGIC
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if is_parquet:
        return ingest_parquet(store, board, path, origin=str(path), as_of=as_of)
    rows = read_rows(path, counted=BoardRows(source, origin=str(path)))
    return ingest_rows(store, source.profile.id, rows, origin=str(path), as_of=as_of)


def ingest_parquet(store: Store, board: str, path: Path, *, origin: str, as_of: str | None = None) -> IngestReport:
    """A Parquet file of the board's config, `latest` or `full`: the importer hands its boards out one at a time,
    so a whole history is never all Python objects at once."""
    from .sources.parquet import file_rows  # noqa: PLC0415 - pyarrow only for the commands that import (see sources)

    snapshots = get_source(board).read_parquet(path, origin=origin, as_of=as_of)  # the file is read and checked
    return store_snapshots(store, board, origin, snapshots, expected_rows=file_rows(path, origin=origin))


def seed_organizations(store: Store) -> None:
    """The bundled organizations and spellings the store lacks, once per version of the bundled table."""
    text = organizations_text()
    version = hashlib.sha256(text.encode()).hexdigest()[:16]
    if store.meta("organizations") != version:
        store.seed_organizations(organization_rows(text))
        store.set_meta("organizations", version)


def seed(store: Store) -> list[IngestReport]:
    """Bring a store up to the bundled data: all of it on first use, and again if a seed was interrupted or a
    new release bundles more (identical snapshots are skipped, so nothing is stored twice)."""
    seed_organizations(store)
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
            seed_organizations(store)
            register_boards(store)
        complete_model_words(store)  # a store written before the words were kept
    except Exception:
        store.close()
        raise
    return store


__all__ = ["IngestReport", "SourceError", "ingest_file", "ingest_parquet", "ingest_rows", "open_store", "seed"]
