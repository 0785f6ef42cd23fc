"""Query + store -> Answer: the one structured answer every front end renders (text, JSON, Discord embeds).

`Answerer` keeps boards in memory (see `boards`) and rebuilds them when the store's revision changes, so answers
take milliseconds and still reflect a refresh or an organization correction made by another process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from db.store import Store

from .boards import DEFAULT_CATEGORY, BoardMeta, BoardView, board_metas, build_view, find_other, organization_words
from .history import History, model_history
from .names import normalise
from .questions import (
    BENCHMARKS,
    EU_COUNTRIES,
    MAX_COUNT,
    Filters,
    Lexicon,
    Query,
    QueryKind,
    parse_question,
)
from .resolve import Candidate, Resolution
from .text import render_text

AnswerKind = Literal["rank", "top", "compare", "orgs", "boards", "history", "clarify", "not_found", "help", "error"]
BENCHMARK_NAMES = dict(BENCHMARKS.values())


@dataclass(frozen=True)
class Standing:
    """Where a model stands on a board other than the one answered from."""

    board: str
    board_title: str
    archived: bool
    as_of: str
    rank: int
    model: str
    score: float
    of: int


@dataclass
class Entry:
    rank: int
    model: str
    score: float
    organization: str | None
    country: str | None
    details: dict[str, Any] = field(default_factory=dict)  # votes, interval, params, benchmark, count
    other: Standing | None = None


@dataclass
class Answer:
    question: str
    kind: AnswerKind
    board: str | None = None
    board_title: str | None = None
    archived: bool = False
    as_of: str | None = None
    category: str | None = None
    url: str | None = None
    score_label: str | None = None
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int | None = None  # rows that matched, for lists
    of: int | None = None  # rows on the board (Open LLM lists some models once per precision)
    sort_label: str | None = None  # what a list is ordered by when not the board's score
    histories: list[History] = field(default_factory=list)  # for `history` answers, one per model asked
    error: str | None = None
    text: str = ""
    # For a clarification: the question to finish once the user picks one of `candidates` for `pending_name`.
    pending: Query | None = field(default=None, repr=False)
    pending_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["pending"], data["pending_name"]
        data["histories"] = [h.to_json() for h in self.histories]
        for entry, raw in zip(self.entries, data["entries"], strict=True):
            raw.pop("details")
            raw.update(entry.details)
        return data


class Answerer:
    def __init__(self, store: Store, *, default_board: str = "arena") -> None:
        self.store = store
        self.default_board = default_board
        self._revision: tuple[int, int] | None = None
        self._views: dict[tuple[str, str, int], BoardView] = {}
        self._metas: dict[str, BoardMeta] = {}
        self._org_words: dict[str, frozenset[str]] = {}
        self._lexicon = Lexicon()

    # --- cached state -----------------------------------------------------------------------------------------

    def _refresh_cache(self) -> None:
        revision = self.store.revision()
        if revision == self._revision:
            return
        self._views.clear()
        self._metas = board_metas(self.store)
        self._org_words = organization_words(self.store)
        self._lexicon = Lexicon({alias: name for name, words in self._org_words.items() for alias in words})
        self._revision = revision

    @property
    def lexicon(self) -> Lexicon:
        self._refresh_cache()
        return self._lexicon

    def boards(self) -> dict[str, BoardMeta]:
        self._refresh_cache()
        return dict(self._metas)

    def view(self, board: str, category: str | None = None, as_of: str | None = None) -> BoardView | None:
        self._refresh_cache()
        meta = self._metas.get(board)
        if meta is None:
            return None
        snapshot = self.store.latest_snapshot(board, category or DEFAULT_CATEGORY, on_or_before=as_of)
        if snapshot is None:
            return None
        key = (board, snapshot.category, snapshot.id)
        if key not in self._views:
            aliases = {normalise(a): k for a, k in self.store.model_aliases(board).items()}
            self._views[key] = build_view(
                self.store, meta, snapshot, org_aliases=self._org_words, model_aliases=aliases
            )
        return self._views[key]

    def warm(self) -> None:
        """Build the latest view of every board now, so the first question does not pay for it."""
        for board in self.boards():
            self.view(board)

    def complete(self, board: str | None, typed: str, limit: int = 25) -> list[str]:
        view = self.view(board or self.default_board)
        return [] if view is None else [c.name for c in view.index.complete(typed, limit)]

    # --- answering --------------------------------------------------------------------------------------------

    def ask(
        self,
        text: str,
        *,
        board: str | None = None,
        as_of: str | None = None,
        category: str | None = None,
        force: QueryKind | None = None,
    ) -> Answer:
        """Answer free text. `board`, `as_of` and `category` apply when the text does not say otherwise."""
        query = parse_question(text, self.lexicon, force=force)
        defaults = {"board": board, "as_of": as_of, "category": category}
        query = replace(query, **{k: v for k, v in defaults.items() if v is not None and getattr(query, k) is None})
        return self.answer(query)

    def categories(self, board: str) -> list[str]:
        return self.store.categories(board)

    def answer(self, query: Query) -> Answer:
        handlers = {
            "rank": self._rank,
            "top": self._top,
            "compare": self._compare,
            "orgs": self._orgs,
            "boards": self._boards,
            "history": self._history,
            "help": self._help,
            "error": self._error,
        }
        answer = handlers[query.kind](query)
        answer.text = render_text(answer)
        return answer

    def _error(self, query: Query, message: str | None = None) -> Answer:
        return Answer(query.text, "error", error=message or query.error)

    def _help(self, query: Query) -> Answer:
        return Answer(query.text, "help", board=self.default_board)

    def _open(self, query: Query, board: str | None = None) -> tuple[BoardView | None, Answer | None]:
        """The view a query is answered from, or an error answer saying why there is none."""
        board = board or query.board or self.default_board
        view = self.view(board, query.category, query.as_of)
        if view is not None:
            return view, None
        meta = self.boards().get(board)
        if meta is None:
            return None, self._error(query, f"I don't know a board called {board!r}.")
        categories = self.store.categories(board)
        if query.category and query.category not in categories:
            shown = ", ".join(categories) or "none yet"
            return None, self._error(query, f"{meta.title} has no category {query.category!r}; it has: {shown}.")
        first = self.store.snapshots(board, query.category or DEFAULT_CATEGORY)
        if query.as_of and first:
            return None, self._error(
                query, f"{meta.title} has no board on or before {query.as_of}; the first is from {first[0].as_of}."
            )
        return None, self._error(query, f"{meta.title} has no data yet; an admin can run `leaderbot refresh`.")

    def _base(self, query: Query, view: BoardView, kind: AnswerKind) -> Answer:
        meta = view.meta
        return Answer(
            question=query.text,
            kind=kind,
            board=meta.id,
            board_title=meta.title,
            archived=meta.archived,
            as_of=view.snapshot.as_of,
            category=view.snapshot.category,
            url=meta.url,
            score_label=meta.score_label,
            of=len(view.rows),
        )

    def _entry(self, view: BoardView, row: Mapping[str, Any], *, rank: int | None = None) -> Entry:
        details: dict[str, Any] = {}
        if row.get("votes") is not None:
            details["votes"] = row["votes"]
        if row.get("rating_lower") is not None and row.get("rating_upper") is not None:
            details["interval"] = [row["rating_lower"], row["rating_upper"]]
        params = view.params(row)
        if params is not None:
            details["params_b"] = round(params, 2)
        if view.meta.id == "open-llm":
            details["benchmarks"] = {name: row.get(column) for column, name in BENCHMARK_NAMES.items()}
            details["official"] = bool(row.get("official"))
            details["type"] = row.get("model_type")
        return Entry(
            rank=rank if rank is not None else row["rank"],
            model=row["name"],
            score=row["score"],
            organization=row.get("organization"),
            country=row.get("country"),
            details=details,
        )

    def _other_boards(self, view: BoardView, row: Mapping[str, Any], as_of: str | None) -> Standing | None:
        """The model's standing on another board, from that board's snapshot of the same moment when the
        question asked for a date."""
        for board, meta in self.boards().items():
            if board == view.meta.id:
                continue
            other = self.view(board, as_of=as_of)
            if other is None:
                continue
            key = find_other(view, row, other, self._org_words)
            if key is None:
                continue
            found = other.best[key]
            return Standing(
                board, meta.title, meta.archived, other.snapshot.as_of, found["rank"], found["name"], found["score"],
                len(other.rows),
            )  # fmt: skip
        return None

    def _resolve(self, query: Query, name: str) -> tuple[BoardView | None, Resolution | None, Answer | None]:
        """Resolve on the asked board; when no board was named and the default lacks the model, try the others."""
        view, failed = self._open(query)
        if view is None:
            return None, None, failed
        resolution = view.index.resolve(name)
        if resolution.status == "not_found" and query.board is None:
            for board in self.boards():
                if board == view.meta.id:
                    continue
                other, _ = self._open(query, board)
                if other is None:
                    continue
                elsewhere = other.index.resolve(name)
                if elsewhere.status != "not_found":
                    return other, elsewhere, None
        return view, resolution, None

    def _unresolved(self, query: Query, view: BoardView, resolution: Resolution, name: str) -> Answer:
        kind: AnswerKind = "clarify" if resolution.status == "ambiguous" else "not_found"
        answer = self._base(query, view, kind)
        answer.title = resolution.query
        answer.candidates = [c.name for c in resolution.candidates]
        answer.pending, answer.pending_name = replace(query, board=view.meta.id), name
        return answer

    def choose(self, clarification: Answer, name: str) -> Answer:
        """Finish the question a clarification interrupted, with the model the user picked: a comparison stays
        a comparison, a chart a chart."""
        pending = clarification.pending
        if pending is None or clarification.pending_name is None:
            return self.ask(name, board=clarification.board, as_of=clarification.as_of, force="rank")
        models = tuple(name if m == clarification.pending_name else m for m in pending.models)
        return self.answer(replace(pending, models=models))

    def _rank(self, query: Query) -> Answer:
        view, resolution, failed = self._resolve(query, query.models[0])
        if failed is not None:
            return failed
        assert view is not None and resolution is not None
        if resolution.match is None:
            return self._unresolved(query, view, resolution, query.models[0])
        row = view.best[resolution.match.key]
        answer = self._base(query, view, "rank")
        entry = self._entry(view, row)
        entry.other = self._other_boards(view, row, query.as_of)
        answer.entries = [entry]
        if query.board is None and view.meta.id != self.default_board:
            default = self.boards()[self.default_board].title
            answer.notes.append(f"Not on {default}; this is from {view.meta.title}.")
        return answer

    def _resolve_each(self, query: Query, view: BoardView, note: str) -> list[Candidate] | Answer:
        """Every model the question names, once each; or the clarification for the first name that needs one."""
        found: list[Candidate] = []
        for name in query.models:
            resolution = view.index.resolve(name)
            if resolution.match is None:
                answer = self._unresolved(query, view, resolution, name)
                if len(query.models) > 1:
                    answer.notes.append(note.format(name=name))
                return answer
            if resolution.match not in found:
                found.append(resolution.match)
        return found

    def _history(self, query: Query) -> Answer:
        """Each model's rank and score over every stored board of the category, for a chart and a summary."""
        view, failed = self._open(query)
        if view is None:
            return failed  # type: ignore[return-value]
        models = self._resolve_each(query, view, "For the chart: which “{name}”?")
        if isinstance(models, Answer):
            return models
        histories = [
            model_history(self.store, view.meta.id, view.snapshot.category, m.key, until=view.snapshot.as_of)
            for m in models
        ]
        answer = self._base(query, view, "history")
        answer.histories = histories
        answer.entries = [self._entry(view, view.best[h.key]) for h in histories if h.key in view.best]
        answer.title = " vs ".join(h.model for h in histories)
        return answer

    def _compare(self, query: Query) -> Answer:
        view, failed = self._open(query)
        if view is None:
            return failed  # type: ignore[return-value]
        models = self._resolve_each(query, view, "While comparing: which “{name}”?")
        if isinstance(models, Answer):
            return models
        entries = [self._entry(view, view.best[m.key]) for m in models]
        answer = self._base(query, view, "compare")
        answer.entries = sorted(entries, key=lambda e: (e.rank, -e.score))
        return answer

    def _filtered(self, query: Query) -> tuple[BoardView | None, list[tuple[int | None, dict[str, Any]]], Answer]:
        """Rows under the query's filters, one per model, each with the rank to show, in the board's order.

        Open LLM ranks within the filtered rows (the board's own rule); LMArena keeps its published rank.
        """
        filters = query.filters
        notes = []
        board = query.board
        if filters.needs_open_llm and board != "open-llm":
            if board is not None:
                what = "Benchmarks" if filters.benchmark else "Model types and the official-provider flag"
                return None, [], self._error(query, f"{what} are only on the Open LLM board; try `on open-llm`.")
            board = "open-llm"
            notes.append("Benchmarks, model types and official providers exist only on the Open LLM board.")
        view, failed = self._open(query, board)
        if view is None:
            return None, [], failed  # type: ignore[return-value]
        answer = self._base(query, view, query.kind)  # type: ignore[arg-type]
        answer.notes.extend(notes)
        rows = view.rows if filters == Filters() else [r for r in view.rows if self._keep(view, r, filters)]
        column = filters.benchmark
        if column:
            rows = sorted((r for r in rows if r.get(column) is not None), key=lambda r: -r[column])
            answer.sort_label = BENCHMARK_NAMES[column]
        ranks: list[int | None] = [None] * len(rows)
        if filters != Filters() and view.meta.id == "open-llm":
            ranks = list(_ranks([r[column] if column else r["score"] for r in rows]))
        picked: list[tuple[int | None, dict[str, Any]]] = []
        seen: set[str] = set()
        for rank, row in zip(ranks, rows, strict=True):
            if row["model_key"] not in seen:  # one line per model: its other precisions rank lower
                seen.add(row["model_key"])
                picked.append((rank, row))
        answer.total = len(picked)
        if view.meta.id == "arena" and (filters.min_params is not None or filters.max_params is not None):
            answer.notes.append("LMArena publishes no sizes: only models whose name states one are included.")
        return view, picked, answer

    @staticmethod
    def _keep(view: BoardView, row: Mapping[str, Any], f: Filters) -> bool:
        if f.country:
            country = row.get("country")
            if (country not in EU_COUNTRIES) if f.country == "EU" else (country != f.country):
                return False
        if f.organization and row.get("organization") != f.organization:
            return False
        if f.official_only and not row.get("official"):
            return False
        if f.model_type and f.model_type not in str(row.get("model_type") or "").casefold():
            return False
        if f.min_params is not None or f.max_params is not None:
            params = view.params(row)
            if params is None:
                return False
            if f.min_params is not None and params < f.min_params:
                return False
            if f.max_params is not None and params > f.max_params:
                return False
        return True

    def _top(self, query: Query) -> Answer:
        view, picked, answer = self._filtered(query)
        if view is None:
            return answer
        answer.entries = [self._entry(view, row, rank=rank) for rank, row in picked[: min(query.count, MAX_COUNT)]]
        answer.title = _top_title(query, answer)
        return answer

    def _orgs(self, query: Query) -> Answer:
        view, picked, answer = self._filtered(query)
        if view is None:
            return answer
        top = [self._entry(view, row, rank=rank) for rank, row in picked[: query.count]]
        counts = Counter(e.organization or "unknown" for e in top)
        first: dict[str, Entry] = {}
        for e in top:
            first.setdefault(e.organization or "unknown", e)
        ordered = sorted(counts, key=lambda o: (-counts[o], first[o].rank))
        answer.entries = [
            Entry(position, first[o].model, first[o].score, o, first[o].country,
                  details={"count": counts[o], "best_rank": first[o].rank})
            for position, o in enumerate(ordered, start=1)
        ]  # fmt: skip
        answer.total = len(top)
        answer.title = f"Who holds the top {len(top)}"
        return answer

    def _boards(self, query: Query) -> Answer:
        answer = Answer(query.text, "boards", title="Boards")
        for board, meta in self.boards().items():
            snapshots = [s for s in self.store.snapshots(board) if s.status == "ok"]
            if not snapshots:
                answer.notes.append(f"{meta.title}: no data yet")
                continue
            latest = max(snapshots, key=lambda s: (s.as_of, s.id))
            view = self.view(board, latest.category)
            answer.entries.append(
                Entry(
                    rank=len(answer.entries) + 1,
                    model=meta.title,
                    score=float(view.size if view else latest.row_count),
                    organization=None,
                    country=None,
                    details={
                        "board": board,
                        "archived": meta.archived,
                        "latest": latest.as_of,
                        "first": min(s.as_of for s in snapshots),
                        "snapshots": len(snapshots),
                        "categories": sorted({s.category for s in snapshots}),
                        "url": meta.url,
                    },
                )
            )
        return answer


def _ranks(values: list[float]) -> list[int]:
    """1 + the number of strictly higher values (values arrive sorted, highest first)."""
    ranks, previous, rank = [], None, 0
    for i, value in enumerate(values):
        if value != previous:
            rank, previous = i + 1, value
        ranks.append(rank)
    return ranks


def _top_title(query: Query, answer: Answer) -> str:
    parts = query.filters.describe(BENCHMARK_NAMES)
    head = f"Top {min(query.count, answer.total or 0)}" if answer.total else "Top"
    return head + (" · " + ", ".join(parts) if parts else "")


__all__ = ["Answer", "Answerer", "Candidate", "Entry", "Standing"]
