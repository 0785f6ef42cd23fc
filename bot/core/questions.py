"""Free text and command arguments -> one structured `Query`, by declared steps over the lexicon (`core.lexicon`).

A question goes through `STEPS` in order. Each step recognises what it knows (the whole question as a greeting,
the board, a date, the intent, a category, what no board measures, a count, each filter), records it and takes its
words out; a step's words that run on into a model name held ("multi agent" of a grok) are the name's. What is
left is the model name or names of a question about models; for a list it must be nothing but filler: a word no
step took is named in the reply, never dropped. The parser never reads the store: organizations, categories and
model names come in with the `Lexicon`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process

from db.keys import org_key

from ..profiles import PROFILES, Filter, board_ids, profile
from .answer import Kind
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import Said, catalogue, t
from .lexicon import AFTER, BEFORE, Lexicon, vocabulary
from .names import normalise

MAX_QUESTION = 300
MAX_COUNT = 100
DEFAULT_COUNT = 10
DEFAULT_ORGS_COUNT = 20
MAX_CHART_MODELS = 8  # one colour-blind-safe colour each
MAX_COMPARE = 10

# Country words -> ISO 3166 alpha-2.
COUNTRIES: dict[str, str] = {
    "chinese": "CN", "china": "CN", "cn": "CN", "prc": "CN",
    "american": "US", "america": "US", "us": "US", "usa": "US", "u.s.": "US", "united states": "US",
    "french": "FR", "france": "FR", "fr": "FR",
    "british": "GB", "uk": "GB", "gb": "GB", "england": "GB", "united kingdom": "GB",
    "canadian": "CA", "canada": "CA", "ca": "CA",
    "israeli": "IL", "israel": "IL", "il": "IL",
    "korean": "KR", "korea": "KR", "south korean": "KR", "kr": "KR",
    "emirati": "AE", "uae": "AE", "ae": "AE",
    "german": "DE", "germany": "DE", "de": "DE",
    "japanese": "JP", "japan": "JP", "jp": "JP",
    "polish": "PL", "poland": "PL", "pl": "PL",
    "indian": "IN", "india": "IN",
    "european": "EU", "europe": "EU", "eu": "EU",
}  # fmt: skip
EU_COUNTRIES = frozenset({"FR", "DE", "PL", "IT", "ES", "NL", "SE", "FI", "AT", "BE", "IE", "DK", "PT", "CZ"})

OPEN, CLOSED = "open weights", "proprietary"  # the license classes of `BoardProfile.license_class`


class Aspect(StrEnum):
    """One fact asked for itself: of a history, of the changes, or of a comparison."""

    FIRST_TOP = "first_top"  # when did X first reach #1
    TIME_AT_TOP = "time_at_top"  # how long was X #1
    BEST_RANK = "best_rank"  # best rank ever of X
    NEW_LEADER = "new_leader"  # who took #1 (on DATE)
    BETTER = "better"  # is X better than Y: who is ahead, and whether the board can tell them apart


# Board names, never taken from inside a hub id ("lmsys/vicuna-7b") or a model name ("llama-2-7b-hf"); the names
# themselves are each profile's `words`. Built per registry state: an arena found upstream adds its words.
_ALONE_BEFORE, _ALONE_AFTER = r"(?<![\w/.-])", r"(?![\w/.-])"


@functools.cache
def _board_patterns(boards: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (
            re.compile(
                _ALONE_BEFORE
                + r"(?:(?:on|in|from) )?(?:the )?(?:"
                + "|".join(profile(b).words)
                + r")(?: board| leaderboard)?"
                + _ALONE_AFTER
            ),
            b,
        )
        for b in boards
    )


@functools.cache
def _any_board_word(boards: tuple[str, ...]) -> re.Pattern[str]:
    """Every board's words in one pattern, which a board's own pattern cannot match without: most questions name
    no board, and compile this one pattern instead of one per board."""
    return re.compile("|".join(f"(?:{word})" for b in boards for word in profile(b).words))


def find_board(q: str) -> tuple[str, re.Match[str]] | None:
    """The board a question names, by the longest phrase any board's words match ("on agent arena" is the agent
    arena, not `arena` followed by a stray word); equal lengths go to the board listed first."""
    boards = board_ids()
    if not _any_board_word(boards).search(q):
        return None
    best = None
    for pattern, board in _board_patterns(boards):
        match = pattern.search(q)
        if match and (best is None or len(match[0]) > len(best[1][0])):
            best = (board, match)
    return best


def board_named(text: str) -> str | None:
    """The board a command's board argument names: its id, or its words alone ("swe-bench verified", "webdev")."""
    if text in board_ids():
        return text
    words = clean(text)
    named = find_board(words)
    return named[0] if named and named[1].group(0).strip() == words else None


@dataclass(frozen=True)
class Filters:
    country: str | None = None  # ISO code, or "EU"
    organization: str | None = None  # organization name as the lexicon spells it
    benchmark: str | None = None  # store column
    min_params: float | None = None  # billions, inclusive
    max_params: float | None = None
    size_class: Said | None = None  # the words for a size class with its range ("small = under 10B")
    model_type: str | None = None
    official_only: bool = False
    license: str | None = None  # OPEN or CLOSED

    def describe(self, benchmark_names: Mapping[str, str] | None = None) -> list[Said]:
        """The filters in words (each a `Said`, so a title says them in the asker's language); `benchmark_names`
        (store column -> name) defaults to every board's benchmarks."""
        parts: list[str] = []
        if self.license:
            parts.append(Said("filters.open" if self.license == OPEN else "filters.closed"))
        if self.organization:
            parts.append(Said("filters.organization", organization=self.organization))
        if self.country:
            parts.append(Said("filters.country", country=self.country))
        if self.size_class:
            parts.append(self.size_class)
        elif self.min_params is not None and self.max_params is not None:
            parts.append(Said("filters.between", low=f"{self.min_params:g}", high=f"{self.max_params:g}"))
        elif self.max_params is not None:
            parts.append(Said("filters.up_to", high=f"{self.max_params:g}"))
        elif self.min_params is not None:
            parts.append(Said("filters.at_least", low=f"{self.min_params:g}"))
        if self.model_type:
            parts.append(Said("filters.type", type=self.model_type))
        if self.official_only:
            parts.append(Said("filters.official"))
        if self.benchmark:
            names = benchmark_names or {b.column: b.name for p in PROFILES.values() for b in p.benchmarks}
            parts.append(Said("filters.benchmark", benchmark=names.get(self.benchmark, self.benchmark)))
        return parts

    def needs(self) -> frozenset[Filter]:
        """The filters a board must support to answer this list."""
        used = {
            Filter.COUNTRY: self.country,
            Filter.ORGANIZATION: self.organization,
            Filter.BENCHMARK: self.benchmark,
            Filter.SIZE: self.min_params is not None or self.max_params is not None,
            Filter.MODEL_TYPE: self.model_type,
            Filter.OFFICIAL: self.official_only,
            Filter.LICENSE: self.license,
        }
        return frozenset(f for f, value in used.items() if value)


@dataclass(frozen=True)
class Query:
    kind: Kind
    text: str = ""
    board: str | None = None  # None: the default board
    category: str | None = None
    as_of: str | None = None
    models: tuple[str, ...] = ()
    count: int = DEFAULT_COUNT
    filters: Filters = field(default_factory=Filters)
    error: str | None = None
    aspect: Aspect | None = None
    leader: bool = False  # "who is #1": the first place, with every model tied for it
    since: str | None = None  # changes since this date (YYYY-MM-DD)
    since_days: int | None = None  # changes over this many days back from today ("this week")
    domain: str | None = None  # "best coding model": each board's leader for the domain (`Domain`)
    unmeasured: str | None = None  # "cheapest model": what was asked that no board measures (price, speed, context)
    language: str | None = None  # the language the question was asked in, when not English (`core.i18n`)


class QuestionError(ValueError):
    """A question that cannot be read as asked; the message says why, for a person."""


MENTION = re.compile(r"<@!?\d+>|<@&\d+>|<#\d+>|@everyone|@here")
_CONTRACTIONS = re.compile(r"\b(what|who|where|how|that|it|there|which)'s\b")
# Emoji, pictographs and other symbols carry no words (keeps "#", "+", "&").
_SYMBOLS = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Mn", "Me"})
# ... but Thai writes vowels and tones as combining marks: they are letters of its words.
_KEPT_MARKS = re.compile("[\u0e00-\u0e7f]")


def in_english(text: str) -> tuple[str, str | None]:
    """A cleaned question in another language as the English words the steps read, and which language it was
    (None: English). Each language's phrases stand for English words (`[foreign]` in the lexicon); model names,
    written in Latin letters inside Thai or Chinese text, are left as they are."""
    for lang, foreign in vocabulary().foreign.items():
        if foreign.may_be_in(text) and foreign.detect.search(text):
            for pattern, english in foreign.phrases:
                text = pattern.sub(english, text)
            return " ".join(text.split()), lang
    return text, None


def clean(text: str) -> str:
    """One spelling of the question: full-width forms folded, mentions and markdown gone, contractions written
    out ("what's" -> "what is"), possessives dropped ("gpt-4o's"), emoji and end punctuation removed (with the
    opening "¿" and "¡" of Spanish)."""
    text = unicodedata.normalize("NFKC", text)  # full-width 'ｔｏｐ ５' is 'top 5'
    text = MENTION.sub(" ", text)
    text = text.replace("*", " ").replace("`", " ").replace("_", " ") if "**" in text or "`" in text else text
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = "".join(" " if unicodedata.category(c) in _SYMBOLS and not _KEPT_MARKS.match(c) else c for c in text)
    text = _CONTRACTIONS.sub(r"\1 is", text.casefold())
    text = re.sub(r"(?<=[\w)])'s\b", "", text)
    text = re.sub(r"[?!\"¿¡]+|(?<!\d)[.;:](?=\s|$)|(?:^|\s)'|'(?=\s|$)", " ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    return " ".join(text.split())


_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[)\]]")


@dataclass
class State:
    """A question part-way through the steps: what is left of the text, and what the steps found."""

    original: str
    text: str  # what is left of the question, in English words
    lexicon: Lexicon
    force: Kind | None
    kind: Kind | None = None
    values: dict[str, Any] = field(default_factory=dict)  # Query fields found
    filters: dict[str, Any] = field(default_factory=dict)  # Filters fields found
    names: list[str] | None = None  # the model names, once a step has split them
    taken: list[tuple[str, str]] = field(default_factory=list)  # (step, words) for each thing recognised
    done: Query | None = None
    name_text: str | None = None  # for a question of no stated kind: the text before the list steps ran
    english: str = ""  # the whole question in English words, as the steps began on it

    def __post_init__(self) -> None:
        self.english = self.english or self.text

    def take(self, step: str, match: re.Match[str], group: int | str = 0) -> None:
        """Record what a step recognised and take its words out of the text."""
        self.taken.append((step, match.group(group)))
        text = self.text[: match.start()] + " " + self.text[match.end() :]
        # brackets whose words a step took ("instruction following (ifeval)") are read: they are not left over
        self.text = " ".join(_EMPTY_BRACKETS.sub(" ", text).split())

    def finish(self, kind: Kind, **values: Any) -> None:
        self.done = Query(kind, self.original, **{"language": self.values.get("language"), **values})

    @property
    def listing(self) -> bool:
        """A list of models (top, orgs) rather than a question about named models."""
        return self.kind in (Kind.TOP, Kind.ORGS)


# --- the steps ----------------------------------------------------------------------------------------------------


def _whole(s: State) -> None:
    """Questions that are one phrase: a greeting, help, boards; and a fragment that lacks its model."""
    v = vocabulary()
    if s.force == Kind.BOARDS:
        return s.finish(Kind.BOARDS)
    if s.force is not None:
        return None
    text = re.sub(r"^(?:@?leaderbot|bot)\b\s*", "", s.text)
    if not text:
        return s.finish(Kind.HELP)
    if v.greeting.match(text) or v.greeting.match(re.sub(r"\s+(?:leaderbot|bot|there|all|everyone)$", "", text)):
        return s.finish(Kind.GREETING)
    if v.help.match(text):
        return s.finish(Kind.HELP)
    if v.boards.match(text):
        return s.finish(Kind.BOARDS)
    for kind, pattern in v.fragments.items():
        if pattern.match(text):
            raise QuestionError(Said(f"errors.fragment_{kind}"))
    return None


def _board(s: State) -> None:
    """The board the question names, unless its words are part of a model name held: "grok 4.20 multi agent"
    is grok-4.20-multi-agent-beta-0309, not a question about the agent arena ("on the agent arena" still is)."""
    if named := find_board(s.text):
        board, match = named
        if not _inside_name(s.text, match, s.lexicon):
            s.values["board"] = board
            s.take("board", match)


_BOARD_LEAD = re.compile(r"^(?:on|in|from|the) ")


def _inside_name(text: str, match: re.Match[str], lexicon: Lexicon) -> bool:
    """Whether a step's words (a board's, a lab's, "fast"), as matched, run on from (or into) a word next to them
    the way a model name held does: the word before and the first word, or the last word and the word after, are
    two words in a row of a name ("multi agent", "tiger lab", "4 fast"). Words led by "on", "in", "from" or "the"
    are never a name's."""
    words = normalise(match[0]).split()
    if _BOARD_LEAD.match(match[0]) or not words:
        return False
    before, after = normalise(text[: match.start()]).split()[-1:], normalise(text[match.end() :]).split()[:1]
    return bool(
        (before and (before[0], words[0]) in lexicon.name_pairs)
        or (after and (words[-1], after[0]) in lexicon.name_pairs)
    )


DATE = re.compile(
    r"\b(as of|as at|on|at|in|before|from|since|after|of)?\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{8})(?![\w-])"
)


def _read_date(written: str) -> str:
    parts = re.split(r"[-/.]", written) if not written.isdigit() else [written[:4], written[4:6], written[6:]]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        raise QuestionError(Said("errors.bad_date", written=written)) from None


def _date(s: State) -> None:
    """A date said as a date ("as of 2024-09-01", "since 2025-07-07"); a bare one belongs to a model name
    ("gpt4o 2024-08-06"), except in a question about changes."""
    for m in DATE.finditer(s.text):
        lead = m.group(1)
        changes = vocabulary().changes.search(s.text) or vocabulary().new_leader.search(s.text)
        if lead is None and not changes:
            continue
        day = _read_date(m.group(2))
        s.values["since" if lead in ("since", "after", "from") and changes else "as_of"] = day
        s.take("date", m)
        return


def _split(text: str) -> list[str]:
    """One grammar for lists of models, in comparisons and histories alike: "a vs b", "a, b and c", "a or b"."""
    names = [n.strip() for n in vocabulary().separators.split(f" {text} ") if n and n.strip()]
    return [re.sub(r"^(?:the|models?)\s+|\s+(?:models?)$", "", n) for n in names]


def _intent(s: State) -> None:
    """What is asked: changes, a history (or one fact of it), a comparison, an org rollup, leaders, a rank."""
    v = vocabulary()
    if s.force in (None, Kind.CHANGES) and ((m := v.new_leader.search(s.text)) or (m := v.changes.search(s.text))):
        s.kind = Kind.CHANGES
        if m.re is v.new_leader:
            s.values["aspect"] = Aspect.NEW_LEADER
        s.take("intent", m)
        if period := v.period.search(s.text):
            s.values["since_days"] = v.periods[period.group(0)]
            s.take("period", period)
        elif previous := v.previous.search(s.text):  # "since the last board": the last two boards, as by default
            s.take("period", previous)
        return
    if s.force in (None, Kind.PROFILE):
        for pattern in v.everywhere:
            if m := pattern.match(s.text):
                s.kind = Kind.PROFILE
                s.taken.append(("intent", "everywhere"))
                s.names, s.text = [m.group("model")], ""
                return
        if s.force == Kind.PROFILE:
            s.kind, s.names, s.text = Kind.PROFILE, [s.text], ""
            return
    if s.force in (None, Kind.HISTORY):
        for aspect, patterns in v.aspects.items():
            for pattern in patterns:
                if m := pattern.match(s.text):
                    s.kind, s.values["aspect"] = Kind.HISTORY, Aspect(aspect)
                    s.taken.append(("intent", aspect))
                    s.names, s.text = _split(m.group("model")), ""
                    return
    if s.force == Kind.HISTORY or (
        s.force is None and (v.history_lead.search(s.text) or v.history_tail.search(s.text))
    ):
        s.kind = Kind.HISTORY
        lead = v.history_lead.search(s.text)
        text = (v.history_tail_after_lead if lead else v.history_tail).sub("", v.history_lead.sub("", s.text))
        s.taken.append(("intent", "history"))
        s.names, s.text = _split(text), ""
        return
    if s.force in (None, Kind.COMPARE):
        for pattern in v.better:
            if m := pattern.match(s.text):
                s.kind, s.values["aspect"] = Kind.COMPARE, Aspect.BETTER
                s.taken.append(("intent", "better than"))
                s.names, s.text = [*_split(m.group("a")), *_split(m.group("b"))], ""
                return
        lead = v.compare_lead.match(s.text)
        listing = v.leaders.search(s.text) or v.orgs.search(s.text)
        if (
            s.force == Kind.COMPARE
            or lead
            or v.compare_marks.search(f" {s.text} ")
            or (not listing and re.search(r"\s(?:or)\s|,", s.text))
        ):
            text = s.text[lead.end() :] if lead else s.text
            text = re.sub(r"^(?:the |models? )+", "", text)
            names = _split(re.sub(r"\s+(?:with|to)\s+", " vs ", text) if lead else text)
            if len(names) >= 2 or s.force == Kind.COMPARE or lead:
                s.kind = Kind.COMPARE
                if lead and re.search(r"\b(?:better|wins)\b", lead.group(0)):  # "which is better: X or Y"
                    s.values["aspect"] = Aspect.BETTER
                s.taken.append(("intent", "compare"))
                s.names, s.text = names, ""
                return
    if s.force is not None:
        s.kind = s.force
    elif v.rank_strong.match(s.text):
        s.kind = Kind.RANK
    elif (m := v.orgs.search(s.text)) and not _inside_name(s.text, m, s.lexicon):  # "tiger lab qwen2.5 ..."
        s.kind = Kind.ORGS
        s.take("intent", m)
        while m := v.orgs.search(s.text):  # "which orgs dominate": every word of the intent
            s.take("intent", m)
    elif m := v.leader_one.search(s.text):
        s.kind, s.values["leader"] = Kind.TOP, True
        s.take("intent", m)
    elif v.leaders.search(s.text):
        s.kind = Kind.TOP
    elif v.rank_lead.match(s.text) or v.rank_tail.search(s.text):
        s.kind = Kind.RANK
    if s.kind == Kind.TOP and not s.values.get("leader") and re.search(r"\b(?:model|llm|ai)\b(?![\w-])", s.text):
        s.values["leader"] = True  # "best open model": the first place (a count, "top 5 open model", overrides)
    if s.kind in (None, Kind.TOP, Kind.ORGS):
        # An exact model name wins over the filter words inside it ("Meta-Llama-3-70B-Instruct" is not "from Meta").
        bare = v.filler.sub(" ", v.leaders.sub(" ", s.text)).strip()
        for candidate in (s.text, bare):
            if candidate and normalise(candidate) in s.lexicon.model_names:
                s.kind, s.text = Kind.RANK, candidate
                s.values.pop("leader", None)
                break
    if s.kind is None:
        s.name_text = s.text  # a name, unless the list steps below take every word


@functools.cache
def _category_names() -> dict[str, str]:
    """Phrase (a regular expression) -> category, for the categories the lexicon names (made once: the
    vocabulary never changes; callers copy it)."""
    v = vocabulary()
    return {phrase: category for category, phrases in v.categories.items() for phrase in phrases}


def _category(s: State) -> None:
    """A category: "category coding", a language ("in Chinese", "for Chinese prompts"), or a category's words
    ("best coding model"; in a question about a model only after "in", "on", "for": "qwen coder" is a name)."""
    if s.kind != Kind.CHANGES or s.text:
        _find_category(s, lead_required=s.kind not in (None, Kind.TOP, Kind.ORGS))
    v = vocabulary()
    for i, name in enumerate(s.names or []):  # "a vs b including fine-tunes": the list's names were split already
        for category in v.category_alone:
            if m := re.search(r"\s*" + BEFORE + "(?:" + "|".join(v.categories[category]) + ")" + AFTER, name):
                s.values["category"] = category
                s.taken.append(("category", m.group(0).strip()))
                s.names[i] = (name[: m.start()] + name[m.end() :]).strip()  # type: ignore[index] # names is set
    if s.kind is None and s.values.get("category") and not s.text.strip():
        s.kind = Kind.TOP  # "coding": the leaders of that category


def _find_category(s: State, *, lead_required: bool) -> None:
    v = vocabulary()
    for category in v.category_alone:  # "including fine-tunes": a category without "in" or "on" before it
        if m := re.search(BEFORE + "(?:" + "|".join(v.categories[category]) + ")" + AFTER, s.text):
            s.values["category"] = category
            s.take("category", m)
            return
    stored = {c.replace("_", " ").replace("-", " "): c for c in s.lexicon.categories}
    if m := re.search(r"\bcategory[: ]+([\w\- ]+?)(?=$| on | in | from | as of )", s.text):
        words = m.group(1).strip()
        s.values["category"] = _category_of(words, stored) or words.replace(" ", "_")
        s.take("category", m)
        return
    lang = "|".join(p for phrases in v.languages.values() for p in phrases)
    for pattern in (
        rf"\b(?:{v.language_lead}) (?:the )?({lang})(?: (?:{v.language_tail}))?(?![\w-])",
        rf"\b({lang}) (?:{v.language_tail})(?![\w-])",
    ):
        if m := re.search(pattern, s.text):
            s.values["category"] = next(
                c for c, phrases in v.languages.items() if re.fullmatch("|".join(phrases), m.group(1))
            )
            s.take("category", m)
            return
    phrases = {**_category_names(), **{re.escape(k): c for k, c in stored.items()}}
    alternatives = "|".join(sorted(phrases, key=len, reverse=True))
    lead = rf"(?:(?:{v.category_lead}) )" + ("" if lead_required else "?")
    for m in re.finditer(BEFORE + lead + rf"({alternatives})" + AFTER, s.text):
        category = _category_of(m.group(1), stored)
        if m.group(1) in s.lexicon.benchmarks and _benchmark_first(s, m.group(1), category):
            continue  # "top 5 on math" on the Open LLM board: its MATH benchmark
        s.values["category"] = category
        s.take("category", m)
        return


def _benchmark_first(s: State, word: str, category: str | None) -> bool:
    """A word that is both a category and a benchmark ("math") is the benchmark on a board that has it, or
    when no board holds the category."""
    board = s.values.get("board")
    if board is not None:
        return profile(board).benchmark(s.lexicon.benchmarks[word]) is not None
    return category not in s.lexicon.categories


def _category_of(words: str, stored: Mapping[str, str]) -> str | None:
    if words in stored:
        return stored[words]
    for phrase, category in _category_names().items():
        if re.fullmatch(phrase, words):
            return category
    return None


def _unmeasured(s: State) -> None:
    """Price, speed, context length: no board ranks by them, so the question is answered by saying so (the
    answerer names the boards held) rather than read as a model name ("cheapest good" is no model). A word of
    theirs inside a model name held ("grok 4 fast") stays the name's."""
    for text in (s.text, *(s.names or [])):
        for what, pattern in vocabulary().unmeasured.items():
            for m in pattern.finditer(text):
                if not _inside_name(text, m, s.lexicon):
                    s.taken.append(("unmeasured", m.group(0)))
                    return s.finish(Kind.ERROR, unmeasured=what)
    return None


COUNT_NEG = re.compile(r"(?:top|best|first)\s*(-\s*\d+)")
COUNT = re.compile(r"\b(?:top|best|first)[\s-]*(\d+)\b|\b(\d+)\s+(?:best|top)\b|^(\d+)$")


def _count(s: State) -> None:
    if not s.listing and s.kind not in (None, Kind.CHANGES):
        return
    v = vocabulary()
    negative = COUNT_NEG.search(s.text) or (re.match(r"^\s*(-\s*\d+)", s.text) if s.force else None)
    if negative:
        shown = negative.group(1).replace(" ", "")
        raise QuestionError(Said("errors.bad_count", shown=shown, most=MAX_COUNT))
    words = "|".join(v.counts)
    counted = (
        COUNT.search(s.text)
        or re.search(rf"\b(?:top|best|first)\s+({words})\b|\b({words})\s+(?:best|top)\b", s.text)
        or (re.match(r"^\s*(\d+)\b", s.text) if s.force else None)
    )
    if counted:
        written = next(g for g in counted.groups() if g)
        number = int(written) if written.isdigit() else v.counts[written]
        if not 1 <= number <= MAX_COUNT:
            raise QuestionError(Said("errors.count_range", most=MAX_COUNT, number=number))
        s.values["count"] = number
        s.values.pop("leader", None)
        s.take("count", counted)
        if s.kind is None:
            s.kind = Kind.TOP  # "top5", "5 best"
    elif s.kind == Kind.ORGS and (bare := re.search(r"(?<![\w.])(\d{1,3})(?![\w.])", s.text)):  # "orgs 50"
        number = int(bare.group(1))
        if not 1 <= number <= MAX_COUNT:
            raise QuestionError(Said("errors.orgs_range", most=MAX_COUNT, number=number))
        s.values["count"] = number
        s.take("count", bare)


SIZE_RANGE = re.compile(r"\b(?:between\s+)?(\d+(?:\.\d+)?)\s*b?\s*(?:-|to|and|–)\s*(\d+(?:\.\d+)?)\s*b\b")
SIZE_MAX = re.compile(
    r"(?:\bunder|\bbelow|\bless than|\bsmaller than|\bup to|\bat most|<=?|\bmax(?:imum)?|\bwithin)"
    r"\s*(\d+(?:\.\d+)?)\s*b\b"
    r"|\b(\d+(?:\.\d+)?)\s*b\s+(?:or|and)\s+(?:smaller|less|under|below)\b"
)
SIZE_MIN = re.compile(
    r"(?:\bover|\babove|\bmore than|\bbigger than|\blarger than|\bat least|>=?|\bmin(?:imum)?)\s*(\d+(?:\.\d+)?)\s*b\b"
    r"|\b(\d+(?:\.\d+)?)\s*b\s+(?:or|and)\s+(?:bigger|larger|more|over|above)\b"
)
# "7b", "70b-class", "a 7b model": the class of that size, from 0.8x to 1.25x.
SIZE_CLASS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*b(?:[- ](?:class|range|size|sized|ish))?(?![\w.])")


def _size(s: State) -> None:
    if not s.listing and s.kind is not None:
        return
    if m := SIZE_RANGE.search(s.text):
        low, high = sorted((float(m.group(1)), float(m.group(2))))
        s.filters.update(min_params=low, max_params=high)
        s.take("size", m)
    if m := SIZE_MAX.search(s.text):
        s.filters["max_params"] = float(m.group(1) or m.group(2))
        s.take("size", m)
    if m := SIZE_MIN.search(s.text):
        s.filters["min_params"] = float(m.group(1) or m.group(2))
        s.take("size", m)
    if "min_params" in s.filters or "max_params" in s.filters:
        return
    for size in vocabulary().sizes:
        if m := size.words.search(s.text):
            s.filters.update(min_params=size.low, max_params=size.high, size_class=size.describe())
            s.take("size", m)
            return
    if m := SIZE_CLASS.search(s.text):
        value = float(m.group(1))
        low, high = round(value * 0.8, 1), round(value * 1.25, 1)
        near = Said("sizes.near", value=f"{value:g}", low=f"{low:g}", high=f"{high:g}")
        s.filters.update(min_params=low, max_params=high, size_class=near)
        s.take("size", m)


def _license(s: State) -> None:
    if not s.listing and s.kind is not None:
        return
    for kind, pattern in vocabulary().licenses.items():
        if m := pattern.search(s.text):
            s.filters["license"] = OPEN if kind == "open" else CLOSED
            s.take("license", m)
            return


def _official(s: State) -> None:
    if (s.listing or s.kind is None) and (m := re.search(r"\bofficial(?: providers?)?\b", s.text)):
        s.filters["official_only"] = True
        s.take("official", m)


def _benchmark(s: State) -> None:
    """A benchmark by one of its words; the same benchmark named again ("instruction following (ifeval)") is
    taken with it."""
    if not s.listing and s.kind is not None:
        return
    phrases = sorted(s.lexicon.benchmarks, key=len, reverse=True)
    for phrase in phrases:  # a phrase not in the text is passed over before its pattern is compiled
        if phrase in s.text and (
            m := re.search(rf"\b(?:(?:on|in|at|for|by) )?(\()?{re.escape(phrase)}\b(?(1)\))", s.text)
        ):
            column = s.filters["benchmark"] = s.lexicon.benchmarks[phrase]
            s.take("benchmark", m)
            for again in (p for p in phrases if s.lexicon.benchmarks[p] == column):
                if m := re.search(rf"\b{re.escape(again)}\b", s.text):
                    s.take("benchmark", m)
            return


def _country(s: State) -> None:
    if not s.listing and s.kind is not None:
        return
    for phrase in sorted(COUNTRIES, key=len, reverse=True):
        if phrase in s.text and (m := re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w])", s.text)):
            s.filters["country"] = COUNTRIES[phrase]
            s.take("country", m)
            return


def _model_type(s: State) -> None:
    if not s.listing and s.kind is not None:
        return
    for word, kind in s.lexicon.model_types.items():
        if word in s.text and (m := re.search(rf"\b{re.escape(word)}\b", s.text)):
            s.filters["model_type"] = kind
            s.take("type", m)
            return


def _organization(s: State) -> None:
    """The longest run of words that is a known spelling ("mistral ai", "meta", "alibaba")."""
    if not s.listing and s.kind is not None:
        return
    # the words as written first ("nomic ai"), then without filler ("models by the meta" -> "meta")
    for words in (s.text.split(), vocabulary().filler.sub(" ", s.text).split()):
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                phrase = " ".join(words[i : i + size])
                key = org_key(phrase)
                if key and key in s.lexicon.organizations:
                    s.filters["organization"] = s.lexicon.organizations[key]
                    if m := re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w])", s.text):
                        s.take("organization", m)
                    return


def _names(s: State) -> None:
    """What is left: the model name(s), or for a list nothing but filler (anything else is named back)."""
    v = vocabulary()
    if s.kind is None:
        leftover = v.filler.sub(" ", v.leaders.sub(" ", s.text)).split()
        # "chinese models", "under 10b": a list. With an organization it must say "models": "meta" and
        # "mistral large" are names.
        says_models = re.search(r"\b(?:models|llms)\b", s.original.casefold())
        named_by_org = "organization" in s.filters and not says_models
        if not leftover and (s.filters or s.values.get("category") or s.values.get("board")) and not named_by_org:
            s.kind = Kind.TOP  # ... and a board alone ("video edit leaderboard") is its leaders
        else:  # a name after all: what the list steps took goes back, but "in coding" is still a category
            s.kind, s.text = Kind.RANK, s.name_text or s.text
            s.filters.clear()
            s.values.pop("category", None)
            s.values.pop("count", None)
            _find_category(s, lead_required=True)
    if s.kind == Kind.PROFILE:
        name = re.sub(r"^(?:the |model )+|\s+(?:model|llm)$", "", (s.names or [""])[0].strip())
        if not name:
            raise QuestionError(Said("errors.which_model_card"))
        s.values["models"] = (name,)
        return
    if s.kind in (Kind.COMPARE, Kind.HISTORY):
        names = [n for n in (s.names or []) if n]
        if s.kind == Kind.HISTORY:
            if not names:
                raise QuestionError(Said("errors.whose_history"))
            if len(names) > MAX_CHART_MODELS:
                raise QuestionError(Said("errors.chart_most", most=MAX_CHART_MODELS))
        else:
            if len(names) < 2:
                raise QuestionError(Said("errors.compare_two"))
            if len(names) > MAX_COMPARE:
                raise QuestionError(Said("errors.compare_most", most=MAX_COMPARE))
        s.values["models"] = tuple(names)
        return
    if s.kind == Kind.RANK:
        name = v.rank_tail.sub("", v.rank_lead.sub("", s.text)).strip()
        bare = re.sub(r"^(?:(?:what|where|how) (?:is|are|does) )?(?:the )?", "", name)
        name = name if normalise(name) in s.lexicon.model_names else bare  # an alias may be "the goat"
        if s.force == Kind.RANK:  # `!rank of X`, `!where is X`: the command already said "rank" / "where"
            name = re.sub(r"^(?:of|is|are|for|does|about)\s+", "", name)
        name = re.sub(r"\s+(?:model|llm)$", "", name).strip()
        if not name:
            raise QuestionError(Said("errors.which_model"))
        s.values["models"] = (name,)
        return
    leftover = v.filler.sub(" ", v.leaders.sub(" ", s.text.replace(",", " "))).split()
    if s.kind == Kind.CHANGES:
        if leftover:
            raise QuestionError(_not_understood(leftover, s, "understood.changes"))
        return
    if leftover:
        raise QuestionError(_not_understood(leftover, s, "understood.list"))
    if s.kind == Kind.ORGS:
        s.values.setdefault("count", DEFAULT_ORGS_COUNT)
    if s.values.get("leader"):
        s.values.setdefault("count", 1)


def _domain(s: State) -> None:
    """ "best coding model", "best at math", "best vision model": no count, filter, date or explicit category, and
    the category or board named is a domain's word. Every board that measures it answers side by side."""
    said = dict(s.taken)
    only_benchmark = set(s.filters) == {"benchmark"} and "board" not in s.values and "category" not in s.values
    if s.kind != Kind.TOP or (s.filters and not only_benchmark) or "as_of" in s.values or "count" in said:
        return
    if not (s.values.get("leader") or re.search(r"\bbest\b", s.original.casefold())):
        return
    board, category = s.values.get("board"), s.values.get("category")
    if only_benchmark:  # "best at math" where only the Open LLM archive knows the word: a benchmark
        words = re.sub(r"^(?:on|in|at|for|by) |[()]", "", said.get("benchmark", ""))
    elif board is None and category is not None:
        words = re.sub(rf"^(?:(?:{vocabulary().category_lead}) )", "", said.get("category", ""))
        if said.get("category", "").startswith("category"):
            return  # "best model in category coding" asks for that category
    elif board is not None and category is None:
        words = re.sub(r"^(?:(?:on|in|from) )?(?:the )?|(?: board| leaderboard)$", "", said.get("board", ""))
    else:
        return
    for domain, pattern in vocabulary().domains.items():
        if pattern.match(words.strip()):
            s.filters.clear()
            s.values.pop("board", None)
            s.values.pop("category", None)
            s.values.pop("leader", None)
            s.values["domain"] = domain
            s.kind = Kind.DOMAIN
            return


def _unread(s: State) -> None:
    """A question in another language whose words the phrases did not all turn into English: what is left in
    that script is no model name, so the question was not understood (and its asker gets the help, in that
    language)."""
    language = s.values.get("language")
    if language is None:
        return
    script = vocabulary().foreign[language].script
    left = [m for m in s.values.get("models", ()) if script is not None and script.search(m)]
    if left:
        raise QuestionError(Said("understood.words", words=left[0], offers=closest_offers(s.english)))


def _not_understood(words: list[str], s: State, key: str) -> Said:
    """Names the words (`key`: in what kind of question), the closest word that would have been understood, and
    the closest questions that would have been."""
    shown = " ".join(words)
    known = [*vocabulary().words, *COUNTRIES, *board_ids(), *(c.replace("_", " ") for c in s.lexicon.categories)]
    offers = closest_offers(s.english)
    for word in words:
        others = [k for k in known if k != word]
        if len(word) > 2 and (close := process.extractOne(word, others, scorer=fuzz.ratio, score_cutoff=75)):
            return Said(key, words=shown, then=Said("understood.did_you_mean", word=close[0]), offers=offers)
    return Said(key, words=shown, then="", offers=offers)


OFFERED = 3


def closest_offers(text: str) -> Said:
    """The few questions the bot answers (`[examples]` of the catalogues) closest to a question not understood, as
    one sentence said in the asker's language: what to ask instead, rather than only "not understood". Closeness
    is read on the English examples (the steps read every question in English words); ties keep the catalogue's
    order, which puts the commonest questions first."""
    english = in_english(clean(text))[0]
    examples = [key for key in catalogue(DEFAULT_LANGUAGE) if key.startswith("examples.")]
    score = {key: fuzz.token_set_ratio(english, t(DEFAULT_LANGUAGE, key)) for key in examples}
    closest = sorted(examples, key=lambda key: -score[key])[:OFFERED]
    return Said("understood.offers", offers=[Said("understood.offer", question=Said(key)) for key in closest])


# The declared pipeline: each step consumes what it recognises, in this order.
STEPS: tuple[tuple[str, Callable[[State], None]], ...] = (
    ("whole question", _whole),
    ("board", _board),
    ("date", _date),
    ("intent", _intent),
    ("category", _category),
    ("unmeasured", _unmeasured),
    ("count", _count),
    ("benchmark", _benchmark),
    ("license", _license),
    ("size", _size),
    ("official", _official),
    ("country", _country),
    ("type", _model_type),
    ("organization", _organization),
    ("model names", _names),
    ("unread words", _unread),
    ("domain", _domain),
)


def parse_question(text: str, lexicon: Lexicon | None = None, *, force: Kind | None = None) -> Query:
    """Parse one question. `force` is set by commands (`!top ...`, `/rank ...`) that already say the kind. A
    question that cannot be read becomes an error query saying why (the answerer answers it with that)."""
    original = " ".join(text.split())
    try:
        if len(original) > MAX_QUESTION:
            raise QuestionError(Said("errors.too_long", length=f"{len(original):,}", most=MAX_QUESTION))
        english, language = in_english(clean(original))
        state = State(original, english, lexicon or Lexicon(), force)
        state.values["language"] = language
        if not state.text and force is None:
            return Query(Kind.HELP, original, language=language)
        for _name, step in STEPS:
            step(state)
            if state.done is not None:
                return state.done
        assert state.kind is not None  # the names step always settles it
        query = Query(state.kind, original, **state.values)
        return replace(query, filters=Filters(**state.filters))
    except QuestionError as exc:
        language = in_english(clean(original[:MAX_QUESTION]))[1]
        if language is not None and getattr(exc.args[0], "key", "").startswith("understood."):
            return Query(Kind.HELP, original[:MAX_QUESTION], language=language)  # the help, in that language
        return Query(Kind.ERROR, original[:MAX_QUESTION], error=exc.args[0], language=language)


__all__ = ["STEPS", "Aspect", "Filters", "Lexicon", "Query", "QuestionError", "clean", "parse_question"]
