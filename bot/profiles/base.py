"""What a board profile is: every fact about one leaderboard that the rest of Leaderbot needs, as plain data.

A profile is pure (no HTTP, no store), so the answering core, the renderers and the importers can all ask it
instead of testing board ids. The registry in `bot.profiles` holds one per board.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class RankRule(StrEnum):
    """How a board ranks its rows, on the whole board and within a filter."""

    PUBLISHED = "published"  # the board's own rank column; a filtered list keeps each model's board rank
    BY_SCORE = "by_score"  # 1 + rows with a strictly higher score; recomputed within a filter
    # 1 + the models statistically better (their interval entirely above), as LMArena's site shows it; the
    # position by score on a board without intervals; a published rank column that has ties already is kept.
    # A filtered list keeps each model's board rank.
    STATISTICAL = "statistical"


class Filter(StrEnum):
    """What a list question can narrow a board by."""

    COUNTRY = "country"
    ORGANIZATION = "organization"
    SIZE = "size"
    BENCHMARK = "benchmark"
    MODEL_TYPE = "model_type"
    OFFICIAL = "official"
    LICENSE = "license"  # open weights or proprietary


class Detail(StrEnum):
    """What an entry of the board shows beyond rank, name and score."""

    VOTES = "votes"
    INTERVAL = "interval"
    PARAMS = "params"
    BENCHMARKS = "benchmarks"
    OFFICIAL = "official"
    MODEL_TYPE = "model_type"
    RANK_SPREAD = "rank_spread"  # the best and worst rank the intervals allow
    POSITION = "position"  # the place by score, 1..N, as the file lists it
    LICENSE = "license"
    OBSERVATIONS = "observations"  # agent arenas
    SESSIONS = "sessions"
    VERIFIED = "verified"  # the Hub ran the evaluation itself
    SUBMISSION = "submission"  # a community pull request not yet merged, and where the score comes from


class Schema(StrEnum):
    """The columns a board is published with, which says how its importer reads it."""

    BRADLEY_TERRY = "bradley_terry"  # LMArena's rating, interval and votes
    AGENT = "agent"  # LMArena's agent arenas: a score near 0 with its interval, observations and sessions
    OPEN_LLM = "open_llm"  # the Open LLM Leaderboard's `contents` table
    HUB = "hub"  # a Hub benchmark dataset's leaderboard API: rank, model id, value, verified, pull request


class RenameRule(StrEnum):
    """Signals that a model was renamed between two publishes (see `bot.core.renames`)."""

    VOTES = "votes"  # a newcomer carries the vanished name's votes and rating
    DATED_NAME = "dated_name"  # 'X' becomes 'X (20240620)'


class Domain(StrEnum):
    """What "the best coding model" asks about: each board that measures it answers side by side."""

    CODING = "coding"
    MATH = "math"
    VISION = "vision"


@dataclass(frozen=True)
class DomainPart:
    """Where a board measures a domain: one of its categories (None: its default), or one benchmark column."""

    domain: Domain
    category: str | None = None
    benchmark: str | None = None


@dataclass(frozen=True)
class ScoreFormat:
    label: str  # "Rating", "Average"
    decimals: int | None  # None: as published, up to four decimals (a Hub benchmark may score 0-1 or 0-100)
    unit: str = ""

    def __call__(self, value: float | None) -> str:
        if value is None:
            return "?"
        if self.decimals is None:
            return f"{round(value, 4):g}{self.unit}"
        return f"{value:.{self.decimals}f}{self.unit}"


@dataclass(frozen=True)
class Benchmark:
    """A benchmark column of a board, and the words people use for it."""

    column: str  # store column
    name: str  # as the board shows it
    words: tuple[str, ...]


@dataclass(frozen=True)
class Upstream:
    """Where the board is published on the Hugging Face Hub, and in which columns."""

    dataset: str
    config: str
    split: str  # the dataset-viewer split; for LMArena's Parquet files, the `latest` file
    schema: Schema


@dataclass(frozen=True)
class BoardProfile:
    id: str  # as people type it: `on open-llm`, `leaderbot refresh arena`
    title: str
    url: str  # the page a person looks at
    live: bool  # archived boards are answered from, never polled
    score: ScoreFormat
    score_range: tuple[float, float]  # a score outside it means a broken publish (see bot.core.judging)
    notable_step: float  # a score change a digest reports
    rank_rule: RankRule
    upstream: Upstream
    # Regular expressions for the board's names in a question, longest first ("lm ?arena", "lmsys").
    words: tuple[str, ...]
    details: tuple[Detail, ...] = ()
    filters: frozenset[Filter] = frozenset({Filter.COUNTRY, Filter.ORGANIZATION, Filter.SIZE, Filter.LICENSE})
    renames: frozenset[RenameRule] = frozenset()
    rename_drift: float = 0.0  # how far a renamed model's score may move in the publish that renames it
    benchmarks: tuple[Benchmark, ...] = ()
    model_types: Mapping[str, str] = field(default_factory=dict)  # a word people use -> the type the board writes
    popularity: str | None = None  # the store column that says how popular a model is (votes, likes)
    sizes_published: bool = False  # False: a size filter can only use the sizes written in model names
    publisher: str = ""  # who publishes the board, for sentences ("LMArena publishes no sizes")
    bundle: str | None = None  # folder under db/data holding the snapshots shipped with Leaderbot
    default_category: str = "overall"
    # The categories upstream publishes for the board, as far as known (an open set: the store may hold more); a
    # question for one the store lacks is told which board publishes it.
    categories: tuple[str, ...] = ("overall",)
    fallback: str | None = None  # the board a question that names none uses while this one holds no data
    open_weights: bool | None = None  # True: every model on the board is open weights; None: its license says
    closed_licenses: frozenset[str] = frozenset()  # license texts (case-folded) that mean closed weights
    related: tuple[str, ...] = ()  # boards whose standing a rank answer adds first, in this order
    lower_is_better: bool = False  # the board ranks its lowest score first (a Hub benchmark may say so)
    domains: tuple[DomainPart, ...] = ()  # what "best coding model" reads of this board
    # a category that also lists what the default one leaves out (a Hub benchmark's fine-tunes): where a card
    # looks for a model the default lacks
    inclusive_category: str | None = None
    family: str = ""  # boards fetched and listed together (`leaderbot refresh hub`); "" for a board of its own

    @property
    def archived(self) -> bool:
        return not self.live

    def benchmark(self, column: str) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.column == column), None)

    def supports(self, needed: frozenset[Filter]) -> bool:
        return needed <= self.filters

    def license_class(self, license: str | None) -> str:
        """'open weights', 'proprietary' or 'unknown': the board's license text, normalised (the text is kept)."""
        if self.open_weights:
            return OPEN_WEIGHTS
        text = (license or "").strip().casefold()
        if not text:
            return UNKNOWN_LICENSE
        return PROPRIETARY if text in self.closed_licenses else OPEN_WEIGHTS


OPEN_WEIGHTS, PROPRIETARY, UNKNOWN_LICENSE = "open weights", "proprietary", "unknown"
