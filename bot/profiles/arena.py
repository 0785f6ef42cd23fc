"""LMArena's text leaderboard (overall, without style control), as `lmarena-ai/leaderboard-dataset` publishes it."""

from __future__ import annotations

from .base import BoardProfile, Detail, RankRule, RenameRule, ScoreFormat, Upstream

ARENA = BoardProfile(
    id="arena",
    title="LMArena Text",
    url="https://lmarena.ai/leaderboard/text",
    live=True,
    score=ScoreFormat("Rating", decimals=0),
    # Bradley-Terry ratings sit around 1,000-1,500; anything outside this is a broken publish.
    score_range=(100.0, 3000.0),
    notable_step=10.0,
    # The bundled 2024 boards carry the statistical rank the site published (ties and gaps): kept as published.
    rank_rule=RankRule.PUBLISHED,
    upstream=Upstream("lmarena-ai/leaderboard-dataset", config="text", split="latest"),
    words=(r"lm ?arena", "lmsys", "chatbot arena", "arena"),
    details=(Detail.VOTES, Detail.INTERVAL, Detail.PARAMS),
    renames=frozenset({RenameRule.VOTES, RenameRule.DATED_NAME}),
    rename_drift=10.0,  # rating points
    popularity="votes",
    publisher="LMArena",
    bundle="arena",
)
