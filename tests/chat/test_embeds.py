"""embeds: every kind of answer has its own embed renderer, and every page stays inside Discord's limits."""

from __future__ import annotations

import pytest

from bot.chat.embeds import EMBED_TOTAL_MAX, RENDERERS, TITLE_MAX, render_embeds
from bot.core.answer import Kind
from bot.core.answers import Answerer

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
