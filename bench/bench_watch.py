"""One refresh with 10,000 watches over 5,000 users: the work per user, everything but the Discord send.

The store is the seeded one (the real 2024 LMArena boards); 5,000 users watch two models each of the last 2024
board (every model of it is watched by someone; a third of the watches say `top:10`, a third `moves:3`). The
refresh is that board republished a week later with a new #1 (every other model one place down) and one model
renamed (made up: a new name, its maker, votes and rating kept, which the board's votes rule links).

Per user, what the watch notifier does for them: their changes (`WatchNotifier.owed`) and, for a user with
something to tell, the DM's embeds (`render_update`). The writes the notifier makes for everyone at once are timed
on their own: every intent in one write before the sends (`Store.begin_watch_deliveries`), the bookkeeping after
them in writes of 25 (`Store.finish_watch_deliveries`), the users with nothing to tell moved forward in one write
(`Store.advance_watches`); so is what the users of one board share (its two snapshots' rows and renames), worked
out once per refresh.

The baseline, in the same run, is the naive way: the channel digests' change detection (`changes_between`, renames
followed, the same thresholds) run for each watch, and the watched model's event looked up in it.

    .venv/bin/python bench/bench_watch.py [--write] [--users 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile  # noqa: E402
from bench.report import machine, publish  # noqa: E402
from bot import build_bot  # noqa: E402
from bot.chat.watches import BOOK_EVERY, render_update  # noqa: E402
from bot.core.changes import changes_between  # noqa: E402
from bot.core.watches import WatchSteps  # noqa: E402
from bot.ingest import ingest_rows, open_store  # noqa: E402

ARENA = ROOT / "db" / "data" / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz"
BOARD = "arena-raw"
WATCHES_PER_USER = 2
BASELINE_USERS = 500  # the naive way is slow: a sample of users is enough for its percentiles
GUILD = 1 << 22


def next_board() -> list[dict]:
    """The last 2024 board republished on 2025-01-07: DeepSeek-V3 a clear #1, the rest one place down, and
    Qwen2-72B-Instruct renamed (same maker, votes and rating: the board's votes rule links the two)."""
    with gzip.open(ARENA, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    last = max(r["leaderboard_publish_date"] for r in rows)
    board = [dict(r, leaderboard_publish_date="2025-01-07") for r in rows if r["leaderboard_publish_date"] == last]
    for r in board:
        if r["model_name"] == "DeepSeek-V3":
            r.update(rating=1400.0, rating_lower=1395.0, rating_upper=1405.0, rank=1)
        else:
            r["rank"] += 1
        if r["model_name"] == "Qwen2-72B-Instruct":
            r["model_name"] = "Qwen2 72B Instruct Chat"
    return board


def make_watches(bot, users: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`users` users, two watches each, spread over every model of the latest board; their keys."""
    store = bot.store
    latest = store.latest_snapshot(BOARD, "overall")
    keys = list(dict.fromkeys(e["model_key"] for e in store.entries(latest.id)))
    n = 0
    for user in range(1, users + 1):
        store.note_watcher(user, GUILD, channel_id=1)
        for _ in range(WATCHES_PER_USER):
            kind = n % 3
            store.watch(user, BOARD, "overall", keys[n % len(keys)], top_n=10 if kind == 1 else None,
                        min_move=3 if kind == 2 else 1)  # fmt: skip
            n += 1
    return keys


async def run(db: Path, users: int) -> tuple[dict[str, str], dict[str, float]]:
    bot = build_bot(db)
    store = bot.store
    started = time.perf_counter()
    make_watches(bot, users)
    setup_s = time.perf_counter() - started
    ingest_rows(store, BOARD, next_board(), origin="bench")
    bot.warm()  # as the bot does after a refresh: the boards built, and out of the garbage collector's sight
    notifier = bot.watch_notifier
    grouped: dict[tuple[int, bool], list] = {}
    for watch in store.watches(boards=[BOARD]):
        grouped.setdefault((watch.recipient_id, watch.to_channel), []).append(watch)
    watchers = store.watchers(grouped)
    assert len(grouped) == users and sum(map(len, grouped.values())) == users * WATCHES_PER_USER

    started = time.perf_counter()
    steps = WatchSteps(store)
    newest = steps.newest(BOARD, "overall")
    first = next(iter(grouped.values()))[0]
    steps.step(first.last_snapshot_id, newest)  # type: ignore[arg-type]
    shared_ms = (time.perf_counter() - started) * 1000

    per_user: list[float] = []
    quiet: list[tuple[int, int, int]] = []
    updates = []
    now = bot.answerer.now()
    for key, watches in grouped.items():
        watcher = watchers[key]
        started = time.perf_counter()
        owed = notifier.owed(watches, steps)
        assert owed is not None
        changes, plans = owed
        if changes:
            embeds = render_update(changes, "en", f"leaderbot-watch-user-{watcher.recipient_id}-1", now)
            assert embeds  # here the DM would be sent
            updates.append((watcher, plans))
        else:
            quiet.extend(plans)
        per_user.append((time.perf_counter() - started) * 1000)
    told = len(updates)
    started = time.perf_counter()
    numbers = store.begin_watch_deliveries(updates)
    intents_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for i in range(0, told, BOOK_EVERY):
        store.finish_watch_deliveries([(w, numbers[w.key], True) for w, _ in updates[i : i + BOOK_EVERY]])
    book_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    store.advance_watches(quiet)
    quiet_ms = (time.perf_counter() - started) * 1000
    assert all(w.last_snapshot_id == newest.id for w in store.watches())  # type: ignore[union-attr]
    renamed = [w for w in store.watches() if w.model_key == "qwen2 72b instruct chat"]
    assert renamed, "the rename is followed: the watches of Qwen2-72B-Instruct moved to its new name"

    baseline: list[float] = []
    older = store.snapshots(BOARD, "overall")[-2]
    for watches in list(grouped.values())[:BASELINE_USERS]:
        started = time.perf_counter()
        for w in watches:
            found = changes_between(store, older, newest, top_n=w.top_n or 100, min_move=w.min_move)  # type: ignore[arg-type]
            mine = [e for e in found.events if w.model_key in (e.model.casefold(), (e.old_model or "").casefold())]
            assert len(mine) <= 1
        baseline.append((time.perf_counter() - started) * 1000)
    await bot.close()
    figures = {
        "users": f"{users:,}",
        "watches": f"{users * WATCHES_PER_USER:,}",
        "told": f"{told:,}",
        "setup": f"{setup_s:.1f} s",
    }
    return figures, {
        "p50": percentile(per_user, 0.5),
        "p99": percentile(per_user, 0.99),
        "max": max(per_user),
        "shared": shared_ms,
        "quiet": quiet_ms,
        "quiet_users": users - told,
        "users": users,
        "intents": intents_ms,
        "book": book_ms,
        "total": sum(per_user) + shared_ms + intents_ms + book_ms + quiet_ms,
        "base_p50": percentile(baseline, 0.5),
        "base_p99": percentile(baseline, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--users", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bot.db"
        open_store(db).close()
        figures, t = asyncio.run(run(db, args.users))
    lines = [
        "| work | p50 | p99 |",
        "| --- | --- | --- |",
        f"| per user: their changes and the DM's embeds | {t['p50']:.3f} ms | {t['p99']:.3f} ms |",
        f"| baseline, per user: the digests' change detection run for each watch | {t['base_p50']:.2f} ms |"
        f" {t['base_p99']:.2f} ms |",
        "",
        "| once per refresh | time |",
        "| --- | --- |",
        f"| the board's two snapshots and renames, shared by every watch of it | {t['shared']:.1f} ms |",
        f"| every intent, one write before the sends | {t['intents']:.1f} ms |",
        f"| the bookkeeping after the sends, a write per {BOOK_EVERY} users | {t['book']:.1f} ms |",
        f"| the {t['quiet_users']:,} users with nothing to tell moved forward, one write | {t['quiet']:.1f} ms |",
        f"| all {figures['users']} users, but the sends | {t['total']:,.0f} ms |",
        f"| the same, per user (the writes shared out) | {t['total'] / t['users']:.3f} ms |",
        "",
        f"{figures['watches']} watches over {figures['users']} users (two each) on the last 2024 LMArena board of"
        f" the bundled data (every model watched; a third `top:10`, a third `moves:3`), refreshed by that board a"
        f" week later with a new #1, every other model one place down and one model renamed;"
        f" {figures['told']} users get a DM. The slowest user took {t['max']:.2f} ms. The baseline is measured on"
        f" {BASELINE_USERS} of the same users. The sends, paced by Discord's rate limits, are not counted.",
    ]
    body = "\n".join(lines)
    publish("Watch updates per user", body, command=".venv/bin/python bench/bench_watch.py --write", write=False)
    if args.write:
        out = Path("/tmp/watch-docs.md")
        previous = out.read_text(encoding="utf-8") if out.exists() else ""
        section = (
            f"## Watch updates per user\n\n{body}\n\nMeasured {date.today().isoformat()} on {machine()}.\n"
            "Reproduce: `.venv/bin/python bench/bench_watch.py --write`\n"
        )
        out.write_text(previous.split("## Watch updates per user")[0] + section, encoding="utf-8")


if __name__ == "__main__":
    main()
