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
from collections.abc import Mapping
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
    in order. The phrases are compiled when a question in the language first comes: most processes hear one or two
    of the languages, and compiling every language's phrases was a good part of the first answer's time."""

    detect: re.Pattern[str]
    script: re.Pattern[str] | None
    sources: tuple[tuple[str, str], ...]  # (pattern, English) as the data gives them

    @functools.cached_property
    def phrases(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(p), english) for p, english in self.sources)


@dataclass(frozen=True)
class Vocabulary:
    """Every compiled pattern the question steps use."""

    greeting: re.Pattern[str]
    help: re.Pattern[str]
    boards: re.Pattern[str]
    fragments: dict[str, re.Pattern[str]]  # intent -> the question is only its lead words
    changes: re.Pattern[str]
    new_leader: re.Pattern[str]
    previous: re.Pattern[str]  # "since the last board": the comparison a question about changes makes anyway
    periods: dict[str, int]  # phrase -> days back
    period: re.Pattern[str]
    history_lead: re.Pattern[str]
    history_tail: re.Pattern[str]
    history_tail_after_lead: re.Pattern[str]
    aspects: dict[str, tuple[re.Pattern[str], ...]]  # aspect -> whole-question patterns with a `model` group
    compare_lead: re.Pattern[str]
    better: tuple[re.Pattern[str], ...]
    separators: re.Pattern[str]
    compare_marks: re.Pattern[str]
    rank_lead: re.Pattern[str]
    rank_strong: re.Pattern[str]
    rank_tail: re.Pattern[str]
    leaders: re.Pattern[str]
    leader_one: re.Pattern[str]
    orgs: re.Pattern[str]
    unmeasured: dict[str, re.Pattern[str]]  # what no board measures (price, speed, context) -> its words
    counts: dict[str, int]
    licenses: dict[str, re.Pattern[str]]  # "open" / "closed" -> words
    sizes: tuple[SizeClass, ...]
    language_lead: str
    language_tail: str
    languages: dict[str, tuple[str, ...]]  # language category -> phrases
    categories: dict[str, tuple[str, ...]]  # category -> phrases
    category_alone: tuple[str, ...]  # categories whose phrases need no lead word
    category_lead: str
    everywhere: tuple[re.Pattern[str], ...]  # whole-question patterns with a `model` group
    foreign: dict[str, Foreign]  # language -> how a question in it is read
    domains: dict[str, re.Pattern[str]]  # domain -> the words that name it, alone
    filler: re.Pattern[str]
    words: tuple[str, ...]  # every plain word of the data, for "did you mean"


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
    data = tomllib.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    intents, history, compare = data["intents"], data["history"], data["compare"]
    sizes = tuple(
        SizeClass(name, anywhere(spec["words"]), spec.get("min"), spec.get("max"))
        for name, spec in data["sizes"].items()
    )
    return Vocabulary(
        greeting=whole(intents["greeting"]),
        help=whole(intents["help"]),
        boards=whole(intents["boards"]),
        fragments={kind: whole(intents[f"fragment_{kind}"]) for kind in ("rank", "compare", "history")},
        changes=anywhere(data["changes"]["lead"]),
        new_leader=anywhere(data["changes"]["new_leader"]),
        previous=anywhere(data["changes"]["previous"]),
        periods=dict(data["periods"]),
        period=anywhere([re.escape(p) for p in data["periods"]]),
        history_lead=leading(history["lead"]),
        history_tail=trailing(history["tail"]),
        history_tail_after_lead=trailing(history["tail"] + history["tail_after_lead"]),
        aspects={
            aspect: tuple(re.compile("^(?:" + p + ")$") for p in history[aspect])
            for aspect in ("first_top", "time_at_top", "best_rank")
        },
        compare_lead=leading(compare["lead"]),
        better=tuple(re.compile("^(?:" + p + ")$") for p in compare["better"]),
        separators=re.compile(r"\s+(?:" + _alternatives(compare["separators"]) + r")\s+|\s*,\s*"),
        compare_marks=re.compile(r"\s(?:" + _alternatives(compare["marks"]) + r")\s"),
        rank_lead=leading(data["rank"]["lead"]),
        rank_strong=leading(data["rank"]["strong"]),
        rank_tail=trailing(data["rank"]["tail"]),
        leaders=anywhere(data["leaders"]["words"]),
        leader_one=anywhere(data["leaders"]["one"]),
        orgs=anywhere(data["orgs"]["words"]),
        unmeasured={what: anywhere(words) for what, words in data["unmeasured"].items()},
        counts=dict(data["counts"]),
        licenses={kind: anywhere(words) for kind, words in data["licenses"].items()},
        sizes=sizes,
        language_lead=_alternatives(data["languages"]["lead"]),
        language_tail=_alternatives(data["languages"]["tail"]),
        languages={category: tuple(phrases) for category, phrases in data["languages"]["names"].items()},
        categories={category: tuple(phrases) for category, phrases in data["categories"].items()},
        category_alone=tuple(data["category_alone"]["categories"]),
        category_lead=_alternatives(data["category_lead"]["words"]),
        everywhere=tuple(re.compile("^(?:" + p + ")$") for p in data["everywhere"]["patterns"]),
        foreign={
            lang: Foreign(
                detect=re.compile(spec.get("detect") or spec["script"]),
                script=re.compile(spec["script"]) if "script" in spec else None,
                sources=tuple((p, english) for p, english in spec["phrases"]),
            )
            for lang, spec in data["foreign"].items()
        },
        domains={domain: whole(words) for domain, words in data["domains"].items()},
        filler=anywhere(data["filler"]["words"]),
        words=tuple(sorted(_plain_words(data))),
    )


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
    model_names: frozenset[str] = frozenset()
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
