"""`leaderbot ask`, `console` and `run` (without a token) on a copy of the seeded store, through `bot.cli.main`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

FIELDS = ("question", "kind", "board", "as_of", "entries", "candidates", "text")
ENTRY_FIELDS = ("rank", "model", "score", "organization", "country")


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def check_json(data: dict) -> None:
    for name in FIELDS:
        assert name in data, name
    for entry in data["entries"]:
        for name in ENTRY_FIELDS:
            assert name in entry, name


# --- one question -----------------------------------------------------------------------------------------------


def test_ask_one_question(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "rank", "of", "Qwen2-72B-Instruct"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith(
        "Qwen2-72B-Instruct is #73 (rank spread 73–84) of 182 on Arena Text (no style control) (overall, board of"
        " 2024-12-31, "
    )
    assert lines[1].startswith("On Open LLM Leaderboard v2 (archived board of 2025-03-21): #")
    assert "Traceback" not in err


def test_ask_one_question_as_one_argument(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "top 3 chinese models"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Top 3 · country CN on Arena Text (no style control)")
    # three places, four models: the third place is a tie at #13, and the tie is listed whole
    assert out.count("(DeepSeek, CN)") + out.count("(01.AI, CN)") + out.count("(Alibaba, CN)") == 4
    assert "(3 models share #13, so 4 are listed.)" in out


def test_ask_json(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--json", "top", "5", "on", "math", "under", "10b"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    check_json(data)
    assert (data["question"], data["kind"], data["board"], data["as_of"]) == (
        "top 5 on math under 10b", "top", "open-llm", "2025-03-21",
    )  # fmt: skip
    assert data["archived"] is True
    assert [e["position"] for e in data["entries"]] == [1, 2, 3, 4, 5]
    assert [e["rank"] for e in data["entries"]] == [2, 20, 32, 84, 87]  # their MATH ranks on the whole board
    assert data["entries"][0]["model"] == "nvidia/AceMath-7B-Instruct"
    assert data["entries"][0]["benchmarks"]["MATH Lvl 5"] > 60
    assert data["text"].startswith("Only Open LLM Leaderboard v2 can filter by benchmark, so this list is from there.")
    assert len(out.strip().splitlines()) == 1  # one JSON object, one line


def test_ask_json_in_another_language_says_its_sentences_in_it(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--lang th --json`: the title and notes are Thai, as the text is; names and numbers are the board's."""
    assert main(["--db", cli_db, "--lang", "th", "ask", "--json", "top 5 on math under 10b"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "th" and data["text"].startswith(data["notes"][0])
    assert data["notes"] == [
        "มีเพียง Open LLM Leaderboard v2 ที่กรองตามเบนช์มาร์กได้ รายการนี้จึงมาจากกระดานนั้น",
        "เรียงตาม MATH Lvl 5: # แต่ละตัวคืออันดับของโมเดลตาม MATH Lvl 5 จากทั้งหมด 4576 แถวของกระดาน"
        " ตัวเลขแรกหลังชื่อคือค่าเฉลี่ย ตัวที่สองคือคะแนน MATH Lvl 5",
    ]
    assert data["title"] == "ท็อป 5 · ไม่เกิน 10B, ตาม MATH Lvl 5"
    assert data["entries"][0]["model"] == "nvidia/AceMath-7B-Instruct"


def test_ask_json_clarification_has_candidates(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--json", "rank of Qwen-72B"]) == 1  # "which one?" is not an answer yet
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "clarify"
    assert set(data["candidates"]) == {"Qwen1.5-72B-Chat", "Qwen2-72B-Instruct", "Qwen2.5-72B-Instruct"}


def test_ask_board_option(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--board", "open-llm", "--json", "top 3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["board"], data["as_of"], data["archived"]) == ("open-llm", "2025-03-21", True)
    assert data["entries"][0]["model"] == "MaziyarPanahi/calme-3.2-instruct-78b"


def test_a_board_named_in_the_question_wins_over_the_option(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--board", "open-llm", "--json", "top 3 on arena-raw"]) == 0
    assert json.loads(capsys.readouterr().out)["board"] == "arena-raw"


def test_ask_board_option_rejects_unknown_boards(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--board", "nope", "top 3"]) == 2
    assert "unknown board 'nope'" in capsys.readouterr().err


def test_ask_as_of(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--as-of", "2024-09-01", "--json", "top 3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["board"], data["as_of"]) == ("arena-raw", "2024-08-30")


def test_ask_as_of_before_the_first_board(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--as-of", "2023-01-01", "top 3"]) == 1
    out = capsys.readouterr().out
    assert "2024-06-19" in out


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "2024-8-1", "01/08/2024", ""])
def test_ask_bad_as_of(cli_db: str, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    assert main(["--db", cli_db, "ask", "--as-of", bad, "top 3"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--as-of" in err and "YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_ask_compact_as_of_is_rejected_or_understood(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", cli_db, "ask", "--as-of", "20240801", "--json", "top 3"])
    out = capsys.readouterr().out
    assert code == 2 or json.loads(out)["as_of"] == "2024-08-01"


def test_ask_error_exits_1_with_the_reason(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "top", "-3"]) == 1
    out, err = capsys.readouterr()
    assert "-3" in out
    assert "Traceback" not in out + err


def test_ask_a_very_long_question(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "ask", "--json", "x" * 5000]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "error"
    assert "5,000" in data["error"]


# --- questions from stdin ---------------------------------------------------------------------------------------

QUESTIONS = "top 3\n\n   \nrank of qwen2 72b instruct\nhelp\ntop -3\n"


def test_ask_from_stdin_one_line_per_answer(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, QUESTIONS)
    assert main(["--db", cli_db, "ask"]) == 1  # every line answered in turn; `top -3` was not
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("Top 3 on Arena Text (no style control)") and " | " in lines[0]
    assert lines[1].startswith("Qwen2-72B-Instruct is #73 (rank spread 73–84) of 182")
    assert lines[2].startswith("Ask me about LLM leaderboards")
    assert "-3" in lines[3]


def test_ask_from_stdin_json_lines(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, QUESTIONS)
    assert main(["--db", cli_db, "ask", "--json"]) == 1  # one of them was not answered
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["kind"] for a in answers] == ["top", "rank", "help", "error"]
    assert [a["question"] for a in answers] == ["top 3", "rank of qwen2 72b instruct", "help", "top -3"]
    for data in answers:
        check_json(data)


def test_ask_from_stdin_with_board_and_as_of(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "top 3\ntop 3 on arena-raw\n")
    assert main(["--db", cli_db, "ask", "--json", "--board", "open-llm", "--as-of", "2025-01-01"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["board"], first["as_of"]) == ("open-llm", "2025-01-01")
    assert (second["board"], second["as_of"]) == ("arena-raw", "2024-12-31")


def test_ask_from_empty_stdin(cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "")
    assert main(["--db", cli_db, "ask"]) == 0
    assert capsys.readouterr().out == ""


# --- console and run ------------------------------------------------------------------------------------------


def test_console_answers_stdin_and_exits_0_on_eof(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "top 3\n\nrank of qwen2 72b instruct\n")
    assert main(["--db", cli_db, "console"]) == 0
    out = capsys.readouterr().out
    assert "Top 3 on Arena Text (no style control)" in out
    assert "Qwen2-72B-Instruct is #73 (rank spread 73–84) of 182" in out
    assert "Leaderbot console" not in out  # no banner when not interactive


def test_console_quit(cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "top 3\nquit\nhelp\n")
    assert main(["--db", cli_db, "console"]) == 0
    out = capsys.readouterr().out
    assert "Top 3 on Arena Text (no style control)" in out
    assert "Ask me about" not in out


def test_run_without_a_token_falls_back_to_the_console(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "top 3\n")
    assert main(["--db", cli_db, "run"]) == 0
    out, err = capsys.readouterr()
    assert "DISCORD_TOKEN" in err
    assert "console" in err
    assert "Top 3 on Arena Text (no style control)" in out


def test_no_command_is_run(cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "help\n")
    assert main(["--db", cli_db]) == 0
    out, err = capsys.readouterr()
    assert "DISCORD_TOKEN" in err
    assert "Ask me about LLM leaderboards" in out


def test_console_writes_to_the_current_stdout(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "top 3\n")
    assert main(["--db", cli_db, "console"]) == 0
    assert "Top 3 on Arena Text (no style control)" in capsys.readouterr().out


def test_run_with_a_token_but_no_discord_fails_cleanly_and_never_shows_the_token(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No network here: the login fails. One clear line, exit 1, no traceback, and the token nowhere."""
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-part.never-print-me"
    monkeypatch.setenv("DISCORD_TOKEN", token)
    assert main(["--db", cli_db, "run"]) == 1
    out, err = capsys.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Discord" in logged
    for text in (out, err, logged):
        assert token not in text and "secret-part" not in text
        assert "Traceback" not in text


def test_a_one_shot_ask_imports_no_importer(seeded_db: Path, cli_env: Path) -> None:
    """`leaderbot ask` answers from the store: the importers, pyarrow, the HTTP client, asyncio and discord are
    never imported, so a one-shot question costs what answering does (see BENCHMARKS.md, "First answer")."""
    probe = (
        "import sys\nfrom bot.cli import main\ncode = main(['--db', sys.argv[1], 'ask', 'top 3'])\n"
        "print(sorted(m for m in ('pyarrow', 'aiohttp', 'asyncio', 'discord') if m in sys.modules), code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(seeded_db)], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.splitlines()[-1] == "[] 0"
