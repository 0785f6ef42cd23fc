"""console: the interactive prompt, on the bundled data; a clarification is finished by a number or a name."""

from __future__ import annotations

import io

import pytest

from bot.console import run_console
from bot.core.answers import Answerer


def converse(answerer: Answerer, monkeypatch: pytest.MonkeyPatch, *lines: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    out = io.StringIO()
    assert run_console(answerer, out=out) == 0
    return out.getvalue()


def test_a_number_after_which_one_picks_that_candidate(answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = converse(answerer, monkeypatch, "rank of gpt-4o", "2")
    assert "Which one?" in text and "2. GPT-4o-2024-08-06" in text
    assert "GPT-4o-2024-08-06 is #22" in text
    assert "can't find" not in text


def test_a_name_after_which_one_finishes_the_comparison(answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = converse(answerer, monkeypatch, "gpt-4o vs claude 3 opus", "gpt-4o-2024-05-13")
    compared = text.split("Compared on", 1)[1]
    assert "#13   GPT-4o-2024-05-13" in compared and "#37   Claude 3 Opus" in compared


def test_without_a_clarification_a_number_is_a_question(answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = converse(answerer, monkeypatch, "rank of gpt-4o", "2", "9")
    assert text.count("Which one?") == 1
    assert "Top 9" in text  # the clarification was used up: "9" is "top 9"
