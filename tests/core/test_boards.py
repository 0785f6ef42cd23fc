"""A board's name index is shared by the views that would build the same one (`bot.core.boards.name_index`) and by no
other: a view never resolves names from another store's board, nor from what its own store held before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.answers import Answerer
from bot.core.boards import BoardView, build_view
from bot.core.snapshots import BoardRows, first_per_model
from db.store import Store
from tests.stores import copy_store


def like(view: BoardView, rows: list[dict[str, Any]], model_aliases: dict[str, str] | None = None) -> BoardView:
    """A view of the same board and snapshot with these rows (and aliases): what another store could hold."""
    board = BoardRows(view.snapshot, tuple(rows), first_per_model(rows))
    aliases = view.model_aliases if model_aliases is None else model_aliases
    return build_view(view.profile, board, org_aliases=view.org_aliases, model_aliases=aliases)


def test_two_stores_holding_the_same_board_build_its_name_index_once(seeded_copy: Path, tmp_path: Path) -> None:
    other = copy_store(seeded_copy, tmp_path / "other.db")
    with Store(seeded_copy) as one, Store(other) as two:
        first, second = Answerer(one).view("open-llm"), Answerer(two).view("open-llm")
        assert first is not None and second is not None and first is not second
        assert first.index is second.index
        assert first.index.resolve("qwen2 72b instruct").status == "found"


def test_a_board_with_another_name_gets_an_index_of_its_own_and_the_first_board_never_sees_it(
    answerer: Answerer,
) -> None:
    view = answerer.view("arena-raw")
    assert view is not None
    renamed = [
        {**r, "name": "Zyxwvut-9000", "model_key": "zyxwvut-9000"} if i == 0 else r for i, r in enumerate(view.rows)
    ]
    other = like(view, renamed)
    assert other.index is not view.index
    assert other.index.resolve("zyxwvut 9000").status == "found"
    assert view.index.resolve("zyxwvut 9000").status == "not_found"
    again = like(view, list(view.rows))  # the first board's content again, after the other was built last
    assert again.index is not other.index
    assert again.index.resolve("zyxwvut 9000").status == "not_found"
    assert again.index.resolve(view.rows[0]["name"]).match == view.index.resolve(view.rows[0]["name"]).match


def test_a_board_with_other_aliases_or_popularity_gets_an_index_of_its_own(answerer: Answerer) -> None:
    view = answerer.view("open-llm")
    assert view is not None
    aliased = like(view, list(view.rows), {**view.model_aliases, "the big one": view.rows[0]["model_key"]})
    assert aliased.index is not view.index
    assert aliased.index.resolve("the big one").status == "found"
    assert view.index.resolve("the big one").status != "found"
    column = view.profile.popularity
    assert column is not None
    liked = [{**r, column: 10**9} if i == 1 else r for i, r in enumerate(view.rows)]
    popular = like(view, liked)
    key = view.rows[1]["model_key"]
    assert popular.index is not view.index
    assert popular.index.by_key(key).prior > view.index.by_key(key).prior  # type: ignore[union-attr]
