"""tasks.py, the two everyday commands: a first install says what it is doing, and Ctrl-C under `run` stops
quietly with the child's own status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tasks

ROOT = Path(tasks.__file__).resolve().parent


def test_an_install_step_names_each_package_as_pip_starts_on_it(capsys: pytest.CaptureFixture[str]) -> None:
    pip = "print('Collecting aiohttp==3.14.5 (from -r requirements.lock (line 3))'); print('  Downloading x'); " \
        "print('Processing /wheels/yarl-1.25.1-cp311-cp311-manylinux_2_28_x86_64.whl (from -r x (line 9))'); " \
        "print('Processing /src/leaderbot (from x)'); print('Successfully installed aiohttp-3.14.5')"  # fmt: skip
    tasks.install("packages", [sys.executable, "-c", pip])
    assert capsys.readouterr().err == "  aiohttp 3.14.5\n  yarl 1.25.1\n"


def test_a_failed_install_shows_pip_and_says_when_pypi_is_out_of_reach(capsys: pytest.CaptureFixture[str]) -> None:
    pip = "import sys; print('NewConnectionError: [Errno -2] Name or service not known'); sys.exit(1)"
    with pytest.raises(SystemExit) as stopped:
        tasks.install("packages of requirements.lock", [sys.executable, "-c", pip])
    assert str(stopped.value) == (
        "Installing packages of requirements.lock failed. PyPI could not be reached: check the network"
        " (or PIP_INDEX_URL) and try again."
    )
    assert "NewConnectionError" in capsys.readouterr().err


@pytest.mark.skipif(os.name == "nt", reason="process groups and SIGINT as a terminal sends them")
def test_ctrl_c_reaches_the_child_and_the_parent_returns_its_status_without_a_traceback(tmp_path: Path) -> None:
    """What a terminal does on Ctrl-C: SIGINT to the whole foreground process group, tasks.py and its child."""
    ready = tmp_path / "ready"
    child = (
        "import pathlib, signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *_: sys.exit(7))\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        "time.sleep(30)\n"
    )
    parent = f"import sys, tasks; sys.exit(tasks.call_quietly([sys.executable, '-c', {child!r}]))"
    process = subprocess.Popen(
        [sys.executable, "-c", parent], cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 7
    assert err == ""


@pytest.mark.skipif(os.name == "nt", reason="signals by number")
def test_a_child_killed_by_a_signal_gives_the_shells_status() -> None:
    assert tasks.call_quietly([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"]) == 143


def test_the_suite_keeps_bytecode_under_the_venv_where_the_environment_says_to_write_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = tasks.bytecode_kept()
    assert env is not None
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tasks.VENV / "pycache")
    assert env["PATH"] == os.environ["PATH"]  # the rest of the environment as it is
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    assert tasks.bytecode_kept() is None  # bytecode is written as Python does by default
