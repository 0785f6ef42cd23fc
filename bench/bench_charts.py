"""History charts: PNG render time for one and for four models over 40 snapshots, against baselines in the same run.

Histories are real: the 39 LMArena boards of 2024 from the bundled data, for models on every one of them, plus a
40th point a week after the last board (each model's last rank and score repeated) so each series has 40 points.
Each case renders `repeats` times after a warm-up (the first render loads fonts); the time is the whole call
(figure, draw, PNG encoding). Baselines: an empty figure of the same size saved to PNG (the fixed cost of drawing
and encoding 1200x675 pixels), and a plain one-axes matplotlib line chart of the same four series with default
styling. Also timed: the history of one model (cold: a fresh Store object, so every board's rows are read; warm:
from the per-store cache) and `render_history_png_async` as seen from the event loop.

    .venv/bin/python bench/bench_charts.py [--write] [--repeats 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import itertools
import os
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from matplotlib import __version__ as matplotlib_version
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.charts import chart_language, render_history_png, render_history_png_async  # noqa: E402
from bot.core.history import History, Point, model_history  # noqa: E402
from bot.ingest import open_store  # noqa: E402
from db.store import Store  # noqa: E402

MODELS = ["gpt-4o-2024-05-13", "gpt-4-turbo-2024-04-09", "claude 3 opus", "llama-3-70b-instruct"]
AIM_MS = 300.0
OTHER_SCRIPTS = ("th", "ja")  # charts that need a system font (see bot/charts.py)


def with_40th_point(history: History) -> History:
    last = history.points[-1]
    extra = Point((date.fromisoformat(last.date) + timedelta(days=7)).isoformat(), last.rank, last.score)
    return replace(history, points=[*history.points, extra], last_seen=extra.date)


def empty_png() -> bytes:
    fig = Figure(figsize=(8, 4.5), dpi=150)
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def plain_png(histories: list[History]) -> bytes:
    fig = Figure(figsize=(8, 4.5), dpi=150)
    ax = fig.subplots()
    for history in histories:
        ax.plot([date.fromisoformat(p.date) for p in history.points], [p.rank for p in history.points])
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


@dataclass
class LoopReport:
    latency_ms: list[float]  # per render, as the awaiting coroutine sees it
    stall_ms: list[float]  # per render, the longest gap between heartbeats
    full_gc_ms: list[float]  # full (generation 2) collections meanwhile


async def loop_report(histories: list[History], repeats: int) -> LoopReport:
    """`render_history_png_async` seen from the event loop, with a heartbeat task every 5 ms: how long each render
    takes to arrive and the longest the heartbeat waited meanwhile (a render on the loop itself would stall it for a
    whole render). Full garbage collections are timed too: matplotlib figures are reference cycles, so the garbage
    of earlier renders is freed by a full collection, which holds the GIL wherever it runs."""
    beats: list[float] = []
    done = asyncio.Event()
    report = LoopReport([], [], [])
    gc_started = 0.0

    def on_gc(phase: str, info: dict[str, int]) -> None:
        nonlocal gc_started
        if info["generation"] == 2:
            if phase == "start":
                gc_started = time.perf_counter()
            else:
                report.full_gc_ms.append((time.perf_counter() - gc_started) * 1000)

    async def heartbeat() -> None:
        while not done.is_set():
            beats.append(time.perf_counter())
            await asyncio.sleep(0.005)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    gc.callbacks.append(on_gc)
    try:
        for _ in range(repeats):
            first = len(beats) - 1
            started = time.perf_counter()
            await render_history_png_async(histories, board_title="LMArena Text", score_label="Rating")
            report.latency_ms.append((time.perf_counter() - started) * 1000)
            gaps = [b - a for a, b in itertools.pairwise(beats[first:])]
            report.stall_ms.append(max(gaps, default=0.0) * 1000)
    finally:
        gc.callbacks.remove(on_gc)
        done.set()
        await beat
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        open_store(path).close()
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(5):
            with Store(path) as store:  # a new Store object: nothing cached
                started = time.perf_counter()
                model_history(store, "arena-raw", "overall", MODELS[0])
                cold.append((time.perf_counter() - started) * 1000)
                warm += timed(lambda store=store: model_history(store, "arena-raw", "overall", MODELS[1]), 20)
        with Store(path) as store:
            histories = [with_40th_point(model_history(store, "arena-raw", "overall", key)) for key in MODELS]
    assert all(len(h.points) == 40 for h in histories), [len(h.points) for h in histories]

    def ours(n: int, lang: str = "en") -> bytes:
        return render_history_png(histories[:n], board_title="LMArena Text", score_label="Rating", lang=lang)

    for _ in range(3):  # warm-up: fonts, caches
        for lang in ("en", *OTHER_SCRIPTS):
            ours(4, lang)
        plain_png(histories)
    cases = {
        "baseline: empty 1200x675 figure to PNG": (timed(empty_png, args.repeats), len(empty_png())),
        "baseline: plain one-axes line chart, 4 series": (
            timed(lambda: plain_png(histories), args.repeats),
            len(plain_png(histories)),
        ),
        "ours, 1 model x 40 snapshots": (timed(lambda: ours(1), args.repeats), len(ours(1))),
        "ours, 4 models x 40 snapshots": (timed(lambda: ours(4), args.repeats), len(ours(4))),
    }
    for lang in OTHER_SCRIPTS:  # a script the base font lacks: the system font that draws it is found per glyph
        drawn, fonts = chart_language(lang)
        how = f"in {lang}, font {fonts[-1]}" if drawn == lang else f"in {lang}: no font for it here, drawn in English"
        cases[f"ours, 4 models, {how}"] = (timed(lambda lang=lang: ours(4, lang), args.repeats), len(ours(4, lang)))
    loop = asyncio.run(loop_report(histories, args.repeats))
    gc.collect()
    gc.disable()  # the same again without the cyclic collector, to tell its pauses from the render's own
    try:
        loop_no_gc = asyncio.run(loop_report(histories, args.repeats))
    finally:
        gc.enable()

    def paragraph(text: str) -> str:
        return textwrap.fill(text, width=120, break_on_hyphens=False)

    table = ["| case | p50 | p99 | PNG size |", "| --- | ---: | ---: | ---: |"]
    for label, (times, size) in cases.items():
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        table.append(f"| {label} | {p50:.0f} ms | {p99:.0f} ms | {size // 1024} KiB |")
    four = cases["ours, 4 models x 40 snapshots"][0]
    one = cases["ours, 1 model x 40 snapshots"][0]
    empty = cases["baseline: empty 1200x675 figure to PNG"][0]
    verdict = "yes" if max(percentile(one, 0.5), percentile(four, 0.5)) < AIM_MS else "no"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    parts = [
        paragraph(
            "`render_history_png` (matplotlib Agg through `Figure` + `FigureCanvasAgg`, 1200x675 px, rank and score"
            " axes, legend) on real LMArena 2024 histories: the 39 boards plus a synthesised 40th point (each model's"
            f" last rank and score a week later). {args.repeats} renders per case after a warm-up, the whole call"
            f" (figure, draw, PNG); matplotlib {matplotlib_version}. Baselines in the same run: an empty figure of the"
            " same size to PNG, and a plain one-axes line chart of the four series with default styling."
        ),
        "\n".join(table),
        paragraph(
            f"Aim (issue): p50 under {AIM_MS:.0f} ms: {verdict}. Four models cost"
            f" {percentile(four, 0.5) / percentile(empty, 0.5):.1f}x the empty-figure baseline. From the event loop"
            f" ({len(loop.latency_ms)} renders of 4 models through `render_history_png_async`, a heartbeat task every"
            f" 5 ms): the chart arrives in p50 {percentile(loop.latency_ms, 0.5):.0f} ms, and the heartbeat's longest"
            f" wait per render is p50 {percentile(loop.stall_ms, 0.5):.0f} ms, worst {max(loop.stall_ms):.0f} ms."
            f" {len(loop.full_gc_ms)} full garbage collection(s) ran meanwhile, the longest"
            f" {max(loop.full_gc_ms, default=0):.0f} ms: matplotlib figures are reference cycles, freed only by a full"
            " collection, which holds the GIL whichever thread runs it. The same renders with the collector disabled:"
            f" longest wait p50 {percentile(loop_no_gc.stall_ms, 0.5):.0f} ms, worst {max(loop_no_gc.stall_ms):.0f} ms."
            " History of one model over the 39 boards (`model_history`): cold (a fresh Store, every board's rows"
            f" read) p50 {percentile(cold, 0.5):.0f} ms; warm (per-store cache) p50 {percentile(warm, 0.5):.2f} ms,"
            f" p99 {percentile(warm, 0.99):.2f} ms. System load (1-minute average) when the run ended: {load:.2f} on"
            f" {os.cpu_count()} cores."
        ),
    ]
    body = "\n\n".join(parts)
    publish("History charts", body, command=".venv/bin/python bench/bench_charts.py --write", write=args.write)


if __name__ == "__main__":
    main()
