"""Leaderbot: answers questions about LLM leaderboards, on Discord and in a console."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chat.client import LeaderBot
    from .settings import Settings


def build_bot(settings: Settings | str | Path, *, scheduler: bool = False, **overrides: Any) -> LeaderBot:
    """Build the Discord bot (see `bot.chat.client.build_bot`). Imported lazily so the answering core, the
    console and the CLI never load discord.py."""
    from .chat.client import build_bot as build  # noqa: PLC0415

    return build(settings, scheduler=scheduler, **overrides)
