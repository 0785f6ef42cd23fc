"""resolve: sloppy names -> the model a person means, on the real boards (Open LLM final table, LMArena 2024-12-31).

The counter-examples are the ones generic fuzzy matching gets wrong: a community merge for "Qwen-72B", a fine-tune
for "phi3 medium", a Yi model for a typo of Qwen, a tie between "Qwen2-72B-Instruct" and a TIES merge of Qwen2.5.
"""

from __future__ import annotations

import statistics
import time

import pytest

from bot.core.answers import Answerer
from bot.core.boards import BoardView
from bot.core.names import tokenize
from bot.core.resolve import MAX_CANDIDATES, Candidate, NameIndex, Resolution, build_candidates
from db.keys import model_key
from db.store import Store


def names(resolution: Resolution) -> list[str]:
    return [c.name for c in resolution.candidates]


def typed_numbers(text: str) -> set[str]:
    """The versions and sizes a person typed: what every answer must carry."""
    return {t.text for t in tokenize(text) if t.kind in ("number", "size")}


def model_numbers(candidate: Candidate) -> set[str]:
    """Versions and sizes in the model part of a candidate's name (not its namespace)."""
    return {t.text for t in candidate.tokens if t.kind in ("number", "size")}


def offered(resolution: Resolution) -> list[Candidate]:
    """What the user is offered as the answer: the match, or the clarification's candidates."""
    if resolution.status == "not_found":
        return []
    return [resolution.match] if resolution.match else list(resolution.candidates)


# --- the boards under test ------------------------------------------------------------------------------------


def test_latest_open_llm_snapshot(open_llm: BoardView) -> None:
    assert open_llm.snapshot.as_of == "2025-03-21"
    assert open_llm.size == 4495  # models
    assert len(open_llm.rows) == 4576  # evaluations (some models have several precisions)
    assert len(open_llm.index.candidates) == 4495


def test_latest_arena_board(arena: BoardView) -> None:
    assert arena.snapshot.as_of == "2024-12-31"
    assert arena.size == 182


# --- the counter-examples -----------------------------------------------------------------------------


def test_qwen_72b_is_a_question_back_not_a_community_merge(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("Qwen-72B")
    assert r.status == "ambiguous"
    assert r.match is None
    listed = names(r)
    assert listed[:4] == ["Qwen/Qwen2-72B", "Qwen/Qwen2.5-72B", "Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2-72B-Instruct"]
    # Qwen's own models come before every re-upload and merge, Rombos included
    originals = [i for i, n in enumerate(listed) if n.startswith("Qwen/")]
    others = [i for i, n in enumerate(listed) if not n.startswith("Qwen/")]
    assert max(originals) < min(others)
    assert "rombodawg/Rombos-LLM-V2.5-Qwen-72b" not in listed[: len(originals)]


def test_qwen_72b_on_arena_lists_the_three_qwen_72b_models(arena: BoardView) -> None:
    r = arena.index.resolve("Qwen-72B")
    assert r.status == "ambiguous"
    assert set(names(r)) == {"Qwen1.5-72B-Chat", "Qwen2-72B-Instruct", "Qwen2.5-72B-Instruct"}


def test_phi3_medium_on_open_llm_asks_between_the_two_microsoft_models(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("phi3 medium")
    assert r.status == "ambiguous"
    assert set(names(r)[:2]) == {"microsoft/Phi-3-medium-4k-instruct", "microsoft/Phi-3-medium-128k-instruct"}
    assert all(not n.startswith("microsoft/") for n in names(r)[2:])


def test_phi3_medium_on_arena(arena: BoardView) -> None:
    r = arena.index.resolve("phi3 medium")
    assert r.status == "found"
    assert r.match is not None and r.match.name == "Phi-3-Medium-4k-Instruct"


@pytest.mark.parametrize(
    ("board", "expected"), [("open-llm", "Qwen/Qwen2.5-72B"), ("arena-raw", "Qwen2.5-72B-Instruct")]
)
def test_qwne25_72b_is_qwen_not_yi(answerer: Answerer, board: str, expected: str) -> None:
    view = answerer.view(board)
    assert view is not None
    r = view.index.resolve("qwne2.5-72b")
    assert r.status == "found"
    assert r.match is not None and r.match.name == expected
    words = {t.text for t in r.match.tokens} | set(r.match.namespace)
    assert {"qwen", "2.5", "72b"} <= words
    assert "yi" not in words


def test_qwen2_72b_instruct_resolves_exactly_and_alone(open_llm: BoardView, arena: BoardView) -> None:
    ties = "BenevolenceMessiah/Qwen2.5-72B-2x-Instruct-TIES-v1.0"
    assert ties in {c.name for c in open_llm.index.candidates}  # the rival is on the board
    r = open_llm.index.resolve("Qwen2-72B-Instruct")
    assert r.status == "found"
    assert r.match is not None and r.match.name == "Qwen/Qwen2-72B-Instruct"
    assert ties not in names(r)
    r = arena.index.resolve("Qwen2-72B-Instruct")
    assert r.status == "found"
    assert r.match is not None and r.match.name == "Qwen2-72B-Instruct"


def test_the_ties_merge_is_found_by_its_own_name(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("Qwen2.5-72B-2x-Instruct-TIES")
    assert r.status == "found"
    assert r.match is not None and r.match.name == "BenevolenceMessiah/Qwen2.5-72B-2x-Instruct-TIES-v1.0"


def test_full_hub_id_resolves_exactly(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("Qwen/Qwen2-72B-Instruct")
    assert r.status == "found"
    assert r.match is not None and r.match.name == "Qwen/Qwen2-72B-Instruct"


# --- typed sizes and versions must agree ----------------------------------------------------------------------

AGREEING = [
    "qwen 2.5 7b",
    "qwen2.5 72b",
    "qwen 2.5 14b",
    "qwne 2.5 14b",
    "qwen2 7b",
    "llama 3.1 8b",
    "llama 3 70b",
    "llama 3.3 70b",
    "lama 3.1 8b",
    "gemma 2 9b",
    "gemma 2 2b",
    "mistral 7b",
    "mixtral 8x7b",
    "phi 3 mini",
    "yi 1.5 34b",
    "qwen 2.5 0.5b",
    "smollm2 360m",
    "falcon 3 10b",
    "granite 3.1 8b",
]


@pytest.mark.parametrize("board", ["open-llm", "arena-raw"])
@pytest.mark.parametrize("text", AGREEING)
def test_typed_size_and_version_are_carried_by_every_answer(answerer: Answerer, board: str, text: str) -> None:
    view = answerer.view(board)
    assert view is not None
    r = view.index.resolve(text)
    wanted = typed_numbers(text)
    for candidate in offered(r):
        assert wanted <= model_numbers(candidate), (text, candidate.name)


def test_qwen_25_7b_never_gives_a_72b_model(answerer: Answerer, open_llm: BoardView, arena: BoardView) -> None:
    r = open_llm.index.resolve("qwen 2.5 7b")
    assert r.match is not None and r.match.name == "Qwen/Qwen2.5-7B"
    assert all("72b" not in model_numbers(c) for c in offered(arena.index.resolve("qwen 2.5 7b")))
    answer = answerer.ask("qwen 2.5 7b")
    assert answer.kind == "rank"
    assert "7b" in answer.entries[0].model.casefold()
    assert "72b" not in answer.entries[0].model.casefold()


@pytest.mark.parametrize("text", ["lama 3 8b", "phi 2 8b"])
def test_a_version_is_not_matched_by_a_namespace_number(open_llm: BoardView, text: str) -> None:
    r = open_llm.index.resolve(text)
    wanted = typed_numbers(text)
    bad = [c.name for c in offered(r) if not wanted <= model_numbers(c)]
    assert bad == []


def test_a_revision_tag_is_not_a_family_version(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("llama 2 8b")
    assert r.match is None or "3" not in model_numbers(r.match), r.match


# --- typos, clarifications, suggestions, aliases --------------------------------------------------------------


@pytest.mark.parametrize(
    ("board", "text", "expected"),
    [
        ("arena-raw", "qwne2.5 72b", "Qwen2.5-72B-Instruct"),
        ("arena-raw", "lama 3.3 70b", "Llama-3.3-70B-Instruct"),
        ("arena-raw", "gemini flsh thinking", "Gemini-2.0-Flash-Thinking-Exp-1219"),
        ("arena-raw", "cluade 3 haiku", "Claude 3 Haiku"),
        ("arena-raw", "gema 2 2b", "Gemma-2-2b-it"),
        ("open-llm", "qwne2.5 14b", "Qwen/Qwen2.5-14B"),
        ("open-llm", "lama 3.1 8b instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ],
)
def test_typos_are_forgiven(answerer: Answerer, board: str, text: str, expected: str) -> None:
    view = answerer.view(board)
    assert view is not None
    r = view.index.resolve(text)
    assert r.status == "found", names(r)
    assert r.match is not None and r.match.name == expected


@pytest.mark.parametrize("board", ["open-llm", "arena-raw"])
@pytest.mark.parametrize("text", ["qwen", "llama", "mistral 7b", "gemini", "gpt", "claude", "phi", "72b"])
def test_clarifications_hold_at_most_25_candidates(answerer: Answerer, board: str, text: str) -> None:
    view = answerer.view(board)
    assert view is not None
    r = view.index.resolve(text)
    assert len(r.candidates) <= MAX_CANDIDATES == 25
    assert len({c.key for c in r.candidates}) == len(r.candidates)  # no model twice


def test_a_broad_name_fills_the_clarification_to_the_cap(open_llm: BoardView) -> None:
    r = open_llm.index.resolve("qwen")
    assert r.status == "ambiguous"
    assert len(r.candidates) == 25
    assert all("qwen" in c.name.casefold() or "qwq" in c.name.casefold() for c in r.candidates)


def test_near_miss_gets_suggestions(arena: BoardView) -> None:
    r = arena.index.resolve("gpt-4o-2024-05-1")
    assert r.status == "not_found"
    assert r.match is None
    assert names(r)[0] == "GPT-4o-2024-05-13"
    assert 0 < len(r.candidates) <= 5


def test_nonsense_is_not_found(arena: BoardView, open_llm: BoardView) -> None:
    for view in (arena, open_llm):
        r = view.index.resolve("xyzzy-9000")
        assert r.status == "not_found"
        assert r.match is None


@pytest.mark.parametrize("text", ["", " ", "-", "q"])
def test_empty_or_one_letter_is_not_found(arena: BoardView, text: str) -> None:
    assert arena.index.resolve(text).status == "not_found"


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("new sonnet", "Claude 3.5 Sonnet (20241022)"),
        ("New Sonnet", "Claude 3.5 Sonnet (20241022)"),
        ("old sonnet", "Claude 3.5 Sonnet (20240620)"),
        ("flash thinking", "Gemini-2.0-Flash-Thinking-Exp-1219"),
    ],
)
def test_aliases_from_the_store(shared_store: Store, arena: BoardView, alias: str, expected: str) -> None:
    assert {"new sonnet", "old sonnet"} <= set(shared_store.model_aliases("arena-raw"))
    r = arena.index.resolve(alias)
    assert r.status == "found"
    assert r.match is not None and r.match.name == expected


def test_sonnet_without_an_alias_or_date_is_a_question(arena: BoardView) -> None:
    r = arena.index.resolve("claude 3.5 sonnet")
    assert r.status == "ambiguous"
    assert set(names(r)) >= {"Claude 3.5 Sonnet (20240620)", "Claude 3.5 Sonnet (20241022)"}


# --- autocomplete ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("board", ["open-llm", "arena-raw"])
@pytest.mark.parametrize(
    "typed", ["", "q", "qw", "qwen", "qwen2", "qwen2.5 7", "llama 3", "gpt-4o", "xyzzy", "Qwen2-72B-Instruct"]
)
def test_complete_returns_at_most_25(answerer: Answerer, board: str, typed: str) -> None:
    found = answerer.complete(board, typed)
    assert len(found) <= 25
    assert len(found) == len(set(found))
    assert len(answerer.complete(board, typed, limit=3)) <= 3


def test_complete_puts_the_best_match_first(answerer: Answerer) -> None:
    assert answerer.complete("arena-raw", "Qwen2-72B-Instruct")[0] == "Qwen2-72B-Instruct"
    assert answerer.complete("arena-raw", "qwne2.5 72b")[0] == "Qwen2.5-72B-Instruct"
    assert answerer.complete("open-llm", "qwen2.5 72b")[0] == "Qwen/Qwen2.5-72B"
    # a clarification's candidates, in the same order as the question back
    assert answerer.complete("open-llm", "Qwen-72B")[:2] == ["Qwen/Qwen2-72B", "Qwen/Qwen2.5-72B"]


@pytest.mark.parametrize("board", ["arena-raw", "open-llm"])
def test_complete_on_nothing_typed_lists_the_board_leaders(answerer: Answerer, shared_store: Store, board: str) -> None:
    found = answerer.complete(board, "")
    assert len(found) == 25
    snapshot = shared_store.latest_snapshot(board, "overall")
    leaders: list[str] = []
    for row in shared_store.entries(snapshot.id):
        if row["name"] not in leaders:
            leaders.append(row["name"])
    assert found == leaders[:25]


def test_complete_takes_the_last_word_as_unfinished(answerer: Answerer) -> None:
    found = answerer.complete("open-llm", "qwen2.5 7")
    assert found[:2] == ["Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-72B"]
    for name in found:
        numbers = [t.text for t in tokenize(name.split("/")[-1]) if t.kind in ("number", "size")]
        assert "2.5" in numbers and any(n.startswith("7") for n in numbers), name
    assert answerer.complete("arena-raw", "lama 3.3") == ["Llama-3.3-70B-Instruct"]
    assert {"Claude 3 Opus", "Claude 3.5 Sonnet (20241022)"} <= set(answerer.complete("arena-raw", "clau"))
    assert all(n.casefold().startswith("claude") for n in answerer.complete("arena-raw", "clau"))


def test_complete_on_unknown_board_is_empty(answerer: Answerer) -> None:
    assert answerer.complete("nope", "qwen") == []


# --- speed ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("board", "name"), [("open-llm", "Qwen/Qwen2.5-72B-Instruct"), ("arena-raw", "GPT-4o-2024-05-13")]
)
def test_exact_name_resolves_fast(answerer: Answerer, board: str, name: str) -> None:
    view = answerer.view(board)
    assert view is not None
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        r = view.index.resolve(name)
        timings.append(time.perf_counter() - started)
        assert r.status == "found"
    assert statistics.median(timings) < 0.050  # typically ~0.05 ms; generous to stay steady on slow machines


def test_a_sloppy_name_on_the_big_board_resolves_fast(open_llm: BoardView) -> None:
    started = time.perf_counter()
    r = open_llm.index.resolve("qwne 2.5 72b instrct")
    assert time.perf_counter() - started < 0.5
    assert r.match is not None and r.match.name == "Qwen/Qwen2.5-72B-Instruct"


# --- names of 2025 and 2026 -------------------------------------------------------------------------------------


def made_up_index(names: list[str]) -> NameIndex:
    """A board of these names only (made-up: no real rows hold them together), in this rank order."""
    best = {model_key(n): {"name": n, "votes": 1000 - i} for i, n in enumerate(names)}
    return NameIndex(build_candidates(best, popularity_column="votes"))


LLAMAS = [
    "Llama-4-Maverick-17B-128E-Instruct", "Llama-4-Scout-17B-16E-Instruct", "Llama-3.3-70B-Instruct",
    "Meta-Llama-3.1-405B-Instruct-fp8", "Llama-3.1-Nemotron-70B-Instruct", "Llama-3-70B-Instruct",
]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("llama 4 maverick", "Llama-4-Maverick-17B-128E-Instruct"),
        ("lama 4 scout", "Llama-4-Scout-17B-16E-Instruct"),
    ],
)
def test_a_family_and_a_code_name_find_the_one_model_carrying_them(typed: str, meant: str) -> None:
    resolution = made_up_index(LLAMAS).resolve(typed)
    assert resolution.status == "found" and resolution.match is not None
    assert resolution.match.name == meant


def test_a_family_alone_is_still_a_question_back() -> None:
    assert made_up_index(LLAMAS).resolve("llama 4").status == "ambiguous"


def test_a_short_version_matches_its_point_zero() -> None:
    index = made_up_index(["ernie-5.0-preview-1220", "ernie-5.0-0110", "ernie-4.5-turbo", "gemini-2.0-flash"])
    resolution = index.resolve("ernie 5")
    assert resolution.status == "ambiguous"
    assert {c.name for c in resolution.candidates} >= {"ernie-5.0-preview-1220", "ernie-5.0-0110"}
    assert "ernie-4.5-turbo" not in {c.name for c in resolution.candidates[:2]}
    assert index.resolve("gemini 2 flash").match.name == "gemini-2.0-flash"  # type: ignore[union-attr]


def test_a_note_in_brackets_costs_least() -> None:
    """'gpt-5.4-high (codex-harness)' is gpt-5.4-high: the harness is a note, 'mini' is another model."""
    index = made_up_index(["gpt-5.4-high (codex-harness)", "gpt-5.4-mini-high", "gpt-5.4-medium (codex-harness)"])
    assert index.resolve("gpt-5.4-high").match.name == "gpt-5.4-high (codex-harness)"  # type: ignore[union-attr]
    assert index.resolve("gpt 5.4").status == "ambiguous"
    nicknames = made_up_index(
        ["gemini-2.5-flash-image-preview (nano-banana)", "gemini-3-pro-image-preview (nano-banana-pro)"]
    )
    assert nicknames.resolve("nano banana pro").match.name == "gemini-3-pro-image-preview (nano-banana-pro)"  # type: ignore[union-attr]
