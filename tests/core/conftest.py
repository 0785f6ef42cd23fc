"""The two boards' latest views, from the session's shared Answerer (see the root conftest)."""

from __future__ import annotations

import pytest

from bot.core.answers import Answerer
from bot.core.boards import BoardView


@pytest.fixture(scope="session")
def open_llm(answerer: Answerer) -> BoardView:
    view = answerer.view("open-llm")
    assert view is not None
    return view


@pytest.fixture(scope="session")
def arena(answerer: Answerer) -> BoardView:
    view = answerer.view("arena-raw")
    assert view is not None
    return view
