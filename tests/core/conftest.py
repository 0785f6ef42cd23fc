"""Shared, read-only state for the core tests: one store copied from the seeded database and one Answerer over it.

Answering never writes, so one Answerer (with its board views built once, ~0.5 s) serves every test here; a test
that changes the store uses the function-scoped `store` fixture instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.answers import Answerer
from bot.core.boards import BoardView
from db.store import Store
from tests.stores import copy_store


@pytest.fixture(scope="session")
def shared_store(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    target = tmp_path_factory.mktemp("core") / "shared.db"
    copy_store(seeded_db, target)
    s = Store(target)
    yield s
    s.close()


@pytest.fixture(scope="session")
def answerer(shared_store: Store) -> Answerer:
    a = Answerer(shared_store)
    a.warm()
    return a


@pytest.fixture(scope="session")
def open_llm(answerer: Answerer) -> BoardView:
    view = answerer.view("open-llm")
    assert view is not None
    return view


@pytest.fixture(scope="session")
def arena(answerer: Answerer) -> BoardView:
    view = answerer.view("arena")
    assert view is not None
    return view
