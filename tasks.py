#!/usr/bin/env python3
"""Set-up and the two everyday commands, needing nothing but Python 3.11+ and access to PyPI:

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
import time
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


def _installed(kind: str) -> bool:
    """Whether .venv holds the set `kind` needs, as the lock files and pyproject.toml say it now."""
    stamp = VENV / f".installed-{kind}"
    return stamp.is_file() and stamp.read_text() == _fingerprint(kind) and PYTHON.exists()


def ensure_env(kind: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"Leaderbot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if _installed(kind) or (kind == "run" and _installed("test")):  # the test set holds the run set (-r)
        return
    stamp = VENV / f".installed-{kind}"
    wanted = _fingerprint(kind)
    started = time.monotonic()
    if not PYTHON.exists():
        say("Creating .venv (once) ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock = LOCKS[kind][-1]
    say(f"Installing the pinned dependencies for '{kind}' from {lock} (once; this needs access to PyPI) ...")
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
    install(f"packages of {lock}", [*pip, "-r", str(ROOT / lock)])
    install("Leaderbot itself", [*pip, "--no-deps", "-e", str(ROOT)])
    stamp.write_text(wanted)
    say(f"Ready in {time.monotonic() - started:.0f} s.")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def install(what: str, command: list[str]) -> None:
    """Run one pip step, telling each package as pip starts on it, so a first install that takes a minute is
    never silent; pip's full output is shown only when the step fails (with a hint when PyPI is out of reach)."""
    output: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as pip:
        for line in pip.stdout or ():
            output.append(line)
            package = _package(line)
            if package is not None:
                say(f"  {package}")
    if pip.returncode != 0:
        sys.stderr.write("".join(output))
        reach = any("NewConnectionError" in line or "No matching distribution" in line for line in output)
        hint = " PyPI could not be reached: check the network (or PIP_INDEX_URL) and try again." if reach else ""
        sys.exit(f"Installing {what} failed.{hint}")


def _package(line: str) -> str | None:
    """The package a line of pip's starts on: `Collecting aiohttp==3.14.5 (from -r ...)` from an index, or
    `Processing /wheels/aiohttp-3.14.5-cp311-....whl (from -r ...)` from a local wheel; None for other lines."""
    words = line.split()
    if len(words) > 1 and words[0] == "Collecting":
        return words[1].replace("==", " ")
    if len(words) > 1 and words[0] == "Processing" and words[1].endswith(".whl"):
        name, version = Path(words[1]).name.split("-")[:2]
        return f"{name} {version}"
    return None


def call_quietly(command: list[str], env: dict[str, str] | None = None) -> int:
    """Run a child to its end and return its status. Ctrl-C reaches the child through the terminal (it is in our
    process group) and the child decides how to stop; this process goes on waiting for it, so it never prints a
    traceback of its own. A child killed by a signal gives the shell's status for it (128 + the signal)."""
    child = subprocess.Popen(command, env=env)
    while True:
        try:
            status = child.wait()
            break
        except KeyboardInterrupt:
            continue
    return 128 - status if status < 0 else status


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in LOCKS:
        print(__doc__, file=sys.stderr)
        return 2
    kind, rest = argv[0], argv[1:]
    ensure_env(kind)
    os.chdir(ROOT)
    if kind == "run":
        return call_quietly([str(PYTHON), "-m", "bot", *(rest or ["run"])])
    return run_tests(rest)


def suite_workers() -> int:
    """How many pytest-xdist workers `test` starts: one more than the cores (see `run_tests`)."""
    return (os.cpu_count() or 1) + 1


def bytecode_kept() -> dict[str, str] | None:
    """The environment for the suite when PYTHONDONTWRITEBYTECODE is set (as in the Dockerfile): bytecode kept
    under .venv instead (PYTHONPYCACHEPREFIX), so the tree still gets no __pycache__. Without any, every worker and
    every process a test starts compiles each module again, and pytest rewrites each test module's asserts again:
    a large part of the suite's time. None (the environment as it is) otherwise."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))
    return env


def run_tests(pytest_args: list[str]) -> int:
    """Lint, then the suite on one worker more than the cores (pytest-xdist, unless the arguments pick their own
    `-n`: many tests wait on other processes and locks, so one more worker fills those waits), saying each step as
    it starts and how long each took."""
    started = time.monotonic()
    say("Linting (ruff check, ruff format --check) ...")
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        if subprocess.call([str(PYTHON), "-m", *check]) != 0:
            print("lint failed: `.venv/bin/ruff check --fix . && .venv/bin/ruff format .` fixes most of it")
            return 1
    linted = time.monotonic()
    asked = any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in pytest_args)
    workers = [] if asked else ["-n", str(suite_workers())]
    say(f"Running the tests ({' '.join(workers) or 'workers as asked'}) ...")
    status = call_quietly([str(PYTHON), "-m", "pytest", *workers, *pytest_args], env=bytecode_kept())
    done = time.monotonic()
    say(f"Lint took {linted - started:.0f} s, the tests {done - linted:.0f} s: {done - started:.0f} s in all.")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # during the install: stop without a traceback
        sys.exit(130)
