"""text: every kind of answer renders as readable plain text, of a size a Discord message (2,000 chars) can take
when the answer is bounded. Long lists (top 100) are paged by the Discord layer, line by line."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.core.answers import Answer, Answerer, Entry
from bot.core.text import HELP, render_text
from db.store import Store
from tests.hostile import answers as hostile_answers

DISCORD_MESSAGE = 2000

# (question, kind): one of each kind, on both boards where it applies, at the sizes users ask for by default
BOUNDED = [
    ("rank of Qwen2-72B-Instruct", "rank"),
    ("rank of Qwen/Qwen2.5-72B-Instruct on open-llm", "rank"),
    ("rank of qwen 2.5 7b", "rank"),
    ("top 10", "top"),
    ("top 10 on open-llm", "top"),
    ("top 10 on math under 10b", "top"),
    ("top 25 on open-llm", "top"),
    ("top chinese models from meta", "top"),
    ("llama 3.3 70b vs qwen 2.5 72b", "compare"),
    (
        "compare gpt-4o-2024-08-06, claude 3 opus, llama 3 70b, gemma 2 27b, yi large, glm 4 plus, grok 2,"
        " deepseek v3, o1-mini, qwq",
        "compare",
    ),
    ("which orgs dominate the top 20 on arena-raw", "orgs"),
    ("which orgs dominate the top 20 on open-llm", "orgs"),
    ("rank of Qwen-72B", "clarify"),
    ("qwen on open-llm", "clarify"),
    ("xyzzy-9000", "not_found"),
    ("gpt-4o-2024-05-1", "not_found"),
    ("boards", "boards"),
    ("help", "help"),
    ("top -3", "error"),
    ("x" * 5000, "error"),
]

LONG = ["top 100", "top 100 on open-llm", "top 100 on math", "which orgs dominate the top 100 on open-llm"]


def readable(text: str) -> None:
    assert text.strip(), "empty answer"
    assert "None" not in text
    assert "{'" not in text and "[]" not in text
    assert "Traceback" not in text
    assert "@everyone" not in text and "@here" not in text
    assert not re.search(r"\d\.\d{3,}", text), "unrounded number"
    for line in text.splitlines():
        assert len(line) < 300, line


@pytest.mark.parametrize(("question", "kind"), BOUNDED)
def test_bounded_answers_fit_one_discord_message(answerer: Answerer, question: str, kind: str) -> None:
    answer = answerer.ask(question)
    assert answer.kind == kind, answer.text
    assert answer.text == render_text(answer)
    readable(answer.text)
    assert len(answer.text) < DISCORD_MESSAGE


@pytest.mark.parametrize("question", LONG)
def test_long_lists_are_readable_and_can_be_paged_by_line(answerer: Answerer, question: str) -> None:
    """No 2,000-char promise here (top 100 runs to 5-8.5k chars): every line is short, one entry a line."""
    answer = answerer.ask(question)
    readable(answer.text)
    lines = answer.text.splitlines()
    assert len(lines) >= len(answer.entries) + 1
    assert max(len(line) for line in lines) < 200


def test_entry_lines(answerer: Answerer) -> None:
    answer = answerer.ask("top 3")
    lines = answer.text.splitlines()
    assert lines[0] == "Top 3 on Arena Text (no style control) (overall, board of 2024-12-31, 700 days old):"
    assert lines[1] == "  #1    Gemini-Exp-1206 — 1373 (Google, US)"
    assert lines[-2] == "  (182 match in all)"


def test_open_llm_scores_have_two_decimals_and_the_sort_column(answerer: Answerer) -> None:
    answer = answerer.ask("top 5 on math under 10b")
    first = answer.text.splitlines()[3]
    assert first == "  #2    nvidia/AceMath-7B-Instruct — 30.33 · MATH Lvl 5 63.37 (NVIDIA, US)"  # #2 on MATH overall
    assert answer.text.splitlines()[:2] == answer.notes  # where it is from, and which column ranks it


def test_rank_text(answerer: Answerer) -> None:
    text = answerer.ask("rank of Qwen2-72B-Instruct").text
    assert text.startswith(
        "Qwen2-72B-Instruct is #73 (rank spread 73–84) of 182 on Arena Text (no style control) (overall, board of"
        " 2024-12-31, 700 days old): rating 1187"
    )
    assert "95% CI 1183–1190" in text
    assert "38,959 votes" in text
    assert "By Alibaba, CN." in text
    assert text.splitlines()[-2].startswith("On Open LLM Leaderboard v2 (archived board of 2025-03-21): #")
    assert text.splitlines()[-1] == (
        "Arena Text holds no board yet, so this is from Arena Text (no style control); `leaderbot refresh` fetches it."
    )


def test_rank_text_on_open_llm_lists_the_benchmarks(answerer: Answerer) -> None:
    lines = answerer.ask("rank of Qwen/Qwen2.5-72B-Instruct on open-llm").text.splitlines()
    assert "archived board of 2025-03-21" in lines[0]
    assert "72.71B params" in lines[0]
    assert lines[1].startswith("  IFEval ")
    for name in ("BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"):
        assert name in lines[1]


def test_orgs_text(answerer: Answerer) -> None:
    lines = answerer.ask("which orgs dominate the top 20 on arena-raw").text.splitlines()
    assert lines[0].startswith("Who holds the top 20 on Arena Text (no style control)")
    assert lines[1] == "  Google (US): 9 · best #1 Gemini-Exp-1206"
    assert "  (27 models hold a top-20 rank (ties count whole).)" in lines


def test_boards_text(answerer: Answerer) -> None:
    text = answerer.ask("boards").text
    assert (
        "Arena Text (no style control) [arena-raw] (live board, never fetched: `leaderbot refresh`): latest 2024-12-31,"
        " 700 days old, 182 models; 39 snapshot(s) since 2024-06-19"
    ) in text
    assert "Open LLM Leaderboard v2 [open-llm] (archived, frozen): latest 2025-03-21, 620 days old, 4495 models" in text


def test_help_has_the_examples(answerer: Answerer) -> None:
    assert answerer.ask("help").text == HELP
    for example in (
        "rank of Qwen2-72B-Instruct",
        "top 10",
        "top Chinese models",
        "from Meta",
        "open source",
        "best coding model",
        "what changed",
        "top 5 on math under 10b",
        "llama 3.3 70b vs qwen 2.5 72b",
        "which orgs dominate the top 20",
        "boards",
        "on arena-raw",
        "on open-llm",
        "as of 2024-09-01",
        "ifeval, bbh, math, gpqa, musr, mmlu-pro",
    ):
        assert example in HELP, example
    assert len(HELP) < DISCORD_MESSAGE


def test_the_help_examples_work(answerer: Answerer) -> None:
    """Each example the help shows (its first column) is understood: answered, or refused only for data the store
    lacks, with the refresh that fetches it (the bundled data has no categories beyond `overall`)."""
    examples = [re.split(r"\s{2,}", line.strip())[0] for line in HELP.splitlines() if line.startswith("  ")]
    assert len(examples) == 13
    for example in examples:
        answer = answerer.ask(example)
        assert answer.kind != "not_found", (example, answer.text)
        assert answer.kind != "error" or "`leaderbot refresh" in (answer.error or ""), (example, answer.text)


def test_empty_list_text() -> None:
    answer = Answer(
        "q",
        "top",
        board="arena-raw",
        board_title="Arena Text (no style control)",
        as_of="2024-12-31",
        category="overall",
    )
    assert (
        render_text(answer) == "No model on Arena Text (no style control) (overall, board of 2024-12-31) matches that."
    )


def test_rendering_a_hand_made_rank_answer() -> None:
    answer = Answer(
        "q", "rank", board="arena-raw", board_title="Arena Text (no style control)", as_of="2024-12-31",
        category="overall", score_label="Rating", of=182, entries=[Entry(3, "Some-Model", 1300.4, None, None)],
    )  # fmt: skip
    assert (
        render_text(answer)
        == "Some-Model is #3 of 182 on Arena Text (no style control) (overall, board of 2024-12-31): rating 1300."
    )


def test_an_empty_store_answers_in_words(empty_store: Store) -> None:
    answerer = Answerer(empty_store)
    for question in ("boards", "top 10", "rank of qwen"):
        text = answerer.ask(question).text
        readable(text)
        assert "no data yet" in text


@pytest.mark.parametrize("answer", hostile_answers(), ids=lambda a: str(a.kind))
def test_upstream_strings_cannot_forge_lines_or_drive_a_terminal(answer: Answer) -> None:
    """Made-up hostile strings in every upstream part of every kind (tests/hostile.py). Text is not markdown:
    their markdown is shown as it is, unescaped, but a line break in one (which forged a line of the answer) and a
    terminal escape or bidirectional override are not; a `javascript:` source is not cited."""
    text = answer.text
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert not any(line.startswith("FORGED") for line in text.splitlines())
    assert "javascript:" not in text
    assert "[evil](http://evil.example)" in text and "\\[evil]" not in text.replace("\\\\[", "")


def test_a_cited_web_address_is_shown() -> None:
    (rank,) = [a for a in hostile_answers() if a.kind == "rank"]
    details = replace(rank.entries[0].details, source_url="https://example.org/results_(v2)", source_name="paper")
    rank.entries[0] = replace(rank.entries[0], details=details, others=[])
    assert render_text(rank).splitlines()[-1] == "Source: paper <https://example.org/results_%28v2%29>"
