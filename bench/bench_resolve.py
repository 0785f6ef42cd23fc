"""Model-name resolution: accuracy and latency of our resolver against plain rapidfuzz WRatio and difflib.

All three see the same names: the model-name questions of the labelled set (tests/fixtures/questions.tsv), parsed
by our question parser, resolved against the latest snapshot of the board the question is for. Baselines pick
their single best match (WRatio >= 80, difflib cutoff 0.6, their usual settings) and so can never ask back: a
clarification case counts as a miss for them, and "not found" counts as right only when they return nothing.
Latency is also measured on a synthetic 100,000-name board built from real names.

    .venv/bin/python bench/bench_resolve.py [--write]
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.core.names import tokenize  # noqa: E402
from bot.core.questions import parse_question  # noqa: E402
from bot.core.resolve import Candidate, NameIndex  # noqa: E402
from bot.profiles import PROFILES  # noqa: E402
from tests.labelled import labelled_answerer, load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        answerer = labelled_answerer(Path(tmp) / "bench.db")
        cases = []
        for item in load():
            if not item.is_name:
                continue
            query = parse_question(item.question, answerer.lexicon)
            if not query.models:
                continue
            # the board the answer came from (a name only on another board is answered from there)
            board = answerer.ask(item.question, board=item.board).board or answerer.board_for(None)
            expected = item.expected.rsplit("@", 1)[0] if item.expected.rsplit("@", 1)[-1] in PROFILES else None
            cases.append((replace(item, expected=expected or item.expected), query.models[0],
                          answerer.view(board, None, query.as_of)))  # fmt: skip

        names_cache: dict[int, list[str]] = {}
        results = {"Leaderbot resolver": [], "rapidfuzz WRatio": [], "difflib.get_close_matches": []}
        latency: dict[str, list[float]] = {k: [] for k in results}
        for item, name, view in cases:
            names = names_cache.setdefault(id(view), [c.name for c in view.index.candidates])
            expected = item.expected

            def ours(name=name, view=view):  # type: ignore[no-untyped-def]
                return view.index.resolve(name)

            def wratio(name=name, names=names):  # type: ignore[no-untyped-def]
                return process.extractOne(name, names, scorer=fuzz.WRatio, score_cutoff=80)

            def close(name=name, names=names):  # type: ignore[no-untyped-def]
                return difflib.get_close_matches(name, names, n=1)

            r = ours()
            if expected == "-":
                results["Leaderbot resolver"].append(r.status == "not_found")
            elif expected.startswith("?"):
                wanted = expected[1:].split("|")
                results["Leaderbot resolver"].append(
                    r.status == "ambiguous" and all(w in [c.name for c in r.candidates] for w in wanted)
                )
            else:
                results["Leaderbot resolver"].append(r.match is not None and r.match.name == expected)
            w = wratio()
            d = close()
            for label, picked in (
                ("rapidfuzz WRatio", w[0] if w else None),
                ("difflib.get_close_matches", d[0] if d else None),
            ):
                if expected == "-":
                    results[label].append(picked is None)
                elif expected.startswith("?"):
                    results[label].append(False)
                else:
                    results[label].append(picked == expected)
            latency["Leaderbot resolver"] += timed(ours, args.repeats)
            latency["rapidfuzz WRatio"] += timed(wratio, args.repeats)
            latency["difflib.get_close_matches"] += timed(close, max(1, args.repeats // 4))

        # Synthetic board: 100,000 names made from real ones with other namespaces and suffixes.
        real = answerer.view("open-llm").index.candidates
        rng = random.Random(7)
        suffixes = ["", "-dpo", "-sft", "-v2", "-merge", "-abliterated", "-GGUF", "-slerp", "-ties", "-lora"]
        synthetic: list[Candidate] = list(real)
        while len(synthetic) < 100_000:
            base = rng.choice(real)
            model = "-".join(t.text for t in base.tokens) + rng.choice(suffixes) + f"-{rng.randint(1, 999)}"
            namespace = f"user{rng.randint(1, 20_000)}"
            name = f"{namespace}/{model}"
            synthetic.append(Candidate(name, name.casefold(), tokenize(model), (namespace,), False, rng.random() / 2))
        started = time.perf_counter()
        big = NameIndex(synthetic)
        build_s = time.perf_counter() - started
        big_names = [name for item, name, view in cases if view.profile.id == "open-llm"]
        big_latency: list[float] = []
        for name in big_names:
            big_latency += timed(lambda name=name: big.resolve(name), 5)
        answerer.store.close()

    total = len(cases)
    lines = [
        f"Labelled model-name questions: {total} (on the board each is answered from;"
        f" {sum(1 for c in cases if c[0].expected.startswith('?'))} need a clarification, "
        f"{sum(1 for c in cases if c[0].expected == '-')} are not on the board).",
        "",
        "| resolver | accuracy | p50 latency | p99 latency |",
        "| --- | --- | --- | --- |",
    ]
    for label, marks in results.items():
        lines.append(
            f"| {label} | {sum(marks)}/{total} ({100 * sum(marks) / total:.1f}%) |"
            f" {percentile(latency[label], 0.5):.3f} ms | {percentile(latency[label], 0.99):.3f} ms |"
        )
    lines += [
        "",
        f"Synthetic board of {len(synthetic):,} names (real Open LLM names under random namespaces and suffixes):"
        f" index built in {build_s:.2f} s; resolving the {len(big_names)} Open LLM questions:"
        f" p50 {percentile(big_latency, 0.5):.2f} ms, p99 {percentile(big_latency, 0.99):.2f} ms,"
        f" mean {statistics.fmean(big_latency):.2f} ms.",
        "",
        "Aim (issue): p99 under 5 ms on the real boards, under 50 ms at 100,000 names.",
    ]
    body = "\n".join(lines)
    publish("Name resolution", body, command=".venv/bin/python bench/bench_resolve.py --write", write=args.write)


if __name__ == "__main__":
    main()
