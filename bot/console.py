"""The interactive prompt: the same questions as on Discord, answered from the local store."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .core.answer import Answer, Kind
from .core.answers import Answerer
from .core.i18n import DEFAULT, t


def _enable_line_editing(history: Path) -> Callable[[], None]:
    """Arrow keys and a persistent history where the platform has readline; plain input() elsewhere. Returns
    what saves the history: called after every question, so a closed terminal or a killed process loses none."""
    try:
        import readline  # noqa: PLC0415 - optional: absent on some platforms
    except ImportError:
        return lambda: None
    with contextlib.suppress(OSError):
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.exists():
            readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)

    return save


def banner(answerer: Answerer) -> str:
    """What the console says first: how to ask and quit, how old the data is, and how to get newer data."""
    lang = answerer.language or DEFAULT
    data = answerer.data_line(lang)
    if "leaderbot refresh" not in data:  # a fresh board: the line says its age but not how to update it
        data += t(lang, "console.refresh")
    return f"{t(lang, 'console.banner')}\n{data}"


def run_console(answerer: Answerer, *, history: Path | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    interactive = sys.stdin.isatty()
    save_history = _enable_line_editing(history) if interactive and history is not None else (lambda: None)
    answerer.warm()
    pending: Answer | None = None  # the clarification the next line may answer
    if interactive:
        print(banner(answerer), file=out)
    while True:
        try:
            line = input("leaderbot> " if interactive else "")
        except EOFError:
            if interactive:
                print(file=out)
            return 0
        except KeyboardInterrupt:  # quits too, quietly, with the status a shell gives an interrupted program
            print(file=out)
            return 130
        question = line.strip()
        if not question:
            continue
        save_history()
        if question.casefold() in {"quit", "exit", ":q"}:
            return 0
        # after "Which one? 1. ... 2. ...", a number or a name finishes that question
        name = answerer.picked(pending, question) if pending is not None else None
        answer = answerer.choose(pending, name) if pending is not None and name else answerer.ask(question)
        pending = answer if answer.kind == Kind.CLARIFY else None
        print(answer.text, file=out)
        if interactive:
            print(file=out)
