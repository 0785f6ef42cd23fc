"""The Hugging Face Hub as Leaderbot reads it: the tree API (what files a dataset holds, and their ids), file
downloads through `resolve/` (which answers with a redirect to the CDN), and the benchmark leaderboards (which
datasets are official benchmarks, and each one's ranking).

The base URL is `HF_ENDPOINT` as Hugging Face's own clients honour it, so tests point it at a local server.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from yarl import URL

from ..profiles.hub import DATASET_ID
from .base import SourceError
from .http import HttpClient
from .limits import check_rows
from .payloads import array_items

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
# Pages of the benchmark list followed at most (the Hub pages lists of datasets through `Link` headers): far more
# than the official benchmarks fill, and a bound on a list that would never end.
MAX_LIST_PAGES = 20
MAX_BENCHMARKS = 500


@dataclass(frozen=True)
class BenchmarkInfo:
    """A dataset the Hub lists as an official benchmark."""

    dataset: str
    pretty_name: str | None = None  # from its card, when the listing carries it
    gated: bool = False


@dataclass
class Leaderboard:
    """One benchmark's leaderboard as the Hub answered: the answer's bytes and their fingerprint (the same ranking
    answers the same bytes, so an unchanged board is not even parsed; should the bytes differ for the same ranking,
    the rows are compared before anything is stored)."""

    body: bytes
    origin: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @functools.cached_property
    def rows(self) -> list[Any]:
        """The answer's rows, counted as they are parsed: an answer is one board, so one past MAX_ROWS_PER_BOARD
        rows is refused before the rest are parsed."""
        items = array_items(self.body, origin=self.origin)
        if items is None:
            raise SourceError(f"{self.origin}: not a leaderboard (expected a JSON list of rows)")
        held = []
        for item in items:
            held.append(item)
            check_rows(self.origin, len(held), so_far=True)
        return held


@dataclass(frozen=True)
class HubFile:
    path: str
    oid: str  # the git blob id: it changes exactly when the file does
    size: int


class HubClient(HttpClient):
    def tree_url(self, dataset: str, folder: str = "", *, recursive: bool = False) -> str:
        where = f"/{quote(folder)}" if folder else ""
        return f"{self.base_url}/api/datasets/{dataset}/tree/main{where}" + ("?recursive=true" if recursive else "")

    def file_url(self, dataset: str, path: str) -> str:
        return f"{self.base_url}/datasets/{dataset}/resolve/main/{quote(path)}"

    def benchmarks_url(self) -> str:
        return f"{self.base_url}/api/datasets?filter=benchmark:official"

    def leaderboard_url(self, dataset: str, *, fine_tunes: bool = False) -> str:
        return f"{self.base_url}/api/datasets/{dataset}/leaderboard" + ("?base_model=false" if fine_tunes else "")

    async def benchmarks(self) -> list[BenchmarkInfo]:
        """Every official benchmark dataset, page by page: all of them or a SourceError, never part of the list
        (a partial list would retire the benchmarks it leaves out). The next page must be on the Hub asked."""
        first = self.benchmarks_url()
        url: str | None = first
        found: list[BenchmarkInfo] = []
        for _ in range(MAX_LIST_PAGES):
            if url is None:
                break
            payload, url = await self.get_page(url, parse_json=True)
            found += parse_benchmarks(payload, origin=first)
            if len(found) > MAX_BENCHMARKS:
                raise SourceError(f"{first}: over {MAX_BENCHMARKS} benchmarks listed; refused")
            if url is not None and URL(url).origin() != URL(first).origin():
                raise SourceError(f"{first}: the next page is on another host ({URL(url).host}); refused")
        if url is not None:
            raise SourceError(f"{first}: the list goes on past {MAX_LIST_PAGES} pages; refused")
        return list({b.dataset: b for b in found}.values())

    async def leaderboard(self, dataset: str, *, fine_tunes: bool = False) -> Leaderboard:
        url = self.leaderboard_url(dataset, fine_tunes=fine_tunes)
        return Leaderboard(await self.get(url), url)

    async def files(self, dataset: str, folder: str = "", *, recursive: bool = True) -> list[HubFile]:
        """The files of a dataset (under `folder`), from one tree request."""
        url = self.tree_url(dataset, folder, recursive=recursive)
        return parse_tree(await self.get(url, parse_json=True), origin=url)


def parse_tree(payload: Any, *, origin: str) -> list[HubFile]:
    if not isinstance(payload, list):
        raise SourceError(f"{origin}: not a file listing (expected a JSON list)")
    files = []
    for item in payload:
        if not isinstance(item, dict) or item.get("type") != "file":
            continue
        path, oid, size = item.get("path"), item.get("oid"), item.get("size")
        lfs = item.get("lfs")
        if isinstance(lfs, dict) and isinstance(lfs.get("size"), int):
            size = lfs["size"]  # for a file kept in LFS, `size` may be the pointer's
        if not isinstance(path, str) or not isinstance(oid, str) or not isinstance(size, int):
            raise SourceError(f"{origin}: a file entry lacks its path, oid or size")
        files.append(HubFile(path, oid, size))
    return files


def parse_benchmarks(payload: Any, *, origin: str) -> list[BenchmarkInfo]:
    """The dataset infos of one page of the benchmark list: each needs an `id` like `owner/name`."""
    if not isinstance(payload, list):
        raise SourceError(f"{origin}: not a dataset list (expected a JSON list)")
    found = []
    for item in payload:
        dataset = item.get("id") if isinstance(item, dict) else None
        if not isinstance(dataset, str) or not DATASET_ID.fullmatch(dataset):
            shown = dataset[:60] if isinstance(dataset, str) else type(dataset).__name__
            log.warning("%s: skipped a listed dataset whose id %r is not of the form owner/name", origin, shown)
            continue
        card = item.get("cardData")
        pretty = card.get("pretty_name") if isinstance(card, dict) else None
        found.append(BenchmarkInfo(dataset, pretty if isinstance(pretty, str) else None, bool(item.get("gated"))))
    return found
