"""Writing benchmark results into BENCHMARKS.md: one section per benchmark, each saying machine and command."""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = """# Benchmarks

Every figure below says the machine it was measured on, the date, and the command that reproduces it. Each
script compares against a baseline measured in the same run, so a figure can be read without knowing the machine.
Run `python3 tasks.py test` once first: it creates `.venv` with the pinned dependencies.
"""


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def write_section(title: str, body: str, *, command: str, machine_line: str | None = None) -> None:
    """Replace the `## title` section of BENCHMARKS.md (or add it), keeping the others."""
    section = (
        f"## {title}\n\n{body.strip()}\n\n"
        f"Measured {date.today().isoformat()} on {machine_line or machine()}.\n"
        f"Reproduce: `{command}`\n"
    )
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else HEADER
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    BENCHMARKS.write_text(text.rstrip() + "\n", encoding="utf-8")


def publish(title: str, body: str, *, command: str, write: bool) -> None:
    """What every benchmark ends with: its figures printed, and with `--write` kept in BENCHMARKS.md."""
    print(body)
    if write:
        write_section(title, body, command=command)
