"""Upstream boards: one importer per board profile, registered here by the profile's id.

Every profile needs an importer and every importer a profile: a mismatch fails at import, not at the first refresh.
"""

from __future__ import annotations

from ..profiles import PROFILES, UnknownBoard
from .base import SnapshotData, Source, SourceError
from .lmarena import SOURCES as ARENA_SOURCES
from .open_llm import OpenLLMSource

SOURCES: dict[str, Source] = {s.profile.id: s for s in (*ARENA_SOURCES, OpenLLMSource())}
if set(SOURCES) != set(PROFILES):
    raise RuntimeError(f"boards without an importer or importers without a profile: {set(SOURCES) ^ set(PROFILES)}")


def get_source(board: str) -> Source:
    try:
        return SOURCES[board]
    except KeyError:
        raise SourceError(str(UnknownBoard(board))) from None


__all__ = ["SOURCES", "SnapshotData", "Source", "SourceError", "get_source"]
