"""Upstream boards: one importer per board profile, registered here by the profile's id.

Every built-in profile needs an importer and every importer a profile: a mismatch fails the first time any importer
is asked for (every test run asks), not at the first refresh of that board. An arena found at run time is given the
arena importer for its columns when first asked for. The importers, and pyarrow with them, are imported then too:
a process that only answers from the store (a one-shot `leaderbot ask`) never pays for them.
"""

from __future__ import annotations

import functools
from typing import Any

from ..profiles import PROFILES, Schema, UnknownBoard, profile
from .base import SnapshotData, Source, SourceError


@functools.cache
def _sources() -> dict[str, Source]:
    """Board id -> its importer, for the built-in profiles (boards found at run time are added by `get_source`)."""
    from .lmarena import SOURCES as ARENA_SOURCES  # noqa: PLC0415 - pyarrow only when an importer is wanted
    from .open_llm import OpenLLMSource  # noqa: PLC0415

    built: dict[str, Source] = {s.profile.id: s for s in (*ARENA_SOURCES, OpenLLMSource())}
    if set(built) != set(PROFILES):
        raise RuntimeError(f"boards without an importer or importers without a profile: {set(built) ^ set(PROFILES)}")
    return built


def __getattr__(name: str) -> Any:
    if name == "SOURCES":
        return _sources()
    raise AttributeError(name)


def get_source(board: str) -> Source:
    """The board's importer; a board found at run time (see `profiles.register`) gets its family's importer: an
    arena the arena importer for its columns, a Hub benchmark the Hub's."""
    from .hub_benchmarks import HubSource  # noqa: PLC0415
    from .lmarena import COLUMNS as ARENA_COLUMNS  # noqa: PLC0415
    from .lmarena import ArenaSource  # noqa: PLC0415

    try:
        found = profile(board)
    except UnknownBoard as exc:
        raise SourceError(str(exc)) from None
    SOURCES = _sources()
    if board not in SOURCES or SOURCES[board].profile != found:  # a benchmark retired since
        if found.upstream.schema is Schema.HUB:
            SOURCES[board] = HubSource(found)
        elif found.upstream.schema in ARENA_COLUMNS:
            SOURCES[board] = ArenaSource(found)
        else:
            raise SourceError(f"board {board!r} has no importer")
    return SOURCES[board]


__all__ = ["SOURCES", "SnapshotData", "Source", "SourceError", "get_source"]
