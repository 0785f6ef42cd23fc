"""Questions: parse and answer latency per intent, on the labelled set (tests/fixtures/questions.tsv).

Every labelled question is parsed (`parse_question` with the store's lexicon) and answered (`Answerer.answer`),
each `--repeats` times, on the bundled data plus the real 2026 boards of the other arenas, as the accuracy test
answers them. Latencies are grouped by the kind of answer that came back. The baseline, in the same run, is the
cheapest question there is: `help` (parsed and answered, no board read).

    .venv/bin/python bench/bench_questions.py [--write]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.core.answers import Answerer  # noqa: E402
from bot.core.questions import parse_question  # noqa: E402
from tests.labelled import judge, labelled_answerer, load  # noqa: E402

# History answers read a model's whole timeline and charts are drawn apart (bench_charts.py): outside the aim.
AIM_MS, OUTSIDE_AIM = 5.0, {"history"}
MEMORY_QUESTIONS, MEMORY_AIM_MB = 50_000, 200


def in_fresh_process(fn, *args):  # type: ignore[no-untyped-def]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def distinct_questions(db: str, count: int) -> tuple[float, float, float]:
    """In a fresh process: RSS with the boards warmed, after `count` distinct questions, and the seconds taken.
    The questions are the shapes people type, each with a name no board holds (so every one is new to every
    cache): "rank of qwen-17 83b", "compare llama-4 vs gpt-9", "top 5 models from xyz17"."""
    import random  # noqa: PLC0415

    from db.store import Store  # noqa: PLC0415

    answerer = Answerer(Store(db))
    answerer.warm()
    answerer.ask("rank of qwen2 72b")
    before = _rss_mb()
    rng = random.Random(11)
    families = ["qwen", "llama", "gpt", "claude", "gemini", "mistral", "deepseek", "phi", "yi", "glm"]
    shapes = ["rank of {a}-{i} {n}b", "{a} {i}.{n} vs {b}-{i}", "how good is {a}{n}-{i}", "top 5 models from {a}{i}"]
    started = time.perf_counter()
    for i in range(count):
        shape = shapes[i % len(shapes)]
        answerer.ask(shape.format(a=rng.choice(families), b=rng.choice(families), i=i, n=rng.randint(1, 99)))
    return before, _rss_mb(), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    parse_ms: dict[str, list[float]] = defaultdict(list)
    answer_ms: dict[str, list[float]] = defaultdict(list)
    first_ms: dict[str, list[float]] = defaultdict(list)
    questions: dict[str, int] = defaultdict(int)
    right = 0
    with tempfile.TemporaryDirectory() as tmp:
        answerer = labelled_answerer(Path(tmp) / "bench.db")
        lexicon = answerer.lexicon
        items = load()
        for item in items:
            started = time.perf_counter()
            first = answerer.ask(item.question, board=item.board)  # builds any list or change set, once
            first_ms[str(first.kind)].append((time.perf_counter() - started) * 1000)
            right += judge(item, first)
            kind = str(first.kind)
            questions[kind] += 1

            def parse(text: str = item.question) -> object:
                return parse_question(text, lexicon)

            query = parse_question(item.question, lexicon)
            if item.board is not None and query.board is None:
                query = query.__class__(**{**query.__dict__, "board": item.board})

            def answer(query: object = query) -> object:
                return answerer.answer(query)  # type: ignore[arg-type]

            parse_ms[kind] += timed(parse, args.repeats)
            answer_ms[kind] += timed(answer, args.repeats)
        help_query = parse_question("help", lexicon)
        base_parse = timed(lambda: parse_question("help", lexicon), args.repeats * 20)
        base_answer = timed(lambda: answerer.answer(help_query), args.repeats * 20)
        started = time.perf_counter()
        for item in items:
            answerer.ask(item.question, board=item.board)
        whole = (time.perf_counter() - started) * 1000
        answerer.store.close()
        memory = in_fresh_process(distinct_questions, str(Path(tmp) / "bench.db"), MEMORY_QUESTIONS)

    lines = [
        f"{len(items)} labelled questions ({right} answered as labelled), each parsed and answered {args.repeats}"
        " times; grouped by the kind of answer.",
        "",
        "| answer kind | questions | parse p50 | parse p99 | answer p50 | answer p99 | under 5 ms (p99, both)"
        " | first ask p50 | first ask max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: |",
        f"| help (baseline) | 1 | {percentile(base_parse, 0.5):.3f} ms | {percentile(base_parse, 0.99):.3f} ms |"
        f" {percentile(base_answer, 0.5):.3f} ms | {percentile(base_answer, 0.99):.3f} ms | — | — | — |",
    ]
    for kind in sorted(questions, key=lambda k: -questions[k]):
        p, a = parse_ms[kind], answer_ms[kind]
        total_p99 = percentile(p, 0.99) + percentile(a, 0.99)
        verdict = "(not aimed)" if kind in OUTSIDE_AIM else ("yes" if total_p99 < AIM_MS else "no")
        lines.append(
            f"| {kind} | {questions[kind]} | {percentile(p, 0.5):.3f} ms | {percentile(p, 0.99):.3f} ms |"
            f" {percentile(a, 0.5):.3f} ms | {percentile(a, 0.99):.3f} ms | {verdict} |"
            f" {percentile(first_ms[kind], 0.5):.2f} ms | {max(first_ms[kind]):.1f} ms |"
        )
    lines += [
        "",
        f"All {len(items)} questions once more, end to end (`Answerer.ask`, warm): {whole:.0f} ms in all. The first"
        " ask of a question builds what later asks reuse (a filtered list of a board, the change set of two"
        " boards: snapshots never change); the first-ask columns are that cost, with every board already in"
        " memory (`Answerer.warm`).",
        f"Memory: resident size with every board warmed {memory[0]:.0f} MB; after {MEMORY_QUESTIONS:,} distinct"
        f" questions (names no board holds, so each is new to every cache) {memory[1]:.0f} MB, in {memory[2]:.0f} s."
        f" Aim (issue): under {MEMORY_AIM_MB} MB.",
        f"Aim (issue): p99 under {AIM_MS:g} ms for everything but history and charts. System load (1-minute"
        f" average) when the run ended: {os.getloadavg()[0]:.2f}.",
    ]
    body = "\n".join(lines)
    publish(
        "Questions: parse and answer latency",
        body,
        command=".venv/bin/python bench/bench_questions.py --write",
        write=args.write,
    )


if __name__ == "__main__":
    main()
