"""The local dataset-viewer server, serving the bundled tables where the product looks for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from viewer_server import ViewerServer

DATA = Path(__file__).resolve().parents[2] / "db" / "data"


@pytest.fixture
async def viewer() -> AsyncIterator[ViewerServer]:
    async with ViewerServer() as server:
        yield server.add_bundled(
            arena=DATA / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz",
            open_llm=DATA / "open-llm" / "contents-2025-03-21.jsonl.gz",
        )
