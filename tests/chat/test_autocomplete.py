"""Autocomplete in the user's language: categories by their name there and their id, boards' labels translated."""

from __future__ import annotations

from bot.chat.autocomplete import board_choices, category_choices
from bot.core.answers import Answerer


def test_categories_show_their_name_in_the_users_language_and_match_either(answerer_2026: Answerer) -> None:
    chinese = category_choices(answerer_2026, "arena-webdev", "", "zh-CN")
    assert {"name": "总榜 (overall)", "value": "overall"} in [c.to_dict() for c in chinese]
    assert [c.value for c in category_choices(answerer_2026, "arena-webdev", "总榜", "zh-CN")] == ["overall"]
    assert [c.value for c in category_choices(answerer_2026, "arena-webdev", "overall", "zh-CN")] == ["overall"]
    english = category_choices(answerer_2026, "arena-webdev", "", "en-US")
    assert {"name": "overall", "value": "overall"} in [c.to_dict() for c in english]


def test_board_labels_are_in_the_users_language(answerer_2026: Answerer) -> None:
    thai = {c.value: c.name for c in board_choices(answerer_2026, "open", "th")}
    assert thai["open-llm"] == "Open LLM Leaderboard v2 (เก็บถาวร)"
    english = {c.value: c.name for c in board_choices(answerer_2026, "open", None)}
    assert english["open-llm"] == "Open LLM Leaderboard v2 (archived)"
