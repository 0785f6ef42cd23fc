"""Autocomplete choices shared by every cog: boards, their categories, model names (Discord shows at most 25)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from ..profiles import PROFILES
from .embeds import clip

if TYPE_CHECKING:
    from ..core.answers import Answerer

MAX_CHOICES = 25


def board_choices(answerer: Answerer, typed: str) -> list[app_commands.Choice[str]]:
    """Boards whose id or title contains what was typed: those the store holds first, archived ones labelled,
    empty ones said to be so."""
    typed = typed.casefold()
    held = set(answerer.held_boards())

    def label(board: str) -> str:
        p = PROFILES[board]
        return p.title + (" (archived)" if p.archived else "") + ("" if board in held else " (no data yet)")

    matches = [b for b, p in PROFILES.items() if typed in b or typed in p.title.casefold()]
    matches.sort(key=lambda b: b not in held)
    return [app_commands.Choice(name=label(b), value=b) for b in matches][:MAX_CHOICES]


def category_choices(answerer: Answerer, board: str | None, typed: str) -> list[app_commands.Choice[str]]:
    """The categories the store holds for the board (the default board when none is chosen yet)."""
    categories = answerer.categories(board if board in PROFILES else answerer.board_for(None))
    return [app_commands.Choice(name=c, value=c) for c in categories if typed.casefold() in c.casefold()][:MAX_CHOICES]


def model_choices(answerer: Answerer, board: str | None, typed: str) -> list[app_commands.Choice[str]]:
    """Names carrying what was typed so far, on the chosen board (else the default)."""
    names = answerer.complete(board if board in PROFILES else None, typed[:100])
    return [app_commands.Choice(name=clip(n, 100), value=clip(n, 100)) for n in names[:MAX_CHOICES]]
