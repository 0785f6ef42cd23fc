"""Which model a new name is: the rename rules, in one place, for change detection and histories alike.

Boards rename models now and then (LMArena: "Gemini-Advanced-0514" became "Gemini Advanced App (2024-05-14)",
"Claude 3.5 Sonnet" became "Claude 3.5 Sonnet (20240620)"). A digest that told a rename as a debut plus an exit
would be a false alarm, and a history that stopped at the old name would be wrong, so both ask `rename_links` about
each pair of consecutive boards, with the rules the board's profile names:

- **votes**: a name that vanished and a newcomer from the same organization that carries at least 90% of its votes
  (recounts shave a few off) and a score within the profile's `rename_drift` (10 rating points on LMArena) are one
  model; closest pairs are matched first, so two renames
  in one publish are not crossed. A real debut starts with a fraction of a veteran's votes.
- **dated name**: 'X' (no parenthesised date) leaves the board in the publish where 'X (date)' first appears, from
  the same organization, and the date in the name is on or before X's first appearance (a model cannot be dated
  after it was already on the board): when exactly one such name qualifies, it is X. On LMArena's 2024 boards this
  links 'Claude 3.5 Sonnet' to '(20240620)', not to '(20241022)', which appeared in the same publish.

**Same organization** means the same maker: the organization the store's alias table resolves each board spelling
to (`maker`, laid over every row by `bot.core.snapshots`), else the spelling normalised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from db.keys import org_key

from ..profiles import RenameRule

Row = Mapping[str, Any]

# 'claude 3.5 sonnet (20240620)', 'chatgpt-4o-latest (2024-08-08)', 'command r+ (04-2024)': base name and date
DATED = re.compile(r"^(?P<base>.+) \((?P<date>\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4})\)$")
VOTES_KEPT = 0.9  # a recount shaves a few votes off (55,661 -> 55,593 in one 2024 rename)


def maker(row: Row) -> str | None:
    return row.get("maker") or org_key(row.get("organization"))


def same_organization(a: Row, b: Row) -> bool:
    who = maker(a)
    return who is not None and who == maker(b)


def rename_links(
    old: Mapping[str, Row],
    new: Mapping[str, Row],
    *,
    rules: frozenset[RenameRule],
    drift: float = 0.0,
    first_seen: Mapping[str, str] | None = None,
    returning: frozenset[str] = frozenset(),
    seen_before: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Old model key -> new model key for the models renamed between two consecutive boards (one row per model).

    What the board's history knows, when the caller has it: `first_seen` (model key -> the date it first appeared
    on this board) lets the dated-name rule check its dates, else that rule only links names whose date leaves a
    single candidate; `returning` names the keys a later board holds again and `seen_before` the newcomers an
    earlier board already had: a name that comes back, or a dated name seen before, is no rename by date.
    """
    vanished = [k for k in old if k not in new]
    arrived = [k for k in new if k not in old]
    links: dict[str, str] = {}
    if RenameRule.DATED_NAME in rules:
        gone = [k for k in vanished if k not in returning]
        debuts = [k for k in arrived if k not in seen_before]
        links.update(_dated_links(old, new, gone, debuts, first_seen or {}))
    if RenameRule.VOTES in rules:
        rest_old = [k for k in vanished if k not in links]
        rest_new = [k for k in arrived if k not in links.values()]
        links.update(_vote_links(old, new, rest_old, rest_new, drift))
    return links


def _dated_links(
    old: Mapping[str, Row],
    new: Mapping[str, Row],
    vanished: list[str],
    arrived: list[str],
    first_seen: Mapping[str, str],
) -> dict[str, str]:
    dated: dict[str, list[tuple[str, date | None]]] = {}
    for key in arrived:
        match = DATED.match(key)
        if match:
            dated.setdefault(match["base"], []).append((key, _name_date(match["date"])))
    links = {}
    for key in vanished:
        if DATED.match(key) or key not in dated:
            continue
        since = first_seen.get(key)
        found = [
            other
            for other, named in dated[key]
            if named is not None
            and (since is None or named <= date.fromisoformat(since))
            and same_organization(old[key], new[other])
        ]
        if len(found) == 1:
            links[key] = found[0]
    return links


def _name_date(text: str) -> date | None:
    """The date a parenthesised suffix names: 20240620, 2024-08-08, or 04-2024 (the first of that month)."""
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 10:
            return date.fromisoformat(text)
        return date(int(text[3:]), int(text[:2]), 1)
    except ValueError:
        return None


def _vote_links(
    old: Mapping[str, Row], new: Mapping[str, Row], vanished: list[str], arrived: list[str], drift: float
) -> dict[str, str]:
    pairs = sorted(
        (_distance(old[o], new[n]), o, n) for o in vanished for n in arrived if _votes_carried(old[o], new[n], drift)
    )
    links: dict[str, str] = {}
    for _, old_key, new_key in pairs:
        if old_key not in links and new_key not in links.values():
            links[old_key] = new_key
    return links


def _votes_carried(before: Row, after: Row, drift: float) -> bool:
    votes_before, votes_after = before.get("votes"), after.get("votes")
    if not votes_before or not votes_after or not same_organization(before, after):
        return False
    return votes_after >= VOTES_KEPT * votes_before and abs(float(after["score"]) - float(before["score"])) <= drift


def _distance(before: Row, after: Row) -> float:
    votes = abs(after["votes"] - before["votes"]) / before["votes"]
    return abs(float(after["score"]) - float(before["score"])) + 100 * votes


def compose(steps: list[Mapping[str, str]], keys: list[str]) -> dict[str, str]:
    """Where each of `keys` ends up after the renames of consecutive boards in `steps`, for those renamed."""
    out = {}
    for key in keys:
        current = key
        for links in steps:
            current = links.get(current, current)
        if current != key:
            out[key] = current
    return out
