"""Hostile upstream strings, and one answer of every kind that can carry upstream strings with them in every such
field, for the renderers' tests (embeds, the Discord plain-text fallback, the console's text).

MADE UP: every name, organization, license, category, title, source, score and date here is invented. The strings
are what anyone may publish as a model repo id, an organization, a benchmark card's pretty_name or a result file's
source on the Hub: markdown links, mentions, code, emphasis, an already-escaped link, a line break that would forge a
line, a terminal escape.
"""

from __future__ import annotations

import re

from bot.core.answer import Answer, BoardSummary, Entry, Kind, ModelDetails, OrgShare, Standing
from bot.core.changes import ChangeSet, Event
from bot.core.history import History, Point
from bot.core.text import render_text

HOSTILE = (
    "[evil](http://evil.example) @everyone @here <@123> <@&456> <#789> `tick` *star* _under_ ~~gone~~ ||spoiler||"
    " \\[x](http://evil.example/2)\nFORGED line \x1b[2J\u202eesrever"
)
# What must never be shown unescaped. A character is escaped when an odd number of backslashes stand before it.
UNESCAPED = {
    "a masked link": re.compile(r"(?<!\\)(?:\\\\)*\[(?:evil|x)\]\("),
    "a mention": re.compile(r"@everyone|@here|(?<!\\)(?:\\\\)*<[@#]"),
    "code": re.compile(r"(?<!\\)(?:\\\\)*`tick"),
    "emphasis": re.compile(r"(?<!\\)(?:\\\\)*(?:\*star|_under|~~gone|\|\|spoiler)"),
    "a line break or control character": re.compile("\nFORGED|[\x1b\u202e]"),
}
# The kinds whose answers carry no upstream string (their text is ours alone).
OURS_ALONE = {Kind.HELP, Kind.GREETING}


def survivors(text: str) -> list[str]:
    """What of the hostile strings `text` shows unescaped."""
    return [what for what, pattern in UNESCAPED.items() if pattern.search(text)]


def _standing(board: str, rank: int) -> Standing:
    details = ModelDetails(verified=True, source_url="javascript:alert(1)", source_name=HOSTILE)
    return Standing(board=board, board_title=HOSTILE, archived=False, as_of="2026-11-30", rank=rank, model=HOSTILE,
                    score=80.0, of=10, category=HOSTILE, score_label=HOSTILE, details=details, age_days=1,
                    best_categories=((HOSTILE, 1, 5),), organization=HOSTILE)  # fmt: skip


def _entry(rank: int, *, others: int = 0) -> Entry:
    details = ModelDetails(votes=5000, interval=(1290.0, 1310.0), license=HOSTILE, license_class="open weights",
                           benchmarks={HOSTILE: 50.0}, pull_request=7, source_url="javascript:alert(1)",
                           source_name=HOSTILE)  # fmt: skip
    return Entry(rank=rank, model=HOSTILE + str(rank), score=1300.0, organization=HOSTILE, country="CN",
                 details=details, others=[_standing("open-llm", r) for r in range(1, others + 1)])  # fmt: skip


def answers() -> list[Answer]:
    """One answer of each kind that can carry upstream strings, every such part of it hostile, its `text`
    rendered as the console shows it."""

    def answer(kind: Kind, **parts: object) -> Answer:
        made = Answer(HOSTILE, kind, board="arena-raw", board_title=HOSTILE, as_of="2026-11-30", category=HOSTILE,
                      url="https://lmarena.ai", age_days=1, title=HOSTILE, notes=[HOSTILE], footnote=HOSTILE,
                      score_label=HOSTILE, of=10, **parts)  # type: ignore[arg-type]  # fmt: skip
        made.text = render_text(made)
        return made

    history = History("arena-raw", HOSTILE, HOSTILE, "key", points=[Point("2026-11-01", 2, 1300.0),
                      Point("2026-11-30", 1, 1310.0)], best_rank=1, first_seen="2026-11-01", days_at_1=1,
                      latest_move=1)  # fmt: skip
    events = [Event("new_leader", HOSTILE, 2, 1, 1300.0, 1310.0, old_model=HOSTILE),
              Event("shared_lead", HOSTILE, 3, 1, 1290.0, 1310.0, sharing=(HOSTILE,)),
              Event("renamed", HOSTILE, 4, 4, 1280.0, 1280.0, old_model=HOSTILE),
              Event("entered", HOSTILE, 12, 9, 1200.0, 1250.0)]  # fmt: skip
    board = BoardSummary("hub:made-up/bench", HOSTILE, False, "https://huggingface.co/datasets/made-up/bench",
                         "2026-11-30", "2026-11-01", 3, 10, (HOSTILE,))  # fmt: skip
    made = [
        answer(Kind.RANK, entries=[_entry(1, others=8)]),
        answer(Kind.TOP, entries=[_entry(1), _entry(2)], total=20),
        answer(Kind.COMPARE, entries=[_entry(1), _entry(2)]),
        answer(Kind.ORGS, orgs=[OrgShare(1, HOSTILE, "CN", 3, 1, HOSTILE, 1300.0)]),
        answer(Kind.HISTORY, histories=[history], aspect="first_top"),
        answer(Kind.CHANGES, changes=ChangeSet("arena-raw", HOSTILE, "2026-11-01", "2026-11-30", 10, events)),
        answer(Kind.PROFILE, standings=[_standing("arena-raw", 1), _standing("open-llm", 2)]),
        answer(Kind.DOMAIN, standings=[_standing("arena-raw", 1), _standing("arena-raw", 1), _standing("open-llm", 1)]),
        answer(Kind.CLARIFY, candidates=[HOSTILE, HOSTILE + "2"]),
        answer(Kind.NOT_FOUND, candidates=[HOSTILE]),
        answer(Kind.BOARDS, boards=[board]),
        answer(Kind.ERROR, error=HOSTILE),
    ]
    assert {a.kind for a in made} | OURS_ALONE == set(Kind), "a new kind of answer needs its hostile answer here"
    return made
