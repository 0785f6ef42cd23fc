"""How names become look-up keys. Shared by the store (aliases) and the importers (entries), so both agree."""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)  # a board names a few dozen organizations, on every one of its rows
def org_key(name: str | None) -> str | None:
    """Normalise an organization spelling so 'DeepSeek AI', 'deepseek-ai' and 'DeepSeek-AI' are one key."""
    if not name:
        return None
    return _NOT_ALNUM.sub("", name.casefold()) or None


def model_key(name: str) -> str:
    """A model's identity on its board. Case-folded because the live LMArena dataset lower-cases names
    ('gpt-4o-2024-05-13') that older boards displayed capitalised ('GPT-4o-2024-05-13')."""
    return name.strip().casefold()
