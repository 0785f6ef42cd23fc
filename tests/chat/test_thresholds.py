"""`top:N` and `moves:N` as typed in a prefix command."""

from __future__ import annotations

import pytest

from bot.chat.thresholds import BadThreshold, Thresholds, split_thresholds


def test_thresholds_are_taken_out_of_the_text_wherever_they_are() -> None:
    assert split_thresholds("qwen 2.5 72b top:10 moves:3") == ("qwen 2.5 72b", Thresholds(10, 3))
    assert split_thresholds("MOVES:2 arena") == ("arena", Thresholds(None, 2))
    assert split_thresholds("llama 3.3 70b") == ("llama 3.3 70b", Thresholds())


def test_a_word_that_only_starts_like_a_threshold_is_left_in_the_name() -> None:
    assert split_thresholds("stop:10 laptop:3") == ("stop:10 laptop:3", Thresholds())


@pytest.mark.parametrize("typed", ["top:-3", "top:0", "top:101", "moves:x", "moves:", "top:３"])
def test_a_value_outside_the_limits_is_refused_with_the_word_and_the_limits(typed: str) -> None:
    with pytest.raises(BadThreshold) as refused:
        split_thresholds(f"arena {typed}")
    assert (refused.value.word, refused.value.low, refused.value.high) == (typed.partition(":")[0], 1, 100)
