"""The interactive prompt: the same questions as on Discord, answered from the local store."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TextIO

from .core.answer import Answer, Kind
from .core.answers import Answerer

BANNER = 'Leaderbot console: ask about LLM leaderboards ("top 10", "rank of qwen2 72b", "help"). Ctrl-D quits.'


def _enable_line_editing(history: Path) -> None:
    """Arrow keys and a persistent history where the platform has readline; plain input() elsewhere."""
    try:
        import readline  # noqa: PLC0415 - optional: absent on some platforms
    except ImportError:
        return
    with contextlib.suppress(OSError):
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.exists():
            readline.read_history_file(history)
    readline.set_history_length(1000)
    import atexit  # noqa: PLC0415

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)

    atexit.register(save)


def run_console(answerer: Answerer, *, history: Path | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    interactive = sys.stdin.isatty()
    if interactive and history is not None:
        _enable_line_editing(history)
    answerer.warm()
    pending: Answer | None = None  # the clarification the next line may answer
    if interactive:
        print(BANNER, file=out)
        print(answerer.data_line(), file=out)
    while True:
        try:
            line = input("leaderbot> " if interactive else "")
        except EOFError:
            if interactive:
                print(file=out)
            return 0
        except KeyboardInterrupt:
            print(file=out)
            continue
        question = line.strip()
        if not question:
            continue
        if question.casefold() in {"quit", "exit", ":q"}:
            return 0
        # after "Which one? 1. ... 2. ...", a number or a name finishes that question
        name = answerer.picked(pending, question) if pending is not None else None
        answer = answerer.choose(pending, name) if pending is not None and name else answerer.ask(question)
        pending = answer if answer.kind == Kind.CLARIFY else None
        print(answer.text, file=out)
        if interactive:
            print(file=out)
