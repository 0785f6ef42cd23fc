"""LMArena's arenas (the site calls itself Arena, arena.ai, since January 2026), as `lmarena-ai/leaderboard-dataset`
publishes them: one board per arena, each from one config of the dataset.

`arena` is what the site shows by default: the text board with style control. The raw text board (no style
control) is `arena-raw`; the bundled 2024 boards are raw text boards. Every arena keeps every category the dataset
publishes for it; `overall` is the default.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .base import (
    BoardProfile,
    Detail,
    Domain,
    DomainPart,
    Filter,
    RankRule,
    RenameRule,
    Schema,
    ScoreFormat,
    Upstream,
)

DATASET = "lmarena-ai/leaderboard-dataset"
SITE = "https://arena.ai/leaderboard"
_RAW = r"(?: raw| without style control| no style control| \(raw\))"

# id, config, title, site page, words people use for it (regular expressions), column schema
_ARENAS = (
    ("arena", "text_style_control", "Arena Text", "text",
     (r"(?:lm ?arena|arena|lmsys|chatbot arena)(?: text)?(?: with style control)?", r"text arena"),
     Schema.BRADLEY_TERRY),
    ("arena-raw", "text", "Arena Text (no style control)", "text",
     (r"(?:lm ?arena|arena|lmsys|chatbot arena)(?: text)?" + _RAW, r"text arena" + _RAW, r"arena-raw",
      r"raw (?:text )?arena"), Schema.BRADLEY_TERRY),
    ("arena-webdev", "webdev", "Arena WebDev", "webdev", (r"(?:arena[- ])?web ?dev(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-vision", "vision_style_control", "Arena Vision", "vision",
     (r"(?:arena[- ])?vision(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-vision-raw", "vision", "Arena Vision (no style control)", "vision",
     (r"(?:arena[- ])?vision(?: arena)?" + _RAW, r"arena-vision-raw"), Schema.BRADLEY_TERRY),
    ("arena-search", "search_style_control", "Arena Search", "search",
     (r"(?:arena[- ])?search(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-document", "document_style_control", "Arena Document", "document",
     (r"(?:arena[- ])?(?:document|pdf)(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-text-to-image", "text_to_image", "Arena Text-to-Image", "text-to-image",
     (r"(?:arena[- ])?text[- ]to[- ]image(?: arena)?", r"image generation"), Schema.BRADLEY_TERRY),
    ("arena-image-edit", "image_edit", "Arena Image Edit", "image-edit",
     (r"(?:arena[- ])?image[- ]edit(?:ing)?(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-text-to-video", "text_to_video", "Arena Text-to-Video", "text-to-video",
     (r"(?:arena[- ])?text[- ]to[- ]video(?: arena)?", r"video generation", r"videos?(?: arena)?"),
     Schema.BRADLEY_TERRY),
    ("arena-image-to-video", "image_to_video", "Arena Image-to-Video", "image-to-video",
     (r"(?:arena[- ])?image[- ]to[- ]video(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-video-edit", "video_edit", "Arena Video Edit", "video-edit",
     (r"(?:arena[- ])?video[- ]edit(?:ing)?(?: arena)?",), Schema.BRADLEY_TERRY),
    ("arena-agent", "agent", "Arena Agent", "agent", (r"(?:arena[- ])?agents?(?: arena)?",), Schema.AGENT),
)  # fmt: skip


# The categories each config publishes (late 2026; new ones appear, and are kept when they do).
_TEXT_CATEGORIES = (
    "overall", "english", "exclude_ties", "coding", "hard_prompts", "hard_prompts_english", "multi_turn",
    "instruction_following", "longer_query", "math", "creative_writing", "expert", "chinese", "russian", "german",
    "french", "spanish", "japanese", "korean", "non_english", "polish", "industry_software_and_it_services",
    "industry_life_and_physical_and_social_science", "industry_writing_and_literature_and_language",
    "industry_entertainment_and_sports_and_media", "industry_business_and_management_and_financial_operations",
    "industry_mathematical", "industry_legal_and_government", "industry_medicine_and_healthcare",
)  # fmt: skip
_CATEGORIES = {
    "text": _TEXT_CATEGORIES,
    "text_style_control": _TEXT_CATEGORIES,
    "webdev": ("overall", "webdev", "webdev-html", "webdev-react", "image_to_webdev"),
}


# A rank answer adds the model's standing on the same arena's other view, and on the Open LLM archive for text.
_RELATED = {
    "arena": ("arena-raw", "open-llm"),
    "arena-raw": ("arena", "open-llm"),
    "arena-vision": ("arena-vision-raw",),
    "arena-vision-raw": ("arena-vision",),
}


# What "best coding model" (math, vision) reads of each arena: the style-controlled views, as the site shows them.
_DOMAINS = {
    "arena": (DomainPart(Domain.CODING, "coding"), DomainPart(Domain.MATH, "math")),
    "arena-webdev": (DomainPart(Domain.CODING),),
    "arena-vision": (DomainPart(Domain.VISION),),
}


def arena_profile(
    board: str,
    config: str,
    title: str,
    page: str | None,
    words: tuple[str, ...],
    schema: Schema,
    related: tuple[str, ...] | None = None,
) -> BoardProfile:
    """One arena's profile: what differs between arenas is their config, names and columns."""
    agent = schema is Schema.AGENT
    return BoardProfile(
        id=board,
        title=title,
        url=f"{SITE}/{page}" if page else SITE,
        live=True,
        # Bradley-Terry ratings sit around 1,000-1,600; the agent arenas' IPS score sits near 0.
        score=ScoreFormat("Score", decimals=3) if agent else ScoreFormat("Rating", decimals=0),
        score_range=(-100.0, 100.0) if agent else (100.0, 3000.0),
        notable_step=0.01 if agent else 10.0,
        rank_rule=RankRule.STATISTICAL,
        upstream=Upstream(DATASET, config=config, split="latest", schema=schema),
        words=(*words, board),
        details=(
            (Detail.INTERVAL, Detail.RANK_SPREAD, Detail.POSITION, Detail.OBSERVATIONS, Detail.SESSIONS, Detail.LICENSE)
            if agent
            else (Detail.VOTES, Detail.INTERVAL, Detail.RANK_SPREAD, Detail.POSITION, Detail.PARAMS, Detail.LICENSE)
        ),
        filters=frozenset({Filter.COUNTRY, Filter.ORGANIZATION, Filter.SIZE, Filter.LICENSE}),
        renames=frozenset({RenameRule.VOTES, RenameRule.DATED_NAME}),
        rename_drift=0.01 if agent else 10.0,  # score points a renamed model may move in the same publish
        popularity="sessions" if agent else "votes",
        publisher="LMArena",
        bundle="arena-raw" if board == "arena-raw" else None,
        fallback="arena-raw" if board == "arena" else None,
        # free text upstream: "Proprietary" (and its typo) means closed, any license named means open weights
        closed_licenses=frozenset({"proprietary", "propretary"}),
        related=_RELATED.get(board, ()) if related is None else related,
        categories=_CATEGORIES.get(config, ("overall",)),
        domains=_DOMAINS.get(board, ()),
    )


ARENAS: tuple[BoardProfile, ...] = tuple(arena_profile(*spec) for spec in _ARENAS)

_STYLED = "_style_control"


def discovered_id(config: str, configs: Collection[str]) -> str:
    """The board id for a config no profile names, as the hand-written ids go: `arena-<config>`, hyphenated, a
    style-controlled config taking the plain id and its raw sibling `-raw` (`search` beside
    `search_style_control` is `arena-search-raw`)."""
    base = config.removesuffix(_STYLED)
    slug = re.sub(r"[^a-z0-9]+", "-", base.casefold()).strip("-")
    raw = not config.endswith(_STYLED) and base + _STYLED in configs
    return f"arena-{slug}{'-raw' if raw else ''}"


def discovered_arena(board: str, config: str, schema: Schema, boards: Collection[str]) -> BoardProfile:
    """A profile for an arena upstream added after this code was written: its title and words come from the config
    name ("text_factuality" is "Arena Text Factuality", asked for as "text factuality"), its page is the site's
    leaderboard index (the arena's own page is not known), and the style-controlled and raw views are related
    when both are among `boards`."""
    base = config.removesuffix(_STYLED)
    raw = board.endswith("-raw")
    spoken = re.escape(re.sub(r"[^a-z0-9]+", " ", base.casefold()).strip()).replace(r"\ ", "[ _-]")
    title = "Arena " + " ".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", base) if w)
    pair = board.removesuffix("-raw") if raw else f"{board}-raw"
    return arena_profile(
        board,
        config,
        title + (" (no style control)" if raw else ""),
        None,
        (rf"(?:arena[- ])?{spoken}(?: arena)?" + (_RAW if raw else ""),),
        schema,
        related=(pair,) if pair in boards else (),
    )
