"""Peak memory of refusing junk: what `leaderbot ingest` needs before it says no, beside what a real import needs.

Each case runs `leaderbot --db STORE --no-seed ingest arena-raw --file FILE` in a fresh Python process (against a
copy of one empty, migrated temporary store) and reads that process's peak RSS (Linux `VmHWM`, from
/proc/self/status as the process ends: the peak of its own address space, none of this script's). Files are made
in a temporary folder, their values made up:

- bomb: gzip (level 9) of ~1 GiB of one valid-looking JSON Lines row of the LMArena columns, repeated (the same
  model, category and date each time);
- bomb of blanks: gzip of ~1 GiB of lines of 65,535 spaces (no row at all: only the unpack limit can refuse it);
- 200,000-row board: plain JSON Lines, one category and one date, in the upstream LMArena columns (model_name,
  organization, license, rating, rating_lower, rating_upper, variance, vote_count, rank, category,
  leaderboard_publish_date), every model a made-up name;
- the same 200,000-row board as Parquet in the upstream schema;
- the most one JSON import may hold, accepted and stored: 100,000 rows in five boards (dates) of 20,000, JSON Lines.

Baselines, measured in the same run: a bare `import bot.cli`, and a real import, the bundled 2024 LMArena history
(db/data/arena-raw/leaderboard-dataset-text-overall-2024.jsonl.gz, 5,597 rows, 39 boards) into the empty store.
With `--base REV`, every case runs on that revision's code as well (unpacked from git into the temporary folder,
run with this tree's virtual environment), so a fix's before and after come from one run.

    .venv/bin/python bench/bench_memory.py [--base REV] [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import publish  # noqa: E402

REAL_2024 = ROOT / "db" / "data" / "arena-raw" / "leaderboard-dataset-text-overall-2024.jsonl.gz"
BOMB_BYTES = 1 << 30
BOARD_ROWS = 200_000
COMMAND = ".venv/bin/python bench/bench_memory.py --base ba2725c --write"

# Runs the CLI in this process, then writes the process's peak RSS (kB) to the file named by LEADERBOT_BENCH_HWM.
CHILD = """
import os, sys
code = 0
try:
    if sys.argv[1:]:
        from bot.cli import main
        code = main(sys.argv[1:])
    else:
        import bot.cli
finally:
    status = open("/proc/self/status").read()
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    open(os.environ["LEADERBOT_BENCH_HWM"], "w").write(peak)
sys.exit(code)
"""


def row(i: int) -> dict[str, object]:
    """One made-up row of the LMArena columns."""
    return {
        "model_name": f"made-up-model-{i}",
        "organization": "Example Labs",
        "license": "Proprietary",
        "rating": 1400.0 - i * 0.001,
        "rating_lower": 1395.0 - i * 0.001,
        "rating_upper": 1405.0 - i * 0.001,
        "variance": 6.25,
        "vote_count": 5000,
        "rank": i + 1,
        "category": "overall",
        "leaderboard_publish_date": "2025-01-05",
    }


def write_bomb(path: Path, line: bytes) -> None:
    """`line` repeated to BOMB_BYTES, gzip'd a MiB at a time (never held whole)."""
    block = line * ((1 << 20) // len(line))
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(BOMB_BYTES // len(block)):
            out.write(block)


def write_files(tmp: Path) -> dict[str, Path]:
    files = {"bomb": tmp / "bomb.jsonl.gz", "blanks": tmp / "blanks.jsonl.gz"}
    write_bomb(files["bomb"], json.dumps(row(0)).encode() + b"\n")
    write_bomb(files["blanks"], b" " * 65535 + b"\n")
    rows = [row(i) for i in range(BOARD_ROWS)]
    files["board"] = tmp / "board-200k.jsonl"
    files["board"].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    files["parquet"] = tmp / "board-200k.parquet"
    pq.write_table(pa.Table.from_pylist(rows), files["parquet"])
    files["most"] = tmp / "boards-100k.jsonl"
    with files["most"].open("w", encoding="utf-8") as out:
        for day in range(1, 6):  # each day's board a little different, so none is a republication
            for r in rows[:20_000]:
                moved = {k: r[k] + day for k in ("rating", "rating_lower", "rating_upper")}
                out.write(json.dumps({**r, **moved, "leaderboard_publish_date": f"2025-01-0{day}"}) + "\n")
    return files


def peak(tree: Path, tmp: Path, store: Path | None, file: Path | None) -> tuple[int, float, str]:
    """(peak RSS in MB, seconds, the last line said) of one fresh process running `tree`'s code: the CLI importing
    `file` into a copy of `store`, or a bare import."""
    args: list[str] = []
    if store is not None and file is not None:
        copy = tmp / f"case-{time.monotonic_ns()}.db"
        shutil.copy(store, copy)
        args = ["--db", str(copy), "--no-seed", "ingest", "arena-raw", "--file", str(file)]
    hwm = tmp / "hwm"
    env = {**os.environ, "LEADERBOT_BENCH_HWM": str(hwm), "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], cwd=tree, capture_output=True, text=True, env=env, check=False
    )
    elapsed = time.perf_counter() - started
    said = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return int(hwm.read_text()) // 1024, elapsed, said[-1] if said else ""


def checkout(base: str, into: Path) -> Path:
    """The code of revision `base`, unpacked from git (no worktree is registered)."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", base], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def empty_store(tree: Path, path: Path) -> Path:
    """An empty store, migrated by `tree`'s code."""
    subprocess.run([sys.executable, "-m", "bot", "--db", str(path), "--no-seed", "boards"], cwd=tree,
                   env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, check=True)  # fmt: skip
    return path


def shown(said: str, tmp: Path) -> str:
    """What a case said, for a table cell: without the temporary folder and the `leaderbot:` prefix."""
    said = said.removeprefix("leaderbot: ").replace(str(tmp) + "/", "").replace(str(ROOT) + "/", "")
    return said.replace("|", "\\|")[:140]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="also run every case on this revision's code (e.g. the one before a fix)")
    parser.add_argument("--write", action="store_true", help="also keep the figures in BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leaderbot-bench-memory-") as name:
        tmp = Path(name)
        files = write_files(tmp)
        trees = [("now", ROOT)] + ([(f"`{args.base}`", checkout(args.base, tmp / "base"))] if args.base else [])
        stores = {label: empty_store(tree, tmp / f"empty-{i}.db") for i, (label, tree) in enumerate(trees)}
        cases = [
            ("`import bot.cli` (baseline)", None),
            ("the bundled 2024 history, 5,597 rows (baseline)", REAL_2024),
            (f"bomb: {files['bomb'].stat().st_size / 1e6:.1f} MB gzip of 1 GiB of one row", files["bomb"]),
            (f"bomb of blanks: {files['blanks'].stat().st_size / 1e6:.1f} MB gzip of 1 GiB", files["blanks"]),
            ("200,000-row board, JSON Lines", files["board"]),
            ("200,000-row board, Parquet", files["parquet"]),
            ("100,000 rows in 5 boards, JSON Lines (accepted)", files["most"]),
        ]
        order = trees[::-1]  # the base first, as it was
        header = " | ".join(f"peak RSS, {label}" for label, _ in order)
        said_header = " | ".join(f"what it said, {label}" for label, _ in order)
        lines = [
            f"| case | {header} | {' | '.join(f'time, {label}' for label, _ in order)} | {said_header} |",
            "| --- |" + " ---: |" * (2 * len(order)) + " --- |" * len(order),
        ]
        for label, file in cases:
            runs = [peak(tree, tmp, stores[tree_label] if file else None, file) for tree_label, tree in order]
            lines.append(
                f"| {label} | "
                + " | ".join(f"{mb} MB" for mb, _, _ in runs)
                + " | "
                + " | ".join(f"{seconds:.1f} s" for _, seconds, _ in runs)
                + " | "
                + " | ".join(shown(said, tmp) for _, _, said in runs)
                + " |"
            )
    against = f", on this tree and on {trees[1][0]} (the code before the fix, same venv)" if args.base else ""
    prose = (
        f"Peak RSS of `leaderbot ingest arena-raw --file FILE`, each case a fresh process{against}. How each file"
        " is made is in `bench/bench_memory.py` (values made up); the two baselines are measured in the same run."
        " What each said tells which limit refused it: a board is now counted as it is read, so a bomb of rows is"
        " refused by the row limit long before the unpack limit. The last case is what the most one JSON import may"
        " hold costs to accept: its rows, once counted, are still held whole and converted."
    )
    body = "\n".join([textwrap.fill(prose, width=116), "", *lines])
    publish("Memory to refuse junk", body, command=COMMAND, write=args.write)


if __name__ == "__main__":
    main()
