"""SimCord fixtures: the real bot from `build_bot`, on a copy of the store seeded from the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import build_bot


@pytest.fixture
def db_path(seeded_copy: Path) -> Path:
    return seeded_copy


@pytest.fixture
def simcord_bot(db_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """SimCord's plugin builds the environment around this bot; `bot_settings` marks override settings."""
    marker = request.node.get_closest_marker("bot_settings")
    return build_bot(db_path, **(marker.kwargs if marker else {}))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bot_settings(**settings): settings passed to build_bot")
