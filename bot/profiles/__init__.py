"""The board registry: one profile per board, in the order boards are listed and tried.

Everything that differs between boards is asked of a profile here; code outside the profiles and their importers
never tests a board id. Asking for a board that has no profile fails loudly (`UnknownBoard`).
"""

from __future__ import annotations

from .arena import ARENAS
from .base import (
    Benchmark,
    BoardProfile,
    Detail,
    Domain,
    DomainPart,
    Filter,
    RankRule,
    RenameRule,
    Schema,
    ScoreFormat,
    Upstream,
)
from .open_llm import OPEN_LLM

PROFILES: dict[str, BoardProfile] = {p.id: p for p in (*ARENAS, OPEN_LLM)}
BUILT_IN = frozenset(PROFILES)


class UnknownBoard(LookupError):
    """A board id with no profile; the message lists the boards there are."""

    def __init__(self, board: str) -> None:
        super().__init__(f"unknown board {board!r}; boards: {', '.join(PROFILES)}")
        self.board = board


def register(found: BoardProfile, *, update: bool = False) -> None:
    """Add a board found at run time (an arena upstream added, see `arena.discovered_arena`; a Hub benchmark, see
    `hub.hub_profile`), or with `update` replace one found earlier (a benchmark retired). The registry is
    otherwise fixed at import; a built-in board is never replaced."""
    if found.id in PROFILES and PROFILES[found.id] != found and (found.id in BUILT_IN or not update):
        raise ValueError(f"board {found.id!r} already has a profile")
    PROFILES[found.id] = found


def family(name: str) -> list[str]:
    """The boards of a family (`hub`), in registry order."""
    return [p.id for p in PROFILES.values() if p.family == name]


def profile(board: str) -> BoardProfile:
    try:
        return PROFILES[board]
    except KeyError:
        raise UnknownBoard(board) from None


def board_ids() -> tuple[str, ...]:
    return tuple(PROFILES)


def live_boards() -> list[str]:
    return [p.id for p in PROFILES.values() if p.live]


__all__ = [
    "PROFILES",
    "Benchmark",
    "BoardProfile",
    "Detail",
    "Domain",
    "DomainPart",
    "Filter",
    "RankRule",
    "RenameRule",
    "Schema",
    "ScoreFormat",
    "UnknownBoard",
    "Upstream",
    "board_ids",
    "family",
    "live_boards",
    "profile",
    "register",
]
