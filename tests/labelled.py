"""The labelled question set (tests/fixtures/questions.tsv): loading it and judging an answer against it.

Shared by the accuracy test and the benchmarks (bench/bench_resolve.py, bench/bench_questions.py), so all count the
same thing on the same boards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.answers import Answer, Answerer
from bot.ingest import ingest_file, open_store
from bot.profiles import PROFILES
from db.store import Store

QUESTIONS = Path(__file__).resolve().parent / "fixtures" / "questions.tsv"
ARENAS_2026 = Path(__file__).resolve().parent / "fixtures" / "arenas-2026"


def labelled_answerer(path: Path) -> Answerer:
    """A warm Answerer over a new store at `path` holding what the labelled questions are answered from: the
    bundled data and the real 2026 boards (the benchmarks' setup; its store is `answerer.store`)."""
    store = open_store(path)
    add_2026_boards(store)
    answerer = Answerer(store)
    answerer.warm()
    return answerer


def add_2026_boards(store: Store) -> None:
    """The real 2026 boards of the other arenas (tests/fixtures/arenas-2026), which the labelled set's names of
    2025 and 2026 are answered from, into a store seeded with the bundled data."""
    configs = {p.upstream.config: p.id for p in PROFILES.values()}
    for path in sorted(ARENAS_2026.glob("*.jsonl.gz")):
        ingest_file(store, configs[path.name.removesuffix(".jsonl.gz")], path)


@dataclass(frozen=True)
class Labelled:
    board: str | None
    question: str
    expected: str
    language: str | None = None  # the language the answer must be in (questions asked in another language)

    @property
    def is_name(self) -> bool:
        """A model-name case (rank, clarification or not found), as opposed to a list or other answer."""
        return not self.expected.startswith(("kind:", "top:", "cmp:", "err:", "lead:", "orgs:", "hist:", "best:"))


def load() -> list[Labelled]:
    items = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        board, question, expected, *language = line.split("\t")
        items.append(Labelled(None if board == "-" else board, question, expected, *language))
    return items


def judge(item: Labelled, answer: Answer) -> bool:
    """Whether the answer is what the label says. A trailing `@board` also requires the answer's board."""
    if item.language is not None and answer.language != item.language:
        return False
    expected = item.expected
    if expected.startswith("best:"):  # a domain answer: M leads the board named, among the boards side by side
        model, _, board = expected[5:].partition("@")
        return answer.kind == "domain" and any(s.model == model and s.board == board for s in answer.standings)
    head, _, board = expected.rpartition("@")
    if head and board and " " not in board and board.replace("-", "").isalnum() and not board[0].isdigit():
        if answer.board != board:
            return False
        expected = head
    if expected == "-":
        return answer.kind == "not_found"
    if expected.startswith("?"):
        wanted = expected[1:].split("|")
        return answer.kind == "clarify" and all(w in answer.candidates for w in wanted)
    if expected.startswith("kind:"):
        return answer.kind == expected[5:]
    if expected.startswith("err:"):
        return answer.kind == "error" and expected[4:] in (answer.error or "")
    if expected.startswith("top:"):
        return answer.kind == "top" and bool(answer.entries) and answer.entries[0].model == expected[4:]
    if expected.startswith("lead:"):
        return answer.kind == "top" and [e.model for e in answer.entries] == expected[5:].split("|")
    if expected.startswith("cmp:"):
        return answer.kind == "compare" and [e.model for e in answer.entries] == expected[4:].split("|")
    if expected.startswith("orgs:"):
        return answer.kind == "orgs" and bool(answer.orgs) and answer.orgs[0].organization == expected[5:]
    if expected.startswith("hist:"):
        model, _, aspect = expected[5:].partition("!")
        return (
            answer.kind == "history"
            and bool(answer.histories)
            and answer.histories[0].model == model
            and (str(answer.aspect or "") == aspect)
        )
    return answer.kind == "rank" and answer.entries[0].model == expected
