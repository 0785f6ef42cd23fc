"""Hugging Face Open LLM Leaderboard v2, as the official `open-llm-leaderboard/contents` dataset holds it.

The board was retired in March 2025: its table is frozen. It is answered from and labelled archived, and only
refreshed when someone asks for it by name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from db.keys import model_key, org_key

from ..profiles.open_llm import OPEN_LLM
from . import parquet
from .base import Column, SnapshotData, SourceError, check_date, content_hash, convert_rows, drop_bad_rows

SCORE = "Average ⬆️"  # the board's score: a row without one is dropped (and counted)
# upstream column -> store column. `Model` (an HTML link) and `T` (the type's emoji) repeat other columns.
COLUMNS: dict[str, Column] = {
    "fullname": Column("name", "str"),
    SCORE: Column("score", "num", nullable=True),
    "eval_name": Column("eval_name", "str"),
    "Precision": Column("precision", "str"),
    "Type": Column("model_type", "str"),
    "Weight type": Column("weight_type", "str", required=False, nullable=True),
    "Architecture": Column("architecture", "str", required=False, nullable=True),
    "Model sha": Column("model_sha", "str", required=False, nullable=True),
    "Hub License": Column("license", "str", required=False, nullable=True),
    "Hub ❤️": Column("hub_likes", "int", required=False, nullable=True),
    "#Params (B)": Column("params_b", "num", nullable=True),
    "Available on the hub": Column("available", "bool", required=False, nullable=True),
    "MoE": Column("moe", "bool", required=False, nullable=True),
    "Flagged": Column("flagged", "bool", required=False, nullable=True),
    "Merged": Column("merged", "bool", required=False, nullable=True),
    "Official Providers": Column("official", "bool", required=False, nullable=True),
    "Chat Template": Column("chat_template", "bool", required=False, nullable=True),
    "CO₂ cost (kg)": Column("co2_kg", "num", required=False, nullable=True),
    "IFEval": Column("ifeval", "num"),
    "IFEval Raw": Column("ifeval_raw", "num", required=False, nullable=True),
    "BBH": Column("bbh", "num"),
    "BBH Raw": Column("bbh_raw", "num", required=False, nullable=True),
    "MATH Lvl 5": Column("math", "num"),
    "MATH Lvl 5 Raw": Column("math_raw", "num", required=False, nullable=True),
    "GPQA": Column("gpqa", "num"),
    "GPQA Raw": Column("gpqa_raw", "num", required=False, nullable=True),
    "MUSR": Column("musr", "num"),
    "MUSR Raw": Column("musr_raw", "num", required=False, nullable=True),
    "MMLU-PRO": Column("mmlu_pro", "num"),
    "MMLU-PRO Raw": Column("mmlu_pro_raw", "num", required=False, nullable=True),
    "Upload To Hub Date": Column("upload_date", "date", required=False, nullable=True),
    "Submission Date": Column("submission_date", "date", required=False, nullable=True),
    "Generation": Column("generation", "int", required=False, nullable=True),
    "Base Model": Column("base_model", "str", required=False, nullable=True),
}

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def rank_by_score(scores: Sequence[float]) -> list[int]:
    """1 + the number of strictly higher scores, so equal averages share a rank (the board's own rule)."""
    ordered = sorted(scores)
    n = len(ordered)
    return [1 + n - bisect.bisect_right(ordered, s) for s in scores]


class OpenLLMSource:
    profile = OPEN_LLM
    columns = COLUMNS
    board_columns = ()  # one file is one board

    def read_parquet(self, path: Path, *, origin: str, as_of: str | None = None) -> list[SnapshotData]:
        return self.to_snapshots(parquet.read_rows(path, COLUMNS, origin=origin), origin=origin, as_of=as_of)

    def to_snapshots(
        self, rows: Sequence[Mapping[str, Any]], *, origin: str, as_of: str | None = None
    ) -> list[SnapshotData]:
        # a row without an average cannot be ranked: left out and counted (the table refused when most are)
        scored = convert_rows(rows, COLUMNS, origin=origin)
        unscored = {i: f"no {SCORE}" for i, row in enumerate(scored) if row["score"] is None}
        converted, dropped = drop_bad_rows(scored, unscored, origin=origin)
        if as_of is None:
            # The table carries no date of its own: a dated file name (contents-2025-03-21.jsonl.gz) says when it
            # was taken; otherwise the newest submission in it is the best lower bound we have.
            named = _DATE_IN_NAME.search(origin.rsplit("/", 1)[-1])
            dates = [r["submission_date"] for r in converted if r["submission_date"]]
            if named:
                as_of = named.group(1)
            elif dates:
                as_of = max(dates)
            else:
                raise SourceError(f"{origin}: no date in the file name or the rows; pass --as-of")
        as_of = check_date(as_of, origin=origin)
        for row, rank in zip(converted, rank_by_score([r["score"] for r in converted]), strict=True):
            row["rank"] = rank
            namespace = row["name"].split("/", 1)[0] if "/" in row["name"] else None
            row["organization"] = namespace
            row["org_key"] = org_key(namespace)
            row["model_key"] = model_key(row["name"])
        return [
            SnapshotData(
                board=OPEN_LLM.id,
                category=OPEN_LLM.default_category,
                as_of=as_of,
                rows=converted,
                content_hash=content_hash(OPEN_LLM.default_category, converted),
                source=origin,
                dropped=dropped,
            )
        ]
