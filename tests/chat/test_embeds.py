"""embeds: every kind of answer has its own embed renderer, and every page stays inside Discord's limits."""

from __future__ import annotations

import re

import pytest

from bot.chat.embeds import EMBED_TOTAL_MAX, RENDERERS, TITLE_MAX, plain_text, render_embeds
from bot.core.answer import Kind
from bot.core.answers import Answerer
from bot.ingest import ingest_rows
from db.store import Store
from tests.arena_2024 import republished

ONE_OF_EACH = {
    Kind.RANK: "rank of Qwen2-72B-Instruct",
    Kind.TOP: "top 100 on open-llm",
    Kind.COMPARE: "llama 3.3 70b vs qwen 2.5 72b",
    Kind.ORGS: "which orgs dominate the top 100 on open-llm",
    Kind.BOARDS: "boards",
    Kind.HISTORY: "history of gpt-4o-2024-05-13 vs claude 3 opus",
    Kind.HELP: "help",
    Kind.GREETING: "hi",
    Kind.CHANGES: "any changes since 2024-07-01",
    Kind.ERROR: "top -3",
    Kind.CLARIFY: "qwen on open-llm",
    Kind.NOT_FOUND: "xyzzy-9000",
    Kind.PROFILE: "qwen2 72b instruct everywhere",
    Kind.DOMAIN: "best at math",
}


def test_every_answer_kind_has_an_embed_renderer() -> None:
    assert set(RENDERERS) == set(Kind) == set(ONE_OF_EACH)


@pytest.mark.parametrize(("kind", "question"), ONE_OF_EACH.items())
def test_each_kind_renders_within_the_limits(answerer: Answerer, kind: Kind, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == kind
    pages = render_embeds(answer)
    assert pages
    for page in pages:
        assert len(page) <= EMBED_TOTAL_MAX and len(page.title or "") <= TITLE_MAX
        assert page.footer.text and (answer.board_title is None or answer.board_title in page.footer.text)
        assert page.description or page.fields


LINK = re.compile(r"(?<!\\)\[evil\]\(http")  # a masked link Discord would render
HOSTILE = ["[evil](http://evil.example)", "*" * 190, "_" * 190, "`x` @everyone <@&123>", "~~gone~~ ||spoiler||"]


@pytest.fixture
def hostile(store: Store) -> Answerer:
    """The real last 2024 board republished (a made-up date) with five models below the top renamed to markdown
    and mentions."""
    board = republished("2025-01-05")
    board.sort(key=lambda r: r["rank"])
    for row, name in zip(board[20:], HOSTILE, strict=False):  # below the top: the board still looks sound
        row["model_name"] = name
    report = ingest_rows(store, "arena-raw", board, origin="test")
    assert report.created[0].snapshot.status == "ok"
    return Answerer(store)


@pytest.mark.parametrize("question", ["top 50", "which orgs dominate the top 10", "rank of evil", "history of evil"])
def test_a_name_cannot_break_the_rendering(hostile: Answerer, question: str) -> None:
    """Before: 3,000 `*` doubled when escaped past a limit (an assertion, for every user), 1,500 `_` gave an empty
    page, and `[evil](http://evil.example)` became a masked link in titles and the plain-text fallback."""
    answer = hostile.ask(question)
    pages = render_embeds(answer)
    for page in pages:
        assert len(page.description or "x") > 0 and len(page) <= EMBED_TOTAL_MAX
        assert not LINK.search((page.title or "") + (page.description or ""))  # shown as text, escaped
        assert "@everyone" not in (page.description or "").replace("@\u200beveryone", "")
    plain = plain_text(answer)
    assert not LINK.search(plain) and len(plain) <= 2000


def test_a_long_name_is_cut_after_escaping(hostile: Answerer) -> None:
    pages = render_embeds(hostile.ask("top 40"))
    lines = [line for page in pages for line in (page.description or "").splitlines()]
    stars = next(line for line in lines if "\\*" in line)
    assert "…" in stars and len(stars) < 200
