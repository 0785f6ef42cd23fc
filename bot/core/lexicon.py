"""The vocabularies of questions, loaded from `lexicon.toml` (data, not code) and compiled once.

The parser's steps (`core.questions`) only ask this module whether a phrase is there; which phrases mean what is
the data's business, so a new way of saying "top" is a line in the TOML file. Boards' own words come from their
profiles; organizations and categories from the store, through `Lexicon`.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..profiles import PROFILES
from .i18n import Said

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")
# A phrase stands alone: not inside a word, a hub id ("lmsys/vicuna") or a hyphenated name ("llama-2-7b-hf").
BEFORE, AFTER = r"(?<![\w/.-])", r"(?![\w/-])"


def _alternatives(phrases: list[str]) -> str:
    """Longest first, so "open source" is taken before "open"."""
    return "|".join(sorted(phrases, key=len, reverse=True))


def anywhere(phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases, as whole words, anywhere in the text."""
    return re.compile(BEFORE + "(?:" + _alternatives(phrases) + ")" + AFTER)


def whole(phrases: list[str]) -> re.Pattern[str]:
    """The whole text is one of the phrases."""
    return re.compile("^(?:" + _alternatives(phrases) + ")$")


def each_whole(phrases: list[str]) -> tuple[re.Pattern[str], ...]:
    """Each phrase as a pattern of its own for the whole text, in the data's order (the steps read their groups)."""
    return tuple(re.compile("^(?:" + p + ")$") for p in phrases)


def leading(phrases: list[str]) -> re.Pattern[str]:
    """One of the phrases, at the start, followed by more."""
    return re.compile("^(?:" + _alternatives(phrases) + r")\s+")


def trailing(phrases: list[str]) -> re.Pattern[str]:
    """One of the phrases, at the end, after more."""
    return re.compile(r"\s+(?:" + _alternatives(phrases) + ")$")


@dataclass(frozen=True)
class SizeClass:
    name: str
    words: re.Pattern[str]
    low: float | None
    high: float | None

    def describe(self) -> Said:
        """The class with its range, for a list's title ("small = under 10B"), in the asker's language."""
        name = Said(f"sizes.{self.name}")
        if self.low is None:
            return Said("sizes.under", name=name, high=f"{self.high:g}")
        if self.high is None:
            return Said("sizes.over", name=name, low=f"{self.low:g}")
        return Said("sizes.range", name=name, low=f"{self.low:g}", high=f"{self.high:g}")


@dataclass(frozen=True)
class Foreign:
    """How a question in another language is read: what says it is in that language, the letters of its own
    script (None: it shares Latin letters, as Spanish does), and its phrases with the English words they stand for,
    in order. Each is compiled when a question first needs it: most processes hear one or two of the languages, a
    script's range of letters is slow to compile, and an ASCII question is in no language with a script of its own
    (`may_be_in`), so it compiles none of them."""

    detect_source: str
    script_source: str | None
    sources: tuple[tuple[str, str], ...]  # (pattern, English) as the data gives them

    def may_be_in(self, text: str) -> bool:
        return self.script_source is None or not text.isascii()

    @functools.cached_property
    def detect(self) -> re.Pattern[str]:
        return re.compile(self.detect_source)

    @functools.cached_property
    def script(self) -> re.Pattern[str] | None:
        return None if self.script_source is None else re.compile(self.script_source)

    @functools.cached_property
    def phrases(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(p), english) for p, english in self.sources)


class Vocabulary:
    """Every pattern the question steps use, each compiled when a question first needs it: a process that answers
    one question (a one-shot `leaderbot ask`, a bot's first answer) uses about half of them, and compiling them
    all was a good part of its time (BENCHMARKS.md, "First answer")."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    @functools.cached_property
    def greeting(self) -> re.Pattern[str]:
        return whole(self._data["intents"]["greeting"])

    @functools.cached_property
    def help(self) -> re.Pattern[str]:
        return whole(self._data["intents"]["help"])

    @functools.cached_property
    def boards(self) -> re.Pattern[str]:
        return whole(self._data["intents"]["boards"])

    @functools.cached_property
    def fragments(self) -> dict[str, re.Pattern[str]]:
        """Intent -> the question is only its lead words."""
        return {kind: whole(self._data["intents"][f"fragment_{kind}"]) for kind in ("rank", "compare", "history")}

    @functools.cached_property
    def changes(self) -> re.Pattern[str]:
        return anywhere(self._data["changes"]["lead"])

    @functools.cached_property
    def new_leader(self) -> re.Pattern[str]:
        return anywhere(self._data["changes"]["new_leader"])

    @functools.cached_property
    def previous(self) -> re.Pattern[str]:
        """Words for "since the last board": the comparison a question about changes makes anyway."""
        return anywhere(self._data["changes"]["previous"])

    @functools.cached_property
    def periods(self) -> dict[str, int]:
        """Phrase -> days back."""
        return dict(self._data["periods"])

    @functools.cached_property
    def period(self) -> re.Pattern[str]:
        return anywhere([re.escape(p) for p in self._data["periods"]])

    @functools.cached_property
    def history_lead(self) -> re.Pattern[str]:
        return leading(self._data["history"]["lead"])

    @functools.cached_property
    def history_tail(self) -> re.Pattern[str]:
        return trailing(self._data["history"]["tail"])

    @functools.cached_property
    def history_tail_after_lead(self) -> re.Pattern[str]:
        history = self._data["history"]
        return trailing(history["tail"] + history["tail_after_lead"])

    @functools.cached_property
    def aspects(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        """Aspect -> whole-question patterns with a `model` group."""
        history = self._data["history"]
        return {aspect: each_whole(history[aspect]) for aspect in ("first_top", "time_at_top", "best_rank")}

    @functools.cached_property
    def compare_lead(self) -> re.Pattern[str]:
        return leading(self._data["compare"]["lead"])

    @functools.cached_property
    def better(self) -> tuple[re.Pattern[str], ...]:
        return each_whole(self._data["compare"]["better"])

    @functools.cached_property
    def separators(self) -> re.Pattern[str]:
        return re.compile(r"\s+(?:" + _alternatives(self._data["compare"]["separators"]) + r")\s+|\s*,\s*")

    @functools.cached_property
    def compare_marks(self) -> re.Pattern[str]:
        return re.compile(r"\s(?:" + _alternatives(self._data["compare"]["marks"]) + r")\s")

    @functools.cached_property
    def rank_lead(self) -> re.Pattern[str]:
        return leading(self._data["rank"]["lead"])

    @functools.cached_property
    def rank_strong(self) -> re.Pattern[str]:
        return leading(self._data["rank"]["strong"])

    @functools.cached_property
    def rank_tail(self) -> re.Pattern[str]:
        return trailing(self._data["rank"]["tail"])

    @functools.cached_property
    def leaders(self) -> re.Pattern[str]:
        return anywhere(self._data["leaders"]["words"])

    @functools.cached_property
    def leader_one(self) -> re.Pattern[str]:
        return anywhere(self._data["leaders"]["one"])

    @functools.cached_property
    def orgs(self) -> re.Pattern[str]:
        return anywhere(self._data["orgs"]["words"])

    @functools.cached_property
    def unmeasured(self) -> dict[str, re.Pattern[str]]:
        """What no board measures (price, speed, context) -> its words."""
        return {what: anywhere(words) for what, words in self._data["unmeasured"].items()}

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        return dict(self._data["counts"])

    @functools.cached_property
    def licenses(self) -> dict[str, re.Pattern[str]]:
        """License ("open", "closed") -> its words."""
        return {kind: anywhere(words) for kind, words in self._data["licenses"].items()}

    @functools.cached_property
    def sizes(self) -> tuple[SizeClass, ...]:
        return tuple(
            SizeClass(name, anywhere(spec["words"]), spec.get("min"), spec.get("max"))
            for name, spec in self._data["sizes"].items()
        )

    @functools.cached_property
    def language_lead(self) -> str:
        return _alternatives(self._data["languages"]["lead"])

    @functools.cached_property
    def language_tail(self) -> str:
        return _alternatives(self._data["languages"]["tail"])

    @functools.cached_property
    def languages(self) -> dict[str, tuple[str, ...]]:
        """Language category -> phrases."""
        return {category: tuple(phrases) for category, phrases in self._data["languages"]["names"].items()}

    @functools.cached_property
    def categories(self) -> dict[str, tuple[str, ...]]:
        """Category -> phrases."""
        return {category: tuple(phrases) for category, phrases in self._data["categories"].items()}

    @functools.cached_property
    def category_alone(self) -> tuple[str, ...]:
        """Categories whose phrases need no lead word."""
        return tuple(self._data["category_alone"]["categories"])

    @functools.cached_property
    def category_lead(self) -> str:
        return _alternatives(self._data["category_lead"]["words"])

    @functools.cached_property
    def everywhere(self) -> tuple[re.Pattern[str], ...]:
        """Whole-question patterns with a `model` group."""
        return each_whole(self._data["everywhere"]["patterns"])

    @functools.cached_property
    def foreign(self) -> dict[str, Foreign]:
        """Language -> how a question in it is read."""
        return {
            lang: Foreign(
                detect_source=spec.get("detect") or spec["script"],
                script_source=spec.get("script"),
                sources=tuple((p, english) for p, english in spec["phrases"]),
            )
            for lang, spec in self._data["foreign"].items()
        }

    @functools.cached_property
    def domains(self) -> dict[str, re.Pattern[str]]:
        """Domain -> the words that name it, alone."""
        return {domain: whole(words) for domain, words in self._data["domains"].items()}

    @functools.cached_property
    def filler(self) -> re.Pattern[str]:
        return anywhere(self._data["filler"]["words"])

    @functools.cached_property
    def words(self) -> tuple[str, ...]:
        """Every plain word of the data, for "did you mean"."""
        return tuple(sorted(_plain_words(self._data)))


def _plain_words(data: Any) -> set[str]:
    """Single words in the data's phrases (no pattern syntax), the vocabulary a typo is compared with."""
    if isinstance(data, dict):
        return set().union(*(_plain_words(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_plain_words(v) for v in data)) if data else set()
    if isinstance(data, str):
        return {w for w in re.findall(r"[a-z]+", re.sub(r"\\\w|\?:", " ", data)) if len(w) > 2}
    return set()


@functools.cache
def vocabulary() -> Vocabulary:
    return Vocabulary(tomllib.loads(LEXICON_FILE.read_text(encoding="utf-8")))


def _benchmark_words() -> dict[str, str]:
    """Every board's benchmark words -> store column."""
    return {word: b.column for p in PROFILES.values() for b in p.benchmarks for word in b.words}


def _model_type_words() -> dict[str, str]:
    """Every board's words for its model types -> the type as the board writes it."""
    return {word: kind for p in PROFILES.values() for word, kind in p.model_types.items()}


@dataclass(frozen=True)
class Lexicon:
    """What a question may name that only the store knows: organization spellings (normalised alias ->
    organization name), the categories stored, the names of the models on the boards held (normalised, so an
    exact model name wins over the filter words inside it); and the boards' benchmark and model-type words, from
    their profiles."""

    organizations: Mapping[str, str] = field(default_factory=dict)
    categories: frozenset[str] = frozenset()
    model_names: Collection[str] = frozenset()  # a frozenset, or the store's (`snapshots.StoredNames`)
    benchmarks: Mapping[str, str] = field(default_factory=_benchmark_words)
    model_types: Mapping[str, str] = field(default_factory=_model_type_words)

    @functools.cached_property
    def name_pairs(self) -> frozenset[tuple[str, str]]:
        """Every two words in a row of a model name held ("multi agent" of grok-4.20-multi-agent-beta-0309), so a
        board's word inside a name ("agent") is read as the name's, not the board's; made once per lexicon."""
        pairs = set()
        for name in self.model_names:
            words = name.split()
            pairs.update(itertools.pairwise(words))
        return frozenset(pairs)

    @functools.cached_property
    def name_words(self) -> frozenset[str]:
        """Every word of a model name held: a name not found that has none of them (and no number) reads as no
        model name at all ("asdf qwerty blorp"), so it is not understood rather than blamed on the board's age."""
        return frozenset(word for name in self.model_names for word in name.split())
