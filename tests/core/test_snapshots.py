"""The reader's names of the models held (`snapshots.StoredNames`): a first question asks the store for the names it
holds one at a time, never every model's words; a store whose importer left some words unwritten is read whole."""

from __future__ import annotations

from pathlib import Path

from bot.core.answers import Answerer
from bot.core.names import normalise
from bot.core.questions import parse_question
from db.store import Store
from tests.conftest import TODAY


def traced(store: Store) -> list[str]:
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    return statements


def test_a_first_question_looks_up_the_names_it_holds_not_every_models_words(seeded_copy: Path) -> None:
    with Store(seeded_copy) as store:
        answerer = Answerer(store, now=lambda: TODAY)
        statements = traced(store)
        answer = answerer.ask("best Meta-Llama-3-70B-Instruct")
        store.db.conn.set_trace_callback(None)
    assert answer.kind == "rank" and "Meta-Llama-3-70B-Instruct" in answer.text  # the name, not "top from Meta"
    assert any("WHERE (normal = " in s for s in statements)
    assert not any("SELECT name, normal, bare FROM models" in s for s in statements)


def test_every_models_words_are_read_once_when_a_question_needs_them_all(seeded_copy: Path) -> None:
    with Store(seeded_copy) as store:
        names = Answerer(store, now=lambda: TODAY).lexicon.model_names
        statements = traced(store)
        assert normalise("Meta-Llama-3-70B-Instruct") in set(names)  # every name, as the two-word pairs need
        assert normalise("gpt-4o-2024-05-13") in names and "no such model" not in names
        store.db.conn.set_trace_callback(None)
    assert sum("SELECT name, normal, bare FROM models" in s for s in statements) == 1
    assert not any("WHERE (normal = " in s for s in statements)  # once read, asked of the set


def test_a_store_without_every_models_words_is_read_whole_and_still_knows_each_name(seeded_copy: Path) -> None:
    with Store(seeded_copy) as store:
        words = normalise("Meta-Llama-3-70B-Instruct")  # its arena name, and the bare form of its Hub id
        store.db.execute("UPDATE models SET normal = NULL, bare = NULL WHERE ? IN (normal, bare)", [words])
        store.db.conn.commit()
        lexicon = Answerer(store, now=lambda: TODAY).lexicon
        question = parse_question("best Meta-Llama-3-70B-Instruct", lexicon=lexicon)  # without the name: top
    assert (question.kind, question.models) == ("rank", ("meta-llama-3-70b-instruct",))
