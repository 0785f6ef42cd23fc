"""`leaderbot alias`: admins give models extra names, and questions use them at once."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_an_alias_is_added_listed_and_understood(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "alias", "arena-raw", "the goat", "gemini-exp-1206"]) == 0
    assert "Gemini-Exp-1206" in capsys.readouterr().out
    assert main(["--db", cli_db, "alias", "arena-raw"]) == 0
    assert "'the goat' -> gemini-exp-1206" in capsys.readouterr().out
    assert main(["--db", cli_db, "ask", "rank of the goat"]) == 0
    assert capsys.readouterr().out.startswith("Gemini-Exp-1206 is #1 (rank spread 1–5) of 182")


def test_an_alias_for_a_model_the_board_lacks_is_refused(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "alias", "arena-raw", "the goat", "gpt-5"]) == 2
    err = capsys.readouterr().err
    assert "'gpt-5' is not a model" in err and len(err.strip().splitlines()) == 1
    assert main(["--db", cli_db, "alias", "arena-raw", "the goat"]) == 2
