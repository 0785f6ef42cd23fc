"""questions: free text -> one structured Query (kind, board, date, count, filters, model names)."""

from __future__ import annotations

import pytest

from bot.core.boards import organization_words
from bot.core.questions import MAX_COUNT, MAX_QUESTION, Filters, Lexicon, Query, parse_question
from bot.profiles import profile
from db.store import Store


@pytest.fixture(scope="module")
def lexicon(shared_store: Store) -> Lexicon:
    """Organization spellings from the store's alias table, as the Answerer builds them."""
    words = organization_words(shared_store.organization_index())
    return Lexicon({alias: name for name, spellings in words.items() for alias in spellings})


def ask(text: str, lexicon: Lexicon | None = None, **kw: object) -> Query:
    return parse_question(text, lexicon, **kw)  # type: ignore[arg-type]


# --- the examples -------------------------------------------------------------------------------------


def test_rank_of_a_sloppy_name() -> None:
    q = ask("rank of Qwen-72B")
    assert q.kind == "rank"
    assert q.models == ("qwen-72b",)
    assert q.board is None and q.as_of is None
    assert q.text == "rank of Qwen-72B"  # the question as typed


def test_top_10() -> None:
    q = ask("top 10")
    assert (q.kind, q.count, q.filters) == ("top", 10, Filters())


def test_top_chinese_models() -> None:
    q = ask("top Chinese models")
    assert q.kind == "top"
    assert q.filters == Filters(country="CN")


def test_top_5_on_math_under_10b() -> None:
    q = ask("top 5 on math under 10b")
    assert q.kind == "top"
    assert q.count == 5
    assert q.filters == Filters(benchmark="math", max_params=10.0)
    assert not profile("arena").supports(q.filters.needs()) and profile("open-llm").supports(q.filters.needs())


def test_best_model_from_meta(lexicon: Lexicon) -> None:
    q = ask("best model from Meta", lexicon)
    assert q.kind == "top"
    assert q.filters == Filters(organization="Meta")


def test_an_organization_needs_the_lexicon() -> None:
    # without the store's spellings "meta" is just a word the list request does not understand
    assert ask("best model from Meta").kind == "error"


def test_organization_spellings_from_the_store(lexicon: Lexicon) -> None:
    assert ask("top 3 qwen models", lexicon).filters.organization == "Alibaba"
    assert ask("top models from mistral ai", lexicon).filters.organization == "Mistral AI"
    assert ask("best deepseek-ai models", lexicon).filters.organization == "DeepSeek"


def test_a_bare_organization_stays_a_name_lookup(lexicon: Lexicon) -> None:
    q = ask("meta", lexicon)
    assert q.kind == "rank"
    assert q.models == ("meta",)


def test_compare_on_open_llm() -> None:
    q = ask("compare gemma 2 27b and llama 3 70b on open-llm")
    assert q.kind == "compare"
    assert q.board == "open-llm"
    assert q.models == ("gemma 2 27b", "llama 3 70b")


def test_which_orgs_dominate_the_top_20_on_arena() -> None:
    q = ask("which orgs dominate the top 20 on arena")
    assert q.kind == "orgs"
    assert q.count == 20
    assert q.board == "arena"
    assert q.filters == Filters()


@pytest.mark.parametrize("text", ["which labs dominate", "who leads", "which countries dominate on arena"])
def test_orgs_default_to_the_top_20(text: str) -> None:
    q = ask(text)
    assert (q.kind, q.count) == ("orgs", 20)


def test_versus() -> None:
    q = ask("llama 3.3 70b vs qwen 2.5 72b")
    assert q.kind == "compare"
    assert q.models == ("llama 3.3 70b", "qwen 2.5 72b")
    assert q.board is None


@pytest.mark.parametrize(
    ("text", "models"),
    [
        (
            "gpt-4o-2024-08-06 vs claude 3 opus vs gemini 1.5 pro 002",
            ("gpt-4o-2024-08-06", "claude 3 opus", "gemini 1.5 pro 002"),
        ),
        ("compare o1-mini, o1-preview and qwq", ("o1-mini", "o1-preview", "qwq")),
        ("Llama 3 70B versus Gemma 2 27B", ("llama 3 70b", "gemma 2 27b")),
    ],
)
def test_compare_splits_names(text: str, models: tuple[str, ...]) -> None:
    q = ask(text)
    assert q.kind == "compare"
    assert q.models == models


def test_compare_needs_two_and_at_most_ten() -> None:
    assert ask("compare gemma").kind == "error"
    many = " vs ".join(f"model{i}" for i in range(11))
    q = ask(many)
    assert q.kind == "error" and "10" in (q.error or "")


# --- counts ---------------------------------------------------------------------------------------------------


def test_negative_count_is_an_error_naming_it() -> None:
    q = ask("top -3")
    assert q.kind == "error"
    assert "-3" in (q.error or "")


@pytest.mark.parametrize("text", ["-3", "- 3"])
def test_negative_count_given_to_the_top_command(text: str) -> None:
    q = ask(text, force="top")
    assert q.kind == "error"
    assert "-3" in (q.error or "")


def test_bare_count_given_to_the_top_command() -> None:
    q = ask("3", force="top")
    assert (q.kind, q.count) == ("top", 3)


@pytest.mark.parametrize("n", [0, 101, 500, 10_000])
def test_count_out_of_range_is_an_error(n: int) -> None:
    q = ask(f"top {n}")
    assert q.kind == "error"
    assert str(n) in (q.error or "")
    assert str(MAX_COUNT) in (q.error or "")


@pytest.mark.parametrize(("text", "n"), [("top 1", 1), ("top 100", 100), ("3 best models", 3), ("best 7", 7)])
def test_count_in_range(text: str, n: int) -> None:
    q = ask(text)
    assert (q.kind, q.count) == ("top", n)


# --- long and hostile input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [MAX_QUESTION + 1, 5_000])
def test_too_long_is_a_polite_error(length: int) -> None:
    q = ask("top " + "x" * (length - 4))
    assert q.kind == "error"
    assert f"{length:,}" in (q.error or "")
    assert str(MAX_QUESTION) in (q.error or "")
    assert "Traceback" not in (q.error or "")
    assert len(q.text) <= MAX_QUESTION


def test_the_longest_allowed_question_is_parsed() -> None:
    q = ask("rank of " + "a" * (MAX_QUESTION - 8))
    assert q.kind == "rank"


@pytest.mark.parametrize("text", ["@everyone top 3", "top 3 @here", "<@123456> top 3", "<@!42> top 3 <@&7> <#9>"])
def test_mentions_are_stripped(text: str) -> None:
    q = ask(text)
    assert (q.kind, q.count) == ("top", 3)
    assert q.text == text  # the question itself is kept as typed


def test_a_mention_inside_a_name_is_dropped_from_the_name() -> None:
    q = ask("rank of @everyone gpt-4o")
    assert q.kind == "rank"
    assert q.models == ("gpt-4o",)


@pytest.mark.parametrize("text", ["", "   ", "help", "?", "what can you do"])
def test_help(text: str) -> None:
    assert ask(text).kind == "help"


@pytest.mark.parametrize("text", ["boards", "sources", "when was it updated"])
def test_boards(text: str) -> None:
    assert ask(text).kind == "boards"


# --- dates ----------------------------------------------------------------------------------------------------


def test_as_of() -> None:
    q = ask("top 10 as of 2024-09-01")
    assert (q.kind, q.count, q.as_of) == ("top", 10, "2024-09-01")


def test_as_of_on_a_rank_question() -> None:
    q = ask("chatgpt 4o latest as of 2024-10-01")
    assert q.kind == "rank"
    assert q.as_of == "2024-10-01"
    assert q.models == ("chatgpt 4o latest",)


@pytest.mark.parametrize("text", ["gpt-4o-2024-05-13", "rank of gpt-4o-2024-05-13", "gpt4o 2024-08-06"])
def test_a_date_inside_a_model_name_is_not_as_of(text: str) -> None:
    q = ask(text)
    assert q.kind == "rank"
    assert q.as_of is None
    assert any("2024" in m for m in q.models)


def test_a_date_in_a_comparison_stays_in_the_names() -> None:
    q = ask("gpt-4o-2024-05-13 vs gpt-4o-2024-08-06")
    assert q.kind == "compare"
    assert q.as_of is None
    assert q.models == ("gpt-4o-2024-05-13", "gpt-4o-2024-08-06")


# --- boards ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "board"),
    [
        ("top 10 on arena", "arena"),
        ("top 10 on lmarena", "arena"),
        ("top 10 on the chatbot arena", "arena"),
        ("top 10 on open-llm", "open-llm"),
        ("top 10 on open llm", "open-llm"),
        ("top 10 on the hugging face leaderboard", "open-llm"),
        ("top 10", None),
    ],
)
def test_board_words(text: str, board: str | None) -> None:
    q = ask(text)
    assert q.kind == "top"
    assert q.board == board


def test_a_board_word_inside_a_hub_id_is_part_of_the_name() -> None:
    q = ask("rank of lmsys/vicuna-7b-v1.5 on open-llm")
    assert q.board == "open-llm"
    assert q.models == ("lmsys/vicuna-7b-v1.5",)


# --- filters --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("top 7b-14b", 7.0, 14.0),
        ("top models between 7b and 14b", 7.0, 14.0),
        ("top models between 7 and 14b", 7.0, 14.0),
        ("top 14b-7b", 7.0, 14.0),
        ("top over 70b", 70.0, None),
        ("top models above 70B", 70.0, None),
        ("top under 10B", None, 10.0),
        ("best models under 10b", None, 10.0),
        ("top models below 1.5b", None, 1.5),
        ("top 8b or smaller", None, 8.0),
    ],
)
def test_sizes(text: str, low: float | None, high: float | None) -> None:
    q = ask(text)
    assert q.kind == "top", q.error
    assert (q.filters.min_params, q.filters.max_params) == (low, high)


def test_a_size_in_a_model_name_is_not_a_filter() -> None:
    q = ask("rank of qwen 2.5 72b")
    assert q.kind == "rank"
    assert q.filters == Filters()
    assert q.models == ("qwen 2.5 72b",)


def test_a_filter_alone_is_a_list() -> None:
    assert ask("chinese models").kind == "top"
    assert ask("under 10b").kind == "top"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("top models from China", "CN"),
        ("top CN models", "CN"),
        ("top chinese models", "CN"),
        ("top US models", "US"),
        ("top american models", "US"),
        ("top French models", "FR"),
        ("top models from france", "FR"),
        ("top European models", "EU"),
        ("top models from europe", "EU"),
        ("top israeli models", "IL"),
        ("top canadian models", "CA"),
    ],
)
def test_countries(text: str, country: str) -> None:
    q = ask(text)
    assert q.kind == "top", q.error
    assert q.filters.country == country


@pytest.mark.parametrize(
    ("text", "model_type"),
    [
        ("top chat models", "chat"),
        ("top instruct models", "chat"),
        ("top pretrained models", "pretrained"),
        ("best base models", "pretrained"),
        ("top merges", "merge"),
        ("top 3 merged models", "merge"),
        ("top fine-tuned models", "fine-tuned"),
        ("top finetuned models", "fine-tuned"),
        ("top multimodal models", "multimodal"),
    ],
)
def test_model_types(text: str, model_type: str) -> None:
    q = ask(text)
    assert q.kind == "top", q.error
    assert q.filters.model_type == model_type
    assert not profile("arena").supports(q.filters.needs()) and profile("open-llm").supports(q.filters.needs())


def test_fine_tuned_with_a_space() -> None:
    q = ask("top 10 fine tuned models")
    assert q.kind == "top"
    assert q.filters.model_type == "fine-tuned"


@pytest.mark.parametrize(
    "text", ["top official models", "top 5 official", "official top 5", "top 10 official providers"]
)
def test_official(text: str) -> None:
    q = ask(text)
    assert q.kind == "top"
    assert q.filters.official_only
    assert not profile("arena").supports(q.filters.needs()) and profile("open-llm").supports(q.filters.needs())


@pytest.mark.parametrize(
    ("text", "benchmark"),
    [
        ("top 5 on ifeval", "ifeval"),
        ("top 5 on bbh", "bbh"),
        ("top 5 big bench hard", "bbh"),
        ("top 5 on gpqa", "gpqa"),
        ("top 5 on musr", "musr"),
        ("top 5 on mmlu-pro", "mmlu_pro"),
        ("top 5 on mmlu pro", "mmlu_pro"),
        ("best model under 10B on MATH", "math"),
    ],
)
def test_benchmarks(text: str, benchmark: str) -> None:
    q = ask(text)
    assert q.kind == "top"
    assert q.filters.benchmark == benchmark


def test_filters_combine(lexicon: Lexicon) -> None:
    q = ask("top 10 chinese models over 70b on open-llm as of 2025-01-01", lexicon)
    assert q.kind == "top"
    assert (q.count, q.board, q.as_of) == (10, "open-llm", "2025-01-01")
    assert q.filters == Filters(country="CN", min_params=70.0)


def test_words_a_list_request_does_not_understand_are_named() -> None:
    q = ask("top 10 purple models")
    assert q.kind == "error"
    assert "purple" in (q.error or "")


def test_describe_filters() -> None:
    parts = Filters(country="CN", organization="Meta", min_params=7, max_params=14, benchmark="math").describe()
    assert parts == ["from Meta", "country CN", "7B-14B", "by MATH Lvl 5"]
    assert Filters(max_params=10).describe() == ["up to 10B"]
    assert Filters(min_params=70).describe() == ["at least 70B"]


@pytest.mark.parametrize(
    ("text", "count"),
    [("which companies lead", 20), ("which orgs lead the top 50", 50), ("who has the most places in the top 30", 30)],
)
def test_more_ways_to_ask_who_holds_the_top(text: str, count: int) -> None:
    q = ask(text)
    assert (q.kind, q.count) == ("orgs", count)


def test_an_impossible_date_is_refused_not_ignored() -> None:
    q = ask("top 10 as of 2024-13-45")
    assert q.kind == "error" and "2024-13-45" in (q.error or "")


@pytest.mark.parametrize(
    ("text", "models", "board"),
    [
        ("how has gpt-4o moved on arena", ("gpt-4o",), "arena"),
        ("history of claude 3 opus vs gpt-4o-2024-05-13", ("claude 3 opus", "gpt-4o-2024-05-13"), None),
        ("gemini exp 1206 over time", ("gemini exp 1206",), None),
        ("show me the chart of qwen2 72b instruct on open-llm", ("qwen2 72b instruct",), "open-llm"),
        ("how has llama 3 70b done", ("llama 3 70b",), None),
    ],
)
def test_history_questions(text: str, models: tuple[str, ...], board: str | None) -> None:
    q = ask(text)
    assert (q.kind, q.models, q.board) == ("history", models, board)


def test_history_needs_a_model_and_at_most_eight() -> None:
    assert ask("", force="history").kind == "error"
    assert ask(" vs ".join(f"model {i}" for i in range(9)), force="history").kind == "error"
    assert ask("how is qwen2 72b doing").kind == "rank"  # 'how is ... doing' asks for the rank now


@pytest.mark.parametrize(
    ("text", "kind", "count", "as_of"),
    [
        ("orgs 100", "orgs", 100, None),
        ("labs 30", "orgs", 30, None),
        ("top 5 as of 2024/09/01", "top", 5, "2024-09-01"),
        ("top 5 as of 20240901", "top", 5, "2024-09-01"),
        ("**top** 5", "top", 5, None),
        ("ｔｏｐ ５", "top", 5, None),  # full-width, as some keyboards type it
    ],
)
def test_more_spellings_of_lists_and_dates(text: str, kind: str, count: int, as_of: str | None) -> None:
    q = ask(text)
    assert (q.kind, q.count, q.as_of) == (kind, count, as_of)


@pytest.mark.parametrize(
    "text", ["rank of gpt-4o on the arena leaderboard", "gpt-4o on lmsys board", "rank of gpt-4o on lm arena"]
)
def test_a_board_named_with_board_or_leaderboard_leaves_the_name_alone(text: str) -> None:
    q = ask(text)
    assert (q.kind, q.board, q.models) == ("rank", "arena", ("gpt-4o",))
