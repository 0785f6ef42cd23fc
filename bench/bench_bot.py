"""The Discord bot: time from a `!rank` message to the bot's reply, and the bot process's resident memory.

Latency runs the real bot from `build_bot` on SimCord (an in-memory Discord that runs real discord.py), so it
includes discord.py's parsing and the simulated gateway/HTTP round trip; `!help` (no board look-up) is measured in
the same run as the baseline for that fixed cost. Memory is measured in fresh subprocesses: Python with discord.py
imported (baseline), and the bot with both boards loaded and warmed.

    .venv/bin/python bench/bench_bot.py [--write] [--messages 200]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import simcord  # noqa: E402

from bench.measure import percentile  # noqa: E402
from bench.report import publish  # noqa: E402
from bot import build_bot  # noqa: E402
from bot.ingest import open_store  # noqa: E402

NAMES = ["qwne2.5 72b", "deepseek v3", "gemma 2 27b", "llama 3.3 70b", "phi3 medium", "claude 3.5 sonnet",
         "gpt4o mini", "yi lightning", "mistral large 2407", "nemotron 70b"]  # fmt: skip

RSS_SCRIPT = """
import sys, asyncio
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
import discord  # noqa
base = rss()
if sys.argv[1] == 'bot':
    from bot import build_bot
    bot = build_bot(sys.argv[2])
    async def load():
        for cog in ('bot.chat.cogs.errors', 'bot.chat.cogs.ask'):
            await bot.load_extension(cog)
        bot.answerer.warm()
    asyncio.run(load())
    import gc, time
    def full_collection():
        started = time.perf_counter()
        gc.collect()
        return (time.perf_counter() - started) * 1000
    before = min(full_collection() for _ in range(5))
    bot.warm()  # what setup_hook does: warm, collect, freeze
    after = min(full_collection() for _ in range(5))
    print(before, after)
print(rss())
"""


async def latencies(db: Path, messages: int) -> dict[str, list[float]]:
    bot = build_bot(db)
    out: dict[str, list[float]] = {"!help (baseline)": [], "!rank <sloppy name>": []}
    async with simcord.run(bot) as env:
        # 40 users in 4 servers: no one exceeds the per-user and per-server budgets (bot/chat/fair_use.py)
        places = []
        for g in range(4):
            guild = env.create_guild()
            channel = guild.create_text_channel("bench")
            places += [(guild.add_member(env.create_user(f"user{g}-{i}")), channel) for i in range(10)]
        for i in range(messages):
            user, channel = places[i % len(places)]
            for label, text in (("!help (baseline)", "!help"), ("!rank <sloppy name>", f"!rank {NAMES[i % 10]}")):
                started = time.perf_counter()
                await user.send(channel, text)
                out[label].append((time.perf_counter() - started) * 1000)
                assert channel.last_message.author.id == env.bot.user.id
    return out


def rss(kind: str, db: Path) -> tuple[float, list[float]]:
    """Resident MB, and for the bot the time of a full garbage collection before and after `bot.warm()`."""
    result = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, kind, str(db)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    lines = result.stdout.strip().splitlines()
    return float(lines[-1]), [float(x) for x in lines[0].split()] if len(lines) > 1 else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bot.db"
        open_store(db).close()
        timings = asyncio.run(latencies(db, args.messages))
        (base_rss, _), (bot_rss, collections) = rss("base", db), rss("bot", db)

    lines = ["| message | p50 | p99 |", "| --- | --- | --- |"]
    for label, values in timings.items():
        lines.append(f"| {label} | {percentile(values, 0.5):.1f} ms | {percentile(values, 0.99):.1f} ms |")
    lines += [
        "",
        f"{args.messages} messages of each kind on SimCord 3.2.1 with discord.py 2.7.1, cycling through"
        f" {len(NAMES)} sloppy names (one needs a clarification menu).",
        "",
        f"A full garbage collection with both boards in memory: {collections[0]:.0f} ms (the event loop stalls"
        f" that long whenever one runs); after `bot.warm()` freezes them: {collections[1]:.2f} ms.",
        "",
        f"Resident memory: {bot_rss:.0f} MB for the bot with both boards loaded and warmed"
        f" (Open LLM 4,576 rows, LMArena 182), against {base_rss:.0f} MB for Python with discord.py imported.",
        "",
        "Aim (issue): p50 under 20 ms, memory under 150 MB.",
    ]
    body = "\n".join(lines)
    publish(
        "Discord bot: reply latency and memory",
        body,
        command=".venv/bin/python bench/bench_bot.py --write",
        write=args.write,
    )


if __name__ == "__main__":
    main()
