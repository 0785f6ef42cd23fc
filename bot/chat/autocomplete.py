"""Autocomplete choices shared by every cog: boards, their categories, model names (Discord shows at most 25)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from ..core.i18n import DEFAULT, category_text, for_discord, t
from ..profiles import PROFILES
from .embeds import clip

if TYPE_CHECKING:
    from ..core.answers import Answerer

MAX_CHOICES = 25


def board_choices(answerer: Answerer, typed: str, locale: object = None) -> list[app_commands.Choice[str]]:
    """Boards whose id or title contains what was typed: those the store holds first, archived ones labelled,
    empty ones said to be so (in the user's language: `locale` is the interaction's)."""
    typed = typed.casefold()
    held = set(answerer.held_boards())
    lang = for_discord(locale)

    def label(board: str) -> str:
        p = PROFILES[board]
        archived = t(lang, "admin.archived_choice") if p.archived else ""
        return p.title + archived + ("" if board in held else t(lang, "admin.empty_choice"))

    matches = [b for b, p in PROFILES.items() if typed in b or typed in p.title.casefold()]
    matches.sort(key=lambda b: b not in held)
    return [app_commands.Choice(name=label(b), value=b) for b in matches][:MAX_CHOICES]


def category_choices(
    answerer: Answerer, board: str | None, typed: str, locale: object = None
) -> list[app_commands.Choice[str]]:
    """The categories the store holds for the board (the default board when none is chosen yet). In another
    language each shows its name there and its id ("编程 (coding)"); what was typed may match either."""
    categories = answerer.categories(board if board in PROFILES else answerer.board_for(None))
    lang = for_discord(locale)
    typed = typed.casefold()

    def label(category: str) -> str:
        shown = category_text(category, lang)
        return category if lang == DEFAULT or shown == category else f"{shown} ({category})"

    labels = [(label(c), c) for c in categories]
    return [app_commands.Choice(name=n, value=c) for n, c in labels if typed in n.casefold()][:MAX_CHOICES]


def model_choices(answerer: Answerer, board: str | None, typed: str) -> list[app_commands.Choice[str]]:
    """Names carrying what was typed so far, on the chosen board (else the default)."""
    names = answerer.complete(board if board in PROFILES else None, typed[:100])
    return [app_commands.Choice(name=clip(n, 100), value=clip(n, 100)) for n in names[:MAX_CHOICES]]
