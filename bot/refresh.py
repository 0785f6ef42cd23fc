"""Fetching boards from upstream now: `leaderbot refresh` and the scheduled job both come here.

LMArena's boards are Parquet files on the Hugging Face Hub, one folder per config. One tree request per dataset
says which files exist and their ids; a board whose file id is the one last stored costs nothing more, a changed one
is downloaded (redirects followed), read with pyarrow and stored. A config upstream does not publish (any more) is
reported and skipped while the others refresh. A config the tree lists that no profile names (upstream adds
arenas) becomes a board of its own when its columns are an importer's: its profile is derived from the config name
and kept in the store (`upstream_configs`), so it is there after a restart. The Open LLM board, and anything
without Parquet files, comes through the dataset-viewer API as before.

The Hub's benchmark leaderboards (`refresh hub`) are one family: one request lists the official benchmarks (a new
one becomes a board, one no longer listed is marked retired), then each followed benchmark's two rankings (base
models, and with fine-tunes) are fetched a few at a time; a ranking whose answer is the one last stored costs
nothing more.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TypeVar

from db.store import MEMORY, Store

from .ingest import IngestReport, ingest_parquet, ingest_rows, register_boards, store_snapshots
from .profiles import PROFILES, Schema, family, profile, register
from .profiles.arena import discovered_arena, discovered_id
from .profiles.hub import BASE, FAMILY, WITH_FINE_TUNES, HubBenchmark, board_id, hub_profile, title_of
from .settings import Settings
from .sources import SourceError, get_source, parquet
from .sources.base import DroppedRows
from .sources.http import Refused, RetryPolicy
from .sources.hub import HubClient, HubFile, Leaderboard
from .sources.hub_benchmarks import HubSource, lower_is_better
from .sources.limits import BoardRows
from .sources.lmarena import schema_of
from .sources.viewer import ViewerClient

log = logging.getLogger(__name__)
T = TypeVar("T")

Outcome = Literal["stored", "unchanged", "missing", "unknown", "failed", "retired"]
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
        if self.outcome == "retired":
            return f"{self.board}: {self.detail}"
        return f"{self.board}: refresh failed, nothing stored: {self.detail}"


async def elsewhere(store: Store, work: Callable[[Store], T]) -> T:
    """Run an import (`work`, given a store) in a worker thread on a connection of its own, so the event loop of a
    bot keeps answering while a board is checked and written, and a writer that must wait for another process's
    lock waits there, not on the loop. An in-memory store (tests, no other process) is written in place. The
    loop's own connection sees the new snapshots at once (SQLite's data_version counts other connections)."""
    if store.path == MEMORY:
        return work(store)

    def run() -> T:
        own = Store(store.path)
        try:
            return work(own)
        finally:
            own.close()

    return await asyncio.to_thread(run)


def _client(cls: type[HubClient] | type[ViewerClient], base_url: str, settings: Settings):  # type: ignore[no-untyped-def]
    return cls(
        base_url,
        timeout=settings.http_timeout,
        concurrency=settings.http_concurrency,
        retry=RetryPolicy(attempts=settings.http_retries),
        redirect_hosts=settings.download_hosts,
        token=settings.hf_token if cls is HubClient else None,
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
    no profile names yet. `hub` among the boards asks the Hub which benchmarks there are and fetches every one the
    settings follow. One failure never stops the other boards."""
    register_boards(store)  # boards another process found since this one started (a CLI `refresh hub`)
    for board in boards:  # `refresh hub:owner/name` before any `refresh hub` listed it: asked for by its id
        if board.startswith(f"{FAMILY}:") and board not in PROFILES:
            dataset = board[len(FAMILY) + 1 :]
            register(hub_profile(HubBenchmark(dataset, title_of(dataset), False)))
    reports: dict[str, RefreshReport] = {}
    found: list[RefreshReport] = []
    hub: dict[str, list[str]] = {}  # dataset -> its boards published as Parquet files
    benchmarks = [b for b in boards if b != FAMILY and profile(b).upstream.schema is Schema.HUB]
    if FAMILY in boards:
        found += await refresh_benchmarks(store, settings, benchmarks, discover=settings.follows_hub)
    elif benchmarks:
        found += await refresh_benchmarks(store, settings, benchmarks, discover=False)
    for board in boards:
        if board == FAMILY or board in benchmarks:
            continue
        upstream = profile(board).upstream
        if upstream.schema in (Schema.BRADLEY_TERRY, Schema.AGENT):
            hub.setdefault(upstream.dataset, []).append(board)
        else:
            reports[board] = await _refresh_from_viewer(store, board, settings)
    for dataset, group in hub.items():
        done, new = await _refresh_from_hub(store, dataset, group, settings, history=history, discover=discover)
        reports.update(done)
        found += new
    return [*(reports[b] for b in boards if b in reports), *found]


async def ingest_url(
    store: Store, board: str, url: str, settings: Settings, *, as_of: str | None = None
) -> IngestReport:
    """A dataset-viewer `/rows` or `/filter` URL, paged in full, or a file URL."""
    counted = BoardRows(get_source(board), origin=url)  # an unknown board is reported before anything is fetched
    async with viewer_client(settings) as client:
        rows = await client.fetch_url(url, counted=counted)
    return ingest_rows(store, board, rows, origin=url, as_of=as_of)


async def _refresh_from_viewer(store: Store, board: str, settings: Settings) -> RefreshReport:
    up = profile(board).upstream
    origin = f"{settings.viewer_url.rstrip('/')}/rows?dataset={up.dataset}&config={up.config}&split={up.split}"
    try:
        counted = BoardRows(get_source(board), origin=origin)
        async with viewer_client(settings) as client:
            rows = await client.fetch_table(up.dataset, up.config, up.split, counted=counted)
        report = await elsewhere(store, lambda own: ingest_rows(own, board, rows, origin=origin))
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
            report = await elsewhere(store, functools.partial(_ingest_file, board, downloaded, url))
            continue
        local = await client.download(url, expected_size=shard.size, max_bytes=settings.max_download_bytes)
        try:
            report = await elsewhere(store, functools.partial(_ingest_file, board, local, url))
        finally:
            local.unlink(missing_ok=True)
    assert report is not None
    return report


async def refresh_benchmarks(
    store: Store, settings: Settings, boards: Sequence[str], *, discover: bool
) -> list[RefreshReport]:
    """The Hub's benchmark boards: with `discover`, every benchmark the Hub lists and the settings follow (a new
    one registered, one no longer listed retired), else just `boards`. One report per benchmark; a few are fetched
    at a time and each stored before the next few are asked for, so the answers held at once stay few."""
    reports: list[RefreshReport] = []
    wanted = list(dict.fromkeys(boards))
    async with hub_client(settings) as client:
        if discover:
            listed, notes = await _list_benchmarks(client, store, settings)
            reports += notes
            wanted = list(dict.fromkeys([*wanted, *listed]))
        step = max(1, settings.http_concurrency)
        for start in range(0, len(wanted), step):
            chunk = wanted[start : start + step]
            fetched = await asyncio.gather(*(_fetch_benchmark(client, board) for board in chunk))
            for board, answer in zip(chunk, fetched, strict=True):
                kept = answer if isinstance(answer, RefreshReport) else await _keep_benchmark(store, board, answer)
                reports.append(kept)
    return reports


async def _keep_benchmark(store: Store, board: str, fetched: tuple[Leaderboard, Leaderboard]) -> RefreshReport:
    """Store one benchmark's answers in a worker thread; what its profile learnt (lower is better) is registered
    here, on the loop's thread, the only one that changes the registry. Anything going wrong is that benchmark's
    failure, never the run's."""
    try:
        report, lower = await elsewhere(store, functools.partial(_store_benchmark, board, fetched))
    except SourceError as exc:
        return RefreshReport(board, "failed", str(exc))
    except Exception as exc:  # a locked store, a bug: one benchmark's failure, logged with its trace
        log.exception("storing %s failed", board)
        return RefreshReport(board, "failed", f"could not store it ({type(exc).__name__}: {exc})")
    current = profile(board)
    if lower is not None and lower != current.lower_is_better:
        register(replace(current, lower_is_better=lower), update=True)
    return report


async def _list_benchmarks(
    client: HubClient, store: Store, settings: Settings
) -> tuple[list[str], list[RefreshReport]]:
    """The followed benchmarks the Hub lists now, registered as boards; the ones it no longer lists retired."""
    known = [b for b in family(FAMILY) if profile(b).live]
    try:
        infos = [info for info in await client.benchmarks() if settings.follows(info.dataset)]
    except SourceError as exc:
        log.info("asking the Hub for its benchmarks failed: %s", exc)
        return known, [RefreshReport(FAMILY, "failed", f"{UNREACHABLE} for its list of benchmarks ({exc})")]
    stored = {dataset: (title, lower, retired) for _b, dataset, title, lower, retired in store.hub_benchmarks()}
    if not infos and stored:  # every benchmark gone at once looks like a broken answer, not a retirement
        detail = "the Hub listed no official benchmark; nothing was retired (a broken answer, most likely)"
        return known, [RefreshReport(FAMILY, "failed", detail)]
    titles = {info.dataset: title_of(info.dataset, info.pretty_name) for info in infos}  # the datasets listed
    gone = [d for d, (_t, _l, retired) in stored.items() if d not in titles and not retired and settings.follows(d)]
    # new, retitled, or listed again after being retired
    news = [d for d, title in titles.items() if d not in stored or stored[d][0] != title or stored[d][2]]

    def record(own: Store) -> None:
        for dataset in news:
            own.record_benchmark(board_id(dataset), dataset, titles[dataset])
        if gone:
            own.retire_benchmarks(board_id(d) for d in gone)

    try:
        await elsewhere(store, record)  # waits for another process's lock off the loop
    except Exception as exc:
        log.exception("recording the Hub's benchmarks failed")
        return known, [RefreshReport(FAMILY, "failed", f"could not record the list of benchmarks ({exc})")]
    for dataset in news:
        if dataset not in stored:
            log.info("the Hub lists a new benchmark %s: now the board %r", dataset, board_id(dataset))
    boards = []
    for dataset, title in titles.items():
        lower = stored[dataset][1] if dataset in stored else False
        register(hub_profile(HubBenchmark(dataset, title, lower)), update=True)
        boards.append(board_id(dataset))
    notes = []
    for dataset in gone:
        title, lower, _ = stored[dataset]
        register(hub_profile(HubBenchmark(dataset, title, lower, retired=True)), update=True)
        detail = "no longer listed by the Hub; its stored boards are kept and answered as retired"
        notes.append(RefreshReport(board_id(dataset), "retired", detail))
    return boards, notes


async def _fetch_benchmark(client: HubClient, board: str) -> tuple[Leaderboard, Leaderboard] | RefreshReport:
    """Both rankings of one benchmark (base models, and with fine-tunes), or the report of why not."""
    dataset = profile(board).upstream.dataset
    try:
        base = await client.leaderboard(dataset)
        every = await client.leaderboard(dataset, fine_tunes=True)
    except Refused as exc:
        if exc.status in (401, 403, 404):
            detail = (
                f"the Hub refused its leaderboard (HTTP {exc.status}): a gated benchmark needs HF_TOKEN with access"
                " to it, nothing stored"
            )
            return RefreshReport(board, "failed", detail)
        return RefreshReport(board, "failed", str(exc))
    except SourceError as exc:
        return RefreshReport(board, "failed", str(exc))
    return base, every


def _ingest_file(board: str, path: Path, origin: str, store: Store) -> IngestReport:
    return ingest_parquet(store, board, path, origin=origin)


def _store_benchmark(
    board: str, fetched: tuple[Leaderboard, Leaderboard], store: Store
) -> tuple[RefreshReport, bool | None]:
    """Store what is new of one benchmark's two rankings (in a worker thread, on `store`, a connection of its own),
    dated today; nothing when the answers are the ones last stored. Also says whether the answers mark the
    benchmark lower-is-better (None: they hold no row to say it)."""
    base, every = fetched
    fingerprint = f"{base.fingerprint[:32]}{every.fingerprint[:32]}"
    board_profile = profile(board)
    if store.upstream_file(board) == (board_profile.upstream.config, fingerprint):
        store.record_upstream(board, board_profile.upstream.config, fingerprint, None)
        return RefreshReport(board, "unchanged"), None
    lower = (lower_is_better(base.rows) or lower_is_better(every.rows)) if base.rows or every.rows else None
    if lower is not None and lower != board_profile.lower_is_better:
        store.set_lower_is_better(board, lower)
        board_profile = replace(board_profile, lower_is_better=lower)
    if board not in {known for known, *_ in store.hub_benchmarks()}:  # named by its id, not yet listed: kept now
        store.record_benchmark(board, board_profile.upstream.dataset, board_profile.title)
    source = HubSource(board_profile)
    snapshots = []
    for answer, category in ((base, BASE), (every, WITH_FINE_TUNES)):
        if answer.rows:
            snapshots += source.to_snapshots(answer.rows, origin=answer.origin, category=category)
    if not snapshots:
        return RefreshReport(board, "missing", "the Hub ranks no model on it yet"), None
    report = store_snapshots(store, board, base.origin, snapshots)
    # the ranking with fine-tunes lists the base models again, their bad rows too: each is counted once
    report = replace(report, dropped=DroppedRows.repeated(*(s.dropped for s in snapshots)))
    store.record_upstream(board, board_profile.upstream.config, fingerprint, None)
    return RefreshReport(board, "stored" if report.created else "unchanged", ingest=report), lower
