"""The board registry: every board has one profile and one importer, and no code outside them tests a board id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core.answer import Kind
from bot.core.questions import find_board
from bot.core.text import RENDERERS
from bot.profiles import PROFILES, UnknownBoard, board_ids, profile
from bot.sources import SOURCES, get_source
from db.seed import bundled_files

ROOT = Path(__file__).resolve().parents[2]
# Where a board id may be written: the profiles, the importers, and the default board in settings.
ALLOWED = {
    ROOT / "bot" / "profiles" / "arena.py",
    ROOT / "bot" / "profiles" / "open_llm.py",
    ROOT / "bot" / "sources" / "lmarena.py",
    ROOT / "bot" / "sources" / "open_llm.py",
}
SETTINGS = ROOT / "bot" / "settings.py"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def id_literals(path: Path) -> list[tuple[int, str]]:
    """Strings in the module's code (not its docstrings) that name a board by its id."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(b) for b in board_ids()) + r")(?![\w-])")
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and pattern.search(node.value)
    ]


def test_no_board_id_outside_the_profiles_and_importers() -> None:
    offenders = {}
    for folder in ("bot", "db"):
        for path in (ROOT / folder).rglob("*.py"):
            if path in ALLOWED:
                continue
            found = id_literals(path)
            if path == SETTINGS and len(found) == 1 and found[0][1] in board_ids():
                continue  # the default board
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_check_sees_an_id_literal(tmp_path: Path) -> None:
    """The scan above must be able to fail: a comparison with an id is found, a docstring mentioning one is not."""
    sample = tmp_path / "sample.py"
    sample.write_text('"""Talks about arena in prose."""\nif board == "open-llm":\n    pass\n', encoding="utf-8")
    assert id_literals(sample) == [(2, "open-llm")]


def test_every_profile_has_an_importer_and_settings_know_it() -> None:
    assert set(SOURCES) == set(PROFILES) == set(board_ids())
    for board, source in SOURCES.items():
        assert source.profile is PROFILES[board]
        assert get_source(board) is source


def test_a_board_without_a_profile_fails_loudly() -> None:
    with pytest.raises(UnknownBoard, match="unknown board 'nope'"):
        profile("nope")


@pytest.mark.parametrize("board", board_ids())
def test_each_profile_is_complete(board: str) -> None:
    p = profile(board)
    low, high = p.score_range
    assert low < high and p.notable_step > 0
    assert p.title and p.url.startswith("https://") and p.score.label
    assert p.default_category
    if p.bundle is not None:
        assert bundled_files(p.bundle), f"{board} names a bundle folder with no data"
    for benchmark in p.benchmarks:
        assert benchmark.words and benchmark.name


@pytest.mark.parametrize("board", board_ids())
def test_a_board_is_found_by_its_id_in_a_question(board: str) -> None:
    named = find_board(f"top 5 on {board}")
    assert named is not None and named[0] == board


def test_every_answer_kind_has_a_text_renderer() -> None:
    assert set(RENDERERS) == set(Kind)
