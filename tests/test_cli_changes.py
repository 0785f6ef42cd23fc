"""`leaderbot changes BOARD [--category C] [--from DATE] [--to DATE] [--json]`, run through `bot.cli.main` on a
copy of the seeded store (39 LMArena boards of 2024, three Open LLM snapshots)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from tests.bundled import ARENA_2024

Run = Callable[..., tuple[int, str, str]]

EVENT_FIELDS = {"type", "model", "old_rank", "new_rank", "old_score", "new_score", "old_model", "sharing"}
EVENT_TYPES = {"new_leader", "shared_lead", "renamed", "debut", "entered", "left", "moved", "score"}


@pytest.fixture
def run(seeded_copy: Path, cli_env: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """`leaderbot --db DB changes ARGS...` -> (exit status, stdout, stderr), with no .env and no LEADERBOT_*."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", str(seeded_copy), "changes", *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def as_json(run: Run, *args: str) -> dict:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    assert len(out.splitlines()) == 1  # one JSON document on one line
    return json.loads(out)


# --- text ---------------------------------------------------------------------------------------------------------


def test_text_lists_the_last_change(run: Run) -> None:
    code, out, err = run("arena-raw")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Arena Text (no style control) (overall), 2024-12-23 → 2024-12-31, top 10:"
    # from the raw file (see tests/core/test_changes.py): o1 new at #1 beside four others, DeepSeek-V3 new at #9,
    # five moves
    assert "  Shares #1:" in lines
    assert (
        "    o1-2024-12-17: new, #1, now shares #1 with Gemini-Exp-1206, Gemini-2.0-Flash-Thinking-Exp-1219,"
        " ChatGPT-4o-latest (2024-11-20), Gemini-Exp-1121 (1359)"
    ) in lines
    assert "  New on the board:" in lines
    assert "    DeepSeek-V3: new at #9 (1315)" in lines
    assert "  Moved:" in lines
    assert "    Gemini-2.0-Flash-Exp: #5 → #4 (1354 → 1356)" in lines
    for model in ("o1-preview", "o1-mini", "Gemini-1.5-Pro-002", "Gemini-1.5-Pro-Exp-0827"):
        assert any(line.startswith(f"    {model}: #") for line in lines), model
    # the headings come in order of importance
    headings = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert headings == ["Shares #1:", "New on the board:", "Moved:"]
    assert len(lines) == 1 + 3 + 7


def test_text_names_leavers_and_retired_models(run: Run) -> None:
    # 2024-09-09 -> 2024-09-11: Gemini-1.5-Pro-Exp-0801 (#2) was retired from the board
    code, out, _ = run("arena-raw", "--from", "2024-09-09", "--to", "2024-09-11")
    assert code == 0
    assert "  Left the top 10:" in out.splitlines()
    assert "    Gemini-1.5-Pro-Exp-0801: #2 → off the board (1298)" in out.splitlines()


def test_text_says_when_nothing_changed(run: Run) -> None:
    # 2024-09-06 -> 2024-09-09 only renamed four Cohere models far below the top 10
    code, out, _ = run("arena-raw", "--from", "2024-09-06", "--to", "2024-09-09")
    assert code == 0
    assert out.splitlines() == [
        "Arena Text (no style control) (overall), 2024-09-06 → 2024-09-09, top 10:",
        "  no changes worth telling",
    ]


# --- JSON ---------------------------------------------------------------------------------------------------------


def test_json_fields_and_types(run: Run) -> None:
    data = as_json(run, "arena-raw")
    assert {"board", "category", "from", "to", "events"} <= data.keys()
    assert (data["board"], data["category"], data["from"], data["to"]) == (
        "arena-raw",
        "overall",
        "2024-12-23",
        "2024-12-31",
    )
    assert isinstance(data["events"], list) and len(data["events"]) == 7
    for e in data["events"]:
        assert e.keys() == EVENT_FIELDS
        assert e["type"] in EVENT_TYPES
        assert isinstance(e["model"], str) and e["model"]
        for rank in ("old_rank", "new_rank"):
            assert e[rank] is None or (type(e[rank]) is int and e[rank] >= 1)
        for score in ("old_score", "new_score"):
            assert e[score] is None or type(e[score]) is float
    assert data["events"][:2] == [
        {
            "type": "shared_lead",
            "model": "o1-2024-12-17",
            "old_rank": None,
            "new_rank": 1,
            "old_score": None,
            "new_score": 1359.0,
            "old_model": None,
            "sharing": ["Gemini-Exp-1206", "Gemini-2.0-Flash-Thinking-Exp-1219", "ChatGPT-4o-latest (2024-11-20)",
                        "Gemini-Exp-1121"],
        },
        {
            "type": "debut",
            "model": "DeepSeek-V3",
            "old_rank": None,
            "new_rank": 9,
            "old_score": None,
            "new_score": 1315.0,
            "old_model": None,
            "sharing": [],
        },
    ]  # fmt: skip


def test_json_has_exactly_the_documented_fields(run: Run) -> None:
    assert as_json(run, "arena-raw").keys() == {"board", "category", "from", "to", "events"}


def test_json_is_ordered_by_importance(run: Run) -> None:
    order = ["new_leader", "shared_lead", "renamed", "debut", "entered", "left", "moved", "score"]
    for dates in (("2024-08-07", "2024-08-14"), ("2024-11-13", "2024-11-15"), ("2024-09-19", "2024-09-28")):
        data = as_json(run, "arena-raw", "--from", dates[0], "--to", dates[1])
        ranks = [order.index(e["type"]) for e in data["events"]]
        assert ranks == sorted(ranks), dates


# --- dates ----------------------------------------------------------------------------------------------------------


def test_from_and_to_pick_the_latest_board_on_or_before(run: Run) -> None:
    # no board was published on 2024-11-14 or 2024-11-16
    data = as_json(run, "arena-raw", "--from", "2024-11-14", "--to", "2024-11-16")
    assert (data["from"], data["to"]) == ("2024-11-13", "2024-11-15")
    # from the raw file: Gemini-Exp-1114 first appears on 2024-11-15, at #1 beside ChatGPT-4o-latest (2024-09-03)
    assert data["events"][0] == {
        "type": "shared_lead",
        "model": "Gemini-Exp-1114",
        "old_rank": None,
        "new_rank": 1,
        "old_score": None,
        "new_score": 1344.0,
        "old_model": None,
        "sharing": ["ChatGPT-4o-latest (2024-09-03)"],
    }
    # --to alone: that board and the one before it
    data = as_json(run, "arena-raw", "--to", "2024-08-14")
    assert (data["from"], data["to"]) == ("2024-08-07", "2024-08-14")
    assert data["events"][0]["model"] == "ChatGPT-4o-latest (2024-08-08)"
    # --from alone: from that board to the latest
    data = as_json(run, "arena-raw", "--from", "2024-12-20")
    assert (data["from"], data["to"]) == ("2024-12-20", "2024-12-31")


def test_top_and_min_move(run: Run) -> None:
    # 2024-12-23 -> 2024-12-31 in the top 3: only the newcomer at #1
    data = as_json(run, "arena-raw", "--top", "3")
    assert [(e["type"], e["model"]) for e in data["events"]] == [("shared_lead", "o1-2024-12-17")]
    # 2024-11-13 -> 2024-11-15 with moves of 2 places or more: o1-preview 1 -> 3 and the two 6 -> 8
    data = as_json(run, "arena-raw", "--from", "2024-11-13", "--to", "2024-11-15", "--min-move", "2")
    assert {e["model"] for e in data["events"] if e["type"] == "moved"} == {
        "o1-preview",
        "GPT-4o-2024-05-13",
        "Claude 3.5 Sonnet (20241022)",
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2024-13-01"),
        ("--to", "yesterday"),
        ("--to", "2024-02-30"),
        ("--from", ""),
        ("--top", "0"),
        ("--top", "101"),
        ("--min-move", "0"),
    ],
)
def test_bad_option_is_one_line_and_exit_2(run: Run, args: tuple[str, str]) -> None:
    code, out, err = run("arena-raw", *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("leaderbot: ")
    assert args[0] in err


def test_unknown_board_is_a_usage_error(run: Run) -> None:
    code, out, err = run("lmsys")
    assert (code, out) == (2, "")
    assert err.startswith("leaderbot: unknown board 'lmsys'")


def test_only_one_snapshot_before_to_exits_1(run: Run) -> None:
    # 2024-06-19 is the first board in the data
    code, out, err = run("arena-raw", "--to", "2024-06-25")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "leaderbot: only one arena-raw overall snapshot up to 2024-06-19: nothing to compare it with"
    ]
    code, out, err = run("arena-raw", "--to", "2024-06-01", "--json")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["leaderbot: no arena-raw overall snapshot on or before 2024-06-01"]


def test_unknown_category_exits_1(run: Run) -> None:
    code, out, err = run("arena-raw", "--category", "coding")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["leaderbot: no arena-raw coding snapshot"]


# --- Open LLM -------------------------------------------------------------------------------------------------------


def test_open_llm_changes(run: Run) -> None:
    data = as_json(run, "open-llm")
    assert (data["board"], data["category"], data["from"], data["to"]) == (
        "open-llm",
        "overall",
        "2025-01-01",
        "2025-03-21",
    )
    assert data["events"]
    for e in data["events"]:
        assert e.keys() == EVENT_FIELDS
        assert e["new_score"] is None or 0 <= e["new_score"] <= 100
    data = as_json(run, "open-llm", "--to", "2025-01-01")
    assert (data["from"], data["to"]) == ("2024-12-11", "2025-01-01")
    code, out, _ = run("open-llm")
    assert code == 0
    assert out.splitlines()[0] == "Open LLM Leaderboard v2 (overall), 2025-01-01 → 2025-03-21, top 10:"
    code, _, err = run("open-llm", "--to", "2024-12-31")
    assert code == 1
    assert "only one open-llm overall snapshot up to 2024-12-11" in err


def test_a_rejected_board_changes_nothing(run: Run, seeded_copy: Path, tmp_path: Path) -> None:
    """`leaderbot ingest` of a broken next board (two thirds of the rows gone) stores it as rejected; `changes`
    still reports the last two accepted boards and says nothing about it."""
    with gzip.open(ARENA_2024, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    broken = [
        {**r, "leaderboard_publish_date": "2025-01-07"} for r in rows if r["leaderboard_publish_date"] == "2024-12-31"
    ]
    broken = sorted(broken, key=lambda r: r["rank"])[:60]
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in broken), encoding="utf-8")
    assert main(["--db", str(seeded_copy), "ingest", "arena-raw", "--file", str(path)]) == 0
    data = as_json(run, "arena-raw")
    assert (data["from"], data["to"]) == ("2024-12-23", "2024-12-31")
    data = as_json(run, "arena-raw", "--to", "2025-01-31")
    assert (data["from"], data["to"]) == ("2024-12-23", "2024-12-31")
    code, out, err = run("arena-raw", "--from", "2025-01-07")
    assert (code, out) == (1, "")
    assert "2024-12-31" in err


def test_changes_in_the_cli_language(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """`LEADERBOT_LANG=ja` (or `--lang ja`): the changes and the reason there are none, in Japanese."""
    monkeypatch.setenv("LEADERBOT_LANG", "ja")
    code, out, _ = run("arena-raw")
    assert code == 0 and out.startswith("Arena Text (no style control)（総合）、2024/12/23 → 2024/12/31、上位 10：")
    code, _, err = run("arena-raw", "--to", "2024-06-25")
    said = "2024/06/19 までの arena-raw 総合 のスナップショットは 1 つだけです：比べるものがありません"
    assert (code, err.strip()) == (1, f"leaderbot: {said}")


def test_no_board_named_is_the_board_questions_use_and_says_so(run: Run) -> None:
    """A fresh install holds no `arena` board yet: `changes` reads its fallback, as "what changed" does, and says
    which board it used, and how to fetch the one asked for."""
    code, out, err = run()
    assert code == 0
    assert out.startswith("Arena Text (no style control) (overall), 2024-12-23 → 2024-12-31, top 10:")
    assert err == (
        "Arena Text holds no board yet, so this is from Arena Text (no style control); `leaderbot refresh` fetches"
        " it.\n"
    )
    assert run("arena") == (code, out, err)  # named, and empty: the same


def test_an_empty_board_without_a_fallback_says_how_to_fetch_it(run: Run) -> None:
    code, out, err = run("arena-webdev")
    assert (code, out) == (1, "")
    assert err == "leaderbot: Arena WebDev holds no overall board yet: `leaderbot refresh arena-webdev` fetches it\n"


def test_dates_after_the_last_board_come_to_one_board_and_say_so(run: Run) -> None:
    code, _, err = run("arena-raw", "--from", "2025-01-01")
    assert code == 1
    assert err == (
        "leaderbot: --from 2025-01-01 comes to the latest board, arena-raw overall of 2024-12-31: nothing to compare;"
        " name a --from before 2024-12-31\n"
    )
    code, _, err = run("arena-raw", "--from", "2025-01-01", "--to", "2025-02-01")
    assert code == 1 and "--from 2025-01-01 and --to 2025-02-01 both come to the same board" in err
