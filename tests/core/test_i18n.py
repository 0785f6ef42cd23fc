"""The message catalogues cannot rot: every language has exactly the reference keys and placeholders, every key is
used by the code and every key the code asks for exists; every kind of answer renders in every language."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from bot.core import i18n
from bot.core.answer import Answer, Kind
from bot.core.answers import Answerer
from bot.core.lexicon import vocabulary
from bot.core.text import RENDERERS, render_text
from bot.profiles import PROFILES
from tests import labelled
from tests.chat.test_embeds import ONE_OF_EACH
from tests.core.test_text import readable

ROOT = Path(__file__).resolve().parents[2]
OTHERS = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
KEY = re.compile(r"[a-z_]+\.[a-z_]*")  # "rank.line", or a prefix completed at run time ("labels.", "titles.best_")
DISCORD_MESSAGE = 2000  # characters, not bytes: Thai and Chinese are counted as Discord counts them


def keys_asked_for() -> tuple[set[str], set[str]]:
    """The keys the code names (`t(lang, "rank.line")`, or a key chosen before the call), and the prefixes it
    completes at run time (`f"labels.{...}"`): every string of the code that looks like a key."""
    named, prefixes = set(), set()
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                in_fstrings.add(id(node.values[0]))
                if KEY.fullmatch(str(node.values[0].value)):
                    prefixes.add(str(node.values[0].value))
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and id(node) not in in_fstrings else None
            if isinstance(text, str) and KEY.fullmatch(text):
                (prefixes if text.endswith((".", "_")) else named).add(text)
    return named, prefixes


@pytest.mark.parametrize("lang", OTHERS)
def test_a_language_has_exactly_the_reference_keys_and_placeholders(lang: str) -> None:
    reference, theirs = i18n.catalogue(i18n.DEFAULT), i18n.catalogue(lang)
    assert set(theirs) == set(reference), (
        f"missing {set(reference) - set(theirs)}, extra {set(theirs) - set(reference)}"
    )
    for key, message in reference.items():
        assert i18n.placeholders(theirs[key]) == i18n.placeholders(message), key
        words = re.sub(r"\{\w+\}", "", message)
        assert theirs[key] != message or not re.search(r"[a-z]{4}", words), f"{lang} {key} is not translated"


def test_every_key_is_used_and_every_key_asked_for_exists() -> None:
    named, prefixes = keys_asked_for()
    reference = set(i18n.catalogue(i18n.DEFAULT))
    sections = {k.split(".")[0] for k in reference}
    asked = {k for k in named if k.split(".")[0] in sections}  # strings of other sections are not keys
    assert asked - reference == set(), "the code asks for keys no catalogue has"
    unused = {k for k in reference if k not in named and not any(k.startswith(p) for p in prefixes)}
    assert unused == set(), "keys the code no longer uses"


def test_english_says_categories_as_upstream_names_them_and_every_size_class_has_words() -> None:
    """English answers keep upstream's ids (made readable); a size class the lexicon adds needs its catalogue words."""
    english = i18n.catalogue(i18n.DEFAULT)
    assert all(english[k] == k.removeprefix("categories.").replace("_", " ") for k in english if k.startswith("cat"))
    assert {f"sizes.{size.name}" for size in vocabulary().sizes} <= set(english)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize(("kind", "question"), ONE_OF_EACH.items())
def test_every_kind_renders_in_every_language(answerer: Answerer, kind: Kind, question: str, lang: str) -> None:
    answer = answerer.ask(question, lang=lang)
    assert answer.kind == kind and answer.language == lang
    assert set(RENDERERS) == set(Kind)
    readable(answer.text.replace(".", ",") if lang == "es-ES" else answer.text)  # 12.345: Spanish thousands
    assert "{" not in answer.text.replace("{'", "")  # no placeholder left unfilled
    if kind not in (Kind.TOP, Kind.ORGS, Kind.CHANGES):  # lists page on Discord; changes are a digest embed
        assert len(answer.text) <= DISCORD_MESSAGE, len(answer.text)
    assert render_text(answer, lang) == answer.text


def test_the_source_line_is_in_the_language_and_english_is_unchanged(answerer: Answerer) -> None:
    english = answerer.ask("rank of qwen2 72b instruct")
    assert "is #" in english.text and "(overall, board of 2024-12-31," in english.text
    thai = answerer.ask("rank of qwen2 72b instruct", lang="th")
    assert "อยู่อันดับ" in thai.text and "กระดานวันที่ 31 ธ.ค. 2024" in thai.text
    chinese = answerer.ask("qwen2 72b instruct 排名多少")
    assert chinese.language == "zh-CN" and "2024年12月31日 的榜单" in chinese.text
    spanish = answerer.ask("posición de qwen2 72b instruct")
    assert spanish.language == "es-ES" and re.search(r"\d{1,3}\.\d{3} votos", spanish.text)  # 12.345 votos


@pytest.mark.parametrize(
    ("typed", "language"),
    [("th", "th"), ("zh-CN", "zh-CN"), ("zh-cn", "zh-CN"), ("zh", "zh-CN"), ("zh-TW", "zh-CN"), ("ja", "ja"),
     ("es", "es-ES"), ("es-419", "es-ES"), ("en-GB", "en"), (None, "en")],
)  # fmt: skip
def test_languages_as_typed_and_as_discord_sends_them(typed: str | None, language: str) -> None:
    assert i18n.language(typed) == language


def test_a_language_leaderbot_lacks_is_refused_and_discord_falls_back_to_english() -> None:
    with pytest.raises(i18n.UnknownLanguage, match="languages: en, th, zh-CN, ja, es-ES"):
        i18n.language("klingon")
    assert i18n.for_discord("fr") == "en" and i18n.for_discord("th") == "th"


# Questions whose answers say the rarer sentences: filters only one board has, notes on sizes and licenses, dates
# with nothing newer, words not understood, domains, the closed-model case, categories not stored.
RARE = [
    "top 5 by ifeval on arena", "top 5 instruct models on arena", "top proprietary on open-llm", "top 5 on math",
    "top 5 models under 7b", "best small model", "best 70b model", "top open models", "what moved this week",
    "who took #1 on 2024-09-03", "top 5 on 1999-01-01", "top 5 open souce models", "top 10 blorp",
    "what changed for no reason", "best coding model", "best vision model", "rank of gpt-4o on open-llm",
    "qwen vs llama", "chart qwen2 72b vs xyzzy", "top 5 in hard prompts", "any changes since 2024-09-01",
    "which companies dominate the top 50", "boards", "history of gpt-4o-2024-05-13", "changes on 2024-06-19",
]  # fmt: skip
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+\b(?:[ ,;:]+\b[A-Za-z][a-z]+\b){2,}")  # words, not acronyms ("GPQA")
QUOTED = re.compile(r"`[^`]*`|“[^”]*”|「[^」]*」|'[^']*'|<[^>]*>|https?://\S+")  # commands, names as typed, links


def english_left(answer: Answer) -> list[str]:
    """Runs of three English words in an answer in another language, once the names it quotes are taken out:
    models, organizations, boards, what the asker typed and the commands it suggests."""
    names = {p.title for p in PROFILES.values()}
    for e in answer.entries:
        names |= {e.model, e.organization or "", *(o.model for o in e.others), *(o.board_title for o in e.others)}
    names |= {o.organization for o in answer.orgs} | {o.model for o in answer.orgs} | set(answer.candidates)
    names |= {s.model for s in answer.standings} | {h.model for h in answer.histories}
    for event in answer.changes.events if answer.changes else []:
        names |= {event.model, event.old_model or "", *event.sharing}
    text = QUOTED.sub("", answer.text)
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = text.replace(name, "")
    return ENGLISH_RUN.findall(text)


@pytest.mark.parametrize("lang", ["th", "zh-CN", "ja"])  # Spanish shares Latin letters: its words would count
def test_no_english_sentence_is_left_in_another_language(answerer_2026: Answerer, lang: str) -> None:
    questions = [*ONE_OF_EACH.values(), *RARE, *(i.question for i in labelled.load() if i.language is None)]
    left = {}
    for question in questions:
        answer = answerer_2026.ask(question, lang=lang)
        if answer.kind != Kind.HELP and (runs := english_left(answer)):  # the help's examples are typed in English
            left[question] = runs
    assert left == {}


def test_an_english_word_left_is_caught(answerer_2026: Answerer) -> None:
    """The check above can fail: a sentence that is not from a catalogue is found."""
    answer = answerer_2026.ask("top 5 by ifeval on arena", lang="th")
    assert english_left(answer) == []
    answer.text += "\nBenchmarks are only on the Open LLM board."
    assert english_left(answer) == ["Benchmarks are only on the Open"]


def test_every_sentence_of_a_spanish_answer_is_from_the_catalogue(answerer_2026: Answerer) -> None:
    """Spanish shares English's letters, so the check above cannot read it: its notes, errors, footnotes and
    freshness notes must each be a catalogue sentence (`Said`), which renders in Spanish."""
    for question in [*ONE_OF_EACH.values(), *RARE]:
        answer = answerer_2026.ask(question, lang="es-ES")
        for sentence in [*answer.notes, answer.error, answer.footnote, answer.freshness]:
            assert not sentence or isinstance(sentence, i18n.Said), (question, sentence)


def test_english_numbers_are_written_exactly_as_babel_writes_them() -> None:
    """English skips babel (its locale data costs a one-shot answer a load); the digits must not differ."""
    picks = random.Random(7)
    values = [0.0, -0.0, 0.5, 1.5, 2.5, 2.675, -2.675, 0.005, 0.015, 99.995, 1187.0, 43.594062463678, 1e-7]
    values += [picks.uniform(-1e7, 1e7) for _ in range(2000)] + [round(picks.uniform(0, 100), 3) for _ in range(2000)]
    values += [float(picks.randint(-(10**9), 10**9)) for _ in range(500)]
    for value in values:
        for decimals in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            assert i18n.number("en", value, decimals) == format_decimal(value, format=pattern, locale="en"), value
