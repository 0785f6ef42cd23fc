"""Query + store -> Answer (`core.answer`): the answering core every front end calls.

`Answerer` keeps each board's latest snapshot in memory as a `BoardView`, keyed by the snapshot, so a refresh of one
board rebuilds that board alone, and an organization or alias correction (by this or another process) shows in the
next answer. What differs between boards is asked of their profiles.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from db.store import Snapshot, Store

from ..profiles import PROFILES, BoardProfile, Detail, Domain, Filter, family, profile
from ..profiles.base import PROPRIETARY
from ..profiles.hub import FAMILY
from ..settings import DEFAULT_BOARD
from .answer import Answer, AnswerError, BoardSummary, Entry, Kind, ModelDetails, OrgShare, Standing
from .boards import BoardView, build_view, find_other, organization_words
from .changes import ChangeSet, board_before, changes_between
from .history import model_history
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import All, Category, Day, Said, catalogue, day, t
from .names import normalise, tokenize
from .questions import (
    CLOSED,
    EU_COUNTRIES,
    MAX_COUNT,
    Aspect,
    Filters,
    Lexicon,
    Query,
    board_named,
    closest_offers,
    parse_question,
)
from .resolve import Candidate, Resolution
from .snapshots import StoredNames, reader
from .text import age_said, render_text

# Boards held in memory at once, beyond every board's latest: room for "as of" questions and categories.
MAX_VIEWS = 32
# A card lists this many of a board's categories where the model does best.
BEST_CATEGORIES = 3


# A board this old (or older) that lacks a name may simply predate the model: say so instead of guessing.
OLD_BOARD_DAYS = 60
# A top N whose cut falls inside a tie lists up to this many more (everyone sharing the last rank); beyond it, says so.
MAX_TIED_EXTRA = 10
HUB_NOT_FETCHED = Said("notes.hub_not_fetched")
# Change sets kept (two snapshots never change, so neither does what changed between them).
MAX_CHANGE_SETS = 32
# Lists (filters and benchmark) kept per board view, so a question asked again costs no scan of the board.
MAX_LISTS = 64


class Answerer:
    def __init__(
        self,
        store: Store,
        *,
        default_board: str = DEFAULT_BOARD,
        stale_after_minutes: int = 120,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        language: str | None = None,
    ) -> None:
        profile(default_board)  # a board without a profile fails here, not in the first question
        self.language = language  # answers in it; None: in the question's language (English by default)
        self.store = store
        self.default_board = default_board
        self.stale_after = timedelta(minutes=stale_after_minutes)
        self.now = now
        self.reader = reader(store)
        self._views: dict[tuple[int, int, tuple[tuple[str, str], ...]], BoardView] = {}
        self._org_state: tuple[int, dict[str, frozenset[str]], Lexicon] = (-1, {}, Lexicon())
        self._lexicon: tuple[tuple[int, ...], Lexicon] = ((), Lexicon())
        self._changes_made: dict[tuple[int, ...], ChangeSet] = {}
        self._looked_up: set[tuple[int, int, tuple[tuple[str, str], ...]]] = set()  # boards a model was sought on
        # (store revision, board -> the latest accepted snapshot of each category); (revision, board, model key) ->
        # the model's (category, rank, of) in each: what a card reads of a board's categories, once per change
        self._latest_by_category: tuple[tuple[int, int] | None, dict[str, list[Any]]] = (None, {})
        self._category_ranks: dict[tuple[Any, ...], list[tuple[str, int, int]]] = {}

    # --- cached state -----------------------------------------------------------------------------------------

    def _organizations(self) -> tuple[dict[str, frozenset[str]], Lexicon]:
        """Organization name -> its spellings, and the question lexicon, rebuilt when organizations change."""
        organizations = self.reader.organizations
        version = self.reader.organizations_version
        if self._org_state[0] != version:
            words = organization_words(organizations)
            lexicon = Lexicon({alias: name for alias, (name, _country) in organizations.items()})
            self._org_state = (version, words, lexicon)
        return self._org_state[1], self._org_state[2]

    @property
    def lexicon(self) -> Lexicon:
        """The question lexicon: organizations, and the categories and model names of the boards held, rebuilt
        when the store changes (a name on a board is what lets it win over the filter words inside it)."""
        _, organizations = self._organizations()
        key = (*self.reader.revision(), self.reader.organizations_version)
        if self._lexicon[0] != key:
            aliases: set[str] = set()
            categories: set[str] = set()
            held = []
            for board in PROFILES:
                categories.update(self.categories(board))
                aliases.update(self.reader.model_aliases(board))
                if self.reader.latest(board, profile(board).default_category) is not None:
                    held.append(board)
            names = StoredNames(self.store, held, aliases)
            lexicon = replace(organizations, categories=frozenset(categories), model_names=names)
            self._lexicon = (key, lexicon)
        return self._lexicon[1]

    def view(self, board: str, category: str | None = None, as_of: str | None = None) -> BoardView | None:
        """The board's latest snapshot (on or before `as_of`) in memory, or None when the store has none."""
        parts = self.view_parts(board, category, as_of)
        if parts is None:
            return None
        key, build = parts
        view = self._views.pop(key, None) if build is None else None
        self.install(key, view if view is not None else build())  # type: ignore[misc] # build is set when missing
        return self._views[key]

    def view_parts(
        self, board: str, category: str | None = None, as_of: str | None = None
    ) -> tuple[tuple[int, int, tuple[tuple[str, str], ...]], Callable[[], BoardView] | None] | None:
        """The key of a board's view, and when it is not in memory, how to build it: the rows are read here (SQL,
        on the caller's thread); the build is plain Python over them, so a bot can run it in a worker thread
        while the event loop goes on. None when the store has no such board."""
        board_profile = profile(board)
        snapshot = self.reader.latest(board, category or board_profile.default_category, as_of)
        if snapshot is None:
            return None
        org_words, _ = self._organizations()
        aliases = self.reader.model_aliases(board)
        key = self._view_key(snapshot, aliases)
        if key in self._views:
            return key, None
        rows = self.reader.rows(snapshot)
        return key, functools.partial(build_view, board_profile, rows, org_aliases=org_words, model_aliases=aliases)

    def _view_key(self, snapshot: Snapshot, aliases: Mapping[str, str]) -> tuple[int, int, tuple[tuple[str, str], ...]]:
        return snapshot.id, self.reader.organizations_version, tuple(sorted(aliases.items()))

    def install(self, key: tuple[int, int, tuple[tuple[str, str], ...]], view: BoardView) -> None:
        """Keep a built view, as the most recently asked; the least recently asked goes past MAX_VIEWS."""
        self._views.pop(key, None)
        if len(self._views) >= MAX_VIEWS + len(PROFILES):  # a superseded or an "as of" board
            del self._views[next(iter(self._views))]
        self._views[key] = view

    def warm(self) -> None:
        """Build the latest view of every board now, so the first question does not pay for it."""
        for board in PROFILES:
            view = self.view(board)
            if view is not None:
                view.warmed()

    def complete(self, board: str | None, typed: str, limit: int = 25) -> list[str]:
        """Model names for autocomplete; none for a board that does not exist."""
        board = self.board_for(board)
        view = self.view(board) if board in PROFILES else None
        return [] if view is None else [c.name for c in view.index.complete(typed, limit)]

    def categories(self, board: str) -> list[str]:
        return self.store.categories(board)

    def held_boards(self) -> list[str]:
        """The boards the store holds an accepted snapshot of, in registry order."""
        held = self.reader.newest_accepted()
        return [board for board in PROFILES if board in held]

    # --- answering --------------------------------------------------------------------------------------------

    def ask(
        self,
        text: str,
        *,
        board: str | None = None,
        as_of: str | None = None,
        category: str | None = None,
        force: Kind | str | None = None,
        lang: str | None = None,
    ) -> Answer:
        """Answer free text. `board`, `as_of` and `category` apply when the text does not say otherwise; the
        answer is in `lang` (a Discord user's locale), else the Answerer's language, else the question's."""
        with self.reader.steady():
            query = parse_question(text, self.lexicon, force=None if force is None else Kind(force))
            board = board_named(board) or board if board else None  # a command's board may be named in words
            defaults = {"board": board, "as_of": as_of, "category": category}
            query = replace(query, **{k: v for k, v in defaults.items() if v is not None and getattr(query, k) is None})
            return self.answer(query, lang)

    def answer(self, query: Query, lang: str | None = None) -> Answer:
        """The one place an answer is made: a question that cannot be answered as asked becomes an error answer.
        Its text is in `lang`, else the Answerer's language, else the question's (English by default)."""
        handlers = {
            Kind.RANK: self._rank,
            Kind.TOP: self._top,
            Kind.COMPARE: self._compare,
            Kind.ORGS: self._orgs,
            Kind.BOARDS: self._boards,
            Kind.HISTORY: self._history,
            Kind.CHANGES: self._changes,
            Kind.PROFILE: self._profile,
            Kind.DOMAIN: self._domain,
            Kind.HELP: self._help,
            Kind.GREETING: self._greeting,
            Kind.ERROR: self._error,
        }
        try:
            with self.reader.steady():
                answer = handlers[query.kind](query)
        except AnswerError as exc:
            answer = Answer(query.text, Kind.ERROR, error=exc.args[0] if exc.args else str(exc))
        answer.language = lang or self.language or query.language or DEFAULT_LANGUAGE
        answer.text = render_text(answer, answer.language)
        return answer

    def _error(self, query: Query) -> Answer:
        if query.unmeasured is not None:
            raise AnswerError(self._unmeasured(query.unmeasured))
        raise AnswerError(query.error)

    def _unmeasured(self, what: str) -> Said:
        """A question about what no board measures (price, speed, context length), said plainly: the boards held
        rank by how well models answer, and what can be asked instead (no guess from a board that ranks
        something else)."""
        held = [profile(b).title for b in self.held_boards()] or [Said("errors.nothing_yet")]
        return Said("unmeasured.answer", what=Said(f"unmeasured.{what}"), boards=held,
                    instead=Said(f"unmeasured.{what}_instead"))  # fmt: skip

    def _help(self, query: Query) -> Answer:
        return Answer(query.text, Kind.HELP, board=self.default_board)

    def _greeting(self, query: Query) -> Answer:
        return Answer(query.text, Kind.GREETING, board=self.default_board)

    @staticmethod
    def _known(board: str) -> str:
        if board not in PROFILES:
            raise AnswerError(Said("errors.unknown_board", board=repr(board), boards=", ".join(PROFILES)))
        return board

    def _board(self, query: Query) -> str:
        return self.board_for(query.board)

    def board_for(self, board: str | None) -> str:
        """The board a question is answered from: the one it names, else the default, or while that holds nothing
        yet (a fresh install has only the bundled raw text boards), the default's fallback."""
        if board is not None:
            return board
        default = profile(self.default_board)
        if default.fallback and self.reader.latest(self.default_board, default.default_category) is None:
            return default.fallback
        return self.default_board

    def _open(self, query: Query, board: str | None = None) -> BoardView:
        """The view a query is answered from; AnswerError saying why when there is none."""
        board = self._known(board or self._board(query))
        view = self.view(board, query.category, query.as_of)
        if view is not None:
            return view
        board_profile = profile(board)
        categories = self.categories(board)
        if query.category and query.category not in categories:
            raise AnswerError(self._no_category(board, query.category, categories))
        first = self.reader.accepted(board, query.category or board_profile.default_category)
        if query.as_of and first:
            raise AnswerError(
                Said("errors.none_before", title=board_profile.title, date=Day(query.as_of), first=Day(first[0].as_of))
            )
        raise AnswerError(Said("errors.no_data", title=board_profile.title))

    def _no_category(self, board: str, category: str, categories: list[str]) -> str:
        """Which boards hold the category, or publish it and could be fetched."""
        hint: str = ""
        holding = [b for b in PROFILES if b != board and category in self.categories(b)]
        published = [b for b in PROFILES if category in profile(b).categories and profile(b).live]
        if holding:
            hint = Said("errors.category_held", title=profile(holding[0]).title, board=holding[0])
        elif published:
            where = next((b for b in (self.default_board, board) if b in published), published[0])
            hint = Said("errors.category_published", title=profile(where).title, board=where)
        held = [Category(c) for c in categories] if categories else Said("errors.nothing_yet")
        return Said("errors.no_category", category=repr(category), title=profile(board).title, held=held, hint=hint)

    def _base(self, query: Query, view: BoardView, kind: Kind) -> Answer:
        p = view.profile
        answer = Answer(
            question=query.text,
            kind=kind,
            board=p.id,
            board_title=p.title,
            archived=p.archived,
            as_of=view.snapshot.as_of,
            category=view.snapshot.category,
            url=p.url,
            score_label=p.score.label,
            of=len(view.rows),
        )
        now = self.now()
        answer.age_days = self._age_days(view.snapshot.as_of)
        answer.checked_at, answer.stale = self.freshness(p.id)
        if query.board is None and p.id != self.default_board and p.id == profile(self.default_board).fallback:
            answer.freshness = Said("notes.fallback", default=profile(self.default_board).title, title=p.title)
        elif answer.stale:
            answer.freshness = stale_note(answer.checked_at, now)
        return answer

    @staticmethod
    def _entry(view: BoardView, row: Mapping[str, Any], *, rank: int | None = None) -> Entry:
        shows = view.profile.details
        details: dict[str, Any] = {}
        if Detail.VOTES in shows:
            details["votes"] = row.get("votes")
        if Detail.INTERVAL in shows and row.get("rating_lower") is not None and row.get("rating_upper") is not None:
            details["interval"] = (row["rating_lower"], row["rating_upper"])
        if Detail.PARAMS in shows and (params := view.params(row)) is not None:
            details["params_b"] = round(params, 2)
        if Detail.BENCHMARKS in shows:
            details["benchmarks"] = {b.name: row.get(b.column) for b in view.profile.benchmarks}
        if Detail.OFFICIAL in shows:
            details["official"] = bool(row.get("official"))
        if Detail.MODEL_TYPE in shows:
            details["model_type"] = row.get("model_type")
        if Detail.RANK_SPREAD in shows and row.get("rank_worst") is not None:
            details["rank_spread"] = (row["rank"], row["rank_worst"])
        if Detail.POSITION in shows:
            details["rating_position"] = row.get("position")
        if Detail.LICENSE in shows:
            details["license"] = row.get("license") or None
            details["license_class"] = view.profile.license_class(row.get("license"))
        if Detail.OBSERVATIONS in shows:
            details["observations"] = row.get("observations")
        if Detail.SESSIONS in shows:
            details["sessions"] = row.get("sessions")
        if Detail.VERIFIED in shows:
            details["verified"] = bool(row.get("verified"))
        if Detail.SUBMISSION in shows:
            details["pull_request"] = row.get("pull_request")
            details["source_url"] = row.get("source_url")
            details["source_name"] = row.get("source_name")
        return Entry(
            rank=rank if rank is not None else row["rank"],
            model=row["name"],
            score=row["score"],
            organization=row.get("organization"),
            country=row.get("country"),
            details=ModelDetails(**details),
        )

    def _other_boards(self, view: BoardView, row: Mapping[str, Any], as_of: str | None) -> list[Standing]:
        """The model's standing on every other board that has it, its related boards first, from their snapshots
        of the same moment when the question asked for a date."""
        related = view.profile.related
        boards = [*related, *(b for b in self.held_boards() if b not in related and b != view.profile.id)]
        found = []
        for board in boards:
            other = self._lookup_view(board, view, row, as_of)
            key = None if other is None else self._same_model(view, row, other)
            if other is not None and key is not None:
                found.append(self._standing(other, other.best[key], of=other.snapshot.row_count))
        return found

    def _lookup_view(self, board: str, view: BoardView, row: Mapping[str, Any], as_of: str | None) -> BoardView | None:
        """The board to look one model up on: its view when one is in memory, else a view of only the rows that
        could be that model (its key, its organization's), so a first rank question does not read and index
        every other board."""
        snapshot = self.reader.latest(board, profile(board).default_category, as_of)
        if snapshot is None:
            return None
        aliases = self.reader.model_aliases(board)
        key = self._view_key(snapshot, aliases)
        held = self._views.get(key)
        if held is not None:
            return held
        if key in self._looked_up:  # asked about again: a process that answers more than once keeps the board
            return self.view(board, as_of=as_of)
        self._looked_up.add(key)
        org_words, _ = self._organizations()
        organization = row.get("organization")
        spellings = sorted(org_words.get(organization, ())) if organization else []
        rows = self.reader.some_rows(snapshot, [row["model_key"]], spellings)
        return build_view(profile(board), rows, org_aliases=org_words, model_aliases=aliases)

    def _same_model(self, view: BoardView, row: Mapping[str, Any], other: BoardView) -> str | None:
        """The key on `other` of the model `row` is on `view`: the same name (a Hub id is the Open LLM `fullname`),
        else the link."""
        if row["model_key"] in other.best or other.profile.id == view.profile.id:
            return row["model_key"] if row["model_key"] in other.best else None
        org_words, _ = self._organizations()
        return find_other(row, other, org_words)

    def _standing(self, view: BoardView, row: Mapping[str, Any], *, of: int | None = None, **extra: Any) -> Standing:
        p = view.profile
        category = view.snapshot.category
        return Standing(
            board=p.id,
            board_title=p.title,
            archived=p.archived,
            as_of=view.snapshot.as_of,
            rank=row["rank"],
            model=row["name"],
            score=row["score"],
            of=len(view.rows) if of is None else of,
            category=None if category == p.default_category else category,
            score_label=p.score.label,
            lower_is_better=p.lower_is_better,
            age_days=self._age_days(view.snapshot.as_of),
            details=self._entry(view, row).details,
            organization=row.get("organization"),
            **extra,
        )

    def _resolve(self, query: Query, name: str) -> tuple[BoardView, Resolution]:
        """Resolve on the asked board; when no board was named and the default lacks the model, try the others;
        last, where a board ranks more than its default category shows (a Hub benchmark's fine-tunes), there."""
        view = self._open(query)
        resolution = view.index.resolve(name)
        if resolution.status != "not_found":
            return view, resolution
        boards = [view.profile.id]
        if query.board is None:
            related = view.profile.related
            boards = sorted(PROFILES, key=lambda b: (b not in related, related.index(b) if b in related else 0))
            for board in boards:
                if board == view.profile.id:
                    continue
                try:
                    other = self._open(query, board)
                except AnswerError:
                    continue
                elsewhere = other.index.resolve(name)
                if elsewhere.status != "not_found":
                    return other, elsewhere
        if query.category is None:
            for board in boards:
                wider = profile(board).inclusive_category
                other = self.view(board, wider, query.as_of) if wider else None
                found = other.index.resolve(name) if other is not None else None
                if other is not None and found is not None and found.status == "found":
                    return other, found
        return view, resolution

    def _unresolved(self, query: Query, view: BoardView, resolution: Resolution, name: str) -> Answer:
        kind = Kind.CLARIFY if resolution.status == "ambiguous" else Kind.NOT_FOUND
        answer = self._base(query, view, kind)
        answer.title = resolution.query
        answer.candidates = [c.name for c in resolution.candidates]
        old = kind is Kind.NOT_FOUND and (answer.age_days or 0) >= OLD_BOARD_DAYS
        if old and (not answer.candidates or view.index.looks_newer(resolution.query, view.snapshot.as_of)):
            # nothing like it, or a later release than any on a board months old: the model is likely newer than
            # the board, and unrelated suggestions would only mislead
            answer.candidates = []
            answer.newer_than_board = True
        answer.pending, answer.pending_name = replace(query, board=view.profile.id), name
        return answer

    @staticmethod
    def picked(clarification: Answer, text: str) -> str | None:
        """The candidate a reply to a clarification names: its number in the list ("2") or its name, else None
        (the reply is a new question)."""
        typed = text.strip().strip(".#)")
        if typed.isdigit() and 1 <= int(typed) <= len(clarification.candidates):
            return clarification.candidates[int(typed) - 1]
        return next((c for c in clarification.candidates if normalise(c) == normalise(typed)), None)

    def choose(self, clarification: Answer, name: str) -> Answer:
        """Finish the question a clarification interrupted, with the model the user picked: a comparison stays
        a comparison, a chart a chart."""
        pending = clarification.pending
        if pending is None or clarification.pending_name is None:
            return self.ask(name, board=clarification.board, as_of=clarification.as_of, force=Kind.RANK,
                            lang=clarification.language)  # fmt: skip
        models = tuple(name if m == clarification.pending_name else m for m in pending.models)
        return self.answer(replace(pending, models=models), clarification.language)

    def _rank(self, query: Query) -> Answer:
        view, resolution = self._resolve(query, query.models[0])
        if resolution.match is None and view.profile.open_weights and (closed := self._closed(query, view)):
            return closed
        if resolution.match is None and resolution.status == "not_found" and not self._reads_as_name(query.models[0]):
            raise AnswerError(Said("understood.name", words=query.models[0], offers=closest_offers(query.text)))
        if resolution.match is None:
            return self._unresolved(query, view, resolution, query.models[0])
        row = view.best[resolution.match.key]
        answer = self._base(query, view, Kind.RANK)
        entry = self._entry(view, row)
        entry.others = self._other_boards(view, row, query.as_of)
        answer.entries = [entry]
        asked = self._board(query)
        if query.board is None and view.profile.id != asked:
            answer.notes.append(Said("notes.not_on_asked", asked=profile(asked).title, title=view.profile.title))
        return answer

    def _reads_as_name(self, name: str) -> bool:
        """Whether a name no board holds still reads as one: it has a number (a version, size or date) or a word
        of some model name held ("claude 5", "llama 5 70b": likely newer than the board). "asdf qwerty blorp" has
        neither: not a model the board lacks, but a question not understood."""
        words = self.lexicon.name_words
        return any(token.kind != "word" or token.text in words for token in tokenize(name))

    def _closed(self, query: Query, asked: BoardView) -> Answer | None:
        """A proprietary model asked on a board of open weights only: its standing where it is listed, saying why
        it is not on the board asked."""
        name = query.models[0]
        for board in [self.board_for(None), *PROFILES]:
            view = self.view(board) if not profile(board).open_weights else None
            if view is None:
                continue
            resolution = view.index.resolve(name)
            keys = [resolution.match.key] if resolution.match else [c.key for c in resolution.candidates]
            if resolution.status == "not_found" or not keys:
                continue
            if any(view.profile.license_class(view.best[k].get("license")) != PROPRIETARY for k in keys):
                return None
            other = replace(query, board=board, category=None, as_of=None)
            answer = self._rank(other) if resolution.match else self._unresolved(other, view, resolution, name)
            what = resolution.match.name if resolution.match else Said("common.quoted", name=name)
            answer.notes.insert(
                0, Said("notes.closed", asked=asked.profile.title, model=what, title=view.profile.title)
            )
            return answer
        return None

    def _resolve_each(self, query: Query, view: BoardView, note: str) -> list[Candidate] | Answer:
        """Every model the question names, once each; or the clarification for the first name that needs one."""
        found: list[Candidate] = []
        for name in query.models:
            resolution = view.index.resolve(name)
            if resolution.match is None:
                answer = self._unresolved(query, view, resolution, name)
                if len(query.models) > 1:
                    answer.notes.append(Said(note, name=name))
                return answer
            if resolution.match not in found:
                found.append(resolution.match)
        return found

    def _history(self, query: Query) -> Answer:
        """Each model's rank and score over every stored board of the category, for a chart and a summary."""
        view = self._open(query)
        models = self._resolve_each(query, view, "notes.which_chart")
        if isinstance(models, Answer):
            return models
        histories = [
            model_history(self.store, view.profile.id, view.snapshot.category, m.key, until=view.snapshot.as_of)
            for m in models
        ]
        answer = self._base(query, view, Kind.HISTORY)
        answer.histories = histories
        answer.aspect = query.aspect
        answer.entries = [self._entry(view, view.best[h.key]) for h in histories if h.key in view.best]
        answer.title = " vs ".join(h.model for h in histories)
        return answer

    def _compare(self, query: Query) -> Answer:
        view = self._open(query)
        models = self._resolve_each(query, view, "notes.which_compare")
        if isinstance(models, Answer):
            return models
        entries = [self._entry(view, view.best[m.key]) for m in models]
        answer = self._base(query, view, Kind.COMPARE)
        answer.entries = sorted(entries, key=lambda e: (e.rank, -e.score))
        answer.aspect = query.aspect
        if query.aspect is Aspect.BETTER and len(answer.entries) == 2:
            answer.notes.insert(0, _verdict(view.profile, *answer.entries))
        return answer

    def _board_for(self, query: Query) -> tuple[str, list[str]]:
        """The board a list is answered from: the one asked, else the default, else the first that can answer
        its filters (with a note saying so)."""
        filters = query.filters
        needed = filters.needs()
        board = self._known(self._board(query))

        def can(p: BoardProfile) -> bool:
            closed_on_open = filters.license == CLOSED and bool(p.open_weights)
            benchmark = filters.benchmark is None or p.benchmark(filters.benchmark) is not None
            return p.supports(needed) and benchmark and not closed_on_open

        if can(profile(board)):
            return board, []
        if filters.license == CLOSED and profile(board).open_weights:
            raise AnswerError(Said("errors.closed_on_open", title=profile(board).title, board=self.board_for(None)))
        able = [p for p in PROFILES.values() if can(p)]
        missing = sorted(needed - profile(board).filters) or [Filter.BENCHMARK]
        what = All(Said(f"filter_names.{f}") for f in missing)
        if not able:
            raise AnswerError(Said("errors.filters_nowhere", what=what))
        where = ", ".join(p.title for p in able)
        if query.board is not None:
            raise AnswerError(Said("errors.filters_only_on", what=what, where=where, board=able[0].id))
        return able[0].id, [Said("notes.filters_only_on", what=what, where=where)]

    def _filtered(self, query: Query) -> tuple[BoardView, list[tuple[int, Mapping[str, Any]]], Answer]:
        """Rows under the query's filters, one per model, each with its board rank, in the board's order.

        The rank is the board's, never a place within the filter (that is the entry's `position`); a list by a
        benchmark ranks by that benchmark over the whole board, by the board's rule (1 + rows strictly higher).
        """
        filters = query.filters
        board, notes = self._board_for(query)
        view = self._open(query, board)
        board_profile = view.profile
        answer = self._base(query, view, query.kind)
        answer.notes.extend(notes)
        column = filters.benchmark
        if column:
            answer.sort_label = board_profile.benchmark(column).name  # type: ignore[union-attr] # checked by _board_for
            # the ranks shown are by the benchmark, the score beside each name is the board's own: say which is which
            key = f"labels.{board_profile.score.label.casefold()}"
            label = Said(key) if key in catalogue(DEFAULT_LANGUAGE) else board_profile.score.label
            answer.notes.append(Said("notes.ranked_by", benchmark=answer.sort_label, of=len(view.rows), label=label))
        key = (column, filters)
        listed = view.lists.get(key)
        if listed is None:  # a snapshot never changes: the same list on the same board is made once
            if column:
                rows, rank_of = view.by_benchmark(column)
                listed = [(rank_of[id(r)], r) for r in rows]
            else:  # one row per model, its best-ranked (Open LLM lists some models once per precision)
                listed = [(r["rank"], r) for r in view.best.values()]
            if filters != Filters() and not (filters.needs() == {Filter.LICENSE} and board_profile.open_weights):
                listed = [pair for pair in listed if self._keep(view, pair[1], filters)]
            if len(view.lists) >= MAX_LISTS:
                del view.lists[next(iter(view.lists))]
            view.lists[key] = listed
        picked = listed
        answer.total = len(picked)
        if not board_profile.sizes_published and (filters.min_params is not None or filters.max_params is not None):
            publisher = board_profile.publisher[:1].upper() + board_profile.publisher[1:]  # it begins the sentence
            answer.notes.append(Said("notes.no_sizes", publisher=publisher))
        if filters.license and board_profile.open_weights is None:
            unknown = sum(board_profile.license_class(r.get("license")) == "unknown" for r in view.rows)
            if unknown:
                answer.notes.append(Said("notes.no_license", count=unknown))
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
        if f.license and view.profile.license_class(row.get("license")) != f.license:
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
        count = min(query.count, MAX_COUNT)
        shown = picked[:count]
        if len(picked) > count:
            # the cut falls inside a tie: list everyone sharing the last rank, or say how many more share it
            last = shown[-1][0]
            tied = list(itertools.takewhile(lambda pair: pair[0] == last, picked[count:]))
            if tied and len(tied) <= MAX_TIED_EXTRA and count + len(tied) <= MAX_COUNT:
                shown += tied
                sharing = len(tied) + sum(r == last for r, _ in picked[:count])
                answer.footnote = Said("notes.tie_listed", sharing=sharing, rank=last, listed=len(shown))
            elif tied:
                answer.footnote = Said("notes.tie_more", count=len(tied), rank=last)
        answer.entries = [self._entry(view, row, rank=rank) for rank, row in shown]
        for position, entry in enumerate(answer.entries, start=1):
            entry.position = position
        answer.title = _top_title(query, answer, view)
        return answer

    def _orgs(self, query: Query) -> Answer:
        """Who holds the top N: every model whose rank is within N (a tie at the cut counts whole); in a filtered
        list, the rank among the models the filter keeps."""
        view, picked, answer = self._filtered(query)
        places = _ranks([rank for rank, _ in picked]) if query.filters != Filters() else [r for r, _ in picked]
        top = [
            self._entry(view, row, rank=rank)
            for place, (rank, row) in zip(places, picked, strict=True)
            if place <= query.count
        ]
        counts = Counter(e.organization or "unknown" for e in top)
        first: dict[str, Entry] = {}
        for e in top:
            first.setdefault(e.organization or "unknown", e)
        ordered = sorted(counts, key=lambda o: (-counts[o], first[o].rank))
        answer.orgs = [
            OrgShare(position, o, first[o].country, counts[o], first[o].rank, first[o].model, first[o].score)
            for position, o in enumerate(ordered, start=1)
        ]
        answer.total = len(top)
        answer.title = Said("titles.orgs", count=query.count)
        if len(top) > query.count:
            answer.footnote = Said("notes.orgs_ties", count=len(top), n=query.count)
        return answer

    def _changes(self, query: Query) -> Answer:
        """What changed: between the last two boards, since a date or a period, or on one date's board."""
        board = self._known(self._board(query))
        category = query.category or profile(board).default_category
        view = self._open(query)
        newer = view.snapshot
        older = board_before(self.reader.accepted(board, category), newer)
        since = query.since
        if query.since_days is not None:
            since = (self.now().date() - timedelta(days=query.since_days)).isoformat()
        answer = self._base(query, view, Kind.CHANGES)
        if since is not None:
            if since >= newer.as_of:
                age = age_said(answer.age_days or 0)
                answer.notes.append(Said("notes.no_new_board", since=Day(since), date=Day(newer.as_of), age=age))
                return answer
            older = self.reader.latest(board, category, since) or self.reader.accepted(board, category)[0]
        if older is None or older.id == newer.id:
            raise AnswerError(Said("errors.one_board", title=profile(board).title, date=Day(newer.as_of)))
        key = (older.id, newer.id, query.count, *self.reader.revision())  # aliases may rename models
        changes = self._changes_made.get(key)
        if changes is None:  # two snapshots never change: their changes are worked out once
            changes = changes_between(self.store, older, newer, top_n=query.count, min_move=1)
            if len(self._changes_made) >= MAX_CHANGE_SETS:
                del self._changes_made[next(iter(self._changes_made))]
            self._changes_made[key] = changes
        if query.aspect is Aspect.NEW_LEADER:
            changes = replace(changes, events=[e for e in changes.events if e.type in ("new_leader", "shared_lead")])
            if not changes.events:
                leader = view.rows[0]["name"] if view.rows else "?"
                answer.notes.append(Said("notes.kept_first", date=Day(newer.as_of), model=leader))
        answer.changes = changes
        return answer

    def _profile(self, query: Query) -> Answer:
        """One model everywhere: its line on the board it resolved on, and its standing on every board held that
        has it (for a board of several categories, its best ones too), in registry order."""
        view, resolution = self._resolve(query, query.models[0])
        if resolution.match is None:
            return self._unresolved(query, view, resolution, query.models[0])
        row = view.best[resolution.match.key]
        answer = self._base(query, view, Kind.PROFILE)
        answer.title = row["name"]
        answer.entries = [self._entry(view, row)]
        for board in self.held_boards():
            other = self.view(board, as_of=query.as_of)
            if other is None:
                continue
            key = self._same_model(view, row, other)
            wider = other.profile.inclusive_category
            if key is None and wider:  # a fine-tune is ranked only with fine-tunes included
                other = self.view(board, wider, query.as_of) or other
                key = self._same_model(view, row, other)
            if key is None:
                continue
            best = tuple(self._best_categories(other, key))
            answer.standings.append(self._standing(other, other.best[key], best_categories=best))
        return answer

    def _best_categories(self, view: BoardView, key: str) -> list[tuple[str, int, int]]:
        """The board's other categories where the model ranks best, (category, rank, of), from one query per
        store change (a card should not build a view of each of 29 categories)."""
        board = view.profile.id
        revision = self.reader.revision()
        if self._latest_by_category[0] != revision:
            self._latest_by_category = (revision, {})
        held = self._latest_by_category[1]
        if board not in held:
            held[board] = [s for c in self.categories(board) if (s := self.reader.latest(board, c)) is not None]
        latest = held[board]
        skip = {view.snapshot.category, view.profile.inclusive_category}  # "with fine-tunes" is no category of skill
        others = [s for s in latest if s.category not in skip]
        if not others:
            return []
        cache_key = (revision, board, key)
        ranks = self._category_ranks.get(cache_key)
        if ranks is None:
            found = self.store.model_ranks(board, key, [s.id for s in others])
            ranks = sorted(
                ((s.category, found[s.id], s.row_count) for s in others if s.id in found),
                key=lambda c: (c[1], c[1] / max(1, c[2]), c[0]),
            )
            if len(self._category_ranks) >= MAX_LISTS:
                del self._category_ranks[next(iter(self._category_ranks))]
            self._category_ranks[cache_key] = ranks
        return ranks[:BEST_CATEGORIES]

    def _domain(self, query: Query) -> Answer:
        """Each board's leader for a domain side by side (Arena coding, WebDev, SWE-bench Verified ...): every
        board keeps its own score and rank; no combined score is made up."""
        domain = Domain(query.domain)
        answer = Answer(query.text, Kind.DOMAIN, title=Said(f"titles.best_{domain}"), domain=str(domain))
        missing = []
        for board_profile in list(PROFILES.values()):
            for part in board_profile.domains:
                if part.domain is not domain:
                    continue
                category = part.category or board_profile.default_category
                view = self.view(board_profile.id, category)
                if view is None:
                    missing.append((board_profile, category))
                    continue
                if part.benchmark:
                    rows, rank_of = view.by_benchmark(part.benchmark)
                    label = view.profile.benchmark(part.benchmark).name  # type: ignore[union-attr] # profile's own
                    leaders = [
                        replace(self._standing(view, r), rank=1, score=r[part.benchmark], score_label=label,
                                category=label)
                        for r in rows if rank_of[id(r)] == 1
                    ]  # fmt: skip
                else:
                    leaders = [self._standing(view, r) for r in view.best.values() if r["rank"] == 1]
                answer.standings += leaders[: MAX_TIED_EXTRA + 1]
                if len(leaders) > MAX_TIED_EXTRA + 1:
                    more = len(leaders) - MAX_TIED_EXTRA - 1
                    answer.notes.append(Said("notes.more_share", count=more, board=board_profile.title))
        fetchable = [(p, c) for p, c in missing if p.live]
        names = [p.title if c == p.default_category else Said("common.board_category", title=p.title,
                 category=Category(c)) for p, c in fetchable]  # fmt: skip
        hub = not family(FAMILY)
        if not answer.standings:
            then = Said("common.then", sentence=HUB_NOT_FETCHED) if hub else ""
            measures = Said(f"domains.{domain}")
            if names:
                raise AnswerError(Said("errors.no_domain_fetch", domain=measures, names=names, then=then))
            raise AnswerError(Said("errors.no_domain", domain=measures, then=then))
        if names:
            answer.notes.append(Said("notes.not_stored_yet", names=names))
        if hub:
            answer.notes.append(HUB_NOT_FETCHED)
        return answer

    def _age_days(self, as_of: str) -> int:
        """How many days old a board of `as_of` is today (0 for a board dated ahead of the clock)."""
        return max(0, (self.now().date() - date.fromisoformat(as_of)).days)

    def freshness(self, board: str) -> tuple[str | None, bool]:
        """When a board was last fetched (UTC ISO 8601, None: never) and whether that is too long ago to call it
        live (archived boards are never stale: they do not change)."""
        if profile(board).archived:
            return None, False
        checked = self.reader.checked_at(board)
        return checked, checked is None or self.now() - datetime.fromisoformat(checked) > self.stale_after

    def data_line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """One sentence on what a question that names no board is answered from, and how fresh it is."""
        board = self._board(Query(Kind.TOP))
        view = self.view(board)
        if view is None:
            return t(lang, "console.no_boards")
        age = age_said(self._age_days(view.snapshot.as_of))
        line = t(lang, "console.data", title=view.profile.title, date=day(lang, view.snapshot.as_of), age=age)
        checked, stale = self.freshness(board)
        if stale:
            line += t(lang, "common.then", sentence=stale_note(checked, self.now()))
        if not family(FAMILY):
            line += t(lang, "common.then", sentence=HUB_NOT_FETCHED)
        return line

    def _boards(self, query: Query) -> Answer:
        answer = Answer(query.text, Kind.BOARDS, title=Said("titles.boards"))
        empty = []
        for board, board_profile in PROFILES.items():
            snapshots = self.reader.accepted(board)
            if not snapshots:
                empty.append(board)
                continue
            latest = max(snapshots, key=lambda s: (s.as_of, s.id))
            view = self.view(board, latest.category)
            checked, stale = self.freshness(board)
            answer.boards.append(
                BoardSummary(
                    board=board,
                    title=board_profile.title,
                    archived=board_profile.archived,
                    url=board_profile.url,
                    latest=latest.as_of,
                    first=min(s.as_of for s in snapshots),
                    snapshots=len(snapshots),
                    models=view.size if view else latest.row_count,
                    categories=tuple(sorted({s.category for s in snapshots})),
                    age_days=self._age_days(latest.as_of),
                    checked_at=checked,
                    stale=stale,
                )
            )
        if empty:
            key = "notes.no_data_live" if any(profile(b).live for b in empty) else "notes.no_data"
            answer.notes.append(Said(key, boards=", ".join(empty)))
        if not family(FAMILY):
            answer.notes.append(HUB_NOT_FETCHED)
        return answer


def stale_note(checked_at: str | None, now: datetime) -> str:
    """What to say of a live board that was not fetched lately."""
    if checked_at is None:
        return Said("notes.never_fetched")
    days = (now - datetime.fromisoformat(checked_at)).total_seconds() / 86400
    if days >= 2:
        return Said("notes.not_fetched_days", days=f"{days:.0f}")
    return Said("notes.not_fetched_hours", hours=f"{days * 24:.0f}")


def _ranks(values: list[float]) -> list[int]:
    """Competition ranks of values in best-first order: 1 + how many come strictly before (1, 1, 3, ...)."""
    ranks: list[int] = []
    previous = None
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if value == previous and ranks else i + 1)
        previous = value
    return ranks


def _verdict(board: BoardProfile, ahead: Entry, behind: Entry) -> Said:
    """The answer to "is X better than Y" on one board: who is ahead by the board's rank, and whether their 95%
    intervals overlap (then the board cannot tell them apart); a shared rank is said as a tie, never as a win."""
    if ahead.rank == behind.rank:
        return Said("compare.level", a=ahead.model, b=behind.model, rank=ahead.rank)
    low, high = ahead.details.interval, behind.details.interval
    if low is None or high is None:
        intervals = ""
    elif low[0] <= high[1] and high[0] <= low[1]:
        intervals = Said("compare.overlap")
    else:
        intervals = Said("compare.apart", a=ahead.model)
    return Said("compare.ahead", a=ahead.model, b=behind.model, rank_a=ahead.rank, rank_b=behind.rank,
                score_a=board.score(ahead.score), score_b=board.score(behind.score), intervals=intervals)  # fmt: skip


def _top_title(query: Query, answer: Answer, view: BoardView) -> str:
    parts = query.filters.describe({b.column: b.name for b in view.profile.benchmarks})
    filters: str = Said("titles.filters", parts=parts) if parts else ""
    if answer.total:
        return Said("titles.top", count=min(query.count, answer.total), filters=filters)
    return Said("titles.top_none", filters=filters)


__all__ = ["Answerer"]
