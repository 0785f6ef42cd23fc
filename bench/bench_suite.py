"""The test suite's wall time on this machine, and its slowest 15 tests (setup, call or teardown).

Runs the suite as `python3 tasks.py test` does after lint (`python -m pytest -n N`, one worker more than the
cores), once in a subprocess, and then, as the baseline in the same run, in one process (`-p no:xdist`).

    .venv/bin/python bench/bench_suite.py [--write]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import publish  # noqa: E402
from tasks import bytecode_kept, suite_workers  # noqa: E402

SLOWEST = 15
_DURATION = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S+)$")
_SUMMARY = re.compile(r"(\d+) passed")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    workers = suite_workers()
    done, wall = suite("-n", str(workers))
    _, serial = suite("-p", "no:xdist")
    lines = done.stdout.splitlines()
    slowest = [m.groups() for line in lines if (m := _DURATION.match(line.strip()))]
    passed = next((m.group(1) for line in reversed(lines) if (m := _SUMMARY.search(line))), "?")
    rows = "\n".join(f"| {seconds} s | {phase} | `{test}` |" for seconds, phase, test in slowest)
    body = (
        f"`python -m pytest -n {workers}` (what `python3 tasks.py test` runs after ruff): {passed} tests passed in"
        f" **{wall:.1f} s** wall time on {os.cpu_count()} cores; the same suite in one process: {serial:.1f} s."
        f" System load (1-minute average) when it ended: {os.getloadavg()[0]:.2f}.\n\n"
        f"The slowest {SLOWEST}:\n\n| time | phase | test |\n| ---: | --- | --- |\n{rows}"
    )
    publish("Test suite", body, command=".venv/bin/python bench/bench_suite.py --write", write=args.write)


def suite(*how: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """One run of the whole suite, in the environment `tasks.py test` gives it: what it printed, and its wall time
    in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *how, f"--durations={SLOWEST}", "-p", "no:cacheprovider"],
        cwd=ROOT, env=bytecode_kept(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
    return done, time.perf_counter() - started


if __name__ == "__main__":
    main()
