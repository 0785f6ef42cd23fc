"""`leaderbot history`: text, JSON with the documented fields, and a PNG chart."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from bot.cli import main


def test_history_as_text(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "history", "gpt-4o-2024-05-13"]) == 0
    out = capsys.readouterr().out
    assert "GPT-4o-2024-05-13: #13 on 2024-12-31" in out and "44 days at #1" in out


def test_history_json_has_the_documented_fields(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "history", "--json", "gemini exp 1206", "vs", "claude 3 opus"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert {"board", "category", "model", "points", "best_rank", "first_seen", "days_at_1"} <= first.keys()
    assert first["model"] == "Gemini-Exp-1206" and first["board"] == "arena-raw" and first["category"] == "overall"
    assert first["points"][0] == {"date": "2024-12-07", "rank": 1, "score": 1379.0}
    assert (first["best_rank"], first["first_seen"], first["days_at_1"]) == (1, "2024-12-07", 25)


def test_history_png(cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "chart.png"
    assert main(["--db", cli_db, "history", "qwen2 72b instruct", "--board", "open-llm", "--png", str(target)]) == 0
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 675)
    assert "Qwen/Qwen2-72B-Instruct" in capsys.readouterr().out


def test_an_ambiguous_name_exits_1_with_the_candidates(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", cli_db, "history", "gpt-4o"]) == 1
    assert "GPT-4o-2024-08-06" in capsys.readouterr().out
