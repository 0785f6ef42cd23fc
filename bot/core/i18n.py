"""The languages Leaderbot answers in: one message catalogue per language (`messages/<lang>.toml`, data, not code),
numbers and dates formatted for the language through babel, and the Discord locale each language serves.

English is the default and the reference: every other catalogue has exactly its keys and placeholders (a test
checks it). A key a renderer asks for that a catalogue lacks is a bug, not a fallback: it fails loudly.
"""

from __future__ import annotations

import functools
import string
import tomllib
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

MESSAGES = Path(__file__).with_name("messages")
DEFAULT = "en"
# Our language -> babel's locale for it.
LANGUAGES: dict[str, str] = {"en": "en_US", "th": "th_TH", "zh-CN": "zh_Hans_CN", "ja": "ja_JP", "es-ES": "es_ES"}
# Discord locales (https://discord.com/developers/docs/reference#locales) -> the language that serves them.
DISCORD_LOCALES: dict[str, str] = {
    "en-US": "en", "en-GB": "en", "th": "th", "zh-CN": "zh-CN", "zh-TW": "zh-CN", "ja": "ja",
    "es-ES": "es-ES", "es-419": "es-ES",
}  # fmt: skip


class UnknownLanguage(ValueError):
    """A language Leaderbot has no catalogue for; the message lists the ones it has."""

    def __init__(self, language: str) -> None:
        super().__init__(f"unknown language {language!r}; languages: {', '.join(LANGUAGES)}")


def language(name: str | None) -> str:
    """A language as typed or as Discord sends it (`zh-CN`, `zh-cn`, `es-419`, `th`, `es`), or the default for
    None."""
    if not name:
        return DEFAULT
    folded = name.casefold()
    for ours in LANGUAGES:
        if folded in (ours.casefold(), ours.split("-")[0].casefold()):
            return ours
    for locale, ours in DISCORD_LOCALES.items():
        if folded == locale.casefold():
            return ours
    raise UnknownLanguage(name)


def for_discord(locale: object) -> str:
    """The language for a Discord locale (an interaction's `locale`, a guild's preferred one): English when
    Leaderbot does not speak it."""
    return DISCORD_LOCALES.get(str(locale), DEFAULT)


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Key -> message, flattened from the TOML tables (`[rank] line = ...` is `rank.line`)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    data = tomllib.loads((MESSAGES / f"{lang}.toml").read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict[str, object]) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = str(value)

    walk("", data)
    return flat


class Said(str):
    """A sentence of an answer made from a catalogue key: a string of its English text (so it is logged, stored
    and compared as before), which also knows how to say itself in another language (`said`)."""

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, **params: object) -> Said:
        made = super().__new__(cls, t(DEFAULT, key, **params))
        made.key, made.params = key, params
        return made

    def __reduce__(self) -> tuple[object, ...]:  # copies and pickles keep the key
        return (_said, (self.key, self.params))


class Day(str):
    """A board's ISO date inside a sentence: English keeps it as it is, other languages write it their way (`day`)."""


class Category(str):
    """A board's category inside a sentence: upstream's id in English (what people type), its name in another
    language (`category_shown`)."""


class All(tuple[object, ...]):
    """Things a sentence names together ("countries and sizes"), joined by the language's own "and"."""


def _said(key: str, params: dict[str, object]) -> Said:
    return Said(key, **params)


def said(text: str | None, lang: str) -> str:
    """A sentence in `lang`: a `Said` in that language, any other text as it is."""
    return str(_in(lang, text)) if text else ""


def placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field}


def t(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang`, its placeholders filled; a placeholder given a `Said` (or a list of them) is
    said in `lang` too (a list joined by the language's comma, `All` by its "and"), a `Day` is dated as `lang`
    writes dates and a `Category` named as it says categories."""
    return catalogue(lang)[key].format(**{name: _in(lang, value) for name, value in params.items()})


def _in(lang: str, value: object) -> object:
    if isinstance(value, Day):
        return day(lang, value)
    if isinstance(value, Category):
        return category_shown(value, lang)
    if isinstance(value, Said):
        return t(lang, value.key, **value.params)
    if isinstance(value, All):
        return t(lang, "common.and").join(str(_in(lang, item)) for item in value)
    if isinstance(value, list | tuple):
        return t(lang, "common.comma").join(str(_in(lang, item)) for item in value)
    return value


def number(lang: str, value: float, decimals: int = 0) -> str:
    """A number as the language writes it (1,234.5 / 1.234,5 / 1 234,5). English is written here, exactly as
    babel writes it (the decimal of the float's shortest repr, rounded half to even): babel's first use loads
    its locale data, a cost a one-shot `leaderbot ask` in English need not pay."""
    if lang == DEFAULT:
        rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
        return f"{rounded:,.{decimals}f}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LANGUAGES[lang])


def day(lang: str, iso: str) -> str:
    """A date as the language writes it (2026年12月1日, 1 ธ.ค. 2026); English keeps the boards' own ISO dates."""
    if lang == DEFAULT:
        return iso
    return format_date(date.fromisoformat(iso), format="medium", locale=LANGUAGES[lang])


def category_text(category: str | None, lang: str = DEFAULT) -> str:
    """A category as a sentence says it in `lang` (`[categories]`); one upstream added after the catalogues is shown
    as its id, made readable."""
    key = f"categories.{category}"
    return t(lang, key) if key in catalogue(lang) else (category or "").replace("_", " ")


def category_shown(category: str | None, lang: str = DEFAULT) -> str:
    """A category where English shows upstream's own id (footers, change spans, subscriptions): the id in English,
    its name in another language."""
    return (category or "") if lang == DEFAULT else category_text(category, lang)


def name_of(lang: str) -> str:
    """The language's own name for itself (ไทย, 中文, 日本語, español)."""
    return Locale.parse(LANGUAGES[lang]).get_language_name(LANGUAGES[lang]) or lang
