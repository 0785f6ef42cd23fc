"""embeds: every kind of answer has its own embed renderer, and every page stays inside Discord's limits."""

from __future__ import annotations

import json
import re
from typing import Any

import discord
import pytest

from bot.chat.embeds import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    RENDERERS,
    TITLE_MAX,
    plain_text,
    render_embeds,
)
from bot.core.answer import Answer, Entry, Kind, ModelDetails, Standing
from bot.core.answers import Answerer
from bot.core.i18n import DEFAULT, LANGUAGES
from bot.core.text import render_text
from bot.ingest import ingest_rows
from bot.refresh import refresh
from bot.settings import Settings
from db.store import Store
from tests import hub_benchmarks as hb
from tests.arena_2024 import republished
from tests.hostile import answers as hostile_answers
from tests.hostile import survivors
from tests.hub_server import HubServer

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


OTHERS = [lang for lang in LANGUAGES if lang != DEFAULT]
# The embeds' own English words (titles, field names, list and footer words): none may show in another language.
ENGLISH_WORDS = [
    "Votes", "Sessions", "Rank spread", "License", "Size", "Submitted", "[source]", "live board", "archived board",
    "board of", "as of", "Page ", "Comparison", "Changes", "Everywhere", "best #", "best:", "more boards", "On ",
    " of ", "Ask ", "Which “", "Several models match", "Not found", "Boards", "I couldn't answer", "what you can ask",
    "Hello!", "No model matches", "match in all", "No changes worth", "History:", "lower is better",
    "side by side", "share #1", "open weights", "proprietary", "Rating", "Average", "Score",
]  # fmt: skip


def layout(page: discord.Embed) -> tuple[object, ...]:
    """What an embed looks like, apart from its words: which parts it has, its fields and how they sit."""
    return (bool(page.title), bool(page.description), page.url, page.colour, bool(page.footer.text),
            [(bool(f.name), bool(f.value), f.inline) for f in page.fields])  # fmt: skip


def within_limits(page: discord.Embed) -> None:
    assert len(page) <= EMBED_TOTAL_MAX and len(page.title or "") <= TITLE_MAX
    assert len(page.description or "") <= DESCRIPTION_MAX and len(page.footer.text or "") <= FOOTER_MAX
    assert len(page.fields) <= FIELDS_MAX
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in page.fields)


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize(("kind", "question"), ONE_OF_EACH.items())
def test_each_kind_has_the_english_layout_in_every_language(
    answerer: Answerer, kind: Kind, question: str, lang: str
) -> None:
    """Before: another language got its plain text in one embed (no fields, no pages, an English "Page" footer)."""
    english, answer = render_embeds(answerer.ask(question)), render_embeds(answerer.ask(question, lang=lang))
    assert [layout(page) for page in answer] == [layout(page) for page in english]
    for page in answer:
        within_limits(page)
        shown = page.to_dict()
        if kind in (Kind.HELP, Kind.GREETING):  # their text holds English commands to type ("as of 2024-09-01")
            shown.pop("description")
        text = json.dumps(shown, ensure_ascii=False)
        assert [word for word in ENGLISH_WORDS if word in text] == []


def standing(board: str, rank: int, **more: Any) -> Standing:
    """A model on one board, every other one archived."""
    return Standing(board=board, board_title=f"Board {rank}", archived=rank % 2 == 0, as_of="2024-12-31", rank=rank,
                    model=f"model-{rank}", score=1200.0, of=100, age_days=3, score_label="Rating", **more)  # fmt: skip


def rare_parts(lang: str) -> list[Answer]:
    """The parts of a layout the bundled boards do not show: a Hub submission with its source, sessions, more other
    boards than are listed, a card of more boards than an embed holds, a tie for #1, a lower-is-better score."""

    def answer(kind: Kind, **parts: Any) -> Answer:
        return Answer(str(kind), kind, board="arena-raw", board_title="Arena", as_of="2024-12-31", category="overall",
                      url="https://example.org", age_days=3, language=lang, **parts)  # fmt: skip

    hub = ModelDetails(pull_request=12, source_url="https://example.org/pr/12")
    details = ModelDetails(votes=12345, sessions=678, interval=(1190.0, 1210.0), rank_spread=(2, 5), params_b=7.0,
                           license="Custom", license_class="unknown", pull_request=12,
                           source_url="https://example.org/pr/12")  # fmt: skip
    others = [standing("open-llm", rank) for rank in range(1, 10)]
    entry = Entry(rank=3, model="model-x", score=1200.0, organization="Org", country="CN", details=details,
                  others=others)  # fmt: skip
    card = [standing("arena-raw", rank, lower_is_better=True, best_categories=(("coding", 1, 50),), details=hub)
            for rank in range(1, 31)]  # fmt: skip
    tie = [standing("arena-raw", 1, details=hub), standing("arena-raw", 1), standing("open-llm", 1)]
    return [
        answer(Kind.RANK, score_label="Rating", of=100, entries=[entry]),
        answer(Kind.PROFILE, title="model-x", standings=card),
        answer(Kind.DOMAIN, title="Best", standings=tie),
    ]


def test_the_rare_parts_of_a_layout_are_in_the_language_too() -> None:
    def shown(lang: str) -> tuple[list[list[tuple[object, ...]]], str]:
        pages = [render_embeds(answer) for answer in rare_parts(lang)]
        for page in (p for answer in pages for p in answer):
            within_limits(page)
        return [[layout(p) for p in answer] for answer in pages], json.dumps(
            [p.to_dict() for answer in pages for p in answer], ensure_ascii=False
        )

    english_layout, english = shown(DEFAULT)
    rare = ["Submitted", "[source]", "Sessions", "more boards", "lower is better", "best:", "share #1", "6 more"]
    assert [word for word in rare if word not in english] == []  # the English words these answers show
    for lang in OTHERS:
        layout_in, text = shown(lang)
        assert layout_in == english_layout
        assert [word for word in [*ENGLISH_WORDS, "6 more"] if word in text] == [], lang


def test_a_thai_rank_answer_names_its_fields_in_thai(answerer: Answerer) -> None:
    [english] = render_embeds(answerer.ask("rank of Qwen2-72B-Instruct"))
    [thai] = render_embeds(answerer.ask("rank of Qwen2-72B-Instruct", lang="th"))
    assert [f.name for f in english.fields][:5] == ["95% CI", "Rank spread", "Votes", "License", "Size"]
    assert [f.name for f in thai.fields][:5] == ["ช่วงความเชื่อมั่น 95%", "ช่วงอันดับ", "โหวต", "สัญญาอนุญาต", "ขนาด"]
    assert thai.fields[-1].name == "บน Open LLM Leaderboard v2 (เก็บถาวร, 21 มี.ค. 2025)"
    assert thai.title == english.title and thai.description.startswith("**คะแนนเรตติ้ง** 1187 · อยู่อันดับ #73 จาก ")
    assert "ภาพรวม · ยังอัปเดต · กระดานวันที่ 31 ธ.ค. 2024" in thai.footer.text
    [spanish] = render_embeds(answerer.ask("rank of Qwen2-72B-Instruct", lang="es-ES"))
    assert spanish.fields[2].name == "Votos" and re.fullmatch(r"\d{2}\.\d{3}", spanish.fields[2].value)  # 38.959


def test_pages_of_a_long_list_are_numbered_in_the_language(answerer: Answerer) -> None:
    pages = render_embeds(answerer.ask("top 100 on open-llm", lang="zh-CN"))
    assert len(pages) == 10 and pages[1].footer.text.startswith("第 2/10 页 · Open LLM Leaderboard v2 · 总榜 · ")


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


@pytest.mark.parametrize("answer", hostile_answers(), ids=lambda a: str(a.kind))
def test_no_upstream_string_survives_unescaped_in_any_kind(answer: Answer) -> None:
    """Made-up hostile strings in every upstream part of every kind of answer (tests/hostile.py). Before: an
    organization, a license, a board's title (a Hub benchmark's pretty_name), a category, a list's title and more
    were shown as they came, and a source link of `javascript:alert(1)` was a link."""
    for page in render_embeds(answer):
        within_limits(page)
        shown = [page.title or "", page.description or "", *(f"{f.name}\n{f.value}" for f in page.fields)]
        assert [(what, text) for text in shown for what in survivors(text)] == []
        assert "javascript:" not in json.dumps(page.to_dict())
        assert "a line break or control character" not in survivors(page.footer.text or "")  # footers: no markdown
    plain = plain_text(answer)  # the same answer where the bot may not send embeds
    assert survivors(plain) == [] and "javascript:" not in plain


HOSTILE_BENCH = "made-up-org/hostile-bench"  # invented, as are its rows


async def test_hostile_upstream_rows_reach_no_answer_unescaped(store: Store) -> None:
    """End to end: a made-up Hub benchmark fetched from the local Hub (127.0.0.1) whose card's pretty_name, model
    ids (so organizations) and cited sources are hostile, beside the real last Arena board republished (a made-up
    date) with hostile names, an organization and a license; then every kind of answer that shows them."""
    async with HubServer() as hub:
        hub.put_benchmark(HOSTILE_BENCH, [
            hb.row("[evil](http://evil.example)/model-a", 90.0,
                   source={"url": "javascript:alert(1)", "name": "`tick` <@123>", "isExternal": True}),
            hb.row("Qwen/Qwen2-72B-Instruct", 80.0), hb.row("made-up-org/model-b", 70.0),
            hb.row("*star*/model-c @everyone", 60.0),
        ], pretty_name="Bench [evil](http://evil.example) @everyone `tick`")  # fmt: skip
        settings = Settings(hf_endpoint=hub.url, http_timeout=5.0, hub_benchmarks=(HOSTILE_BENCH,))
        reports = await refresh(store, ["hub"], settings)
    assert [r.outcome for r in reports] == ["stored"], [r.summary() for r in reports]
    board = republished("2025-01-05")
    board.sort(key=lambda r: r["rank"])
    board[20]["model_name"] = "[evil](http://evil.example) `tick` *star*"
    board[21]["organization"] = "[evil](http://evil.example) <#789> Labs"
    board[0]["license"] = "*star* @here"
    assert ingest_rows(store, "arena-raw", board, origin="test").created[0].snapshot.status == "ok"
    answerer = Answerer(store)
    questions = [
        "top 5 on hostile bench", "rank of model-a on hostile bench", "which orgs dominate the top 5 on hostile bench",
        "boards", "qwen2 72b instruct everywhere", "top 30", "history of evil",
        "which orgs dominate the top 30", "any changes since 2024-12-31", f"rank of {board[0]['model_name']}",
        "rank of evil", "rank of [x](http://evil.example) @everyone", "top 5 on hostile bench as of 2020-01-01",
    ]  # fmt: skip
    kinds = set()
    for question in questions:
        answer = answerer.ask(question)
        kinds.add(answer.kind)
        for page in render_embeds(answer):
            shown = [page.title or "", page.description or "", *(f"{f.name}\n{f.value}" for f in page.fields)]
            assert [what for text in shown for what in survivors(text)] == [], (question, shown)
            assert "javascript:" not in json.dumps(page.to_dict())
        assert survivors(plain_text(answer)) == [], question
    assert kinds == {Kind.TOP, Kind.RANK, Kind.ORGS, Kind.BOARDS, Kind.PROFILE, Kind.HISTORY, Kind.CHANGES,
                     Kind.NOT_FOUND, Kind.ERROR}  # fmt: skip


@pytest.mark.parametrize(
    ("url", "shown"),
    [("javascript:alert(1)", None), ("https://example.org/x y", None), ("https://example.org/a_(b)", "https://example.org/a_%28b%29")],
)  # fmt: skip
def test_a_cited_source_is_a_link_only_when_it_is_a_web_address(url: str, shown: str | None) -> None:
    """Before: whatever the store held as a row's source (a row stored before links were checked at import) became
    the link of the rank answer's "Submitted" field, and was printed as the text's source."""
    entry = Entry(rank=1, model="made-up/model", score=80.0, organization="made-up", country=None,
                  details=ModelDetails(verified=True, source_url=url, source_name="card"))  # fmt: skip
    answer = Answer("rank", Kind.RANK, board="arena-raw", board_title="Arena", as_of="2026-11-30", entries=[entry],
                    of=10, score_label="Rating")  # fmt: skip
    [embed] = render_embeds(answer)
    submitted = next(f.value for f in embed.fields if f.name == "Submitted")
    text = render_text(answer)
    if shown is None:
        assert "[source]" not in submitted and "example.org" not in text and "javascript" not in text + submitted
    else:
        assert submitted.endswith(f" · [source]({shown})") and f"Source: card <{shown}>" in text
