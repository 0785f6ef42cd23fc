"""Upstream boards, one module each, registered here by board id."""

from __future__ import annotations

from .base import BoardInfo, SnapshotData, Source, SourceError
from .lmarena import LMArenaSource
from .open_llm import OpenLLMSource

SOURCES: dict[str, Source] = {"arena": LMArenaSource(), "open-llm": OpenLLMSource()}


def get_source(board: str) -> Source:
    try:
        return SOURCES[board]
    except KeyError:
        raise SourceError(f"unknown board {board!r}; boards: {', '.join(SOURCES)}") from None


__all__ = ["SOURCES", "BoardInfo", "SnapshotData", "Source", "SourceError", "get_source"]
