"""The dataset-viewer client against a real local server: paging, retries, timeouts and refusals."""

from __future__ import annotations

import gzip
import time

import pytest
from viewer_server import ARENA_DATASET, OPEN_LLM_DATASET, ViewerServer, load_rows, serve_in_thread

from bot.sources import SourceError
from bot.sources.viewer import RetryPolicy, ViewerClient
from tests.bundled import ARENA_2024, OPEN_LLM_FINAL

ARENA_FULL = (*ARENA_DATASET, "full")


def client(server: ViewerServer, *, timeout: float = 5.0, attempts: int = 4, concurrency: int = 4) -> ViewerClient:
    return ViewerClient(
        server.url, timeout=timeout, concurrency=concurrency, retry=RetryPolicy(attempts=attempts, backoff=0.01)
    )


async def test_pages_through_the_whole_open_llm_table(viewer: ViewerServer) -> None:
    async with client(viewer) as c:
        rows = await c.fetch_table(*OPEN_LLM_DATASET)
    assert len(rows) == 4576
    assert rows == load_rows(OPEN_LLM_FINAL)  # every row, in upstream order
    pages = viewer.seen("rows")
    assert sorted(p.offset for p in pages) == list(range(0, 4576, 100))
    assert {p.params["length"] for p in pages} == {"100"}
    assert {p.status for p in pages} == {200}


async def test_pages_through_the_arena_history_with_filter(viewer: ViewerServer) -> None:
    async with client(viewer) as c:
        overall = await c.fetch_table(*ARENA_FULL, where="\"category\"='overall'")
        one_board = await c.fetch_table(*ARENA_FULL, where="\"leaderboard_publish_date\"='2024-12-31'")
    assert len(overall) == 5597
    assert overall == load_rows(ARENA_2024)
    assert len(one_board) == 182
    assert {r["leaderboard_publish_date"] for r in one_board} == {"2024-12-31"}
    filtered = viewer.seen("filter")
    assert {p.params["where"] for p in filtered} == {
        "\"category\"='overall'",
        "\"leaderboard_publish_date\"='2024-12-31'",
    }
    assert len(filtered) == 56 + 2  # 5,597 rows in pages of 100, then 182 rows


async def test_fetch_url_pages_a_rows_url_and_downloads_a_file(viewer: ViewerServer) -> None:
    file_url = viewer.add_file("board.jsonl.gz", ARENA_2024.read_bytes())
    async with client(viewer) as c:
        paged = await c.fetch_url(viewer.rows_url(*ARENA_DATASET, "latest") + "&offset=100&length=5")
        downloaded = await c.fetch_url(file_url)
    assert len(paged) == 182  # offset and length in the URL are the client's business, not the caller's
    assert downloaded == load_rows(ARENA_2024)


async def test_server_errors_are_retried_until_an_answer_comes(viewer: ViewerServer) -> None:
    viewer.fail(500, times=2, offset=0)
    viewer.fail(503, times=1, offset=300)
    async with client(viewer) as c:
        rows = await c.fetch_table(*ARENA_FULL)
    assert rows == load_rows(ARENA_2024)  # the whole arena file through /rows, 56 pages
    assert [p.status for p in sorted(viewer.seen("rows", offset=0), key=lambda p: p.at)] == [500, 500, 200]
    assert sorted(p.status for p in viewer.seen("rows", offset=300)) == [200, 503]


async def test_persistent_server_errors_give_up_naming_the_url(viewer: ViewerServer) -> None:
    viewer.fail(500, times=None, offset=200)
    async with client(viewer, attempts=3) as c:
        with pytest.raises(SourceError) as failed:
            await c.fetch_table(*ARENA_FULL)
    message = str(failed.value)
    assert "offset=200" in message
    assert viewer.url in message
    assert "HTTP 500" in message
    assert "gave up after 3 attempts" in message
    assert len(viewer.seen("rows", offset=200)) == 3


async def test_retry_after_is_honoured(viewer: ViewerServer) -> None:
    viewer.fail(429, offset=0, retry_after=0.2)
    async with client(viewer) as c:
        rows = await c.fetch_table(*ARENA_DATASET, "latest")
    assert len(rows) == 182
    first, second = sorted(viewer.seen("rows", offset=0), key=lambda p: p.at)
    assert (first.status, second.status) == (429, 200)
    # our own backoff is 0.01 s: only Retry-After explains the wait
    assert second.at - first.at >= 0.2


async def test_a_slow_page_is_retried(viewer: ViewerServer) -> None:
    viewer.slow(2.0, offset=100)
    async with client(viewer, timeout=0.3) as c:
        rows = await c.fetch_table(*ARENA_DATASET, "latest")
    assert len(rows) == 182
    assert sorted(p.status for p in viewer.seen("rows", offset=100)) == [0, 200]  # 0: the client gave up on it


async def test_an_always_slow_page_fails_naming_the_url(viewer: ViewerServer) -> None:
    viewer.slow(2.0, times=None, offset=100)
    started = time.monotonic()
    async with client(viewer, timeout=0.2, attempts=2) as c:
        with pytest.raises(SourceError) as failed:
            await c.fetch_table(*ARENA_DATASET, "latest")
    assert time.monotonic() - started < 1.5  # the timeout cut both attempts short
    message = str(failed.value)
    assert message.startswith(f"{viewer.url}/rows?")
    assert "offset=100" in message
    assert "no answer within 0.2 s" in message
    assert "gave up after 2 attempts" in message


@pytest.mark.parametrize("drop_connection", [False, True], ids=["invalid-json", "connection-dropped"])
async def test_a_truncated_body_is_retried(viewer: ViewerServer, drop_connection: bool) -> None:
    viewer.truncate(offset=100, drop_connection=drop_connection)
    async with client(viewer) as c:
        rows = await c.fetch_table(*ARENA_DATASET, "latest")
    assert rows == [r for r in load_rows(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    assert len(viewer.seen("rows", offset=100)) == 2


async def test_a_schema_change_between_pages_fails_clearly(viewer: ViewerServer) -> None:
    viewer.change_schema(from_offset=3000)
    async with client(viewer) as c:
        with pytest.raises(SourceError, match=r"offset=3000.*the columns changed between pages"):
            await c.fetch_table(*OPEN_LLM_DATASET)


async def test_not_found_fails_at_once_without_retries(viewer: ViewerServer) -> None:
    async with client(viewer, attempts=4) as c:
        with pytest.raises(SourceError, match=r"dataset=no%2Fsuch.*HTTP 404 \(.*does not exist"):
            await c.fetch_table("no/such", "default", "train")
    assert len(viewer.requests) == 1


async def test_a_page_that_vanishes_fails_at_once(viewer: ViewerServer) -> None:
    viewer.fail(404, times=None, offset=100)
    async with client(viewer, attempts=4) as c:
        with pytest.raises(SourceError, match=r"offset=100.*HTTP 404"):
            await c.fetch_table(*ARENA_DATASET, "latest")
    assert len(viewer.seen("rows", offset=100)) == 1


async def test_a_missing_file_fails_at_once(viewer: ViewerServer) -> None:
    async with client(viewer) as c:
        with pytest.raises(SourceError, match=r"/files/nothing\.jsonl\.gz: HTTP 404"):
            await c.fetch_url(f"{viewer.url}/files/nothing.jsonl.gz")
    assert len(viewer.requests) == 1


async def test_a_truncated_file_download_names_the_url(viewer: ViewerServer) -> None:
    data = gzip.compress(b'{"a": 1}\n' * 20_000)
    url = viewer.add_file("cut.jsonl.gz", data[: len(data) // 2])
    async with client(viewer) as c:
        with pytest.raises(SourceError, match=r"cut\.jsonl\.gz: the gzip data is truncated or corrupt"):
            await c.fetch_url(url)


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_concurrency_bound_is_respected(concurrency: int) -> None:
    async with ViewerServer(page_delay=0.05) as server:
        server.add_table("small/board", "default", "train", load_rows(ARENA_2024)[:1000])
        async with client(server, concurrency=concurrency) as c:
            rows = await c.fetch_table("small/board", "default", "train")
    assert len(rows) == 1000
    assert server.max_in_flight == concurrency


async def test_a_partial_split_is_refused() -> None:
    async with ViewerServer() as server:
        server.add_table("big/board", "default", "train", load_rows(ARENA_2024)[:250], partial=True)
        async with client(server) as c:
            with pytest.raises(SourceError, match="only part of this split"):
                await c.fetch_table("big/board", "default", "train")


async def test_zero_attempts_still_asks_once(viewer: ViewerServer) -> None:
    async with client(viewer, attempts=0) as c:
        rows = await c.fetch_table(*ARENA_DATASET, "latest")
    assert len(rows) == 182


async def test_a_page_claiming_a_hundred_million_rows_is_refused_at_once(viewer: ViewerServer) -> None:
    """Before: a task per claimed page was queued up front, which ran out of memory and hung."""
    viewer.claimed_total = 10**8
    with pytest.raises(SourceError, match="claims 100,000,000 rows, over the 100,000"):
        async with client(viewer) as c:
            await c.fetch_table(*OPEN_LLM_DATASET)
    assert len(viewer.seen("rows")) == 1  # the first page only


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_pages_are_fetched_by_a_few_workers_not_queued_up_front(concurrency: int) -> None:
    slow = ViewerServer(page_delay=0.02).add_bundled(arena=ARENA_2024, open_llm=OPEN_LLM_FINAL)
    with serve_in_thread(slow):
        async with client(slow, concurrency=concurrency) as c:
            rows = await c.fetch_table(*OPEN_LLM_DATASET)
    assert len(rows) == 4576 and rows == load_rows(OPEN_LLM_FINAL)
    assert slow.max_in_flight <= concurrency
