"""The Hub's benchmark leaderboards: refreshing 40 benchmarks of 500 rows each from a local Hub, and the everywhere
card's latency with every board loaded.

The rankings are MADE UP (no real rows exist here) but in the exact shape the Hub's leaderboard API answers
(`tests/hub_benchmarks.py`), served by the tests' local Hub on 127.0.0.1 (`tests/hub_server.py`):

- refresh: `leaderbot refresh hub` of 40 benchmarks (one list request, two rankings each: base models and with
  fine-tunes, 500 rows each) into a store holding the bundled boards: time and requests, first (all new) and again
  (nothing changed), median of 3 runs each. Baseline: the same 81 GETs with the same client settings (4 at a time)
  and `json.loads`, nothing stored.
- card: `X everywhere` on that store plus the real 2026 arena boards, for the real Hub ids that link to the Arena
  and the Open LLM archive (tests/core/test_everywhere.py's pairs): p50 and p99 of 400 cards after one warm-up
  each; beside it, rank answers on the same store, p50 and p99. Aim: the card under 10 ms p99.

    .venv/bin/python bench/bench_hub.py [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.ingest import open_store  # noqa: E402
from bot.refresh import refresh  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.core.test_everywhere import PAIRS  # noqa: E402
from tests.hub_benchmarks import row  # noqa: E402
from tests.hub_server import HubServer  # noqa: E402
from tests.labelled import labelled_answerer  # noqa: E402

BENCHMARKS, ROWS = 40, 500
REAL_IDS = [hub_id for hub_id, *_ in PAIRS]


def boards() -> dict[str, list[dict[str, object]]]:
    """40 made-up benchmarks: every real Hub id of the pairs on each, the rest of the 500 rows invented models,
    the last 50 of them fine-tunes (listed only with `base_model=false`)."""
    out = {}
    for b in range(BENCHMARKS):
        models = [*REAL_IDS, *(f"org-{i % 37}/model-{b}-{i}" for i in range(ROWS - len(REAL_IDS)))]
        rows = [row(m, 100.0 - (i * 0.17 + b * 0.01) % 97) for i, m in enumerate(models)]
        for r in rows[-50:]:
            r["base"] = False
        out[f"bench-org-{b}/made-up-benchmark-{b}"] = rows
    return out


def settings(hub: HubServer) -> Settings:
    return Settings(hf_endpoint=hub.url, http_timeout=30.0, http_retries=2, http_concurrency=4)


async def baseline(hub: HubServer, urls: list[str]) -> float:
    """The same GETs, 4 at a time, parsed and dropped: the cost of asking at all."""
    started = time.perf_counter()
    gate = asyncio.Semaphore(4)
    async with aiohttp.ClientSession() as session:

        async def one(url: str) -> None:
            async with gate, session.get(url) as response:
                json.loads(await response.read())

        await asyncio.gather(*(one(u) for u in urls))
    return time.perf_counter() - started


async def refresh_figures(seeded: Path) -> tuple[dict[str, float], Path]:
    made = boards()
    first, again, base, requests_first, requests_again = [], [], [], 0, 0
    kept = seeded
    for attempt in range(3):
        async with HubServer() as hub:
            for dataset, rows in made.items():
                hub.put_benchmark(dataset, rows)
            db = Path(tempfile.mkdtemp()) / "hub.db"
            db.write_bytes(seeded.read_bytes())
            store = open_store(db)
            started = time.perf_counter()
            reports = await refresh(store, ["hub"], settings(hub))
            first.append(time.perf_counter() - started)
            assert sum(r.outcome == "stored" for r in reports) == BENCHMARKS, [r.summary() for r in reports[:3]]
            requests_first = len(hub.seen())
            started = time.perf_counter()
            reports = await refresh(store, ["hub"], settings(hub))
            again.append(time.perf_counter() - started)
            assert {r.outcome for r in reports} == {"unchanged"}
            requests_again = len(hub.seen()) - requests_first
            urls = [hub.url + "/api/datasets?filter=benchmark:official"] + [
                f"{hub.url}/api/datasets/{d}/leaderboard{q}" for d in made for q in ("", "?base_model=false")
            ]
            base.append(await baseline(hub, urls))
            store.close()
            if attempt == 0:
                kept = db
    return {
        "first_s": statistics.median(first),
        "again_s": statistics.median(again),
        "baseline_s": statistics.median(base),
        "requests_first": requests_first,
        "requests_again": requests_again,
    }, kept


def card_figures(db: Path) -> dict[str, float]:
    answerer = labelled_answerer(db)
    questions = [f"{hub_id} everywhere" for hub_id in REAL_IDS]
    for q in questions:  # warm: each model's categories read once, as a bot that has answered before
        assert answerer.ask(q).kind == "profile", answerer.ask(q).text
    cards = [ms for i in range(400) for ms in timed(lambda i=i: answerer.ask(questions[i % len(questions)]), 1)]
    ranks = [
        ms for i in range(400) for ms in timed(lambda i=i: answerer.ask(f"rank of {REAL_IDS[i % len(REAL_IDS)]}"), 1)
    ]
    boards_held = len(answerer.held_boards())
    sizes = [len(answerer.ask(q).standings) for q in questions]
    answerer.store.close()
    return {
        "card_p50": percentile(cards, 0.5),
        "card_p99": percentile(cards, 0.99),
        "rank_p50": percentile(ranks, 0.5),
        "rank_p99": percentile(ranks, 0.99),
        "boards": boards_held,
        "standings_median": statistics.median(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record the results in BENCHMARKS.md")
    args = parser.parse_args()
    seeded = Path(tempfile.mkdtemp()) / "seeded.db"
    open_store(seeded).close()
    r, db = asyncio.run(refresh_figures(seeded))
    c = card_figures(db)
    body = f"""\
| figure | result | baseline / aim |
| --- | --- | --- |
| `refresh hub`, 40 benchmarks x 500 rows, all new | {r["first_s"]:.2f} s, {r["requests_first"]} requests | \
GETs alone {r["baseline_s"]:.2f} s ({r["first_s"] / r["baseline_s"]:.1f}x) |
| `refresh hub` again, nothing changed | {r["again_s"]:.2f} s, {r["requests_again"]} requests, nothing stored | \
GETs alone {r["baseline_s"]:.2f} s |
| everywhere card, {c["boards"]} boards held, median {c["standings_median"]:.0f} boards a card | \
p50 {c["card_p50"]:.2f} ms, p99 {c["card_p99"]:.2f} ms | aim: p99 under 10 ms |
| rank answer on the same store (it lists every board too) | p50 {c["rank_p50"]:.2f} ms, \
p99 {c["rank_p99"]:.2f} ms | — |

The rankings are made up, in the Hub's exact shape; the {len(REAL_IDS)} model ids asked are real Hub repos that
link to the Arena and the Open LLM archive. A refresh lists the benchmarks once and asks each for both rankings
(base models, with fine-tunes), 4 requests at a time, each stored before the next 4 are asked; an unchanged answer
stores nothing."""
    publish("Hub benchmark leaderboards", body, command="python bench/bench_hub.py --write", write=args.write)


if __name__ == "__main__":
    main()
