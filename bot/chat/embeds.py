"""Answer -> Discord embeds (one per page) and a plain-text fallback, always inside Discord's limits.

Limits (see shared/README.md): title 256, description 4,096, 25 fields, field value 1,024, footer 2,048,
6,000 characters per embed in total; message content 2,000. Every page carries the board, snapshot date and a
link to the board, so a screenshot of one page still says where the numbers came from.
"""

from __future__ import annotations

from dataclasses import replace

import discord

from ..core.answers import Answer, Entry
from ..core.changes import ChangeSet
from ..core.text import EVENT_HEADINGS, describe_event, entry_line, history_line, score_text

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000
PAGE_SIZE = 10

COLOURS = {
    "rank": discord.Colour.blurple(),
    "top": discord.Colour.gold(),
    "compare": discord.Colour.teal(),
    "orgs": discord.Colour.purple(),
    "boards": discord.Colour.dark_grey(),
    "clarify": discord.Colour.orange(),
    "not_found": discord.Colour.red(),
    "error": discord.Colour.red(),
    "help": discord.Colour.green(),
}
FLAGS = {"CN": "🇨🇳", "US": "🇺🇸", "FR": "🇫🇷", "GB": "🇬🇧", "CA": "🇨🇦", "IL": "🇮🇱", "KR": "🇰🇷", "AE": "🇦🇪", "PL": "🇵🇱"}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Model names can hold markdown (`*`, `_`) or mention-like text; show them literally."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def footer(answer: Answer) -> str:
    if not answer.board_title:
        return "Leaderbot"
    state = "archived board, frozen" if answer.archived else "live board"
    source = f" · {answer.url.removeprefix('https://')}" if answer.url else ""  # footers cannot hold links
    return clip(f"{answer.board_title} · {answer.category} · {state} · as of {answer.as_of}{source}", FOOTER_MAX)


def plain_text(answer: Answer) -> str:
    """The fallback when embeds cannot be sent (no Embed Links permission): the console text, clipped."""
    return clip(discord.utils.escape_mentions(answer.text), CONTENT_MAX)


def _line(answer: Answer, entry: Entry) -> str:
    flag = FLAGS.get(entry.country or "", "")
    shown = replace(entry, model=escape(entry.model), organization=escape(entry.organization or "") or None)
    line = entry_line(answer, shown, width=1)
    return f"{flag} {line}" if flag else line


def _pages_of_entries(answer: Answer, lines: list[str], head: str = "") -> list[str]:
    pages, current = [], head
    count = 0
    for line in lines:
        if count == PAGE_SIZE or len(current) + len(line) + 1 > DESCRIPTION_MAX - 200:
            pages.append(current)
            current, count = head, 0
        current += ("\n" if current else "") + line
        count += 1
    pages.append(current)
    return pages


def _descriptions(answer: Answer) -> list[str]:
    notes = "\n".join(f"*{escape(n)}*" for n in answer.notes)
    head = notes
    kind = answer.kind
    if kind in ("top", "compare"):
        lines = [_line(answer, e) for e in answer.entries] or ["No model matches that."]
        pages = _pages_of_entries(answer, lines, head)
        if answer.total and answer.total > len(answer.entries):
            pages[-1] += f"\n\n{answer.total} models match in all."
        return pages
    if kind == "orgs":
        lines = [
            f"**{escape(e.organization or 'unknown')}** {FLAGS.get(e.country or '', '')} — {e.details['count']}"
            f" · best #{e.details['best_rank']} {escape(e.model)}"
            for e in answer.entries
        ]
        return _pages_of_entries(answer, lines, head)
    if kind == "history":
        lines = [escape(history_line(answer, h)) for h in answer.histories]
        return [clip("\n".join([*(f"*{escape(n)}*" for n in answer.notes), *lines]), DESCRIPTION_MAX)]
    if kind == "clarify":
        lines = [f"{i}. {escape(name)}" for i, name in enumerate(answer.candidates, start=1)]
        head = (head + "\n" if head else "") + "Several models match. Pick one below, or ask with a version or size."
        return [clip(head + "\n" + "\n".join(lines), DESCRIPTION_MAX)]
    return [clip(escape(answer.text) if kind != "help" else answer.text, DESCRIPTION_MAX)]


def title(answer: Answer) -> str:
    kind = answer.kind
    if kind == "rank" and answer.entries:
        e = answer.entries[0]
        return clip(f"#{e.rank} · {e.model}", TITLE_MAX)
    if kind == "clarify":
        return clip(f"Which “{answer.title}”?", TITLE_MAX)
    if kind == "not_found":
        return clip(f"Not found: {answer.title}", TITLE_MAX)
    if kind == "compare":
        return "Comparison"
    if kind == "history":
        return clip(f"History: {answer.title}", TITLE_MAX)
    if kind == "help":
        return "Leaderbot: what you can ask"
    if kind == "error":
        return "I couldn't answer that"
    return clip(answer.title or kind.title(), TITLE_MAX)


def _rank_fields(embed: discord.Embed, answer: Answer) -> None:
    e = answer.entries[0]
    embed.description = clip(
        f"**{answer.score_label}** {score_text(answer, e.score)} · #{e.rank} of {answer.of}"
        + (f" · {escape(e.organization)} {FLAGS.get(e.country or '', '')}" if e.organization else "")
        + ("\n" + "\n".join(f"*{escape(n)}*" for n in answer.notes) if answer.notes else ""),
        DESCRIPTION_MAX,
    )
    if "interval" in e.details:
        low, high = e.details["interval"]
        embed.add_field(name="95% CI", value=f"{low:.0f}–{high:.0f}")
    if "votes" in e.details:
        embed.add_field(name="Votes", value=f"{e.details['votes']:,}")
    if "params_b" in e.details:
        embed.add_field(name="Size", value=f"{e.details['params_b']:g}B")
    for name, value in (e.details.get("benchmarks") or {}).items():
        if value is not None:
            embed.add_field(name=name, value=f"{value:.2f}")
    if e.other is not None:
        o = e.other
        state = "archived" if o.archived else "live"
        score = f"{o.score:.0f}" if o.board == "arena" else f"{o.score:.2f}"
        embed.add_field(
            name=clip(f"On {o.board_title} ({state}, {o.as_of})", 256),
            value=clip(f"#{o.rank} of {o.of} as {escape(o.model)} · {score}", 1024),
            inline=False,
        )


def render_embeds(answer: Answer) -> list[discord.Embed]:
    """One embed per page. Pages beyond the first exist only for long lists."""
    colour = COLOURS.get(answer.kind, discord.Colour.default())
    pages = [""] if answer.kind == "rank" else _descriptions(answer)
    embeds = []
    for number, description in enumerate(pages, start=1):
        embed = discord.Embed(title=title(answer), colour=colour, url=answer.url)
        if answer.kind == "rank" and answer.entries:
            _rank_fields(embed, answer)
        else:
            embed.description = description
        text = footer(answer)
        if len(pages) > 1:
            text = clip(f"Page {number}/{len(pages)} · {text}", FOOTER_MAX)
        embed.set_footer(text=text)
        assert len(embed) <= EMBED_TOTAL_MAX, "an embed page exceeded Discord's 6,000-character total"
        embeds.append(embed)
    return embeds


def render_digest(changes: ChangeSet, board_title: str, url: str | None) -> discord.Embed:
    """One embed per change set: the headline first, then entered / left / moved, each with ranks and scores."""
    leaders = [e for e in changes.events if e.type == "new_leader"]
    if leaders:
        headline = f"New #1 on {board_title}: {', '.join(e.model for e in leaders)}"
    else:
        count = len(changes.events)
        headline = f"{board_title}: {count} change{'s' if count != 1 else ''} in the top {changes.top_n}"
    sections: list[str] = []
    current = None
    for event in changes.events:
        if event.type != current:
            current = event.type
            sections.append(f"\n**{EVENT_HEADINGS[current].format(n=changes.top_n)}**")
        sections.append("• " + escape(describe_event(event, changes.board)))
    description = "\n".join(sections).strip()
    if len(description) > DESCRIPTION_MAX - 50:
        cut = description[: DESCRIPTION_MAX - 50].rsplit("\n", 1)[0]
        description = f"{cut}\n… and more on the board"
    embed = discord.Embed(title=clip(headline, TITLE_MAX), description=description, url=url,
                          colour=discord.Colour.gold() if leaders else discord.Colour.blurple())  # fmt: skip
    span = f"{changes.from_date} → {changes.to_date}" if changes.from_date else changes.to_date
    source = f" · {url.removeprefix('https://')}" if url else ""
    embed.set_footer(text=clip(f"{board_title} · {changes.category} · board of {span}{source}", FOOTER_MAX))
    return embed
