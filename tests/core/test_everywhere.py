"""One model across every board: the identity link between Hub ids, Arena names and Open LLM names, the card
(`X everywhere`), rank answers that list every board, and each board's leader for a domain ("best coding model").

The stores hold the bundled boards, the real 2026 arena boards (tests/fixtures/arenas-2026) and Hub benchmark
boards whose VALUES ARE MADE UP (tests/hub_benchmarks.py); the model ids are real Hub repos.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.answers import Answerer
from bot.ingest import ingest_rows, open_store, store_snapshots
from bot.profiles import PROFILES, register
from bot.profiles.hub import BASE, WITH_FINE_TUNES, HubBenchmark, board_id, hub_profile, title_of
from bot.sources import SOURCES, get_source
from db.store import Store
from tests import hub_benchmarks as hb
from tests.conftest import TODAY
from tests.labelled import add_2026_boards
from tests.stores import copy_store

IDENTITY = "leaderbot-tests/made-up-identity-board"  # invented: one made-up score for each Hub id below

# Hand-checked: a Hub id, the Arena name it is (None: no arena board lists that model), the Open LLM `fullname` it
# is (None: not on the archive). The Nones are models that must not link: a base model and its instruct tune, a
# fine-tune of another org and its base, a thinking variant and the plain model.
PAIRS: list[tuple[str, str | None, str | None]] = [
    ("Qwen/Qwen2-72B-Instruct", "Qwen2-72B-Instruct", "Qwen/Qwen2-72B-Instruct"),
    ("Qwen/Qwen2.5-72B-Instruct", "Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-72B-Instruct"),
    ("Qwen/Qwen2.5-72B", None, "Qwen/Qwen2.5-72B"),  # the base model, not its instruct tune
    ("Qwen/Qwen2.5-Coder-32B-Instruct", "Qwen2.5-Coder-32B-Instruct", "Qwen/Qwen2.5-Coder-32B-Instruct"),
    ("Qwen/Qwen2-7B-Instruct", None, "Qwen/Qwen2-7B-Instruct"),
    ("Qwen/QwQ-32B-Preview", "QwQ-32B-Preview", "Qwen/QwQ-32B-Preview"),
    ("meta-llama/Meta-Llama-3-70B-Instruct", "Llama-3-70B-Instruct", "meta-llama/Meta-Llama-3-70B-Instruct"),
    ("meta-llama/Meta-Llama-3-70B", None, "meta-llama/Meta-Llama-3-70B"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-8B-Instruct"),
    ("meta-llama/Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),
    ("meta-llama/Llama-3.2-3B-Instruct", "Meta-Llama-3.2-3B-Instruct", "meta-llama/Llama-3.2-3B-Instruct"),
    ("meta-llama/Llama-2-70b-chat-hf", "Llama-2-70b-chat", "meta-llama/Llama-2-70b-chat-hf"),
    ("google/gemma-2-27b-it", "Gemma-2-27b-it", "google/gemma-2-27b-it"),
    ("google/gemma-2-27b", None, "google/gemma-2-27b"),
    ("google/gemma-2-9b-it", "Gemma-2-9b-it", "google/gemma-2-9b-it"),  # not Gemma-2-9b-it-SimPO
    ("google/gemma-2-2b-it", "Gemma-2-2b-it", "google/gemma-2-2b-it"),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7b-Instruct-v0.1", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
    ("mistralai/Mistral-7B-Instruct-v0.2", "Mistral-7B-Instruct-v0.2", "mistralai/Mistral-7B-Instruct-v0.2"),
    ("microsoft/Phi-3-medium-4k-instruct", "Phi-3-Medium-4k-Instruct", "microsoft/Phi-3-medium-4k-instruct"),
    ("microsoft/Phi-3-mini-4k-instruct", "Phi-3-Mini-4k-Instruct", "microsoft/Phi-3-mini-4k-instruct"),
    ("01-ai/Yi-1.5-34B-Chat", "Yi-1.5-34B-Chat", "01-ai/Yi-1.5-34B-Chat"),
    ("01-ai/Yi-34B-Chat", "Yi-34B-Chat", "01-ai/Yi-34B-Chat"),  # not Yi-1.5-34B-Chat
    ("mistralai/Mixtral-8x22B-Instruct-v0.1", "Mixtral-8x22b-Instruct-v0.1", "mistralai/Mixtral-8x22B-Instruct-v0.1"),
    ("Qwen/Qwen1.5-110B-Chat", "Qwen1.5-110B-Chat", "Qwen/Qwen1.5-110B-Chat"),
    ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "Llama-3.1-Nemotron-70B-Instruct",
     "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF"),
    ("THUDM/glm-4-9b-chat", None, "THUDM/glm-4-9b-chat"),  # the archive also has its -hf copy: the exact name wins
    ("Qwen/Qwen3.5-397B-A17B", "qwen3.5-397b-a17b", None),
    ("zai-org/GLM-5.1", "glm-5.1", None),
    ("MiniMaxAI/MiniMax-M2.7", "minimax-m2.7", None),
    ("moonshotai/Kimi-K2.5", None, None),  # the arenas list kimi-k2.5-thinking and -instant: other models
    ("nvidia/Qwen3.5-397B-A17B-SWE-RL", None, None),  # another org's fine-tune of Qwen3.5
    ("someuser/Qwen2.5-72B-Instruct-abliterated", None, None),  # a user's fine-tune
]  # fmt: skip


def add_benchmark(store: Store, dataset: str, rows: list[dict[str, object]], *, fine_tunes: bool = True) -> None:
    """A Hub benchmark board straight from rows in the Hub's shape (the fetching is tested elsewhere)."""
    title = title_of(dataset, hb.PRETTY.get(dataset))
    lower = any(r.get("lower_is_better") for r in rows)
    store.record_benchmark(board_id(dataset), dataset, title, lower_is_better=lower)
    register(hub_profile(HubBenchmark(dataset, title, lower)), update=True)
    for category, listed in ((BASE, [r for r in rows if r.get("base", True)]), (WITH_FINE_TUNES, rows)):
        if not fine_tunes and category == WITH_FINE_TUNES:
            continue
        ranked = sorted(listed, key=lambda r: r["value"] if lower else -r["value"])  # type: ignore[operator]
        ranked = [{**r, "rank": i} for i, r in enumerate(ranked, start=1)]
        origin = f"test:{dataset}:{category}"
        source = get_source(board_id(dataset))
        data = source.to_snapshots(ranked, origin=origin, as_of="2026-11-30", category=category)  # type: ignore[call-arg]
        report = store_snapshots(store, board_id(dataset), origin, data)
        assert report.created, report.summary()


def _hub_store(seeded_db: Path, target: Path) -> Store:
    copy_store(seeded_db, target)
    store = open_store(target)
    add_2026_boards(store)
    return store


@pytest.fixture(scope="module")
def everywhere(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    built_in, importers = dict(PROFILES), dict(SOURCES)  # set up before the per-test registry fixture: leave both
    store = _hub_store(seeded_db, tmp_path_factory.mktemp("hub") / "hub.db")
    for dataset, rows in hb.BOARDS.items():
        if dataset != hb.GATED:
            add_benchmark(store, dataset, rows)
    identity = [hb.row(model, 100.0 - i) for i, (model, *_names) in enumerate(PAIRS)]
    add_benchmark(store, IDENTITY, identity, fine_tunes=False)
    answerer = Answerer(store, now=lambda: TODAY)
    answerer.warm()
    PROFILES.clear()
    PROFILES.update(built_in)  # `hub_boards` registers the benchmarks for each test
    SOURCES.clear()
    SOURCES.update(importers)
    yield answerer
    store.close()


@pytest.fixture(autouse=True)
def hub_boards(everywhere: Answerer) -> None:
    """The autouse registry fixture restores the built-in profiles before each test: register the store's."""
    for _board, dataset, title, lower, retired in everywhere.store.hub_benchmarks():
        register(hub_profile(HubBenchmark(dataset, title, lower, retired)), update=True)


@pytest.mark.parametrize(("hub_id", "arena", "open_llm"), PAIRS)
def test_a_hub_id_is_the_same_model_as_its_arena_and_open_llm_names(
    everywhere: Answerer, hub_id: str, arena: str | None, open_llm: str | None
) -> None:
    card = everywhere.ask(f"{hub_id} everywhere on {board_id(IDENTITY)}")
    assert card.kind == "profile", card.text
    arenas = {s.model.casefold() for s in card.standings if s.board.startswith("arena")}
    archive = {s.model for s in card.standings if s.board == "open-llm"}
    assert arenas == ({arena.casefold()} if arena else set()), card.text
    assert archive == ({open_llm} if open_llm else set()), card.text
    assert any(s.board == board_id(IDENTITY) and s.model == hub_id for s in card.standings)


def test_the_card_lists_every_board_with_its_date_rank_and_how_the_score_was_obtained(everywhere: Answerer) -> None:
    card = everywhere.ask("where does qwen3.5 397b stand everywhere")
    assert card.kind == "profile"
    boards = [s.board for s in card.standings]
    assert boards[:2] == ["arena-webdev", "arena-vision"]  # registry order: the arenas first
    assert {board_id(hb.SWE_VERIFIED), board_id(hb.GPQA), board_id(hb.AIME), board_id(hb.LOWER)} <= set(boards)
    swe = next(s for s in card.standings if s.board == board_id(hb.SWE_VERIFIED))
    assert (swe.rank, swe.score, swe.details.verified, swe.as_of) == (2, 76.4, True, "2026-11-30")  # type: ignore[union-attr]
    lower = next(s for s in card.standings if s.board == board_id(hb.LOWER))
    assert lower.rank == 1 and lower.lower_is_better
    assert (
        "lower is better" in card.text and "SWE-bench Verified: #2 of 7, score 76.4, verified by the Hub" in card.text
    )
    assert "(board of 2026-11-30, 1 day old)" in card.text  # every line says its board's date and age


def test_a_fine_tune_is_found_where_fine_tunes_are_ranked(everywhere: Answerer) -> None:
    card = everywhere.ask("nvidia/Qwen3.5-397B-A17B-SWE-RL everywhere")
    swe = [s for s in card.standings if s.board == board_id(hb.SWE_VERIFIED)]
    assert [(s.category, s.rank) for s in swe] == [(WITH_FINE_TUNES, 3)], card.text
    assert "SWE-bench Verified (with fine tunes): #3 of 9" in card.text


def test_a_model_ranked_only_with_fine_tunes_is_found_there(seeded_db: Path, tmp_path: Path) -> None:
    """No board lists the fine-tune by default: a rank question and a card look where fine-tunes are ranked."""
    store = _hub_store(seeded_db, tmp_path / "fine-tunes.db")
    add_benchmark(store, hb.SWE_VERIFIED, hb.BOARDS[hb.SWE_VERIFIED])
    answerer = Answerer(store, now=lambda: TODAY)
    rank = answerer.ask("rank of nvidia/Qwen3.5-397B-A17B-SWE-RL")
    assert (rank.kind, rank.board, rank.category) == ("rank", board_id(hb.SWE_VERIFIED), WITH_FINE_TUNES)
    card = answerer.ask("nvidia/Qwen3.5-397B-A17B-SWE-RL everywhere")
    assert [(s.board, s.category, s.rank) for s in card.standings] == [(board_id(hb.SWE_VERIFIED), WITH_FINE_TUNES, 3)]
    asked = answerer.ask("rank of qwen2.5 72b instruct abliterated on swe-bench verified including fine-tunes")
    assert (asked.kind, asked.category) == ("rank", WITH_FINE_TUNES), asked.text
    assert asked.entries[0].model == "someuser/Qwen2.5-72B-Instruct-abliterated"
    store.close()


def test_a_community_row_says_it_is_not_merged(everywhere: Answerer) -> None:
    answer = everywhere.ask("rank of kimi k2.5 on swe-bench verified")
    assert answer.kind == "rank" and answer.entries[0].details.pull_request == 12
    assert "community-submitted, not yet merged (pull request #12)" in answer.text


def test_a_rank_answer_lists_the_model_on_every_board_that_has_it(everywhere: Answerer) -> None:
    answer = everywhere.ask("rank of glm 5.1 on webdev")
    others = [o.board for o in answer.entries[0].others]
    assert board_id(hb.SWE_VERIFIED) in others and board_id(hb.GPQA) in others
    assert all(o.as_of for o in answer.entries[0].others)


@pytest.mark.parametrize(
    ("question", "leaders"),
    [
        ("best coding model", {"arena-webdev": {"claude-opus-4-7"}, board_id(hb.SWE_VERIFIED): {"zai-org/GLM-5.1"}}),
        ("best at math", {"open-llm": {"nvidia/AceMath-72B-Instruct"}, board_id(hb.AIME): {"Qwen/Qwen3.5-397B-A17B"}}),
        (
            "best vision model",
            {
                "arena-vision": {"claude-opus-4-6-thinking", "claude-opus-4-6", "muse-spark", "gemini-3-pro"},
                board_id(hb.OLMOCR): {"allenai/olmOCR-2-7B-1025"},
            },
        ),
    ],
)
def test_best_at_a_domain_is_each_boards_leader_side_by_side(
    everywhere: Answerer, question: str, leaders: dict[str, set[str]]
) -> None:
    answer = everywhere.ask(question)
    assert answer.kind == "domain", answer.text
    found: dict[str, set[str]] = {}
    for s in answer.standings:
        found.setdefault(s.board, set()).add(s.model)
        assert s.rank == 1
    assert found == leaders
    assert "no combined score" in answer.text


def test_the_math_domain_ranks_the_archive_by_its_math_benchmark(everywhere: Answerer) -> None:
    answer = everywhere.ask("best at math")
    archive = next(s for s in answer.standings if s.board == "open-llm")
    assert (archive.rank, archive.score_label, archive.score) == (1, "MATH Lvl 5", pytest.approx(71.45, abs=0.005))
    assert "Not stored yet: Arena Text math" in answer.text  # the arena publishes it; the store lacks it


@pytest.mark.parametrize(
    ("question", "board", "first"),
    [
        ("top 3 on swe-bench verified", "hub:" + hb.SWE_VERIFIED, "zai-org/GLM-5.1"),
        ("top 5 swebench verified including fine-tunes", "hub:" + hb.SWE_VERIFIED, "zai-org/GLM-5.1"),
        ("who is #1 on gpqa", "hub:" + hb.GPQA, "Qwen/Qwen3.5-397B-A17B"),
        ("top chinese models on aime 2026", "hub:" + hb.AIME, "Qwen/Qwen3.5-397B-A17B"),
        ("best model from meta on made-up-error-rate", "hub:" + hb.LOWER, "meta-llama/Llama-3.3-70B-Instruct"),
        ("top 5 on open llm by gpqa", "open-llm", None),  # the archive's benchmark column, not the Hub board
    ],
)
def test_questions_work_on_a_benchmark_board(
    everywhere: Answerer, question: str, board: str, first: str | None
) -> None:
    answer = everywhere.ask(question)
    assert (answer.kind, answer.board) == ("top", board), answer.text
    if first is not None:
        assert answer.entries[0].model == first


def test_a_benchmark_board_compares_and_tells_changes(everywhere: Answerer) -> None:
    compare = everywhere.ask("glm 5.1 vs qwen3.5 397b on swe-bench verified")
    assert compare.kind == "compare" and compare.entries[0].model == "zai-org/GLM-5.1"
    changes = everywhere.ask("what changed on gpqa")
    assert changes.kind == "error" and "only one stored board" in (changes.error or "")


def test_the_boards_list_names_the_benchmarks(everywhere: Answerer) -> None:
    boards = everywhere.ask("boards")
    assert {board_id(hb.SWE_VERIFIED), board_id(hb.GPQA)} <= {b.board for b in boards.boards}


def test_a_card_names_an_arenas_best_categories(empty_store: Store) -> None:
    """Made-up arena boards of three categories: the card gives the overall rank and the categories where the model
    does best, each with its rank."""
    from tests.parquet_files import board_rows  # noqa: PLC0415

    rows = board_rows("2026-11-30", [("model-a", 1400.0, 3.0), ("model-b", 1380.0, 3.0), ("model-c", 1300.0, 3.0)])
    rows += board_rows("2026-11-30", [("model-b", 1420.0, 3.0), ("model-a", 1390.0, 3.0)], category="coding")
    rows += board_rows("2026-11-30", [("model-c", 1350.0, 3.0), ("model-b", 1330.0, 3.0)], category="math")
    ingest_rows(empty_store, "arena", rows, origin="made-up")
    card = Answerer(empty_store, now=lambda: TODAY).ask("model-b everywhere")
    [arena] = card.standings
    assert (arena.board, arena.rank, arena.best_categories) == ("arena", 2, (("coding", 1, 2), ("math", 2, 2)))
    assert "Arena Text: #2 of 3, rating 1380; best #1 coding, #2 math (board of 2026-11-30, 1 day old)" in card.text
