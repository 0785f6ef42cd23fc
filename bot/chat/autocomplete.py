"""Autocomplete choices shared by every cog: boards, their categories, model names (Discord shows at most 25)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from ..profiles import PROFILES
from .embeds import clip

if TYPE_CHECKING:
    from ..core.answers import Answerer

MAX_CHOICES = 25


def board_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Boards whose id or title contains what was typed, archived ones labelled."""
    typed = typed.casefold()
    return [
        app_commands.Choice(name=f"{p.title}{' (archived)' if p.archived else ''}", value=board)
        for board, p in PROFILES.items()
        if typed in board or typed in p.title.casefold()
    ][:MAX_CHOICES]


def category_choices(answerer: Answerer, board: str | None, typed: str) -> list[app_commands.Choice[str]]:
    """The categories the store holds for the board (the default board when none is chosen yet)."""
    categories = answerer.categories(board if board in PROFILES else answerer.default_board)
    return [app_commands.Choice(name=c, value=c) for c in categories if typed.casefold() in c.casefold()][:MAX_CHOICES]


def model_choices(answerer: Answerer, board: str | None, typed: str) -> list[app_commands.Choice[str]]:
    """Names carrying what was typed so far, on the chosen board (else the default)."""
    names = answerer.complete(board if board in PROFILES else None, typed[:100])
    return [app_commands.Choice(name=clip(n, 100), value=clip(n, 100)) for n in names[:MAX_CHOICES]]
