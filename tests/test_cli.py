"""The `leaderbot` command line for data: boards, ingest, orgs and refresh, run through `bot.cli.main`."""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hub_server import HubServer
from viewer_server import ARENA_DATASET, ViewerServer, load_rows, serve_in_thread

from bot.cli import main, parser
from bot.profiles import live_boards
from db.store import Store
from tests import hub_benchmarks as hb
from tests.bundled import ARENA_2024, OPEN_LLM_FINAL
from tests.parquet_files import bradley_terry_schema, parquet_bytes
from tests.stores import read_entries

Run = Callable[..., tuple[int, str, str]]
DATASET = "lmarena-ai/leaderboard-dataset"
LATEST = "latest-00000-of-00001.parquet"


@pytest.fixture
def run(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """`leaderbot ARGS...` -> (exit status, stdout, stderr), with no .env and no LEADERBOT_* from the caller."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def viewer(monkeypatch: pytest.MonkeyPatch) -> Iterator[ViewerServer]:
    server = ViewerServer().add_bundled(arena=ARENA_2024, open_llm=OPEN_LLM_FINAL)
    with serve_in_thread(server):
        monkeypatch.setenv("LEADERBOT_VIEWER_URL", server.url)
        monkeypatch.setenv("LEADERBOT_HTTP_TIMEOUT", "5")
        monkeypatch.setenv("LEADERBOT_HTTP_RETRIES", "1")
        yield server


def test_boards_lists_every_snapshot(run: Run, seeded_copy: Path) -> None:
    code, out, err = run("--db", seeded_copy, "boards")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "arena-raw  Arena Text (no style control) (live, never fetched), 39 snapshot(s)"
    assert lines[1] == "  2024-06-19  overall         109 rows"
    assert lines[39] == "  2024-12-31  overall         182 rows"
    assert lines[40] == "open-llm  Open LLM Leaderboard v2 (archived), 3 snapshot(s)"
    assert lines[43] == "  2025-03-21  overall       4,576 rows"
    assert lines[44].startswith("no data yet: arena, arena-webdev, ") and "(`leaderbot refresh`" in lines[44]
    assert lines[45].endswith("are not bundled: `leaderbot refresh hub` fetches them.")
    assert len(lines) == 46


def test_boards_as_json(run: Run, seeded_copy: Path) -> None:
    code, out, _ = run("--db", seeded_copy, "boards", "--json")
    assert code == 0
    snapshots = json.loads(out)
    assert len(snapshots) == 42
    assert {(s["board"], s["archived"]) for s in snapshots} == {("arena-raw", False), ("open-llm", True)}
    assert sum(s["row_count"] for s in snapshots if s["board"] == "arena-raw") == 5597


def test_ingest_a_file_then_again(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    code, out, err = run("--db", db, "--no-seed", "ingest", "arena-raw", "--file", ARENA_2024)
    assert (code, err) == (0, "")
    assert out == f"arena-raw: stored 39 new snapshot(s), 5,597 rows, from {ARENA_2024}\n"
    code, out, _ = run("--db", db, "--no-seed", "ingest", "arena-raw", "--file", ARENA_2024)
    assert code == 0
    assert out == f"arena-raw: nothing new in {ARENA_2024} (39 snapshot(s) already stored)\n"


def test_ingest_a_truncated_file_fails_in_one_line(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    data = OPEN_LLM_FINAL.read_bytes()
    cut = tmp_path / "contents-2025-03-21.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    code, out, err = run("--db", db, "--no-seed", "ingest", "open-llm", "--file", cut)
    assert code == 1
    assert out == ""
    assert err.startswith(f"leaderbot: {cut}: the gzip data is truncated or corrupt")
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
    with Store(db) as store:
        assert store.is_empty()


def test_ingest_a_bad_cell_names_the_row(run: Run, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in gzip.decompress(ARENA_2024.read_bytes()).splitlines()[:20]]
    rows[11]["rating"] = "n/a"
    path = tmp_path / "board.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, _, err = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "arena-raw", "--file", path)
    assert code == 1
    assert err == f"leaderbot: {path}: column 'rating' should be num (row 12)\n"


def test_ingest_needs_a_known_board(run: Run, tmp_path: Path) -> None:
    code, _, err = run("--db", tmp_path / "x.db", "--no-seed", "ingest", "huggingface", "--file", ARENA_2024)
    assert code == 2
    assert err.startswith("leaderbot: unknown board 'huggingface'; boards: arena, ") and err.count("\n") == 1


def test_orgs_set_corrects_an_organization_everywhere(run: Run, seeded_copy: Path) -> None:
    code, out, err = run("--db", seeded_copy, "orgs", "set", "Nomic AI", "--country", "us", "--alias", "nomic-ai")
    assert (code, err) == (0, "")
    assert out == "Nomic AI: country US; spellings: nomicai\n"
    code, out, _ = run("--db", seeded_copy, "orgs")
    assert code == 0
    assert any(line.split() == ["Nomic", "AI", "US", "nomicai"] for line in out.splitlines())
    with Store(seeded_copy) as store:
        latest = store.latest_snapshot("arena-raw", "overall")
        nomic = [e for e in read_entries(store, latest) if e["raw_organization"] == "Nomic AI"]
        assert nomic and {e["country"] for e in nomic} == {"US"}


def test_orgs_set_refuses_a_bad_country(run: Run, seeded_copy: Path) -> None:
    code, out, err = run("--db", seeded_copy, "orgs", "set", "Nomic AI", "--country", "USA")
    assert (code, out) == (1, "")
    assert err == "leaderbot: 'USA' is not a two-letter ISO country code (CN, US, FR, ...)\n"
    code, _, err = run("--db", seeded_copy, "orgs", "set")
    assert code == 2
    assert err.startswith("leaderbot: orgs set needs a NAME")


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """The Hub publishing the bundled 2024 board of 2024-12-31 as the `text` config's `latest` Parquet file."""
    server = HubServer()
    rows = [r for r in load_rows(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    server.put(DATASET, f"text/{LATEST}", parquet_bytes(rows, bradley_terry_schema(float_counts=True)))
    with serve_in_thread(server):
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("LEADERBOT_HTTP_TIMEOUT", "5")
        monkeypatch.setenv("LEADERBOT_HTTP_RETRIES", "1")
        yield server


def test_refresh_finds_nothing_new_in_a_seeded_store(run: Run, seeded_copy: Path, hub: HubServer) -> None:
    code, out, err = run("--db", seeded_copy, "refresh", "arena-raw")
    assert (code, err) == (0, "")
    origin = f"{hub.url}/datasets/{DATASET}/resolve/main/text/{LATEST}"
    assert out == f"arena-raw: nothing new in {origin} (1 snapshot(s) already stored)\n"
    code, out, _ = run("--db", seeded_copy, "refresh", "arena-raw")  # the file is unchanged: nothing downloaded
    assert (code, out) == (0, "arena-raw: unchanged upstream, nothing to fetch\n")
    assert [r.endpoint for r in hub.seen()] == ["tree", "resolve", "cdn", "tree"]


def test_refresh_stores_the_latest_board(run: Run, tmp_path: Path, hub: HubServer) -> None:
    db = tmp_path / "fresh.db"
    code, out, _ = run("--db", db, "--no-seed", "refresh", "arena-raw")
    assert code == 0
    assert out.startswith("arena-raw: stored 1 new snapshot(s), 182 rows, from ")
    code, out, _ = run("--db", db, "boards")
    assert "  2024-12-31  overall         182 rows" in out.splitlines()
    assert out.startswith("arena-raw  Arena Text (no style control) (live, fetched 20")


def test_refresh_of_every_live_board_skips_what_upstream_lacks(run: Run, tmp_path: Path, hub: HubServer) -> None:
    code, out, err = run("--db", tmp_path / "fresh.db", "--no-seed", "refresh")
    assert code == 0
    assert out.startswith("arena-raw: stored 1 new snapshot(s)")
    skipped = err.splitlines()
    assert len(skipped) == len(live_boards()) - 1
    assert all(" publishes no " in line and "skipped" in line for line in skipped)


def test_refresh_hub_fetches_the_benchmarks(
    run: Run, tmp_path: Path, hub: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `leaderbot refresh hub`, as README says it, answered "unknown board 'hub'" (made-up GPQA rows)."""
    hub.put_benchmark(hb.GPQA, hb.BOARDS[hb.GPQA], pretty_name="GPQA")
    monkeypatch.setenv("LEADERBOT_HUB_BENCHMARKS", hb.GPQA)
    code, out, err = run("--db", tmp_path / "fresh.db", "--no-seed", "refresh", "hub")
    assert (code, err) == (0, "")
    assert out.startswith("hub:Idavidrein/gpqa: stored 2 new snapshot(s), 12 rows, from ") and out.count("\n") == 1
    code, _, err = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "hub", "--file", tmp_path / "x")
    assert code == 2 and err.startswith("leaderbot: unknown board 'hub'")  # a family, not a board, to ingest into


def test_refresh_failure_is_reported_and_stores_nothing(run: Run, tmp_path: Path, hub: HubServer) -> None:
    hub.fail(503, endpoint="cdn", times=None)
    db = tmp_path / "fresh.db"
    code, out, err = run("--db", db, "--no-seed", "refresh", "arena-raw")
    assert (code, out) == (1, "")
    assert err.startswith(f"arena-raw: refresh failed, nothing stored: {hub.url}/datasets/{DATASET}/resolve/")
    assert "HTTP 503" in err and err.count("\n") == 1
    with Store(db) as store:
        assert store.is_empty()


def test_refresh_of_the_open_llm_board_goes_through_the_viewer(
    run: Run, seeded_copy: Path, viewer: ViewerServer
) -> None:
    code, out, _ = run("--db", seeded_copy, "refresh", "open-llm")
    assert code == 0 and out.startswith("open-llm: nothing new in ")
    assert {r.params["dataset"] for r in viewer.requests} == {"open-llm-leaderboard/contents"}


def test_ingest_a_filter_url(run: Run, tmp_path: Path, viewer: ViewerServer) -> None:
    where = "%22leaderboard_publish_date%22%3D%272024-07-10%27"
    url = f"{viewer.url}/filter?dataset={ARENA_DATASET[0]}&config=text&split=full&where={where}"
    code, out, _ = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "arena-raw", "--url", url)
    assert code == 0
    assert out == f"arena-raw: stored 1 new snapshot(s), 115 rows, from {url}\n"
    assert {r.params["where"] for r in viewer.requests} == {"\"leaderboard_publish_date\"='2024-07-10'"}


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_a_first_run_says_it_is_creating_the_store_in_a_sentence(tmp_path: Path, cli_env: Path) -> None:
    """A person at a terminal reads sentences: no timestamps, no logger names, even when asked to be verbose."""
    env = {**os.environ, "LEADERBOT_LOG_LEVEL": "INFO"}
    db = tmp_path / "new" / "store.db"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "-v", "ask", "top 1", "--create"],
        capture_output=True, text=True, env=env, cwd=cli_env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == f"Creating the store at {db} from the bundled boards (once, a few seconds) ..."
    assert any(line.startswith("leaderbot: seeded the store from bundled data in ") for line in lines)
    assert not [line for line in lines if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", line)]
    quiet = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "ask", "top 1"],
        capture_output=True, text=True, env=env, cwd=cli_env, timeout=120, check=False,
    )  # fmt: skip
    assert (quiet.returncode, quiet.stderr) == (0, "")  # the store is there now, and INFO is for --verbose


def test_a_store_in_a_folder_that_does_not_exist_is_refused_unless_asked_to_create_it(run: Run, tmp_path: Path) -> None:
    """A typo in --db must not quietly make folders and a new, empty-of-subscriptions store."""
    db = tmp_path / "no" / "such" / "dir" / "x.db"
    code, out, err = run("--db", db, "boards")
    assert (code, out) == (2, "")
    assert err == (
        f"leaderbot: the store's folder {db.parent} does not exist; check the path (--db or LEADERBOT_DB), or add"
        " --create to make it\n"
    )
    assert not (tmp_path / "no").exists()
    code, out, _ = run("boards", "--db", db, "--create")
    assert code == 0 and "arena-raw" in out and db.is_file()


def test_the_store_in_a_folder_named_by_leaderbot_db_is_refused_too(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADERBOT_DB", str(tmp_path / "gone" / "x.db"))
    code, _, err = run("boards")
    assert code == 2 and str(tmp_path / "gone") in err


@pytest.mark.parametrize("place", ["before", "after"])
def test_common_options_go_before_or_after_the_command(run: Run, cli_db: str, place: str) -> None:
    common = ["--lang", "th", "--db", cli_db, "-v"]
    args = [*common, "ask", "top 3"] if place == "before" else ["ask", *common, "top 3"]
    code, out, _ = run(*args)
    assert code == 0 and out.startswith("ท็อป 3 บน Arena Text (no style control)")


def test_an_option_after_the_command_does_not_undo_the_same_option_before_it(run: Run, cli_db: str) -> None:
    code, out, _ = run("--db", cli_db, "--lang", "ja", "ask", "--json", "top 3")
    assert code == 0 and json.loads(out)["title"].startswith("上位 3")


@pytest.mark.parametrize("args", [["--lang", "xx", "ask", "top 3"], ["ask", "--lang", "xx", "top 3"]])
def test_a_bad_language_names_the_flag_typed(run: Run, cli_db: str, args: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run("--db", cli_db, *args)
    assert stopped.value.code == 2


def test_a_bad_language_message_names_the_flag_not_the_variable(cli_db: str, cli_env: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", cli_db, "ask", "--lang", "xx", "top 3"],
        capture_output=True, text=True, cwd=cli_env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "argument --lang: 'xx' is not a language; one of en, th, zh-CN, ja, es-ES" in done.stderr
    assert "LEADERBOT_LANG" not in done.stderr


@pytest.mark.parametrize(
    ("question", "code"),
    [("top 3", 0), ("rank of qwne2.5 72b", 0), ("asdf qwerty blorp", 1), ("rank of llama", 1), ("top 3 on nowhere", 1)],
)
def test_ask_exits_1_when_the_question_got_no_answer(run: Run, cli_db: str, question: str, code: int) -> None:
    """0 answered; 1 not answered (an error, a name not found, 'which one?'); one rule for every command."""
    assert run("--db", cli_db, "ask", question)[0] == code


def test_a_json_batch_exits_1_when_any_answer_was_not_answered(
    run: Run, cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("top 3\nclaude 5\n"))
    code, out, _ = run("--db", cli_db, "ask", "--json")
    assert code == 1
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["top", "not_found"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("top 3\nwho is #1\n"))
    assert run("--db", cli_db, "ask", "--json")[0] == 0


def test_history_of_an_unknown_model_exits_1(run: Run, cli_db: str) -> None:
    assert run("--db", cli_db, "history", "asdf qwerty blorp")[0] == 1


@pytest.mark.parametrize("command", sorted(parser()._subparsers._group_actions[0].choices))  # type: ignore[union-attr]
def test_every_option_of_every_command_is_described(command: str) -> None:
    sub = parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    assert sub.description, command
    undescribed = [a.dest for a in sub._actions if not a.help]
    assert undescribed == [], f"{command}: {undescribed}"
    assert "exit status: 0 answered" in sub.format_help()


# --- rows dropped, and said so --------------------------------------------------------------------------------

# MADE-UP rows in the upstream LMArena columns (shared/README.md, "Upstream"): the names, ratings, intervals, votes
# and dates are invented. Two models have NaN rating and rank, as one model's 26 rows of the real `text` config do.
MADE_UP_ROWS = [
    {"model_name": name, "organization": "Made-up Labs", "license": "Proprietary", "rating": rating,
     "rating_lower": rating - 5.0, "rating_upper": rating + 5.0, "variance": None, "vote_count": 4000.0,
     "rank": rank, "category": "overall", "leaderboard_publish_date": "2026-11-30"}
    for name, rating, rank in [("made-up-a", 1400.0, 1.0), ("made-up-nan-1", math.nan, math.nan),
                               ("made-up-b", 1350.0, 2.0), ("made-up-nan-2", math.nan, math.nan),
                               ("made-up-c", 1300.0, 3.0)]
]  # fmt: skip


def test_ingest_of_json_lines_says_how_many_rows_were_dropped_and_why(run: Run, tmp_path: Path) -> None:
    """Before: rows with a NaN rating were left out with nothing said (an INFO log line nobody sees)."""
    path = tmp_path / "board.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in MADE_UP_ROWS), encoding="utf-8")  # NaN as JSON writes it
    assert "NaN" in path.read_text(encoding="utf-8")
    code, out, err = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "arena-raw", "--file", path)
    assert (code, err) == (0, "")
    assert out == f"arena-raw: stored 1 new snapshot(s), 3 rows, from {path}; 2 rows dropped (no rating)\n"
    code, out, _ = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "arena-raw", "--file", path)
    assert out == f"arena-raw: nothing new in {path} (1 snapshot(s) already stored); 2 rows dropped (no rating)\n"


def test_ingest_of_parquet_says_how_many_rows_were_dropped_and_why(run: Run, tmp_path: Path) -> None:
    """The same from a Parquet file of the `text` config's types (float64 counts); one made-up row without an
    interval on a board that has them is dropped too."""
    rows = [dict(r) for r in MADE_UP_ROWS]
    rows[4]["rating_lower"] = rows[4]["rating_upper"] = None
    path = tmp_path / "latest.parquet"
    path.write_bytes(parquet_bytes(rows, bradley_terry_schema(float_counts=True)))
    code, out, err = run("--db", tmp_path / "fresh.db", "--no-seed", "ingest", "arena", "--file", path)
    assert (code, err) == (0, "")
    assert out == f"arena: stored 1 new snapshot(s), 2 rows, from {path}; 3 rows dropped (2 no rating, 1 no interval)\n"


def test_refresh_says_how_many_rows_were_dropped(run: Run, tmp_path: Path, hub: HubServer) -> None:
    """The real board of 2024-12-31 with one made-up row of NaN rating added, as the Hub's `latest` file."""
    rows = [r for r in load_rows(ARENA_2024) if r["leaderboard_publish_date"] == "2024-12-31"]
    rows.append({**MADE_UP_ROWS[1], "leaderboard_publish_date": "2024-12-31"})
    hub.put(DATASET, f"text/{LATEST}", parquet_bytes(rows, bradley_terry_schema(float_counts=True)))
    code, out, _ = run("--db", tmp_path / "fresh.db", "--no-seed", "refresh", "arena-raw")
    assert code == 0
    assert out.startswith("arena-raw: stored 1 new snapshot(s), 182 rows, from ")
    assert out.endswith("; 1 row dropped (no rating)\n")


def test_refresh_hub_says_how_many_rows_of_a_benchmark_were_dropped(
    run: Run, tmp_path: Path, hub: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A made-up GPQA board with one row whose modelId is 10,000 characters: stored without it, and said."""
    hub.put_benchmark(hb.GPQA, [*hb.BOARDS[hb.GPQA], hb.row("x/" + "y" * 10_000, 99.0)], pretty_name="GPQA")
    monkeypatch.setenv("LEADERBOT_HUB_BENCHMARKS", hb.GPQA)
    code, out, err = run("--db", tmp_path / "fresh.db", "--no-seed", "refresh", "hub")
    assert (code, err) == (0, "")
    (line,) = out.splitlines()
    assert line.startswith("hub:Idavidrein/gpqa: stored 2 new snapshot(s), 12 rows, from ")
    assert line.endswith("; 1 row dropped (modelId too long)")
