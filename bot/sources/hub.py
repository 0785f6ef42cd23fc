"""The Hugging Face Hub as Leaderbot reads it: the tree API (what files a dataset holds, and their ids) and file
downloads through `resolve/` (which answers with a redirect to the CDN).

The base URL is `HF_ENDPOINT` as Hugging Face's own clients honour it, so tests point it at a local server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .base import SourceError
from .http import HttpClient

DEFAULT_ENDPOINT = "https://huggingface.co"


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
