"""Answer -> plain text, for the console, `leaderbot ask` and the `text` field of JSON answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .answers import Answer, Entry
    from .changes import ChangeSet, Event
    from .history import History

HELP = """\
Ask me about LLM leaderboards, in plain words. For example:
  rank of Qwen2-72B-Instruct        where a model stands (sloppy names are fine: "qwne2.5 72b")
  top 10                            the board's leaders (up to 100)
  top Chinese models                filter by country, organization ("best model from Meta"), size ("under 10b")
  top 5 on math under 10b           Open LLM benchmarks: ifeval, bbh, math, gpqa, musr, mmlu-pro
  llama 3.3 70b vs qwen 2.5 72b     compare two or more models
  which orgs dominate the top 20    who holds the top places
  how has gpt-4o-2024-05-13 moved   rank and score over time, with a chart on Discord
  boards                            what I know and how fresh it is
Add "on arena" or "on open-llm" to pick a board, "as of 2024-09-01" for an older one."""


def score_text(answer: Answer, value: float) -> str:
    return f"{value:.0f}" if answer.board == "arena" else f"{value:.2f}"


def source_line(answer: Answer) -> str:
    if not answer.board_title:
        return ""
    label = "archived board" if answer.archived else "board"
    return f"{answer.board_title} ({answer.category}, {label} of {answer.as_of})"


def entry_line(answer: Answer, e: Entry, *, width: int = 4) -> str:
    who = ", ".join(x for x in (e.organization, e.country) if x)
    extra = ""
    if answer.sort_label and "benchmarks" in e.details:
        value = e.details["benchmarks"].get(answer.sort_label)
        extra = f" · {answer.sort_label} {value:.2f}" if value is not None else ""
    return f"#{e.rank:<{width}} {e.model} — {score_text(answer, e.score)}{extra}" + (f" ({who})" if who else "")


def history_line(answer: Answer, history: History) -> str:
    """A model's history in one sentence: where it is now, its best, its time at #1, since when."""
    if not history.points:
        return f"{history.model}: no boards with it"
    now = history.points[-1]
    move = ""
    if history.latest_move:
        move = f", {'up' if history.latest_move > 0 else 'down'} {abs(history.latest_move)} since the board before"
    reign = f", {history.days_at_1} day{'s' if history.days_at_1 != 1 else ''} at #1" if history.days_at_1 else ""
    return (
        f"{history.model}: #{now.rank} on {now.date}{move}; best #{history.best_rank}{reign};"
        f" on {len(history.points)} board{'s' if len(history.points) != 1 else ''} since {history.first_seen}"
    )


def render_text(answer: Answer) -> str:
    kind = answer.kind
    if kind == "error":
        return f"{answer.error}\nType `help` for examples."
    if kind == "help":
        return HELP
    if kind == "boards":
        lines = []
        for e in answer.entries:
            d = e.details
            state = "archived, frozen" if d["archived"] else "live"
            lines.append(
                f"{e.model} [{d['board']}] ({state}): latest {d['latest']}, {e.score:.0f} models;"
                f" {d['snapshots']} snapshot(s) since {d['first']}"
            )
        lines.extend(answer.notes)
        return "\n".join(lines) or "No boards stored yet."
    if kind == "clarify":
        lines = [f"“{answer.title}” matches several models on {source_line(answer)}. Which one?"]
        lines += [f"  {i}. {name}" for i, name in enumerate(answer.candidates[:10], start=1)]
        if len(answer.candidates) > 10:
            lines.append(f"  … and {len(answer.candidates) - 10} more; add a version, size or variant.")
        return "\n".join([*answer.notes, *lines])
    if kind == "not_found":
        line = f"I can't find “{answer.title}” on {source_line(answer)}."
        if answer.candidates:
            line += " Did you mean: " + "; ".join(answer.candidates[:5]) + "?"
        return "\n".join([*answer.notes, line])
    if kind == "rank":
        e = answer.entries[0]
        parts = [f"{answer.score_label.lower()} {score_text(answer, e.score)}"] if answer.score_label else []
        if "interval" in e.details:
            low, high = e.details["interval"]
            parts.append(f"95% CI {low:.0f}–{high:.0f}")
        if "votes" in e.details:
            parts.append(f"{e.details['votes']:,} votes")
        if "params_b" in e.details and answer.board == "open-llm":
            parts.append(f"{e.details['params_b']:g}B params")
        who = ", ".join(x for x in (e.organization, e.country) if x)
        lines = [
            *answer.notes,
            f"{e.model} is #{e.rank} of {answer.of} on {source_line(answer)}: {', '.join(parts)}."
            + (f" By {who}." if who else ""),
        ]
        if answer.board == "open-llm" and "benchmarks" in e.details:
            marks = [f"{name} {v:.1f}" for name, v in e.details["benchmarks"].items() if v is not None]
            lines.append("  " + " · ".join(marks))
        if e.other is not None:
            o = e.other
            state = "archived board" if o.archived else "board"
            score = f"{o.score:.0f}" if o.board == "arena" else f"{o.score:.2f}"
            lines.append(f"On {o.board_title} ({state} of {o.as_of}): #{o.rank} of {o.of} as {o.model}, {score}.")
        return "\n".join(lines)
    if kind == "history":
        lines = [f"History on {answer.board_title} ({answer.category}):"]
        lines += ["  " + history_line(answer, h) for h in answer.histories]
        return "\n".join([*answer.notes, *lines])
    if kind == "compare":
        lines = [f"Compared on {source_line(answer)}:"]
        lines += ["  " + entry_line(answer, e) for e in answer.entries]
        return "\n".join([*answer.notes, *lines])
    if kind == "orgs":
        lines = [f"{answer.title} on {source_line(answer)}:"]
        lines += [
            f"  {e.organization}{f' ({e.country})' if e.country else ''}: {e.details['count']}"
            f" · best #{e.details['best_rank']} {e.model}"
            for e in answer.entries
        ]
        return "\n".join([*answer.notes, *lines])
    # top
    if not answer.entries:
        return "\n".join([*answer.notes, f"No model on {source_line(answer)} matches that."])
    lines = [f"{answer.title} on {source_line(answer)}:"]
    lines += ["  " + entry_line(answer, e) for e in answer.entries]
    if answer.total and answer.total > len(answer.entries):
        lines.append(f"  ({answer.total} match in all)")
    return "\n".join([*answer.notes, *lines])


def describe_event(event: Event, board: str) -> str:
    """One line per event: what happened, with old and new rank and score."""

    def score(value: float | None) -> str:
        if value is None:
            return "?"
        return f"{value:.0f}" if board == "arena" else f"{value:.2f}"

    move = {
        "new_leader": "now #1" if event.old_rank is None else f"#{event.old_rank} → #1",
        "debut": f"new at #{event.new_rank}",
        "entered": f"#{event.old_rank} → #{event.new_rank}",
        "left": f"#{event.old_rank} → " + (f"#{event.new_rank}" if event.new_rank else "off the board"),
        "moved": f"#{event.old_rank} → #{event.new_rank}",
        "score": f"#{event.new_rank}",
    }[event.type]
    if event.old_score is not None and event.new_score is not None:
        scores = f"{score(event.old_score)} → {score(event.new_score)}"
    else:
        scores = score(event.new_score if event.new_score is not None else event.old_score)
    return f"{event.model}: {move} ({scores})"


EVENT_HEADINGS = {
    "new_leader": "New #1",
    "debut": "New on the board",
    "entered": "Entered the top {n}",
    "left": "Left the top {n}",
    "moved": "Moved",
    "score": "Score changes",
}


def render_changes(changes: ChangeSet, board_title: str) -> str:
    span = f"{changes.from_date} → {changes.to_date}" if changes.from_date else changes.to_date
    lines = [f"{board_title} ({changes.category}), {span}, top {changes.top_n}:"]
    if not changes.events:
        lines.append("  no changes worth telling")
    current = None
    for event in changes.events:
        if event.type != current:
            current = event.type
            lines.append("  " + EVENT_HEADINGS[current].format(n=changes.top_n) + ":")
        lines.append("    " + describe_event(event, changes.board))
    return "\n".join(lines)
