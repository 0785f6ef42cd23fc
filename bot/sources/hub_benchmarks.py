"""The Hub's benchmark leaderboards, as `GET /api/datasets/<id>/leaderboard` answers: a bare JSON array, best first,
of `{"rank", "modelId", "value", "verified", "filename", "author", "source", "pullRequest", "notes"}`, some answers
with `lower_is_better` on their rows.

One answer is one board of one category (base models, or with fine-tunes), dated by its fetch: the Hub gives no
date. The ranks are the Hub's. A model listed twice (two result files) keeps each row; answers use its best.

Each row is somebody's result file, so each is checked alone: a bad one (an id that is not text or is too long, a
value that is not a finite number, a rank below 1, ...) is dropped and counted, and the board is refused only when
most of its rows are bad. A source link is kept only when it is a web address (`core.untrusted.web_link`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.keys import model_key, org_key

from ..core.untrusted import web_link
from ..profiles import BoardProfile
from ..profiles.hub import BASE
from .base import Column, SnapshotData, SourceError, check_date, check_rows, content_hash, drop_bad_rows
from .limits import MAX_NAME_LENGTH

COLUMNS: dict[str, Column] = {
    "rank": Column("rank", "int"),
    "modelId": Column("name", "str"),
    "value": Column("score", "num"),
    "verified": Column("verified", "bool", required=False, nullable=True),
    "pullRequest": Column("pull_request", "int", required=False, nullable=True),
    "source_url": Column("source_url", "str", required=False, nullable=True),  # `source.url`, flattened
    "source_name": Column("source_name", "str", required=False, nullable=True),  # `source.name`
    "notes": Column("notes", "str", required=False, nullable=True),
}

# Free text a row cites (a note, a source's name or link) is shortened past this, never a reason to refuse a board.
MAX_CITED_LENGTH = 300


def _cited(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CITED_LENGTH:
        return value[: MAX_CITED_LENGTH - 1] + "…"
    return value


def flatten(rows: Sequence[Any]) -> list[Any]:
    """The answer's rows with `source` flattened into two columns, its link kept only when it is a web address;
    anything that is not an object is left as it is, for the row checks to count."""
    out = []
    for row in rows:
        if not isinstance(row, Mapping):
            out.append(row)
            continue
        source = row.get("source")
        flat = {k: v for k, v in row.items() if k != "source"}
        if isinstance(source, Mapping):
            flat["source_url"] = web_link(source.get("url"))
            flat["source_name"] = _cited(source.get("name")) if isinstance(source.get("name"), str) else None
        flat["notes"] = _cited(row.get("notes"))
        out.append(flat)
    return out


def lower_is_better(rows: Sequence[Any]) -> bool:
    """Whether the answer says its benchmark ranks the lowest value first."""
    return any(isinstance(r, Mapping) and r.get("lower_is_better") is True for r in rows)


class HubSource:
    board_columns = ()  # one answer is one board

    def __init__(self, profile: BoardProfile) -> None:
        self.profile = profile
        self.columns = COLUMNS

    def to_snapshots(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        origin: str,
        as_of: str | None = None,
        category: str = BASE,
    ) -> list[SnapshotData]:
        if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
            raise SourceError(f"{origin}: not a leaderboard (expected a JSON list of rows)")
        checked, reasons = check_rows(flatten(rows), COLUMNS, origin=origin)
        as_of = check_date(as_of or datetime.now(UTC).date().isoformat(), origin=origin)
        for i, row in enumerate(checked):
            if row is None or i in reasons:
                continue
            if row["rank"] < 1:
                reasons[i] = "rank below 1"
            elif not row["name"].strip():
                reasons[i] = "empty modelId"
            elif len(row["name"]) > MAX_NAME_LENGTH:  # one such row would have the whole board refused
                reasons[i] = "modelId too long"
        converted, dropped = drop_bad_rows(checked, reasons, origin=origin)
        for row in converted:
            namespace = row["name"].split("/", 1)[0] if "/" in row["name"] else None
            row["organization"] = namespace
            row["org_key"] = org_key(namespace)
            row["model_key"] = model_key(row["name"])
        converted.sort(key=lambda r: (r["rank"], r["name"]))
        # the moment of the fetch counts, not only its date: a ranking that comes back to an earlier one the same
        # day is a change (a refetch of the ranking last stored is the judge's to skip as a republication)
        digest = content_hash(f"{category}\n{datetime.now(UTC).isoformat()}", converted)
        return [
            SnapshotData(
                self.profile.id, category, as_of, converted, content_hash=digest, source=origin, dropped=dropped
            )
        ]

    def read_parquet(self, path: Path, *, origin: str, as_of: str | None = None) -> list[SnapshotData]:
        """The Hub answers in JSON, never Parquet: a saved answer is ingested as JSON (`ingest --file`)."""
        raise SourceError(f"{origin}: the Hub's leaderboards are JSON; give the saved JSON answer instead")
