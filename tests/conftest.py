"""Fixtures shared by the whole suite: stores seeded from the real bundled data.

Answering never writes, so one shared store and one Answerer over it (its board views built once) serve every test
that only asks; a test that changes the store uses the function-scoped `store` fixture instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.answers import Answerer
from bot.ingest import open_store
from bot.profiles import PROFILES
from bot.sources import SOURCES
from db.store import Store
from tests.labelled import add_2026_boards
from tests.stores import copy_store

TODAY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SEED_WAIT_S = 300  # how long a worker waits for another to seed the run's store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: starts other processes and waits on them; kept, and run first")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: with the suite spread over workers (`tasks.py test`), a long test picked up last
    would leave the other workers idle while it finishes."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    """A board found upstream during a test (a new config on the local Hub) is registered for that test only."""
    profiles, sources = dict(PROFILES), dict(SOURCES)
    yield
    PROFILES.clear()
    PROFILES.update(profiles)
    SOURCES.clear()
    SOURCES.update(sources)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database file per worker, copied from the one the run seeds; tests copy it instead of seeding
    again (seconds each). Under pytest-xdist the first worker to get here seeds into the run's own temporary folder
    (its workers' common parent) and the others wait for that file: each would spend the same seconds on the same
    store. Each worker still gets a file of its own: a test may open this one itself."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        open_store(path).close()
        return path
    run = tmp_path_factory.getbasetemp().parent
    seeded = run / "seed.db"
    try:
        os.close(os.open(run / "seed.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:  # another worker is seeding
        deadline = time.monotonic() + SEED_WAIT_S
        while not seeded.exists():
            assert time.monotonic() < deadline, f"no worker finished seeding {seeded} in {SEED_WAIT_S} s"
            time.sleep(0.05)
    else:
        building = run / "seed-building.db"
        open_store(building).close()
        building.replace(seeded)  # closed, so its whole store: the waiting workers never see half of it
    return copy_store(seeded, path)


@pytest.fixture
def seeded_copy(seeded_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the seeded store file."""
    return copy_store(seeded_db, tmp_path / "store.db")


@pytest.fixture
def store(seeded_copy: Path) -> Iterator[Store]:
    """A private, writable copy of the seeded store, open."""
    s = Store(seeded_copy)
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_store(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    target = tmp_path_factory.mktemp("core") / "shared.db"
    copy_store(seeded_db, target)
    s = Store(target)
    yield s
    s.close()


@pytest.fixture(scope="session")
def answerer(shared_store: Store) -> Answerer:
    """Today is fixed (TODAY), so an answer's "N days old" does not change with the calendar."""
    a = Answerer(shared_store, now=lambda: TODAY)
    a.warm()
    return a


@pytest.fixture
def empty_store() -> Iterator[Store]:
    s = Store()
    yield s
    s.close()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory (no `.env`) and no Leaderbot variables from the developer's shell."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in list(os.environ):
        if name.startswith("LEADERBOT_") or name in ("DISCORD_TOKEN", "DEV_GUILD_ID"):
            monkeypatch.delenv(name)
    return work


@pytest.fixture
def cli_db(seeded_copy: Path, cli_env: Path) -> str:
    """A private copy of the seeded store, for `leaderbot --db` in a clean environment."""
    return str(seeded_copy)


@pytest.fixture(scope="session")
def answerer_2026(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    """The bundled data plus the real 2026 boards of the other arenas (tests/fixtures/arenas-2026): names of
    every era, for the labelled questions. Today is fixed (TODAY)."""
    target = tmp_path_factory.mktemp("era") / "2026.db"
    copy_store(seeded_db, target)
    store = Store(target)
    add_2026_boards(store)
    answerer = Answerer(store, now=lambda: TODAY)
    answerer.warm()
    yield answerer
    store.close()
