"""How model names are made, so a sloppy name can be compared with the board's spelling part by part.

A name is organization/namespace, family ("qwen", "llama"), version ("2", "2.5", "3.3"), size ("72b", "8x22b",
"a22b"), and variant words ("instruct", "it", dates). Both the user's text and every board name go through the same
`tokenize`, so "phi3" and "Phi-3", "gpt4.1" and "GPT-4.1", "claude 3.5" and "claude-3-5" meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

TokenKind = Literal["word", "number", "size", "tag", "note"]

_SEPARATORS = re.compile(r"[\s\-_/:,;()\[\]{}|'\"!?@#*=~`]+")
# A size: 72b, 1.5b, 500m, 8x22b, a22b (active parameters).
_SIZE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[bm]$|^a\d+(?:\.\d+)?b$")
# Context length (4k, 128k) and number formats (fp8, bf16) stay whole.
_TAG = re.compile(r"^\d+k$|^(?:fp|bf|int)\d+$")
# Within a chunk: decimals, then runs of letters or digits.
_PIECES = re.compile(r"\d+(?:\.\d+)+|\d+|[a-z]+")

# Variant words that name a flavour of one model rather than another model; an extra one costs little.
SOFT_WORDS = frozenset(
    {"instruct", "chat", "it", "hf", "base", "preview", "latest", "exp", "api", "online", "v", "bf16", "fp8"}
)


@dataclass(frozen=True)
class Token:
    text: str
    kind: TokenKind

    @property
    def soft(self) -> bool:
        """Dates, notes and flavour words: a candidate carrying an extra one is still the same model family
        member."""
        return self.kind in ("tag", "note") or self.text in SOFT_WORDS


def _classify(piece: str) -> TokenKind:
    if _SIZE.match(piece):
        return "size"
    if _VERSION.fullmatch(piece):
        return "tag"  # a revision after the size: "llama3-8B-V2" is Llama 3, revision 2
    if _TAG.match(piece):
        return "tag"
    if piece[0].isdigit():
        # 4+ digit numbers are dates or release tags (0514, 2407, 20241022), not versions.
        return "tag" if len(piece.split(".", maxsplit=1)[0]) >= 4 else "number"
    return "word"


_VERSION = re.compile(r"v\d+(?:\.\d+)*")
_GLUED_SIZE = re.compile(r"([a-z]{2,})(\d+(?:\.\d+)?b)")
_SPLIT_DATE = re.compile(r"\b(\d{4}) (\d{2}) (\d{2})\b")
_WHOLE_VERSION = re.compile(r"(?<![\d.])(\d{1,3})\.0(?![\d.])")
_DASHED_VERSION = re.compile(r"(?<![\d.])\b(\d) (\d)\b(?![\d.])")


def _split_chunk(chunk: str, *, after_size: bool) -> list[str]:
    if _SIZE.match(chunk) or _TAG.match(chunk):
        return [chunk]
    # "v2.5" and "v3" before any size are family versions (DeepSeek-V3, Athene-v2): drop the 'v' so they meet
    # "2.5" and "3". After the size they are revisions (Mistral-7B-Instruct-v0.3) and keep it.
    if _VERSION.fullmatch(chunk):
        return [chunk] if after_size else [chunk[1:]]
    # A size glued behind a word ("llama70b") is the word and the size.
    glued = _GLUED_SIZE.fullmatch(chunk)
    if glued:
        return list(glued.groups())
    return _PIECES.findall(chunk)


# Names seen again (every board's, a few thousand each) and questions repeated: bounded, so a flood of distinct
# questions cannot grow the bot's memory (see BENCHMARKS.md, "Questions").
TOKENIZE_CACHE = 1 << 14
_NOTE = re.compile(r"[(\[]([^)\]]*)[)\]]")


@lru_cache(maxsize=TOKENIZE_CACHE)
def tokenize(name: str) -> tuple[Token, ...]:
    """Cached: boards repeat names and namespaces across snapshots, and the same questions come back.

    What a name says in brackets is a note on the model, not its name: "gpt-5.4-high (codex-harness)" is
    gpt-5.4-high run in a harness, "(nano-banana)" a nickname. Its words are notes: typed, they match;
    untyped, they cost least of all.
    """
    notes = _NOTE.findall(name)
    if notes:
        tokens = _tokenize(_NOTE.sub(" ", name))
        noted = (t for note in notes for t in _tokenize(note))
        return tokens + tuple(t if t.kind == "size" else _token(t.text, "note") for t in noted)
    return _tokenize(name)


def _tokenize(name: str) -> tuple[Token, ...]:
    text = name.casefold().replace("+", " plus ")
    pieces: list[str] = []
    for chunk in _SEPARATORS.split(text):
        if chunk:
            pieces.extend(_split_chunk(chunk.strip("."), after_size=any(_SIZE.match(p) for p in pieces)))
    joined = " ".join(pieces)
    # ISO dates split by the separators (2024-05-13) become one tag: 20240513.
    joined = _SPLIT_DATE.sub(r"\1\2\3", joined)
    # "claude-3-5-sonnet" writes version 3.5 with a dash: two single digits in a row are one version.
    joined = _DASHED_VERSION.sub(r"\1.\2", joined)
    # "ernie-5.0" is version 5: "ernie 5" must meet it (and "gemini 2 flash" meets "gemini-2.0-flash").
    return tuple(_token(p, _classify(p)) for p in _WHOLE_VERSION.sub(r"\1", joined).split())


@lru_cache(maxsize=TOKENIZE_CACHE)
def _token(text: str, kind: TokenKind) -> Token:
    """One object per token, not per occurrence: the names `tokenize` keeps repeat a few thousand words, sizes and
    versions, so sharing them is a fraction of the memory, and of what a garbage collection walks."""
    return Token(text, kind)


def normalise(name: str) -> str:
    """A spelling-insensitive form for exact comparison: 'Qwen2-72B-Instruct' -> 'qwen 2 72b instruct'."""
    return " ".join(t.text for t in tokenize(name))


def model_words(name: str) -> tuple[str, str]:
    """A model's name as the question parser and the cross-board links read it (`normalise`), whole and without
    its namespace: what the importer writes once per model (`models.normal`, `models.bare`)."""
    return normalise(name), normalise(split_namespace(name)[1])


def split_namespace(name: str) -> tuple[str | None, str]:
    """'Qwen/Qwen2-72B-Instruct' -> ('Qwen', 'Qwen2-72B-Instruct'); arena names have no namespace."""
    if "/" in name:
        namespace, _, rest = name.partition("/")
        return namespace, rest
    return None, name


def version_after(tokens: tuple[Token, ...], family: str) -> tuple[int, ...] | None:
    """The version that follows the family word ("claude-3-5-sonnet" -> (3, 5) after "claude"), to tell which of
    two names of one family is the later release. Only before the size: numbers after it are a fine-tune's own
    ("Qwen-0.5B-DPO-5epoch")."""
    seen = False
    for token in tokens:
        if token.text == family:
            seen = True
        elif seen and token.kind == "size":
            return None
        elif seen and token.kind == "number":
            return tuple(int(part) for part in token.text.split("."))
    return None


def release_dates(tokens: tuple[Token, ...]) -> list[str]:
    """ISO dates a name carries as release tags ("gpt-4o-2024-08-06" -> "2024-08-06")."""
    found = []
    for token in tokens:
        text = token.text
        if token.kind in ("tag", "note") and len(text) == 8 and text.isdigit() and text.startswith("20"):
            month, day = int(text[4:6]), int(text[6:])
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.append(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    return found


def parse_size(name: str) -> float | None:
    """Parameters in billions when the name says them (arena names often do): 'Qwen2-72B' -> 72.0, '8x7b' -> 56."""
    best = None
    for token in tokenize(name):
        if token.kind != "size" or token.text.startswith("a"):
            continue
        text = token.text
        factor = 0.001 if text.endswith("m") else 1.0
        body = text[:-1]
        if "x" in body:
            experts, each = body.split("x")
            value = float(experts) * float(each) * factor
        else:
            value = float(body) * factor
        best = value if best is None else max(best, value)
    return best
