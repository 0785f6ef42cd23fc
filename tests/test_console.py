"""console: the interactive prompt, on the bundled data; a clarification is finished by a number or a name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console import run_console
from bot.core.answers import Answerer
from db.store import Store
from tests.conftest import TODAY


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


def test_the_banner_says_how_old_the_data_is_and_how_to_refresh(
    answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", TerminalInput([]))
    out = io.StringIO()
    assert run_console(answerer, out=out) == 0
    first, data = out.getvalue().splitlines()[:2]
    assert first.startswith("Leaderbot console:") and "Ctrl-D quits" in first
    assert "board of 2024-12-31 (700 days old)" in data
    assert "`leaderbot refresh`" in data


def test_the_banner_is_in_the_consoles_language(shared_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--lang th`: the banner, the data's date and age, and what to run, in Thai (the command as typed)."""
    monkeypatch.setattr("sys.stdin", TerminalInput([]))
    out = io.StringIO()
    assert run_console(Answerer(shared_store, now=lambda: TODAY, language="th"), out=out) == 0
    first, data = out.getvalue().splitlines()[:2]
    assert first.startswith("คอนโซล Leaderbot:") and "Ctrl-D เพื่อออก" in first
    assert "กระดานวันที่ 31 ธ.ค. 2024 (เมื่อ 700 วันก่อน)" in data and "`leaderbot refresh`" in data


def test_history_is_saved_after_every_question(
    answerer: Answerer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Saved as each question is asked, not at exit: a terminal closed mid-session (no clean exit) keeps it."""
    readline = pytest.importorskip("readline")
    history = tmp_path / "data" / "console_history"
    readline.clear_history()
    seen: list[str] = []

    def typed(prompt: str = "") -> str:  # what readline's input() does at a terminal: the line joins the history
        seen.append(history.read_text() if history.exists() else "")
        if len(seen) > 2:
            raise EOFError
        line = ["top 3", "rank of qwen2 72b"][len(seen) - 1]
        readline.add_history(line)
        return line

    monkeypatch.setattr("sys.stdin", TerminalInput([]))
    monkeypatch.setattr("builtins.input", typed)
    assert run_console(answerer, history=history, out=io.StringIO()) == 0
    assert "top 3" not in seen[0]
    assert seen[1].splitlines()[-1] == "top 3"  # written before the second question was typed
    assert seen[2].splitlines()[-2:] == ["top 3", "rank of qwen2 72b"]
    readline.clear_history()


def test_ctrl_c_at_the_prompt_quits_quietly(answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", TerminalInput([]))
    monkeypatch.setattr("builtins.input", interrupted)
    out = io.StringIO()
    assert run_console(answerer, out=out) == 130
    assert "Traceback" not in out.getvalue()


class TerminalInput(io.StringIO):
    """Standard input that says it is a terminal, so the console greets and keeps a history."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))

    def isatty(self) -> bool:
        return True
