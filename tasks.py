#!/usr/bin/env python3
"""Set-up and the two everyday commands, needing nothing but Python 3.11+:

    python3 tasks.py run [LEADERBOT ARGS...]   the bot with DISCORD_TOKEN, else the console on bundled data
    python3 tasks.py test [PYTEST ARGS...]     lint, then the whole test suite

Each creates `.venv` and installs the pinned dependencies on first use, and again whenever a lock file or
pyproject.toml changes (a hash of them is kept in the venv), so a fresh clone needs no other step.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
LOCKS = {"run": ["requirements.lock"], "test": ["requirements.lock", "requirements-dev.lock"]}


def _fingerprint(kind: str) -> str:
    digest = hashlib.sha256(kind.encode())
    for name in [*LOCKS[kind], "pyproject.toml"]:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_env(kind: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Leaderbot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{kind}"
    wanted = _fingerprint(kind)
    if stamp.is_file() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"installing pinned dependencies for '{kind}' (once) ...", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in ([*pip, "-r", str(ROOT / LOCKS[kind][-1])], [*pip, "--no-deps", "-e", str(ROOT)]):
        done = subprocess.run(step, check=False, capture_output=True, text=True)
        if done.returncode != 0:  # show pip's own words only when something went wrong
            sys.stderr.write(done.stdout + done.stderr)
            sys.exit(f"installing failed: {' '.join(step[3:])}")
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in LOCKS:
        print(__doc__, file=sys.stderr)
        return 2
    kind, rest = argv[0], argv[1:]
    ensure_env(kind)
    os.chdir(ROOT)
    if kind == "run":
        return subprocess.call([str(PYTHON), "-m", "bot", *(rest or ["run"])])
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        if subprocess.call([str(PYTHON), "-m", *check]) != 0:
            print("lint failed: `.venv/bin/ruff check --fix . && .venv/bin/ruff format .` fixes most of it")
            return 1
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
