"""Live boards and weekly summaries: what one live message's edit and one weekly summary cost besides Discord.

Real data: the 39 LMArena boards of 2024 from the bundled store. Timed, each after a warm-up:

- a live board's message: the `!top 10` answer from the board's view and its one embed (`bot.chat.live.one_embed`),
  what `LiveBoards.update` makes once per live message at a new snapshot;
- a weekly summary (`bot.core.weekly.weekly_summary`) for every span of three consecutive boards of 2024 (the
  new #1s board by board, the movers and debuts, the top 5's histories up to the week's end);
- the top 5's chart (`render_top_history_png_async`'s render, in this thread), twelve weeks of it.

    .venv/bin/python bench/bench_live.py [--write] [--repeats 20]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.charts import render_top_history_png_async  # noqa: E402
from bot.chat.live import one_embed  # noqa: E402
from bot.core.answer import Kind  # noqa: E402
from bot.core.answers import Answerer  # noqa: E402
from bot.core.questions import Query  # noqa: E402
from bot.core.snapshots import reader  # noqa: E402
from bot.core.weekly import weekly_summary  # noqa: E402
from bot.ingest import open_store  # noqa: E402

BOARD = "arena-raw"


def line(name: str, samples: list[float]) -> str:
    return f"| {name} | {len(samples)} | {percentile(samples, 0.5):.2f} | {percentile(samples, 0.99):.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="keep the figures in BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.db")
        answerer = Answerer(store)
        answerer.warm()
        query = Query(Kind.TOP, board=BOARD, category="overall", count=10)
        one_embed(answerer.answer(query, "en"))
        live = timed(lambda: one_embed(answerer.answer(query, "en")), args.repeats * 10)

        boards = reader(store).accepted(BOARD, "overall")
        spans = list(zip(boards, boards[2:], strict=False))
        for told, newest in spans:  # warm-up: every board's rows read once
            weekly_summary(store, told, newest)
        weeks: list[float] = []
        for _ in range(max(1, args.repeats // 5)):
            for told, newest in spans:
                weeks += timed(lambda told=told, newest=newest: weekly_summary(store, told, newest), 1)

        last = weekly_summary(store, spans[-1][0], spans[-1][1])

        def chart() -> None:
            asyncio.run(render_top_history_png_async(last.top, first_date=last.chart_since, board_title="Arena"))

        chart()
        charts = timed(chart, args.repeats)
        store.close()
    body = "\n".join(
        [
            f"Python {platform.python_version()}, {platform.machine()}; the bundled 2024 Arena boards"
            f" ({len(boards)} boards, {len(spans)} spans of three).",
            "",
            "| what | samples | p50 ms | p99 ms |",
            "| --- | ---: | ---: | ---: |",
            line("live message: `!top 10` answer + its one embed", live),
            line("weekly summary (new #1s, movers, debuts, top 5 histories)", weeks),
            line("weekly chart: top 5 over 12 weeks, PNG", charts),
        ]
    )
    publish(
        "Live boards and weekly summaries",
        body,
        command=".venv/bin/python bench/bench_live.py --write",
        write=args.write,
    )


if __name__ == "__main__":
    main()
