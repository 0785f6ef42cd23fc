"""The thresholds a subscription or a watch may set, typed in a prefix command as `top:10` and `moves:3`.

`top:N` keeps only changes that touch the top N; `moves:N` keeps only moves of at least N places. The words are
syntax, like a command's name, and the same in every language; slash commands take them as options of the same
names. Kept apart from the cogs so `!subscribe` and `!watch` read them one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIMITS = {"top": (1, 100), "moves": (1, 100)}
_TOKEN = re.compile(r"(?<!\S)(top|moves):(\S*)", re.IGNORECASE)


@dataclass(frozen=True)
class Thresholds:
    top: int | None = None  # None: the command's own default
    moves: int | None = None


class BadThreshold(ValueError):
    """A threshold whose value is not a whole number within its limits: named back to the user with them."""

    def __init__(self, word: str, value: str) -> None:
        super().__init__(f"{word}:{value}")
        self.word = word
        self.value = value
        self.low, self.high = LIMITS[word]


def checked(word: str, value: int | str) -> int:
    """A threshold's value, typed or given as a slash option, as a whole number within its limits."""
    text = str(value)
    low, high = LIMITS[word]
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise BadThreshold(word, text)
    return int(text)


def split_thresholds(text: str) -> tuple[str, Thresholds]:
    """The text without its `top:` / `moves:` words, and the thresholds they set (the last one of each wins)."""
    found: dict[str, int] = {}

    def take(match: re.Match[str]) -> str:
        word = match.group(1).casefold()
        found[word] = checked(word, match.group(2))
        return ""

    rest = " ".join(_TOKEN.sub(take, text).split())
    return rest, Thresholds(found.get("top"), found.get("moves"))
