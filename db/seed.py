"""The data Leaderbot ships with, so a fresh install answers questions before it has fetched anything."""

from __future__ import annotations

import csv
import io
from importlib import resources
from importlib.abc import Traversable

DATA = resources.files("db") / "data"


def bundled_files(folder: str) -> list[Traversable]:
    """The bundled tables in one folder of `db/data` (a board profile names its folder), oldest first."""
    return sorted((f for f in (DATA / folder).iterdir() if f.name.endswith(".jsonl.gz")), key=lambda f: f.name)


def organizations_text() -> str:
    return (DATA / "organizations.csv").read_text(encoding="utf-8")


def organization_rows(text: str | None = None) -> list[dict[str, str]]:
    """organizations.csv: organization, country, hf_namespaces, arena_names (`|`-separated), evidence."""
    return list(csv.DictReader(io.StringIO(organizations_text() if text is None else text)))
