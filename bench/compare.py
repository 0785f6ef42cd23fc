"""Every benchmark of this tree against another revision, alternating runs, to tell a change from noise.

A restructuring must not make anything slower. Each benchmark script runs `--rounds` times in each tree,
alternating (base, this, base, this...) so a load change on the machine hits both alike. For every number in the
scripts' result tables the report gives the median of each tree, the change, and the run-to-run noise: the
largest spread between rounds of the *same* tree, relative to its median. A change is called worse only beyond
that noise.

    .venv/bin/python bench/compare.py --base REV [--rounds 2] [--write]

The base revision is checked out into a temporary git worktree (removed afterwards) and run with this tree's
virtual environment.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import publish  # noqa: E402

SCRIPTS = ("bench_ingest", "bench_charts", "bench_resolve", "bench_bot", "bench_notify")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# A measured figure in prose: "cold ... p50 162 ms", "Resident memory: 123 MB".
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?) ?(ms|s|MB|MiB)\b")

Metric = tuple[str, str, str]  # script, row label, column


def table_numbers(output: str, script: str) -> dict[Metric, float]:
    """The first number in each cell of the markdown tables a benchmark prints, by (script, row, column)."""
    found: dict[Metric, float] = {}
    header: list[str] = []
    for line in output.splitlines():
        if not line.startswith("|"):
            header = []
            for match in _FIGURE.finditer(line):
                # named by the words before it, digits left out so every round names it alike
                words = re.sub(r"[\d.,]+", "#", line[: match.start()]).split()[-7:]
                found.setdefault((script, "(text)", " ".join(words) + f" … {match.group(2)}"), _value(match.group(1)))
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        for column, cell in zip(header[1:], cells[1:], strict=False):
            number = _NUMBER.search(cell)
            if number and "/" not in cell:  # "114/114", "91 / 37 MiB": ratios and pairs are not one figure
                found[(script, cells[0], column)] = _value(number.group())
    return found


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def run(tree: Path, script: str) -> str:
    done = subprocess.run(
        [sys.executable, f"bench/{script}.py"], cwd=tree, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{script} failed in {tree}:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="the revision to compare with, e.g. a commit before a change")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="add the comparison to BENCHMARKS.md")
    args = parser.parse_args()
    base_rev = subprocess.run(
        ["git", "rev-parse", "--short", args.base], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    head_rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    samples: dict[str, dict[Metric, list[float]]] = {"base": defaultdict(list), "head": defaultdict(list)}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), base_rev], cwd=ROOT, check=True)
        try:
            for round_ in range(args.rounds):
                for script in SCRIPTS:
                    for name, tree in (("base", base), ("head", ROOT)):
                        print(f"round {round_ + 1}: {script} on {name}", file=sys.stderr)
                        for metric, value in table_numbers(run(tree, script), script).items():
                            samples[name][metric].append(value)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    rows, worse = [], []
    for metric in samples["head"]:
        old, new = samples["base"].get(metric, []), samples["head"][metric]
        if len(old) < args.rounds or len(new) < args.rounds:
            continue
        old_mid, new_mid = statistics.median(old), statistics.median(new)
        if old_mid == 0:
            continue
        noise = max((max(v) - min(v)) / statistics.median(v) for v in (old, new) if statistics.median(v))
        change = (new_mid - old_mid) / old_mid
        verdict = "within noise" if abs(change) <= noise else ("higher" if change > 0 else "lower")
        if verdict == "higher":
            worse.append(metric)
        script, row, column = metric
        rows.append(
            f"| {script} | {row} | {column} | {old_mid:g} | {new_mid:g} | {change:+.0%} | ±{noise:.0%} | {verdict} |"
        )
    body = (
        f"Every benchmark script run {args.rounds} times on `{base_rev}` and on `{head_rev}`, alternating. Noise is"
        ' the largest spread between rounds of the same tree, relative to its median; a change is "within noise"'
        " when it is smaller than that. Higher is worse for times and memory, better for accuracy.\n\n"
        "| script | row | column | base median | head median | change | noise | verdict |\n"
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n" + "\n".join(rows)
    )
    publish(
        f"Before and after {head_rev} (against {base_rev})",
        body,
        command=f".venv/bin/python bench/compare.py --base {base_rev} --rounds {args.rounds} --write",
        write=args.write,
    )
    if worse:
        print(f"\nhigher beyond noise: {worse}", file=sys.stderr)


if __name__ == "__main__":
    main()
