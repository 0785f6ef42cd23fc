"""Free text and command arguments -> one structured `Query`.

People type "top 5 on math under 10b", "best model from Meta", "llama 3.3 70b vs qwen 2.5 72b". The parser peels
off what it recognises (board, date, count, country, organization, benchmark, size, type) and what remains is the
model name(s). It never looks at the store: organization spellings come in as a lexicon.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from db.keys import org_key

from ..profiles import PROFILES, Filter, board_ids, profile
from .answer import Kind

MAX_QUESTION = 300
MAX_COUNT = 100
DEFAULT_COUNT = 10
DEFAULT_ORGS_COUNT = 20
MAX_CHART_MODELS = 8  # one colour-blind-safe colour each

# Country words -> ISO 3166 alpha-2.
COUNTRIES: dict[str, str] = {
    "chinese": "CN", "china": "CN", "cn": "CN", "prc": "CN",
    "american": "US", "america": "US", "us": "US", "usa": "US", "u.s.": "US", "united states": "US",
    "french": "FR", "france": "FR", "fr": "FR",
    "british": "GB", "uk": "GB", "gb": "GB", "england": "GB", "english": "GB", "united kingdom": "GB",
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


def find_board(q: str) -> tuple[str, re.Match[str]] | None:
    """The board a question names, by the longest phrase any board's words match ("on agent arena" is the agent
    arena, not `arena` followed by a stray word); equal lengths go to the board listed first."""
    best = None
    for pattern, board in _board_patterns(board_ids()):
        match = pattern.search(q)
        if match and (best is None or len(match[0]) > len(best[1][0])):
            best = (board, match)
    return best


def _benchmark_words() -> dict[str, str]:
    """Every board's benchmark words -> store column."""
    return {word: b.column for p in PROFILES.values() for b in p.benchmarks for word in b.words}


def _model_type_words() -> dict[str, str]:
    """Every board's words for its model types -> the type as the board writes it."""
    return {word: kind for p in PROFILES.values() for word, kind in p.model_types.items()}


@dataclass(frozen=True)
class Filters:
    country: str | None = None  # ISO code, or "EU"
    organization: str | None = None  # organization name as the lexicon spells it
    benchmark: str | None = None  # store column
    min_params: float | None = None  # billions, inclusive
    max_params: float | None = None
    model_type: str | None = None
    official_only: bool = False

    def describe(self, benchmark_names: Mapping[str, str] | None = None) -> list[str]:
        """The filters in words; `benchmark_names` (store column -> name) defaults to every board's benchmarks."""
        parts = []
        if self.organization:
            parts.append(f"from {self.organization}")
        if self.country:
            parts.append(f"country {self.country}")
        if self.min_params is not None and self.max_params is not None:
            parts.append(f"{self.min_params:g}B-{self.max_params:g}B")
        elif self.max_params is not None:
            parts.append(f"up to {self.max_params:g}B")
        elif self.min_params is not None:
            parts.append(f"at least {self.min_params:g}B")
        if self.model_type:
            parts.append(f"{self.model_type} models")
        if self.official_only:
            parts.append("official providers")
        if self.benchmark:
            names = benchmark_names or {b.column: b.name for p in PROFILES.values() for b in p.benchmarks}
            parts.append(f"by {names.get(self.benchmark, self.benchmark)}")
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


@dataclass(frozen=True)
class Lexicon:
    """Organization spellings (normalised alias -> organization name), from the store's alias table, and the
    boards' benchmark and model-type words, from their profiles."""

    organizations: Mapping[str, str] = field(default_factory=dict)
    benchmarks: Mapping[str, str] = field(default_factory=_benchmark_words)
    model_types: Mapping[str, str] = field(default_factory=_model_type_words)


HELP_WORDS = re.compile(r"^(?:help|h|\?|commands|usage|what can you do|how do i use (?:this|you))$")
BOARDS_WORDS = re.compile(
    r"^(?:boards|leaderboards|sources|which boards|what boards|list boards|status|freshness|"
    r"when (?:was|were) .*updated|how fresh.*)$"
)
ORGS_WORDS = re.compile(
    r"\b(?:which|what|top)?\s*(?:orgs|organi[sz]ations|companies|labs|countries)\b"
    r"|\bwho (?:dominates|leads|has|holds|owns)\b|\bdominat\w*\b"
)
TOP_WORDS = re.compile(r"\b(?:top|best|leading|highest[- ]ranked|highest|strongest|leaders?|ranking|rankings)\b")
RANK_WORDS = re.compile(
    r"^(?:what(?:'s| is)? (?:the )?rank(?:ing)? (?:of|is|for)|what rank is|rank(?:ing)? of|rank|where (?:is|does)|"
    r"how (?:is|does|good is)|position of|standing of|score of|how high is|show me|show|tell me about|info on|"
    r"lookup|look up|find|stats for|stats of)\s+"
)
HISTORY_LEAD = re.compile(
    r"^(?:(?:show (?:me )?)?(?:the )?(?:history|chart|graph|trend|progress)(?: of| for)?|how (?:has|have|did) )\s*"
)


def _history_tail(verbs: str) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:(?:'s )?history|over time|(?:been )?(?:{verbs})(?: over time| lately| recently)?)\s*$")


# "how is X doing" asks for the rank now, so these verbs mark a history question only after "how has X ...";
# "X has moved", "X over time" are history questions on their own.
_MOVING = "moved|moving|changed|performed|trended"
HISTORY_TAIL = _history_tail(_MOVING)  # says "history"
HISTORY_TAIL_WORDS = _history_tail(_MOVING + "|done|doing|ranked")  # what to strip from a history question
COMPARE_SPLIT = re.compile(r"\s+(?:vs\.?|versus|against|compared to|compared with|or|and|&)\s+|\s*,\s*")
COMPARE_LEAD = re.compile(r"^(?:compare|comparison of|diff|difference between)\s+")
# A date said as a date ("as of 2024-09-01"); a bare one belongs to a model name ("gpt4o 2024-08-06").
DATE = re.compile(r"\b(?:as of|as at|on|at|in|before|from)\s+(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{8})(?![\w-])")
CATEGORY = re.compile(r"\bcategory[: ]+([\w\- ]+?)(?=$| on | in | from )")
COUNT_NEG = re.compile(r"(?:top|best)\s*(-\s*\d+)")
COUNT = re.compile(r"\b(?:top|best|first)\s*(\d+)\b|\b(\d+)\s+(?:best|top)\b|^(\d+)$")
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
FILLER = re.compile(
    r"\b(?:models?|llms?|the|a|an|is|are|what|which|who|whats|show|me|please|pls|list|give|currently|now|"
    r"right|on|in|from|by|made|of|for|with|overall|ones?|open|weights?|leaderboard|board|score|scores|"
    r"params?|parameters?|size|sized|official|providers?|only)\b"
)
MENTION = re.compile(r"<@!?\d+>|<@&\d+>|<#\d+>|@everyone|@here")


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width 'ｔｏｐ ５' is 'top 5'
    text = MENTION.sub(" ", text)
    text = text.replace("*", " ").replace("`", " ").replace("_", " ") if "**" in text or "`" in text else text
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[?!]+", " ", text)
    return " ".join(text.split())


class QuestionError(ValueError):
    """A question that cannot be read as asked; the message says why, for a person."""


def parse_question(text: str, lexicon: Lexicon | None = None, *, force: Kind | None = None) -> Query:
    """Parse one question. `force` is set by commands (`!top ...`, `/rank ...`) that already say the kind. A
    question that cannot be read becomes an error query saying why (the answerer answers it with that)."""
    original = " ".join(text.split())
    try:
        if len(original) > MAX_QUESTION:
            raise QuestionError(
                f"That question is {len(original):,} characters long; please keep it under {MAX_QUESTION}."
            )
        return _parse(original, lexicon or Lexicon(), force)
    except QuestionError as exc:
        return Query(Kind.ERROR, original[:MAX_QUESTION], error=str(exc))


def _parse(original: str, lexicon: Lexicon, force: Kind | None) -> Query:
    q = clean(original).casefold()
    if not q and force is None:
        return Query(Kind.HELP, original)
    if force is None and HELP_WORDS.match(q):
        return Query(Kind.HELP, original)
    if force == Kind.BOARDS or (force is None and BOARDS_WORDS.match(q)):
        return Query(Kind.BOARDS, original)

    board = None
    if named := find_board(q):
        board, match = named
        q = match.re.sub(" ", q)
    as_of = None
    if m := DATE.search(q):
        written = m.group(1)
        parts = re.split(r"[-/.]", written) if not written.isdigit() else [written[:4], written[4:6], written[6:]]
        try:
            as_of = date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            raise QuestionError(f"{written} is not a date I know; write it as YYYY-MM-DD.") from None
        q = q[: m.start()] + " " + q[m.end() :]
    category = None
    if m := CATEGORY.search(q):
        category = m.group(1).strip()
        q = q[: m.start()] + " " + q[m.end() :]

    if force == Kind.HISTORY or (force is None and (HISTORY_LEAD.search(q) or HISTORY_TAIL.search(q))):
        return _history(original, q, board, category, as_of)
    if force == Kind.COMPARE or (force is None and (COMPARE_LEAD.search(q) or re.search(r"\s(?:vs\.?|versus)\s", q))):
        return _compare(original, q, board, category, as_of)

    kind: Kind | None = force
    if kind is None:
        if ORGS_WORDS.search(q):
            kind = Kind.ORGS
        elif TOP_WORDS.search(q):
            kind = Kind.TOP
        elif RANK_WORDS.match(q):
            kind = Kind.RANK
    if kind in (None, Kind.RANK):
        name = RANK_WORDS.sub("", q).strip()
        if force == Kind.RANK:  # `!rank of X`, `!where is X`: the command already said "rank" / "where"
            name = re.sub(r"^(?:of|is|are|for|does|about)\s+", "", name)
        name = re.sub(r"\b(?:rank(?:ed|ing)?|doing|placed|stand(?:ing)?|now)$", "", name).strip()
        filters, rest = _filters(name, lexicon)
        # "chinese models", "under 10b": a list, not a name. A bare organization ("meta") stays a name lookup.
        if kind is None and not rest and replace(filters, organization=None) != Filters():
            kind = Kind.TOP
        else:
            if not name:
                raise QuestionError("Which model? Try `rank qwen2 72b instruct`.")
            return Query(Kind.RANK, original, board, category, as_of, models=(name,))

    count = DEFAULT_ORGS_COUNT if kind == Kind.ORGS else DEFAULT_COUNT
    negative = COUNT_NEG.search(q) or (re.match(r"^\s*(-\s*\d+)", q) if force else None)
    if negative:
        shown = negative.group(1).replace(" ", "")
        raise QuestionError(f"`{shown}` is not a count: ask for 1 to {MAX_COUNT}, e.g. `top 10`.")
    counted = COUNT.search(q) or (re.match(r"^\s*(\d+)\b", q) if force else None)
    if counted:
        number = int(next(g for g in counted.groups() if g))
        if not 1 <= number <= MAX_COUNT:
            raise QuestionError(f"I can list 1 to {MAX_COUNT} models; you asked for {number}.")
        count = number
        q = q[: counted.start()] + " " + q[counted.end() :]
    q = TOP_WORDS.sub(" ", q)
    if kind == Kind.ORGS:
        q = ORGS_WORDS.sub(" ", q)
        if not counted and (bare := re.search(r"(?<![\w.])(\d{1,3})(?![\w.])", q)):  # "orgs 50", "labs 30"
            number = int(bare.group(1))
            if not 1 <= number <= MAX_COUNT:
                raise QuestionError(f"I can count the top 1 to {MAX_COUNT}; you asked for {number}.")
            count = number
            q = q[: bare.start()] + " " + q[bare.end() :]
        q = re.sub(r"\b(?:leads?|leading|holds?|owns?|has|have|most|places|spots|positions)\b", " ", q)
    filters, rest = _filters(q, lexicon)
    if rest:
        raise QuestionError(f"I did not understand “{rest}” in that list request.")
    return Query(kind, original, board, category, as_of, count=count, filters=filters)


def _history(original: str, q: str, board: str | None, category: str | None, as_of: str | None) -> Query:
    q = HISTORY_TAIL_WORDS.sub("", HISTORY_LEAD.sub("", q.strip()))
    names = [n.strip() for n in re.split(r"\s+(?:vs\.?|versus|and|&)\s+|\s*,\s*", q) if n and n.strip()]
    if not names:
        raise QuestionError("Whose history? For example: `history gpt-4o-2024-05-13 vs claude 3 opus`.")
    if len(names) > MAX_CHART_MODELS:
        raise QuestionError(f"A chart holds up to {MAX_CHART_MODELS} models.")
    return Query(Kind.HISTORY, original, board, category, as_of, models=tuple(names))


def _compare(original: str, q: str, board: str | None, category: str | None, as_of: str | None) -> Query:
    q = COMPARE_LEAD.sub("", q.strip())
    names = [n.strip() for n in COMPARE_SPLIT.split(q) if n and n.strip()]
    names = [re.sub(r"^(?:the|models?)\s+", "", n) for n in names]
    if len(names) < 2:
        raise QuestionError("Compare needs two or more models, e.g. `compare gemma 2 27b vs llama 3 70b`.")
    if len(names) > 10:
        raise QuestionError("I can compare up to 10 models at once.")
    return Query(Kind.COMPARE, original, board, category, as_of, models=tuple(names))


def _filters(text: str, lexicon: Lexicon) -> tuple[Filters, str]:
    """Recognised filters, and whatever words are left over."""
    q = f" {text} "
    values: dict[str, object] = {}
    if m := SIZE_RANGE.search(q):
        low, high = sorted((float(m.group(1)), float(m.group(2))))
        values.update(min_params=low, max_params=high)
        q = q[: m.start()] + " " + q[m.end() :]
    if m := SIZE_MAX.search(q):
        values["max_params"] = float(m.group(1) or m.group(2))
        q = q[: m.start()] + " " + q[m.end() :]
    if m := SIZE_MIN.search(q):
        values["min_params"] = float(m.group(1) or m.group(2))
        q = q[: m.start()] + " " + q[m.end() :]
    if re.search(r"\bofficial\b", q):
        values["official_only"] = True
    for phrase in sorted(lexicon.benchmarks, key=len, reverse=True):
        pattern = re.compile(rf"\b(?:on |in |at |for |by )?{re.escape(phrase)}\b")
        if pattern.search(q):
            values["benchmark"] = lexicon.benchmarks[phrase]
            q = pattern.sub(" ", q, count=1)
            break
    for phrase in sorted(COUNTRIES, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w.]){re.escape(phrase)}(?![\w])")
        if pattern.search(q):
            values["country"] = COUNTRIES[phrase]
            q = pattern.sub(" ", q, count=1)
            break
    for word, kind in lexicon.model_types.items():
        pattern = re.compile(rf"\b{re.escape(word)}\b")
        if pattern.search(q):
            values["model_type"] = kind
            q = pattern.sub(" ", q, count=1)
            break
    q = FILLER.sub(" ", q)
    words = q.split()
    # Organization: the longest run of words that is a known spelling ("mistral ai", "meta", "alibaba").
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            key = org_key(" ".join(words[i : i + size]))
            if key and key in lexicon.organizations:
                values["organization"] = lexicon.organizations[key]
                del words[i : i + size]
                break
        else:
            continue
        break
    return Filters(**values), " ".join(words)  # type: ignore[arg-type]
