"""The data Leaderbot ships with, so a fresh install answers questions before it has fetched anything."""

from __future__ import annotations

import csv
import io
from importlib import resources
from importlib.abc import Traversable

DATA = resources.files("db") / "data"


def bundled_snapshots() -> list[tuple[str, Traversable]]:
    """(board id, file) for every bundled table, oldest first within a board."""
    files = [("open-llm", f) for f in (DATA / "open-llm").iterdir() if f.name.endswith(".jsonl.gz")]
    files += [("arena", f) for f in (DATA / "arena").iterdir() if f.name.endswith(".jsonl.gz")]
    return sorted(files, key=lambda item: (item[0], item[1].name))


def organization_rows() -> list[dict[str, str]]:
    """organizations.csv: organization, country, hf_namespaces, arena_names (`|`-separated), evidence."""
    text = (DATA / "organizations.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))
