"""Upstream boards: one importer per board profile, registered here by the profile's id.

Every built-in profile needs an importer and every importer a profile: a mismatch fails at import, not at the first
refresh. An arena found at run time is given the arena importer for its columns when first asked for.
"""

from __future__ import annotations

from ..profiles import PROFILES, Schema, UnknownBoard, profile
from .base import SnapshotData, Source, SourceError
from .hub_benchmarks import HubSource
from .lmarena import COLUMNS as ARENA_COLUMNS
from .lmarena import SOURCES as ARENA_SOURCES
from .lmarena import ArenaSource
from .open_llm import OpenLLMSource

SOURCES: dict[str, Source] = {s.profile.id: s for s in (*ARENA_SOURCES, OpenLLMSource())}
if set(SOURCES) != set(PROFILES):
    raise RuntimeError(f"boards without an importer or importers without a profile: {set(SOURCES) ^ set(PROFILES)}")


def get_source(board: str) -> Source:
    """The board's importer; a board found at run time (see `profiles.register`) gets its family's importer: an
    arena the arena importer for its columns, a Hub benchmark the Hub's."""
    try:
        found = profile(board)
    except UnknownBoard as exc:
        raise SourceError(str(exc)) from None
    if board not in SOURCES or SOURCES[board].profile != found:  # a benchmark retired since
        if found.upstream.schema is Schema.HUB:
            SOURCES[board] = HubSource(found)
        elif found.upstream.schema in ARENA_COLUMNS:
            SOURCES[board] = ArenaSource(found)
        else:
            raise SourceError(f"board {board!r} has no importer")
    return SOURCES[board]


__all__ = ["SOURCES", "SnapshotData", "Source", "SourceError", "get_source"]
