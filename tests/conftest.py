"""Fixtures shared by the whole suite: stores seeded from the real bundled data.

Answering never writes, so one shared store and one Answerer over it (its board views built once) serve every test
that only asks; a test that changes the store uses the function-scoped `store` fixture instead.

A module marked `both_engines` runs its store tests twice, on SQLite and on a throwaway PostgreSQL
(tests/postgres.py, one server for the whole run): `seeded_copy` (and so `store`, `db_path`) is then a private
database copied from one seeded once per run (CREATE DATABASE ... TEMPLATE), `shared_store` one per engine and
worker. A test of something only SQLite has (its file, its pragmas) is marked `sqlite_only`.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import subprocess
import sys
import threading
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
from tests.postgres import (
    ABSENT_VARIABLE,
    Cluster,
    PostgresUnavailable,
    TemplateCopies,
    postgres_absent,
    run_folder,
    shared_cluster,
    shared_file,
    shared_template,
    stop_shared_cluster,
)
from tests.stores import copy_store

TODAY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: starts other processes and waits on them; kept, and run first")
    config.addinivalue_line("markers", "both_engines: the module's store tests run on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: a test of what only the SQLite store has, in such a module")
    if not _is_worker(config):  # the run's PostgreSQL is shared by its workers; this process outlives them all
        run_folder()
        atexit.register(stop_shared_cluster)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _is_worker(config):
        stop_shared_cluster()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")  # what pytest-xdist gives each worker's config


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`engine` for every test that opens a store: both in a `both_engines` module, else SQLite alone."""
    if "engine" not in metafunc.fixturenames:
        return
    both = metafunc.definition.get_closest_marker("both_engines") is not None
    alone = metafunc.definition.get_closest_marker("sqlite_only") is not None
    engines = ["sqlite", "postgresql"] if both and not alone else ["sqlite"]
    metafunc.parametrize("engine", engines, scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: with the suite spread over workers (`tasks.py test`), a long test picked up last
    would leave the other workers idle while it finishes. The run's PostgreSQL is started and seeded at once in
    the background if a test will need it, so that the workers run SQLite tests meanwhile instead of waiting."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if not postgres_absent() and any(_needs_postgres(item) for item in items):
        threading.Thread(target=_prepare_postgres, name="postgres-start", daemon=True).start()


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    engine = callspec.params.get("engine") if callspec is not None else None
    return engine == "postgresql" or "postgres_cluster" in getattr(item, "fixturenames", ())


def _prepare_postgres() -> None:
    """What the fixtures would do at the first PostgreSQL test; a failure is left for them to report."""
    with contextlib.suppress(Exception):
        shared_template(shared_cluster(), _seed_postgres)


def _seed_postgres(url: str) -> None:
    """The template seeded in a process of its own: seeding writes a board row for every registered profile,
    and this runs in a background thread while tests in this process register boards of their own for a while
    (tests/core/test_everywhere.py), which must never reach the template every PostgreSQL test copies."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.ingest import open_store; open_store(sys.argv[1]).close()", url],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding the PostgreSQL template failed: {done.stderr[-800:]}")


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
    """The store seeded once per test run (shared by its workers), as a file of this worker's own: tests copy it
    instead of seeding again, and a test may open this one itself, which the run's file, copied by every worker as
    a plain file, must never be."""
    seeded = shared_file("seed.db", lambda path: open_store(path).close())
    return copy_store(seeded, tmp_path_factory.mktemp("seed") / "seed.db")


ROOT = Path(__file__).resolve().parent.parent  # where `bot` is imported from
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # in the names of this process's databases


@pytest.fixture(scope="session")
def postgres_cluster() -> Cluster:
    """The run's throwaway PostgreSQL, started by the first worker that needs it. One that cannot start fails
    the test with the reason (tried once per run), unless LEADERBOT_TEST_POSTGRES=absent says on purpose there is
    none."""
    if postgres_absent():
        pytest.skip(f"{ABSENT_VARIABLE}=absent: no PostgreSQL on this machine")
    try:
        return shared_cluster()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL could not be started for the tests: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def seeded_postgres(postgres_cluster: Cluster) -> str:
    """The seeded store on PostgreSQL, once per run: the template every test's database is copied from."""
    return shared_template(postgres_cluster, _seed_postgres)


@pytest.fixture(scope="session")
def postgres_copies(postgres_cluster: Cluster, seeded_postgres: str) -> Iterator[TemplateCopies]:
    copies = TemplateCopies(postgres_cluster, seeded_postgres, f"store_{WORKER}")
    yield copies
    copies.close()


_DATABASES = itertools.count()


def postgres_copy(request: pytest.FixtureRequest) -> str:
    """A private database copied from the seeded one (dropped after the test), by URL."""
    copies: TemplateCopies = request.getfixturevalue("postgres_copies")
    name, url = copies.take()
    request.addfinalizer(lambda: copies.drop(name))
    return url


@pytest.fixture
def seeded_copy(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A private, writable copy of the seeded store: a file, or a PostgreSQL database's URL (the SQLite seed is
    then never made for it)."""
    if engine == "postgresql":
        return postgres_copy(request)
    return copy_store(request.getfixturevalue("seeded_db"), tmp_path / "store.db")


@pytest.fixture
def store(seeded_copy: Path) -> Iterator[Store]:
    """A private, writable copy of the seeded store, open."""
    s = Store(seeded_copy)
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_store(
    engine: str, seeded_db: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Store]:
    if engine == "postgresql":
        s = Store(postgres_copy(request))
        yield s
        s.close()
        return
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
def empty_store(engine: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A store with nothing in it: in memory, or a new PostgreSQL database."""
    if engine == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        name = f"empty_{WORKER}_{next(_DATABASES)}"
        s = Store(cluster.create_database(name))
        yield s
        s.close()
        cluster.drop_database(name)
        return
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
