"""names: a model name split into typed parts, so spellings that differ only in separators and case meet."""

from __future__ import annotations

import re

import pytest

from bot.core.names import normalise, parse_size, release_dates, split_namespace, tokenize, version_after


def kinds(name: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in tokenize(name)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("phi3", "Phi-3"),
        ("gpt4.1", "GPT-4.1"),
        ("claude-3-5-sonnet", "claude 3.5 sonnet"),
        ("Qwen2-72B-Instruct", "qwen 2 72b instruct"),
        ("Qwen2.5_72B", "qwen2.5 72b"),
        ("llama-3-1-8b", "Llama 3.1 8B"),
        ("GPT-4o-2024-05-13", "gpt-4o 2024-05-13"),
        ("Command R+", "command r plus"),
        ("DeepSeek-V3", "deepseek v3"),
        ("Deepseek-v2.5", "deepseek 2.5"),
        ("Mixtral-8x22B", "mixtral 8x22b"),
        ("  Gemma 2   27B  ", "gemma-2-27b"),
    ],
)
def test_separators_case_and_spacing_do_not_matter(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)
    assert tokenize(a) == tokenize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("qwen2 72b", "qwen2.5 72b"),  # versions differ
        ("qwen2.5 7b", "qwen2.5 72b"),  # sizes differ
        ("claude 3 5 sonnet", "claude 35 sonnet"),
        ("gpt-4o", "gpt-4"),
        ("phi-3", "phi-3.5"),
    ],
)
def test_different_models_stay_different(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_versions_and_sizes_are_typed() -> None:
    assert kinds("Qwen2-72B-Instruct") == [("qwen", "word"), ("2", "number"), ("72b", "size"), ("instruct", "word")]
    assert kinds("gpt4.1") == [("gpt", "word"), ("4.1", "number")]
    assert kinds("claude-3-5-sonnet") == [("claude", "word"), ("3.5", "number"), ("sonnet", "word")]


def test_normalise_example_from_the_docstring() -> None:
    assert normalise("Qwen2-72B-Instruct") == "qwen 2 72b instruct"


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("Qwen2-72B", 72.0),
        ("qwen2.5-72b-instruct", 72.0),
        ("Mixtral-8x22B-Instruct-v0.1", 176.0),
        ("Mixtral-8x7B", 56.0),
        ("Qwen2.5-0.5B", 0.5),
        ("Qwen2.5-1.5B-Instruct", 1.5),
        ("SmolLM2-360M", 0.36),
        ("SmolLM-500M", 0.5),
        ("llama70b", 70.0),
        ("Meta-Llama-3.1-405B-Instruct-fp8", 405.0),
    ],
)
def test_parse_size(name: str, size: float) -> None:
    assert parse_size(name) == pytest.approx(size)


@pytest.mark.parametrize(
    "name",
    ["GPT-4o-2024-05-13", "Claude 3.5 Sonnet (20241022)", "Phi-3-Mini-128k-Instruct", "DeepSeek-V3", "gpt-4-1106", ""],
)
def test_no_size_when_the_name_states_none(name: str) -> None:
    assert parse_size(name) is None


def test_active_parameters_are_not_the_size() -> None:
    assert ("a22b", "size") in kinds("Qwen3-235B-A22B")
    assert parse_size("Qwen3-235B-A22B") == 235.0
    assert parse_size("Qwen3-A22B") is None


def test_dates_are_joined_into_one_tag() -> None:
    assert kinds("GPT-4o-2024-05-13") == [("gpt", "word"), ("4", "number"), ("o", "word"), ("20240513", "tag")]
    assert normalise("gpt-4o-2024-05-13") == normalise("GPT-4o-20240513")
    # the date's pieces are not versions or sizes
    assert all(t.kind != "number" for t in tokenize("2024-05-13"))


def test_release_tags_and_context_lengths_are_tags_not_versions() -> None:
    assert ("1106", "tag") in kinds("gpt-4-1106-preview")
    assert ("128k", "tag") in kinds("Phi-3-Mini-128k-Instruct")
    assert ("fp8", "tag") in kinds("Meta-Llama-3.1-405B-Instruct-fp8")
    assert all(t.soft for t in tokenize("20241022 128k fp8 instruct"))
    assert not any(t.soft for t in tokenize("coder 72b 2.5"))


def test_plus_is_a_word() -> None:
    assert [t.text for t in tokenize("Command R+")] == ["command", "r", "plus"]
    assert normalise("Command R+ (08-2024)") != normalise("Command R (08-2024)")
    assert "plus" in normalise("GLM-4-Plus")


@pytest.mark.parametrize(
    ("name", "version"),
    [("DeepSeek-V3", "3"), ("deepseek v2.5", "2.5"), ("Athene-v2-Chat-72B", "2")],
)
def test_v_prefixed_versions_drop_the_v(name: str, version: str) -> None:
    tokens = kinds(name)
    assert (version, "number") in tokens
    assert not any(re.fullmatch(r"v\d[\d.]*", text) for text, _ in tokens)


@pytest.mark.parametrize(
    ("name", "tag"), [("Mistral-7B-Instruct-v0.3", "v0.3"), ("Naveenpoliasetty/llama3-8B-V2", "v2")]
)
def test_a_v_number_after_the_size_is_a_revision_not_a_version(name: str, tag: str) -> None:
    """'llama3-8B-V2' is Llama 3 (revision 2): its V2 must not satisfy a typed "llama 2"."""
    tokens = kinds(name)
    assert (tag, "tag") in tokens
    assert (tag[1:], "number") not in tokens


def test_split_namespace() -> None:
    assert split_namespace("Qwen/Qwen2-72B-Instruct") == ("Qwen", "Qwen2-72B-Instruct")
    assert split_namespace("Qwen2-72B-Instruct") == (None, "Qwen2-72B-Instruct")


def test_empty_and_punctuation_only_names() -> None:
    assert tokenize("") == ()
    assert tokenize(" - _ / ") == ()
    assert normalise("@#!?") == ""


@pytest.mark.parametrize(
    ("name", "family", "version"),
    [
        ("claude-3-5-sonnet-20240620", "claude", (3, 5)),
        ("claude-opus-4-6", "claude", (4, 6)),
        ("Qwen2.5-72B-Instruct", "qwen", (2, 5)),
        ("gpt-4o-mini-2024-07-18", "gpt", (4,)),
        ("Qwen-0.5B-DPO-5epoch", "qwen", None),  # a fine-tune's own number, after the size
        ("gemini-exp-1206", "gemini", None),  # a release tag is not a version
        ("Mistral-Large-2411", "llama", None),  # not of that family
    ],
)
def test_version_after_the_family_word(name: str, family: str, version: tuple[int, ...] | None) -> None:
    assert version_after(tokenize(name), family) == version


def test_release_dates_are_read_from_eight_digit_tags() -> None:
    assert release_dates(tokenize("gpt-4o-2024-08-06")) == ["2024-08-06"]
    assert release_dates(tokenize("gpt-5.2-chat-latest-20260210")) == ["2026-02-10"]
    assert release_dates(tokenize("Mistral-Large-2411")) == []  # four digits: no day to compare
    assert release_dates(tokenize("model-20241399")) == []  # not a date
