"""Every command line the README shows, run as typed: a command that the README documents and that fails is a bug.

The lines are read from README.md itself: each line of its `sh` blocks, and each command quoted in its text
(`leaderbot refresh hub`), so a command added to the README is run here without touching this file. They run in
README order against one store (later lines use what earlier ones stored), with a local Hub and dataset viewer on
127.0.0.1 (HF_ENDPOINT, LEADERBOT_VIEWER_URL), in a working folder holding the files the lines name.

- `.venv/bin/leaderbot ARGS` and `leaderbot ARGS` run `bot.cli.main(ARGS)` in this process (the entry point
  pyproject.toml installs, checked below); `printf '...' |` feeds its text on stdin. The one change to a line: the
  viewer's public address is the local viewer's.
- `python3 tasks.py run ...` runs for real, as a child process.
- `NAME=value leaderbot ARGS` runs with that variable set for the one command.
- The PostgreSQL lines (`leaderbot migrate-store --to URL`, `LEADERBOT_DATABASE_URL=URL leaderbot ...`, `pg_dump`,
  `pg_restore`) run against a new, empty database on the suite's throwaway server (tests/postgres.py), its URL put
  for the README's (README_DATABASE) wherever a line names it; `pg_dump` and `pg_restore` run for real, as child
  processes. With LEADERBOT_TEST_POSTGRES=absent (no PostgreSQL on purpose) they are not run, as every PostgreSQL
  test is skipped then.
- A line with a placeholder (`leaderbot accept BOARD DATE`) is a template: its command's `--help` must exist and
  name each placeholder.
- Lines that cannot run here (Docker, systemd, the suite itself) are listed in NOT_RUN with the reason; a line
  neither run nor listed fails the test, so nothing is skipped silently.

The Hub's boards served here are made up (real model names, invented values; `tests/hub_benchmarks.py` says so
too); the store starts as the bundled data plus yesterday's Arena board, as a bot that refreshed yesterday has it.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hub_server import HubServer
from viewer_server import ViewerServer, serve_in_thread

from bot.cli import main
from db.store import Store
from tests.bundled import ARENA_2024, OPEN_LLM_FINAL
from tests.conftest import WORKER
from tests.hub_benchmarks import BOARDS, PRETTY, row
from tests.parquet_files import board_rows as arena_rows
from tests.parquet_files import bradley_terry_schema, parquet_bytes
from tests.postgres import Cluster, postgres_absent, tool

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DATASET = "lmarena-ai/leaderboard-dataset"
LATEST, FULL = "latest-00000-of-00001.parquet", "full-00000-of-00001.parquet"
PUBLIC_VIEWER = "https://datasets-server.huggingface.co"
HLE = "cais/hle"

# What the README shows that is not run here, by how the line starts, and why.
NOT_RUN = {
    "python3 tasks.py test": "the test suite itself (CI runs it; running it here would recurse)",
    ".venv/bin/ruff format": "rewrites the files; the suite runs `ruff format --check .`",
    ".venv/bin/python bench/": "a benchmark: minutes long, and `--write` rewrites BENCHMARKS.md",
    "docker": "needs a Docker daemon, which test machines lack; the image runs the same `leaderbot` commands",
    "0 4 * * * docker": "a crontab line for the Docker host",
    "curl -s 127.0.0.1:8080": "needs a bot connected to Discord; tests/chat/test_health.py asks the same endpoints",
    "cp .env.example .env": "writes .env into the checkout; tests/test_settings.py reads .env.example",
    "sudo": "changes the machine's users and services; tests/test_deploy.py checks the units and their store paths",
    "journalctl": "reads systemd's journal of an installed service",
}
COMMAND_WORDS = (
    "leaderbot ", ".venv/bin/", "python3 ", "docker ", "sudo ", "curl ", "cp ", "journalctl ", "0 4 ", "pg_dump ",
    "pg_restore ",
)  # fmt: skip
# The PostgreSQL store the README's lines name: a line naming it runs against a database of the suite's server.
README_DATABASE = "postgresql://leaderbot:secret@db.example.org:5432/leaderbot"
PG_TOOLS = ("pg_dump", "pg_restore")  # the server's own tools, run for real
ASSIGNMENT = re.compile(r"[A-Z][A-Z0-9_]*=\S*")
PLACEHOLDER = re.compile(r"\b[A-Z]{2,}\b(\.\.\.)?|<[^>]+>")


@dataclass(frozen=True)
class Line:
    number: int  # in README.md
    text: str


def readme_lines() -> list[Line]:
    """Each line of the README's `sh` blocks (comments dropped), and each command quoted in its prose."""
    lines: list[Line] = []
    block = False
    for number, text in enumerate(README.read_text(encoding="utf-8").splitlines(), start=1):
        if text.startswith("```"):
            block = text.strip() == "```sh"
            continue
        if block:
            command = re.sub(r"\s+#\s.*$", "", text).strip()
            if command:
                lines.append(Line(number, command))
            continue
        for quoted in re.findall(r"`([^`]+)`", text):
            if quoted.startswith(COMMAND_WORDS) and not quoted.startswith(("leaderbot_", "leaderbot-")):
                lines.append(Line(number, quoted))
    return lines


def why_not_run(line: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if line.startswith(start)), None)


def test_the_readme_is_read_whole() -> None:
    """The reader finds what the README shows: the two commands, the data commands, the prose ones."""
    texts = [line.text for line in readme_lines()]
    assert "python3 tasks.py run" in texts and "python3 tasks.py test" in texts
    assert ".venv/bin/leaderbot refresh hub" in texts and "leaderbot refresh hub" in texts
    assert "leaderbot accept BOARD DATE" in texts and "leaderbot -v refresh" in texts
    assert len(texts) > 40


def test_the_entry_point_is_the_cli_main() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"leaderbot": "bot.cli:main"}


MODELS = [("gemini-2.5-pro", 1460.0, 5.0), ("gpt-4o-2024-05-13", 1345.0, 5.0), ("claude-3-opus-20240229", 1320.0, 5.0)]


def arena_board(date: str, models: list[tuple[str, float, float]]) -> bytes:
    """A style-controlled Arena board in the upstream schema: real model names, made-up ratings."""
    return parquet_bytes(arena_rows(date, models), bradley_terry_schema(float_counts=False))


@pytest.fixture
def hub() -> HubServer:
    """Today's Arena (style control) and WebDev boards, and the Hub's benchmarks with HLE: all values made up."""
    server = HubServer()
    moved = [
        ("gemini-2.5-pro", 1462.0, 5.0),
        ("claude-3-opus-20240229", 1350.0, 5.0),
        ("gpt-4o-2024-05-13", 1335.0, 5.0),
    ]
    today = arena_board("2026-12-06", moved)  # the same leader (a new one waits for a second board), a swap
    for config in ("text_style_control", "webdev"):
        server.put(DATASET, f"{config}/{LATEST}", today)
        server.put(DATASET, f"{config}/{FULL}", today)
    for dataset, ranked in BOARDS.items():
        server.put_benchmark(dataset, ranked, pretty_name=PRETTY.get(dataset))
    server.put_benchmark(HLE, [row("Qwen/Qwen3.5-397B-A17B", 28.7), row("zai-org/GLM-5.1", 27.0)], pretty_name="HLE")
    return server


@pytest.fixture
def local_hub(hub: HubServer, cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """The local Hub, serving, with HF_ENDPOINT pointing at it."""
    with serve_in_thread(hub):  # type: ignore[arg-type]
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


def needs_postgres(line: str) -> bool:
    """Whether a README line is one of the PostgreSQL store's (see the module's docstring)."""
    return README_DATABASE in line or line.startswith(PG_TOOLS)


def run_line(line: str, local: dict[str, str]) -> tuple[int, str, str]:
    """One README line, as typed, with each public address of `local` put for the local one: (exit status,
    stdout, stderr)."""
    stdin = ""
    piped = re.fullmatch(r"printf (\S+|'[^']*') \| (.*)", line)
    if piped:
        stdin = shlex.split(piped.group(1))[0].encode().decode("unicode_escape")
        line = piped.group(2)
    for public, here in local.items():
        line = line.replace(public, here)
    words = shlex.split(line)
    program = None
    if words[:3] == ["python3", "tasks.py", "run"]:
        program = [sys.executable, str(ROOT / "tasks.py"), *words[2:]]
    elif words[0] in PG_TOOLS:
        program = [tool(words[0]), *words[1:]]
    if program is not None:
        done = subprocess.run(program, input=stdin, capture_output=True, text=True, timeout=120, check=False)
        return done.returncode, done.stdout, done.stderr
    assignments = dict(word.split("=", 1) for word in itertools.takewhile(ASSIGNMENT.fullmatch, words))
    words = words[len(assignments) :]
    assert words[0] in ("leaderbot", ".venv/bin/leaderbot"), f"README line not understood by this test: {line}"
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        with mock.patch.dict(os.environ, assignments):  # for this command only, as the shell sets them
            code = main(words[1:])
    except SystemExit as exc:  # argparse refusing the line
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def readme_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A new, empty database on the suite's server for the README's PostgreSQL lines, by URL; None where the run
    has no PostgreSQL on purpose (LEADERBOT_TEST_POSTGRES=absent) or the README shows no such line."""
    if postgres_absent() or not any(needs_postgres(line.text) for line in readme_lines()):
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = f"readme_{WORKER}"
    yield cluster.create_database(name)
    cluster.drop_database(name)


@pytest.mark.slow  # other processes: scheduled first (tests/conftest.py)
def test_every_command_the_readme_shows_works(
    hub: HubServer,
    seeded_copy: Path,
    readme_database: str | None,
    cli_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    viewer = ViewerServer().add_bundled(arena=ARENA_2024, open_llm=OPEN_LLM_FINAL)
    monkeypatch.setenv("LEADERBOT_DB", str(seeded_copy))
    monkeypatch.setenv("LEADERBOT_HTTP_TIMEOUT", "5")
    monkeypatch.setenv("LEADERBOT_HTTP_RETRIES", "1")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the console's history
    monkeypatch.delenv("HF_TOKEN", raising=False)
    (cli_env / LATEST).write_bytes(arena_board("2026-12-05", MODELS))  # yesterday's board, as a file
    assert main(["ingest", "arena", "--file", str(cli_env / LATEST)]) == 0  # a bot that refreshed yesterday
    shutil.copy(ARENA_2024, cli_env / "board.jsonl.gz")
    ran, templates, failures = [], [], []
    with serve_in_thread(hub), serve_in_thread(viewer):  # type: ignore[arg-type]
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("LEADERBOT_VIEWER_URL", viewer.url)
        local = {PUBLIC_VIEWER: viewer.url} | ({README_DATABASE: readme_database} if readme_database else {})
        for line in readme_lines():
            if why_not_run(line.text) or (readme_database is None and needs_postgres(line.text)):
                continue
            if PLACEHOLDER.search(line.text):
                templates.append(line)
                continue
            code, out, err = run_line(line.text, local)
            ran.append(line.text)
            if code != 0 or "Traceback" in out + err:
                failures.append(f"README.md:{line.number}: {line.text}\n  exit {code}\n  {err.strip()[-600:]}")
    assert not failures, "\n".join(failures)
    assert (cli_env / "chart.png").read_bytes().startswith(b"\x89PNG")
    with Store(seeded_copy) as store:  # `refresh hub` and `refresh hub:cais/hle` stored it
        assert {s.category for s in store.snapshots(f"hub:{HLE}")} == {"base_models", "with_fine_tunes"}
    assert len(ran) >= 30 and templates
    capsys.readouterr()
    for line in templates:
        command = shlex.split(PLACEHOLDER.sub("", line.text))
        start = 1 if command[0] in ("leaderbot", ".venv/bin/leaderbot") else 3
        with pytest.raises(SystemExit) as helped:
            main([*command[start : start + 1], "--help"])
        assert helped.value.code == 0, line.text
        usage = capsys.readouterr().out.casefold()
        if start == 1:  # a `leaderbot` command: its usage names each placeholder (tasks.py passes ARGS... on)
            named = [m.group(0).removesuffix("...") for m in PLACEHOLDER.finditer(line.text)]
            assert all(word.casefold() in usage for word in named), (line.text, usage)


def test_refresh_hub_fetches_the_benchmarks_followed(
    local_hub: HubServer, seeded_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`refresh hub` is a board list of its own (every benchmark LEADERBOT_HUB_BENCHMARKS follows), not an
    unknown board."""
    assert main(["--db", str(seeded_copy), "refresh", "hub"]) == 0
    out = capsys.readouterr().out
    assert "hub:SWE-bench/SWE-bench_Verified: stored" in out and f"hub:{HLE}: stored" in out
    assert main(["--db", str(seeded_copy), "ask", "top 3 on hle"]) == 0
    assert "Qwen/Qwen3.5-397B-A17B" in capsys.readouterr().out


def test_one_benchmark_by_its_id_before_any_list(
    local_hub: HubServer, seeded_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`refresh hub:owner/name` fetches a benchmark the store has never heard of, and keeps it as a board."""
    assert main(["--db", str(seeded_copy), "refresh", f"hub:{HLE}"]) == 0
    assert f"hub:{HLE}: stored" in capsys.readouterr().out
    assert not local_hub.seen("list")  # one benchmark asked for: the Hub's list is not fetched
    with Store(seeded_copy) as store:
        assert [(b, d, t) for b, d, t, *_ in store.hub_benchmarks()] == [(f"hub:{HLE}", HLE, "HLE")]


def test_refresh_hub_when_no_benchmark_is_followed_says_so(
    seeded_copy: Path, cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADERBOT_HUB_BENCHMARKS", "none")
    assert main(["--db", str(seeded_copy), "refresh", "hub"]) == 2
    assert "LEADERBOT_HUB_BENCHMARKS" in capsys.readouterr().err
