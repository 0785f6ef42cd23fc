"""A refresh of a 250-model board with 1,000 subscribed channels, on the simulated Discord (SimCord).

Measured separately: storing the new board (validation, sanity check, one transaction), detecting the changes,
and fanning the digests out to 1,000 channels one at a time. The baseline, in the same run, posts the same
embed to the same 1,000 channels without any detection or bookkeeping: what SimCord and discord.py cost alone.

    .venv/bin/python bench/bench_notify.py [--write] [--channels 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import simcord  # noqa: E402

from bench.report import publish  # noqa: E402
from bot import build_bot  # noqa: E402
from bot.chat.embeds import render_digest  # noqa: E402
from bot.core.changes import stored_changes  # noqa: E402
from bot.ingest import ingest_rows, open_store  # noqa: E402

ARENA = ROOT / "db" / "data" / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz"
MODELS = 250
CHANNELS_PER_GUILD = 250


def boards() -> tuple[list[dict], list[dict]]:
    """Two consecutive 250-model boards made from real 2024 models: every model's last published row, then the
    same board a week later with a new leader and some moves."""
    with gzip.open(ARENA, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    latest: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: r["leaderboard_publish_date"]):
        latest[row["model_name"].casefold()] = row
    board = sorted(latest.values(), key=lambda r: -r["rating"])[:MODELS]
    first = []
    for rank, row in enumerate(board, start=1):
        first.append(dict(row, rank=rank, leaderboard_publish_date="2025-01-07"))
    second = []
    for row in first:
        moved = dict(row, leaderboard_publish_date="2025-01-14")
        if row["rank"] in (9, 15, 30):  # three models jump to the top
            moved["rating"] = row["rating"] + 120
        second.append(moved)
    second.sort(key=lambda r: -r["rating"])
    for rank, row in enumerate(second, start=1):
        row["rank"] = rank
    return first, second


async def run(db: Path, channels: int) -> dict[str, float]:
    first, second = boards()
    bot = build_bot(db)
    ingest_rows(bot.store, "arena", first, origin="bench")
    timings: dict[str, float] = {}
    async with simcord.run(bot) as env:
        targets = []
        for g in range(-(-channels // CHANNELS_PER_GUILD)):
            guild = env.create_guild(f"guild {g}")
            for c in range(min(CHANNELS_PER_GUILD, channels - len(targets))):
                channel = guild.create_text_channel(f"news-{c}")
                bot.store.subscribe(guild.id, channel.id, "arena", "overall", top_n=10)
                targets.append(channel)

        started = time.perf_counter()
        ingest_rows(bot.store, "arena", second, origin="bench")
        timings["store the new board"] = time.perf_counter() - started

        started = time.perf_counter()
        memo: dict = {}
        pending = [bot.notifier.changes_for(s, memo) for s in bot.store.subscriptions(board="arena", enabled=1)]
        timings[f"detect changes for {channels:,} subscriptions"] = time.perf_counter() - started
        assert all(p is not None and p[0].events for p in pending)

        started = time.perf_counter()
        report = await bot.notifier.announce("arena")
        await env.settle()
        timings[f"announce: detect + {channels:,} digests, one channel at a time"] = time.perf_counter() - started
        assert report.sent == channels, report

        timings[f"baseline: the same {channels:,} sends, nothing else"] = await bare_sends(env, bot, targets)
    return timings


async def bare_sends(env, bot, targets) -> float:  # type: ignore[no-untyped-def]
    """The baseline of a fan-out: the last digest of `arena`, sent to every target channel and nothing else
    (no change detection, no bookkeeping); seconds."""
    embed = render_digest(stored_changes(bot.store, "arena"))
    started = time.perf_counter()
    for channel in targets:
        await bot.get_channel(channel.id).send(embed=embed)
    await env.settle()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--channels", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bot.db"
        open_store(db).close()
        timings = asyncio.run(run(db, args.channels))
    lines = ["| step | time |", "| --- | --- |"]
    lines += [f"| {step} | {seconds * 1000:,.0f} ms |" for step, seconds in timings.items()]
    lines += [
        "",
        f"A {MODELS}-model LMArena board (real 2024 models) republished with a new #1 and moves; {args.channels:,}"
        f" channels in {-(-args.channels // CHANNELS_PER_GUILD)} guilds, each subscribed to the top 10. SimCord"
        " 3.2.1 answers instantly and applies no rate limits, so the fan-out figure is our own cost; on Discord the"
        " sends are paced by its rate limits (discord.py waits them out).",
    ]
    body = "\n".join(lines)
    publish("Refresh and fan-out", body, command=".venv/bin/python bench/bench_notify.py --write", write=args.write)


if __name__ == "__main__":
    main()
