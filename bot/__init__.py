"""Leaderbot: answers questions about LLM leaderboards, on Discord and in a console."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chat.client import LeaderBot


def build_bot(db_path: str | Path, *, scheduler: bool = False, **settings: Any) -> LeaderBot:
    """Build the Discord bot (see `bot.chat.client.build_bot`). Imported lazily so the answering core, the
    console and the CLI never load discord.py."""
    from .chat.client import build_bot as build  # noqa: PLC0415

    return build(db_path, scheduler=scheduler, **settings)
