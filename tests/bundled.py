"""Where the bundled data lives, for tests that read it straight from the files (not through the store)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "db" / "data"
ARENA_2024 = DATA / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz"
OPEN_LLM = {d: DATA / "open-llm" / f"contents-{d}.jsonl.gz" for d in ("2024-12-11", "2025-01-01", "2025-03-21")}
OPEN_LLM_FINAL = OPEN_LLM["2025-03-21"]
OPEN_LLM_DEC = OPEN_LLM["2024-12-11"]
