"""The one structured answer every front end renders: plain text (`core.text`), JSON (`--json`), Discord embeds.

Each kind of answer carries its own typed parts: model entries (rank, top, compare, history), organization shares
(orgs), board summaries (boards), candidates (clarify, not_found), histories (history).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .i18n import said

if TYPE_CHECKING:
    from .changes import ChangeSet
    from .history import History
    from .questions import Aspect, Query


class Kind(StrEnum):
    """What a question asks for, and so what its answer holds. `clarify` and `not_found` are answers to a question
    whose model name could not be settled."""

    RANK = "rank"
    TOP = "top"
    COMPARE = "compare"
    ORGS = "orgs"
    BOARDS = "boards"
    HISTORY = "history"
    CHANGES = "changes"
    PROFILE = "profile"  # where one model stands on every board held ("X everywhere")
    DOMAIN = "domain"  # each board's leader for a domain, side by side ("best coding model")
    HELP = "help"
    GREETING = "greeting"
    ERROR = "error"
    CLARIFY = "clarify"
    NOT_FOUND = "not_found"


class AnswerError(Exception):
    """A question that cannot be answered as asked; the message says why, for a person. Raised anywhere while
    answering and turned into an error answer in one place (`Answerer.answer`)."""


@dataclass(frozen=True)
class ModelDetails:
    """What an entry shows beyond rank, name and score; which of these a board fills is its profile's `details`."""

    votes: int | None = None
    interval: tuple[float, float] | None = None  # 95% confidence interval of the rating
    params_b: float | None = None  # billions, from the board or the model's name
    benchmarks: dict[str, float | None] | None = None  # display name -> value
    official: bool | None = None
    model_type: str | None = None
    rank_spread: tuple[int, int] | None = None  # the best and worst rank the intervals allow
    rating_position: int | None = None  # the place by score, 1..N, as the file lists it
    license: str | None = None  # the board's own text
    license_class: str | None = None  # 'open weights', 'proprietary' or 'unknown'
    observations: int | None = None  # agent arenas
    sessions: int | None = None
    verified: bool | None = None  # Hub benchmarks: the Hub ran the evaluation itself
    pull_request: int | None = None  # ... a community submission, not yet merged, in this pull request
    source_url: str | None = None  # ... where the score comes from, as the row cites it
    source_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        for pair in ("interval", "rank_spread"):
            if pair in data:
                data[pair] = list(data[pair])
        if "model_type" in data:
            data["type"] = data.pop("model_type")
        return data


@dataclass(frozen=True)
class Standing:
    """Where a model stands on one board: beside a rank answer (the model's other boards), on a model's card (every
    board), or as a board's leader (a domain answer)."""

    board: str
    board_title: str
    archived: bool
    as_of: str
    rank: int
    model: str
    score: float
    of: int
    category: str | None = None  # when not the board's default
    score_label: str = ""
    lower_is_better: bool = False
    age_days: int | None = None
    details: ModelDetails | None = None
    # the board's other categories where the model does best: (category, rank, of), best first
    best_categories: tuple[tuple[str, int, int], ...] = ()
    organization: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["details"] = None if self.details is None else self.details.to_json()
        data["best_categories"] = [{"category": c, "rank": r, "of": n} for c, r, n in self.best_categories]
        return data


@dataclass
class Entry:
    """One model's line on a board."""

    rank: int
    model: str
    score: float
    organization: str | None
    country: str | None
    details: ModelDetails = field(default_factory=ModelDetails)
    others: list[Standing] = field(default_factory=list)  # the model on related boards (rank answers)
    position: int | None = None  # its place in a list (1 = first listed), beside the board's rank

    @property
    def other(self) -> Standing | None:
        return self.others[0] if self.others else None

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "position": self.position,
            "model": self.model,
            "score": self.score,
            "organization": self.organization,
            "country": self.country,
            **self.details.to_json(),
            "other": None if self.other is None else self.other.to_json(),
            "others": [o.to_json() for o in self.others],
        }


@dataclass(frozen=True)
class OrgShare:
    """An organization's places in a top N, and its best model there."""

    position: int
    organization: str
    country: str | None
    count: int
    best_rank: int
    model: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.position,
            "model": self.model,
            "score": self.score,
            "organization": self.organization,
            "country": self.country,
            "count": self.count,
            "best_rank": self.best_rank,
        }


@dataclass(frozen=True)
class BoardSummary:
    """A board as stored: how fresh, how big, how many snapshots."""

    board: str
    title: str
    archived: bool
    url: str
    latest: str
    first: str
    snapshots: int
    models: int
    categories: tuple[str, ...]
    age_days: int = 0  # of the latest snapshot's data
    checked_at: str | None = None  # when upstream was last asked (live boards)
    stale: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "categories": list(self.categories)}


@dataclass
class Answer:
    question: str
    kind: Kind
    board: str | None = None
    board_title: str | None = None
    archived: bool = False
    as_of: str | None = None
    category: str | None = None
    url: str | None = None
    score_label: str | None = None
    age_days: int | None = None  # how old the board's data is, today
    checked_at: str | None = None  # when upstream was last asked about the board (live boards)
    stale: bool = False  # a live board not fetched for longer than two refresh intervals
    freshness: str = ""  # a sentence on where the answer comes from and how fresh that is, when it needs saying
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    orgs: list[OrgShare] = field(default_factory=list)
    boards: list[BoardSummary] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    newer_than_board: bool = False  # not found, and the name reads as a later release than the board holds
    notes: list[str] = field(default_factory=list)
    footnote: str = ""  # a sentence after a list: how a tie at the cut was handled
    total: int | None = None  # rows that matched, for lists
    of: int | None = None  # rows on the board (Open LLM lists some models once per precision)
    sort_label: str | None = None  # what a list is ordered by when not the board's score
    histories: list[History] = field(default_factory=list)  # for `history` answers, one per model asked
    standings: list[Standing] = field(default_factory=list)  # `profile`: one per board; `domain`: each leader
    domain: str | None = None  # for `domain` answers: coding, math, vision
    aspect: Aspect | None = None  # the one fact of a history asked for itself ("when did X first reach #1")
    changes: ChangeSet | None = None  # for `changes` answers
    error: str | None = None
    language: str = "en"  # the language `text` is in (`core.i18n`)
    text: str = ""
    # For a clarification: the question to finish once the user picks one of `candidates` for `pending_name`.
    pending: Query | None = field(default=None, repr=False)
    pending_name: str | None = None

    def __post_init__(self) -> None:
        self.kind = Kind(self.kind)

    def to_json(self) -> dict[str, Any]:
        """Entries are the model lines, or for `orgs` the organizations in the same shape plus their counts. Its
        sentences (title, notes, footnote, freshness, error) are in the answer's language, as its text is."""
        lang = self.language
        return {
            "question": self.question,
            "kind": str(self.kind),
            "board": self.board,
            "board_title": self.board_title,
            "archived": self.archived,
            "as_of": self.as_of,
            "category": self.category,
            "url": self.url,
            "score_label": self.score_label,
            "age_days": self.age_days,
            "checked_at": self.checked_at,
            "stale": self.stale,
            "freshness": said(self.freshness, lang),
            "title": said(self.title, lang),
            "entries": [e.to_json() for e in self.entries] + [o.to_json() for o in self.orgs],
            "boards": [b.to_json() for b in self.boards],
            "candidates": list(self.candidates),
            "newer_than_board": self.newer_than_board,
            "notes": [said(note, lang) for note in self.notes],
            "footnote": said(self.footnote, lang),
            "total": self.total,
            "of": self.of,
            "sort_label": self.sort_label,
            "histories": [h.to_json() for h in self.histories],
            "standings": [st.to_json() for st in self.standings],
            **({"domain": self.domain} if self.domain else {}),
            **({"aspect": str(self.aspect)} if self.aspect else {}),
            **(
                {"from": self.changes.from_date, "to": self.changes.to_date, "events": self.changes.to_json()["events"]}
                if self.changes is not None
                else {}
            ),
            "error": said(self.error, lang) if self.error else self.error,
            "language": self.language,
            "text": self.text,
        }
