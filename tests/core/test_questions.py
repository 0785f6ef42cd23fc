"""questions: free text -> one structured Query (kind, board, date, count, filters, model names)."""

from __future__ import annotations

import pytest

from bot.core.boards import organization_words
from bot.core.names import normalise
from bot.core.questions import MAX_COUNT, MAX_QUESTION, STEPS, Aspect, Filters, Lexicon, Query, clean, parse_question
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


@pytest.mark.parametrize(
    "text", ["which labs dominate", "who holds the top places", "which countries dominate on arena"]
)
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


# --- the pipeline: every intent in people's words -------------------------------------------------------------


def test_the_steps_are_declared_in_order() -> None:
    names = [name for name, _ in STEPS]
    assert names[0] == "whole question" and names[-3:] == ["model names", "unread words", "domain"]
    assert names.index("board") < names.index("intent") < names.index("category") < names.index("organization")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "greeting"), ("Hello!", "greeting"), ("thanks", "greeting"), ("thank you so much", "greeting"),
        ("hey leaderbot", "greeting"), ("gm", "greeting"),
        ("what can you do?", "help"), ("how fresh is your data", "boards"),
        ("what's new", "changes"), ("what changed", "changes"), ("any changes since 2025-07-07", "changes"),
        ("what moved this week", "changes"), ("who took #1 on 2025-08-01", "changes"),
    ],
)  # fmt: skip
def test_whole_question_intents(text: str, kind: str) -> None:
    assert ask(text).kind == kind


def test_changes_carry_their_date_or_period() -> None:
    assert ask("any changes since 2025-07-07").since == "2025-07-07"
    assert ask("what moved this week").since_days == 7
    q = ask("who took #1 on 2025-08-01")
    assert (q.as_of, q.aspect) == ("2025-08-01", Aspect.NEW_LEADER)
    assert ask("what changed in the top 20").count == 20


@pytest.mark.parametrize(
    ("text", "models"),
    [
        ("is deepseek v3 better than gpt-4o?", ("deepseek v3", "gpt-4o")),
        ("gemini 2.5 pro or grok 4?", ("gemini 2.5 pro", "grok 4")),
        ("which is better: X1 or Y2", ("x1", "y2")),
        ("qwen2.5 72b compared with llama 3.3 70b", ("qwen2.5 72b", "llama 3.3 70b")),
        ("compare gemma 2 27b with llama 3 70b", ("gemma 2 27b", "llama 3 70b")),
        ("does deepseek v3 beat claude 3.5 sonnet", ("deepseek v3", "claude 3.5 sonnet")),
        ("o1-mini, o1-preview and qwq", ("o1-mini", "o1-preview", "qwq")),
    ],
)
def test_comparisons_in_people_s_words(text: str, models: tuple[str, ...]) -> None:
    q = ask(text)
    assert (q.kind, q.models) == ("compare", models)


def test_one_grammar_splits_histories_and_comparisons_alike() -> None:
    assert ask("history of a1 vs b2, c3 or d4").models == ask("compare a1 vs b2, c3 or d4").models


@pytest.mark.parametrize(
    ("text", "aspect", "model"),
    [
        ("when did gpt-4o first reach #1", Aspect.FIRST_TOP, "gpt-4o"),
        ("how long was gpt-4o #1", Aspect.TIME_AT_TOP, "gpt-4o"),
        ("how many days was gpt-4o on top", Aspect.TIME_AT_TOP, "gpt-4o"),
        ("best rank ever of claude 3 opus", Aspect.BEST_RANK, "claude 3 opus"),
        ("claude 3 opus best rank ever", Aspect.BEST_RANK, "claude 3 opus"),
    ],
)
def test_one_fact_of_a_history(text: str, aspect: Aspect, model: str) -> None:
    q = ask(text)
    assert (q.kind, q.aspect, q.models) == ("history", aspect, (model,))


@pytest.mark.parametrize(
    "text", ["who is #1", "what's the top model right now?", "current leader", "best model", "best open model"]
)
def test_the_leader_is_one_place(text: str) -> None:
    q = ask(text)
    assert (q.kind, q.leader, q.count) == ("top", True, 1)


def test_a_count_overrides_the_leader() -> None:
    q = ask("top 5 open model")
    assert (q.leader, q.count, q.filters.license) == (False, 5, "open weights")


@pytest.mark.parametrize(
    ("text", "license"),
    [
        ("best open model", "open weights"), ("top 5 open source models", "open weights"),
        ("open-weight models", "open weights"), ("top oss models", "open weights"), ("open weights", "open weights"),
        ("top closed models", "proprietary"), ("best proprietary model", "proprietary"),
    ],
)  # fmt: skip
def test_license_words(text: str, license: str) -> None:
    q = ask(text)
    assert (q.kind, q.filters.license) == ("top", license)


@pytest.mark.parametrize(
    ("text", "low", "high", "said"),
    [
        ("best small model", None, 10, "small = under 10B"),
        ("best 7b model", 5.6, 8.8, "7B-class = 5.6B–8.8B"),
        ("top 70b-class models", 56, 87.5, "70B-class = 56B–87.5B"),
        ("top large models", 70, None, "large = 70B and over"),
    ],
)
def test_size_classes_say_the_range_used(text: str, low: float | None, high: float | None, said: str) -> None:
    f = ask(text).filters
    assert (f.min_params, f.max_params, f.size_class) == (low, high, said)
    assert said in f.describe()


@pytest.mark.parametrize(
    ("text", "category", "country"),
    [
        ("best at chinese", "chinese", None),
        ("top models for chinese prompts", "chinese", None),
        ("best model in chinese", "chinese", None),
        ("chinese models", None, "CN"),
        ("models from china", None, "CN"),
        ("top 3 coding models", "coding", None),
        ("top 3 in hard prompts", "hard_prompts", None),
        ("best model for creative writing", "creative_writing", None),
        ("top 5 multi-turn", "multi_turn", None),
        ("top 5 longer queries", "longer_query", None),
        ("best model for medicine", "industry_medicine_and_healthcare", None),
        ("top 10 category exclude ties", "exclude_ties", None),
    ],
)
def test_language_is_a_category_and_country_a_filter(text: str, category: str | None, country: str | None) -> None:
    q = ask(text)
    assert (q.kind, q.category, q.filters.country) == ("top", category, country)


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("best coding model", "coding"), ("what's the best model for coding?", "coding"),
        ("who is #1 in coding", "coding"), ("best at math", "math"), ("best math model", "math"),
        ("best vision model", "vision"), ("best model for programming", "coding"),
    ],
)  # fmt: skip
def test_best_at_a_domain_asks_every_board_that_measures_it(text: str, domain: str) -> None:
    q = ask(text)
    assert (q.kind, q.domain, q.board, q.category) == ("domain", domain, None, None)


@pytest.mark.parametrize(
    ("text", "kind", "board", "category"),
    [
        ("top 5 coding models", "top", None, "coding"),  # a count: the list of one board
        ("best coding model on arena", "top", "arena", "coding"),  # a board named
        ("best model in category coding", "top", None, "coding"),
        ("top 3 on the vision arena", "top", "arena-vision", None),
        ("best open coding model", "top", None, "coding"),  # a filter: one board's list
    ],
)
def test_a_domain_word_with_a_board_count_or_filter_stays_one_boards_list(
    text: str, kind: str, board: str | None, category: str | None
) -> None:
    q = ask(text)
    assert (q.kind, q.board, q.category, q.domain) == (kind, board, category, None)


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("where does qwen3.5 397b stand everywhere", "qwen3.5 397b"), ("profile of gpt-4o", "gpt-4o"),
        ("llama 3.3 70b everywhere", "llama 3.3 70b"),
        ("Qwen/Qwen3.5-397B-A17B on every board", "qwen/qwen3.5-397b-a17b"),
        ("where is claude opus 4.6 ranked across all boards", "claude opus 4.6"),
    ],
)  # fmt: skip
def test_everywhere_asks_for_one_models_card(text: str, model: str) -> None:
    q = ask(text)
    assert (q.kind, q.models) == ("profile", (model,))


def test_math_is_the_benchmark_on_open_llm_and_the_category_on_the_arena() -> None:
    assert ask("top 5 on math on open-llm").filters.benchmark == "math"
    assert ask("top 5 on math on arena").category == "math"
    stored = Lexicon(categories=frozenset({"overall", "math"}))
    assert ask("top 5 on math", stored).category == "math"  # a store holding the category: the category
    assert ask("top 5 on math").filters.benchmark == "math"  # else the only board that has it: the benchmark


def test_a_category_word_inside_a_name_stays_in_the_name() -> None:
    assert ask("qwen 2.5 coder 32b").models == ("qwen 2.5 coder 32b",)
    q = ask("gpt-4o in coding")
    assert (q.kind, q.models, q.category) == ("rank", ("gpt-4o",), "coding")


@pytest.mark.parametrize(
    ("text", "board"),
    [
        ("best webdev model", "arena-webdev"), ("top vision models", "arena-vision"),
        ("best image generation model", "arena-text-to-image"), ("best image editing model", "arena-image-edit"),
        ("top video models", "arena-text-to-video"), ("best search model", "arena-search"),
        ("best pdf model", "arena-document"), ("video edit leaderboard", "arena-video-edit"),
    ],
)  # fmt: skip
def test_arenas_by_their_words(text: str, board: str) -> None:
    q = ask(text)
    assert (q.kind, q.board) == ("top", board)


def test_an_exact_model_name_wins_over_the_filter_words_inside_it() -> None:
    names = Lexicon({"meta": "Meta"}, model_names=frozenset({normalise("Meta-Llama-3-70B-Instruct")}))
    q = ask("Meta-Llama-3-70B-Instruct", names)
    assert (q.kind, q.models) == ("rank", ("meta-llama-3-70b-instruct",))
    assert ask("best Meta-Llama-3-70B-Instruct", names).kind == "rank"
    assert ask("top models from meta", names).filters.organization == "Meta"
    assert ask("mistral large", Lexicon({"mistral": "Mistral AI"})).kind == "rank"  # an organization + a word


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("rank of", "Rank of which model?"),
        ("compare", "Compare which models?"),
        ("history of", "Whose history?"),
        ("top 5 open souce models", "I did not understand “souce” in that list request. Did you mean “source”?"),
        ("top 5 frnch models", "Did you mean “french”?"),
        ("best model from xyzcorp", "I did not understand “xyzcorp”"),
        ("what changed for no reason", "I did not understand “no reason”"),
    ],
)
def test_fragments_ask_for_the_missing_part_and_unknown_words_are_named(text: str, needle: str) -> None:
    q = ask(text)
    assert q.kind == "error"
    assert needle in (q.error or "")


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("what's gpt-4o's rank?", "what is gpt-4o rank"),
        ("🏆 top 10 🔥", "top 10"),
        ("ｔｏｐ ５", "top 5"),
        ('"gpt-4o-2024-05-13"', "gpt-4o-2024-05-13"),
        ("which is better: a or b", "which is better a or b"),
        ("gemma 2 27b, llama 3 70b", "gemma 2 27b, llama 3 70b"),
        ("llama 3.1 405b.", "llama 3.1 405b"),
    ],
)
def test_cleaning(text: str, cleaned: str) -> None:
    assert clean(text) == cleaned


# --- round three (#23): words the steps used to leave to the model names ------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("cheapest good model", "price"),
        ("what is the fastest model", "speed"),
        ("which model has the biggest context", "context"),
        ("is gpt-4o faster than claude", "speed"),
    ],
)
def test_what_no_board_measures_is_taken_not_read_as_a_name(text: str, what: str) -> None:
    q = ask(text)
    assert (q.unmeasured, q.models) == (what, ())


def test_an_unmeasured_word_inside_a_name_held_is_the_names() -> None:
    named = Lexicon(model_names=frozenset({normalise("grok-4-fast-reasoning")}))
    assert ask("grok 4 fast", named).models == ("grok 4 fast",)
    assert ask("grok 4 fast").unmeasured == "speed"  # without that name held, "fast" is what was asked


def test_a_board_word_inside_a_name_held_is_the_names() -> None:
    named = Lexicon(model_names=frozenset({normalise("grok-4.20-multi-agent-beta-0309")}))
    q = ask("grok 4.20 multi agent", named)
    assert (q.kind, q.board, q.models) == ("rank", None, ("grok 4.20 multi agent",))
    assert ask("grok 4.20 multi agent").board == "arena-agent"  # the name unknown: "agent" is the board's
    assert ask("grok 4.20 multi agent on the search arena", named).board == "arena-search"
    assert ask("top 5 on the agent arena", named).board == "arena-agent"


def test_a_lab_is_the_organization_roll_up_with_its_country() -> None:
    for text in ("which chinese lab is best", "best chinese lab", "which lab is best"):
        q = ask(text)
        assert q.kind == "orgs", text
    assert ask("best chinese lab").filters == Filters(country="CN")


def test_a_benchmark_named_again_in_brackets_is_read() -> None:
    q = ask("who is best at instruction following (ifeval)")
    assert (q.kind, q.filters, q.leader, q.count) == ("top", Filters(benchmark="ifeval"), True, 1)
    assert ask("best model at (ifeval)").filters == Filters(benchmark="ifeval")


def test_since_the_last_board_is_the_last_two_boards() -> None:
    q = ask("what changed since the last board")
    assert (q.kind, q.since, q.since_days, q.error) == ("changes", None, None, None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("what's the best llm", None),
        ("¿cuál es el mejor modelo?", "es-ES"),
        ("el mejor modelo", "es-ES"),
        ("最好的模型", "zh-CN"),
        ("一番良いモデル", "ja"),
        ("โมเดลที่ดีที่สุด", "th"),
    ],
)
def test_the_best_model_is_the_leader_in_every_language(text: str, language: str | None) -> None:
    q = ask(text)
    assert (q.kind, q.leader, q.count, q.language) == ("top", True, 1, language)


def test_better_than_asks_who_is_ahead() -> None:
    assert ask("is claude 3 opus better than gpt-4o").aspect is Aspect.BETTER
    assert ask("which is better: claude 3 opus or gpt-4o").aspect is Aspect.BETTER
    assert ask("claude 3 opus vs gpt-4o").aspect is None
