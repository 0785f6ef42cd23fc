"""Getting data in: files, URLs and the live refresh end to end, and bad input that must leave the store alone."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from viewer_server import ARENA_DATASET, OPEN_LLM_DATASET, ViewerServer, load_rows, rows_page

from bot.ingest import ingest_file, open_store, seed, store_snapshots
from bot.profiles import PROFILES, board_ids, live_boards
from bot.refresh import ingest_url, refresh
from bot.settings import Settings
from bot.sources import SnapshotData, SourceError, get_source
from db.store import Store
from tests.bundled import ARENA_2024, OPEN_LLM_DEC, OPEN_LLM_FINAL
from tests.parquet_files import board_rows, many_models
from tests.stores import copy_store, fingerprint

pytestmark = pytest.mark.both_engines


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


@pytest.fixture(scope="module")
def untouched(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, tuple]]:
    """One seeded store shared by the tests that must not change it, with its fingerprint from before."""
    target = tmp_path_factory.mktemp("untouched") / "store.db"
    copy_store(seeded_db, target)
    store = Store(target)
    yield store, fingerprint(store)
    store.close()


@pytest.fixture
async def viewer() -> AsyncIterator[ViewerServer]:
    async with ViewerServer() as server:
        yield server.add_bundled(arena=ARENA_2024, open_llm=OPEN_LLM_FINAL)


def settings_for(server: ViewerServer, **overrides) -> Settings:
    return Settings(viewer_url=server.url, **{"http_timeout": 5.0, "http_retries": 2, **overrides})


# --- files ----------------------------------------------------------------------------------------------------


def test_a_file_is_stored_once(empty_store: Store) -> None:
    first = ingest_file(empty_store, "open-llm", OPEN_LLM_DEC)
    assert first.summary() == f"open-llm: stored 1 new snapshot(s), 2,209 rows, from {OPEN_LLM_DEC}"
    (saved,) = first.saved
    assert (saved.snapshot.as_of, saved.snapshot.row_count, saved.snapshot.source) == (
        "2024-12-11",
        2209,
        str(OPEN_LLM_DEC),
    )
    before = fingerprint(empty_store)
    again = ingest_file(empty_store, "open-llm", OPEN_LLM_DEC)
    assert again.created == []
    assert again.summary() == f"open-llm: nothing new in {OPEN_LLM_DEC} (1 snapshot(s) already stored)"
    assert fingerprint(empty_store) == before


def test_only_the_new_board_of_a_file_is_stored(store: Store, tmp_path: Path) -> None:
    rows = load_rows(ARENA_2024)
    newer = [  # the last board again, with some more votes: a new publish
        {**r, "leaderboard_publish_date": "2025-01-06", "vote_count": r["vote_count"] + 50}
        for r in rows
        if r["leaderboard_publish_date"] == "2024-12-31"
    ]
    path = tmp_path / "arena-2025.jsonl"
    path.write_bytes(jsonl(rows + newer))
    report = ingest_file(store, "arena-raw", path)
    assert report.summary() == f"arena-raw: stored 1 new snapshot(s), 182 rows, from {path} (39 already stored)"
    latest = store.latest_snapshot("arena-raw", "overall")
    assert (latest.as_of, latest.row_count) == ("2025-01-06", 182)
    previous = store.latest_snapshot("arena-raw", "overall", on_or_before="2025-01-05")
    ids = {e["model_key"]: e["model_id"] for e in store.entries(previous.id)}
    assert {e["model_key"]: e["model_id"] for e in store.entries(latest.id)} == ids


def test_a_viewer_page_file_is_the_same_snapshot_as_json_lines(empty_store: Store, tmp_path: Path) -> None:
    rows = load_rows(ARENA_2024)[:100]
    lines, page = tmp_path / "first.jsonl", tmp_path / "first-page.json"
    lines.write_bytes(jsonl(rows))
    page.write_text(json.dumps(rows_page(rows)), encoding="utf-8")
    assert ingest_file(empty_store, "arena-raw", lines).created[0].snapshot.row_count == 100
    assert ingest_file(empty_store, "arena-raw", page).created == []


def test_a_file_named_without_a_date_takes_as_of(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "contents.jsonl"
    path.write_bytes(jsonl(load_rows(OPEN_LLM_FINAL)[:50]))
    report = ingest_file(empty_store, "open-llm", path, as_of="2025-03-20")
    assert report.created[0].snapshot.as_of == "2025-03-20"


def test_an_unknown_board_is_refused_before_reading(empty_store: Store, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=rf"^unknown board 'hf'; boards: {', '.join(board_ids())}$"):
        ingest_file(empty_store, "hf", tmp_path / "does-not-exist.jsonl")


def _without(column: str) -> bytes:
    return jsonl([{k: v for k, v in r.items() if k != column} for r in load_rows(ARENA_2024)])


def _with_cell(index: int, column: str, value: object) -> bytes:
    rows = [dict(r) for r in load_rows(ARENA_2024)]
    rows[index][column] = value
    return jsonl(rows)


def _duplicate() -> bytes:
    rows = load_rows(ARENA_2024)
    return jsonl([*rows, {**rows[-1], "rating": 1200.0}])


def _cut_gzip() -> bytes:
    data = ARENA_2024.read_bytes()
    return data[: len(data) * 2 // 3]


def _cut_line() -> bytes:
    data = gzip.decompress(ARENA_2024.read_bytes())
    return data[: data.index(b"\n", len(data) // 2) + 30]  # 30 bytes into line 2,801


def _last_name() -> str:
    return load_rows(ARENA_2024)[-1]["model_name"]


BAD_FILES = {
    "missing-column": ("arena-raw", lambda: _without("rating"), "missing required column(s) 'rating'"),
    "wrong-type": ("arena-raw", lambda: _with_cell(6, "rating", "1250"), "column 'rating' should be num (row 7)"),
    "null": (
        "arena-raw",
        lambda: _with_cell(4000, "model_name", None),
        "column 'model_name' is missing or null (row 4001)",
    ),
    "empty": ("arena-raw", lambda: b"", "the file is empty"),
    "truncated-gzip": ("arena-raw", _cut_gzip, "the gzip data is truncated or corrupt"),
    "truncated-line": ("arena-raw", _cut_line, "line 2801 is not valid JSON"),
    "duplicate-model": ("arena-raw", _duplicate, f"{_last_name()!r} appears twice in the overall board of 2024-12-31"),
    "not-utf8": ("arena-raw", lambda: _with_cell(3, "organization", "Z.ai").replace(b"Z.ai", b"Z\xe9ai"), "not UTF-8"),
    "open-llm-score": ("open-llm", lambda: b'{"fullname": "a/b"}\n', "missing required column(s) 'Average ⬆️'"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_and_leave_the_store_as_it_was(
    untouched: tuple[Store, tuple], tmp_path: Path, case: str
) -> None:
    store, before = untouched
    board, make, expected = BAD_FILES[case]
    path = tmp_path / f"{case}-2025-01-06.jsonl.gz"
    path.write_bytes(make())
    with pytest.raises(SourceError) as failed:
        ingest_file(store, board, path)
    message = str(failed.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message
    assert "\n" not in message
    assert fingerprint(store) == before


# --- URLs and the live refresh ---------------------------------------------------------------------------------


async def test_ingest_url_pages_a_whole_table(empty_store: Store, viewer: ViewerServer) -> None:
    url = viewer.rows_url(*OPEN_LLM_DATASET)
    report = await ingest_url(empty_store, "open-llm", url, settings_for(viewer))
    (saved,) = report.created
    assert saved.snapshot.row_count == 4576
    assert saved.snapshot.as_of == "2025-03-13"  # no date in the URL: the newest submission in the table
    assert saved.snapshot.source == url
    assert len(viewer.seen("rows")) == 46


async def test_ingest_url_with_a_filter(empty_store: Store, viewer: ViewerServer) -> None:
    where = "%22leaderboard_publish_date%22%3D%272024-06-19%27"
    url = viewer.rows_url(*ARENA_DATASET, "full").replace("/rows?", "/filter?") + f"&where={where}"
    report = await ingest_url(empty_store, "arena-raw", url, settings_for(viewer))
    assert [(s.snapshot.as_of, s.snapshot.row_count) for s in report.created] == [("2024-06-19", 109)]
    assert {p.params["where"] for p in viewer.seen("filter")} == {"\"leaderboard_publish_date\"='2024-06-19'"}


async def test_ingest_url_downloads_a_file(empty_store: Store, viewer: ViewerServer) -> None:
    url = viewer.add_file("contents-2025-03-21.jsonl.gz", OPEN_LLM_FINAL.read_bytes())
    report = await ingest_url(empty_store, "open-llm", url, settings_for(viewer))
    assert report.created[0].snapshot.as_of == "2025-03-21"


async def test_a_board_past_the_row_limit_stops_the_paging(
    untouched: tuple[Store, tuple], viewer: ViewerServer
) -> None:
    """Before: all 250 pages were fetched and held, and the board refused only then. Rows are counted per board as
    each page arrives: the page that passes 20,000 rows stops the fetch."""
    store, before = untouched
    viewer.add_table("made-up/board", "default", "train", board_rows("2025-01-05", many_models(25_000)))
    with pytest.raises(SourceError) as caught:
        await ingest_url(store, "arena-raw", viewer.rows_url("made-up/board", "default", "train"), settings_for(viewer))
    assert str(caught.value) == (
        "arena-raw overall 2025-01-05: 20,001 rows or more, over the limit of 20,000 for one board; refused"
    )
    assert len(viewer.seen("rows")) < 220  # the 201st page, and the few fetched at the same time
    assert fingerprint(store) == before


async def test_a_schema_change_mid_fetch_stores_nothing(untouched: tuple[Store, tuple], viewer: ViewerServer) -> None:
    store, before = untouched
    viewer.change_schema(from_offset=2000)
    with pytest.raises(SourceError, match=r"offset=2000.*the columns changed between pages"):
        await ingest_url(store, "open-llm", viewer.rows_url(*OPEN_LLM_DATASET), settings_for(viewer))
    assert fingerprint(store) == before


async def test_the_arena_through_the_dataset_viewer_still_works(empty_store: Store, viewer: ViewerServer) -> None:
    """Parquet files are the Arena's refresh path (tests/test_refresh.py); a viewer URL is the fallback."""
    url = viewer.rows_url(*ARENA_DATASET, "latest")
    report = await ingest_url(empty_store, "arena-raw", url, settings_for(viewer))
    (saved,) = report.created
    assert (saved.snapshot.as_of, saved.snapshot.row_count) == ("2024-12-31", 182)
    assert saved.snapshot.source == url
    assert {p.params["split"] for p in viewer.requests} == {"latest"}


async def test_refresh_of_unchanged_boards_stores_nothing(store: Store, viewer: ViewerServer) -> None:
    """The tables fetched page by page over HTTP are recognised as the bundled ones, row for row."""
    before = fingerprint(store)
    arena = await ingest_url(store, "arena-raw", viewer.rows_url(*ARENA_DATASET, "latest"), settings_for(viewer))
    [open_llm] = await refresh(store, ["open-llm"], settings_for(viewer))
    assert open_llm.outcome == "unchanged" and open_llm.ingest is not None
    assert arena.created == open_llm.ingest.created == []
    assert [s.snapshot.as_of for s in arena.saved + open_llm.ingest.saved] == ["2024-12-31", "2025-03-21"]
    assert fingerprint(store) == before


async def test_refresh_that_keeps_failing_stores_nothing(untouched: tuple[Store, tuple], viewer: ViewerServer) -> None:
    store, before = untouched
    viewer.fail(500, times=None, offset=100)
    [report] = await refresh(store, ["open-llm"], settings_for(viewer, http_retries=1))
    assert report.outcome == "failed"
    assert f"{viewer.url}/rows?dataset=open-llm-leaderboard%2Fcontents" in report.detail
    assert "HTTP 500 (gave up after 1 attempts)" in report.summary()
    assert fingerprint(store) == before


async def test_paging_keeps_to_the_concurrency_setting(empty_store: Store) -> None:
    rows = load_rows(ARENA_2024)[:1000]  # ten pages, nine boards
    async with ViewerServer(page_delay=0.05) as server:
        server.add_table(*ARENA_DATASET, "latest", rows)
        url = server.rows_url(*ARENA_DATASET, "latest")
        report = await ingest_url(empty_store, "arena-raw", url, settings_for(server, http_concurrency=2))
    assert sum(s.snapshot.row_count for s in report.created) == 1000
    assert server.max_in_flight == 2


def test_only_live_boards_are_refreshed_by_default() -> None:
    assert live_boards() == [p.id for p in PROFILES.values() if p.live]
    assert "arena-raw" in live_boards() and "open-llm" not in live_boards()


# --- the bundled seed -----------------------------------------------------------------------------------------


def test_a_seeded_store_is_not_seeded_again(store: Store) -> None:
    before = fingerprint(store)
    assert seed(store) == []
    assert fingerprint(store) == before


def test_open_store_without_seed_has_boards_and_organizations_only(tmp_path: Path) -> None:
    with open_store(tmp_path / "bare.db", seed_if_empty=False) as store:
        assert store.is_empty()
        assert store.boards() == sorted(board_ids())
        orgs = {o.name: o.country for o in store.organizations()}
        assert (orgs["Alibaba"], orgs["DeepSeek"], orgs["Mistral AI"]) == ("CN", "CN", "FR")


def test_an_interrupted_seed_is_completed_at_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store(path) as half:  # what a seed stopped after its first file leaves: LMArena in, Open LLM not
        ingest_file(half, "arena-raw", ARENA_2024)
        assert half.meta("bundled") is None
    with open_store(path) as whole:
        assert {s.board for s in whole.snapshots()} == {p.id for p in PROFILES.values() if p.bundle}
        assert len(whole.snapshots()) == 42  # the 39 boards already in were not stored twice
        assert whole.meta("bundled")
    with open_store(path) as again:  # and a complete store is not seeded again
        assert len(again.snapshots()) == 42


def arena_2024() -> list[SnapshotData]:
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return sorted(get_source("arena-raw").to_snapshots(rows, origin="2024"), key=lambda d: d.as_of)


def progress(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "leaderbot.progress"]


def test_a_long_import_says_how_far_it_has_got(empty_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Said at most once every `progress_every_s` (here: at every board), rows and boards so far."""
    boards = arena_2024()
    with caplog.at_level(logging.INFO, logger="leaderbot.progress"):
        store_snapshots(empty_store, "arena-raw", "the 2024 history", boards, progress_every_s=0)
    said = progress(caplog)
    assert len(said) == 39  # one per board
    first = len(boards[0]) + boards[0].dropped.total
    assert said[0].startswith(f"arena-raw: {first} rows, 1 boards read so far from the 2024 history (")
    assert said[-1].startswith("arena-raw: 5,597 rows, 39 boards read so far from the 2024 history (")


def test_a_short_import_says_nothing_of_its_progress(empty_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="leaderbot.progress"):
        report = store_snapshots(empty_store, "arena-raw", "the 2024 history", arena_2024())
    assert len(report.created) == 39
    assert progress(caplog) == []
