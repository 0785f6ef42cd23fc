"""SimCord fixtures: the real bot from `build_bot`, on a copy of the store seeded from the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import build_bot


@pytest.fixture
def db_path(seeded_copy: Path) -> Path:
    return seeded_copy


@pytest.fixture
async def simcord_bot(db_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """SimCord's plugin builds the environment around this bot; `bot_settings` marks override settings.
    SimCord detaches the bot without closing it, so the fixture closes it (its store, its frozen boards)."""
    marker = request.node.get_closest_marker("bot_settings")
    bot = build_bot(db_path, **(marker.kwargs if marker else {}))
    yield bot
    if not bot.is_closed():
        await bot.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bot_settings(**settings): settings passed to build_bot")
