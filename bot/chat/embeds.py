"""Answer -> Discord embeds (one per page) and a plain-text fallback, always inside Discord's limits.

Limits (see shared/README.md): title 256, description 4,096, 25 fields, field value 1,024, footer 2,048,
6,000 characters per embed in total; message content 2,000. Every page carries the board, snapshot date and a
link to the board, so a screenshot of one page still says where the numbers came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import discord

from ..core.answer import Answer, Entry, Kind, Standing
from ..core.changes import ChangeSet
from ..core.i18n import DEFAULT, said, t
from ..core.text import (
    MAX_OTHERS_SHOWN,
    age_text,
    aspect_line,
    category_text,
    compare_details,
    describe_event,
    entry_line,
    event_heading,
    history_line,
    leader_groups,
    render_body,
    score_text,
    source_line,
    span_text,
    submission_text,
    tied_text,
)
from ..profiles import profile

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000
PAGE_SIZE = 10
NAME_SHOWN_MAX = 120  # a model's name in a list line, escaped, at most (longer ones end in "…")

COLOURS = {
    Kind.RANK: discord.Colour.blurple(),
    Kind.TOP: discord.Colour.gold(),
    Kind.COMPARE: discord.Colour.teal(),
    Kind.ORGS: discord.Colour.purple(),
    Kind.HISTORY: discord.Colour.dark_teal(),
    Kind.CHANGES: discord.Colour.gold(),
    Kind.GREETING: discord.Colour.green(),
    Kind.BOARDS: discord.Colour.dark_grey(),
    Kind.CLARIFY: discord.Colour.orange(),
    Kind.NOT_FOUND: discord.Colour.red(),
    Kind.ERROR: discord.Colour.red(),
    Kind.HELP: discord.Colour.green(),
    Kind.PROFILE: discord.Colour.blurple(),
    Kind.DOMAIN: discord.Colour.gold(),
}
FIELDS_MAX = 25
FLAGS = {"CN": "🇨🇳", "US": "🇺🇸", "FR": "🇫🇷", "GB": "🇬🇧", "CA": "🇨🇦", "IL": "🇮🇱", "KR": "🇰🇷", "AE": "🇦🇪", "PL": "🇵🇱"}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Model names can hold markdown (`*`, `_`) or mention-like text; show them literally."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def footer(answer: Answer) -> str:
    if not answer.board_title:
        return "Leaderbot"
    if answer.language != DEFAULT:
        fresh = f"\n{said(answer.freshness, answer.language)}" if answer.freshness else ""
        source = f" · {answer.url.removeprefix('https://')}" if answer.url else ""
        return clip(source_line(answer, answer.language) + source + fresh, FOOTER_MAX)
    state = "archived board, frozen" if answer.archived else "live board"
    source = f" · {answer.url.removeprefix('https://')}" if answer.url else ""  # footers cannot hold links
    fresh = f"\n{answer.freshness}" if answer.freshness else ""
    return clip(
        f"{answer.board_title} · {answer.category} · {state} · as of {answer.as_of}{age_text(answer.age_days)}"
        f"{source}{fresh}",
        FOOTER_MAX,
    )


def plain_text(answer: Answer) -> str:
    """The fallback when embeds cannot be sent (no Embed Links permission): the console text, clipped."""
    return clip(escape(answer.text), CONTENT_MAX)  # a name such as "[x](http://...)" must not become a link


def _line(answer: Answer, entry: Entry) -> str:
    flag = FLAGS.get(entry.country or "", "")
    shown = replace(
        entry,
        model=clip(escape(entry.model), NAME_SHOWN_MAX),  # cut after escaping: the escapes count too
        organization=clip(escape(entry.organization or ""), NAME_SHOWN_MAX) or None,
    )
    line = entry_line(answer, shown, width=1)
    return f"{flag} {line}" if flag else line


def _paged(lines: list[str], head: str = "", *, per_page: int = PAGE_SIZE) -> list[str]:
    pages, current = [], head
    count = 0
    for line in lines:
        if count == per_page or len(current) + len(line) + 1 > DESCRIPTION_MAX - 200:
            pages.append(current)
            current, count = head, 0
        current += ("\n" if current else "") + line
        count += 1
    pages.append(current)
    return pages


def _notes(answer: Answer) -> str:
    return "\n".join(f"*{escape(n)}*" for n in answer.notes)


def _embed(answer: Answer, title: str, description: str = "") -> discord.Embed:
    return discord.Embed(
        title=clip(title, TITLE_MAX), description=description, colour=COLOURS[answer.kind], url=answer.url
    )


def _list_pages(answer: Answer, lines: list[str], title: str, tail: str = "") -> list[discord.Embed]:
    pages = _paged(lines, _notes(answer))
    if tail:
        pages[-1] += tail
    return [_embed(answer, title, page) for page in pages]


def _top(answer: Answer) -> list[discord.Embed]:
    lines = [_line(answer, e) for e in answer.entries] or ["No model matches that."]
    tail = f"\n\n*{escape(answer.footnote)}*" if answer.footnote else ""
    tail += f"\n\n{answer.total} models match in all." if answer.total and answer.total > len(answer.entries) else ""
    return _list_pages(answer, lines, answer.title or "Top", tail)


def _compare(answer: Answer) -> list[discord.Embed]:
    tied = tied_text(answer)
    lines = [_line(answer, e) + escape(compare_details(answer, e)) for e in answer.entries]
    return _list_pages(answer, lines, "Comparison", f"\n\n{escape(tied)}" if tied else "")


def _changes(answer: Answer) -> list[discord.Embed]:
    """The same embed a digest is, with the answer's notes above it; only notes when nothing is to compare."""
    if answer.changes is None:
        return [_embed(answer, "Changes", clip(_notes(answer), DESCRIPTION_MAX))]
    digest = render_digest(answer.changes)
    notes = _notes(answer)
    description = clip(
        (notes + "\n" if notes else "") + (digest.description or "No changes worth telling."), DESCRIPTION_MAX
    )
    return [_embed(answer, digest.title or "Changes", description)]


def _orgs(answer: Answer) -> list[discord.Embed]:
    lines = [
        f"**{escape(o.organization)}** {FLAGS.get(o.country or '', '')} — {o.count} · best #{o.best_rank}"
        f" {escape(o.model)}"
        for o in answer.orgs
    ]
    tail = f"\n\n*{escape(answer.footnote)}*" if answer.footnote else ""
    return _list_pages(answer, lines, answer.title or "Organizations", tail)


def _history(answer: Answer) -> list[discord.Embed]:
    facts = [f"**{escape(aspect_line(h, answer.aspect))}**" for h in answer.histories] if answer.aspect else []
    lines = [*facts, *(escape(history_line(h)) for h in answer.histories)]
    description = clip("\n".join([*(f"*{escape(n)}*" for n in answer.notes), *lines]), DESCRIPTION_MAX)
    return [_embed(answer, f"History: {escape(answer.title)}", description)]


def _clarify(answer: Answer) -> list[discord.Embed]:
    lines = [f"{i}. {escape(name)}" for i, name in enumerate(answer.candidates, start=1)]
    head = _notes(answer)
    head = (head + "\n" if head else "") + "Several models match. Pick one below, or ask with a version or size."
    title = f"Which “{escape(answer.title)}”?"
    return [_embed(answer, title, clip(head + "\n" + "\n".join(lines), DESCRIPTION_MAX))]


def _text(title: str, *, markdown: bool = False) -> Callable[[Answer], list[discord.Embed]]:
    """An embed holding the answer's plain text: escaped, unless the text is our own markdown (the help)."""

    def render(answer: Answer) -> list[discord.Embed]:
        text = render_body(answer)
        body = text if markdown else escape(text)
        named = replace(answer, title=escape(answer.title))  # a title may hold the name asked for
        return [_embed(answer, title.format(answer=named), clip(body, DESCRIPTION_MAX))]

    return render


def _rank(answer: Answer) -> list[discord.Embed]:
    e = answer.entries[0]
    d = e.details
    embed = _embed(answer, f"#{e.rank} · {escape(e.model)}")
    embed.description = clip(
        f"**{answer.score_label}** {score_text(answer.board, e.score)} · #{e.rank} of {answer.of}"
        + (f" · {escape(e.organization)} {FLAGS.get(e.country or '', '')}" if e.organization else "")
        + ("\n" + _notes(answer) if answer.notes else ""),
        DESCRIPTION_MAX,
    )
    if d.interval is not None:
        low, high = d.interval
        embed.add_field(name="95% CI", value=f"{score_text(answer.board, low)}–{score_text(answer.board, high)}")
    if d.rank_spread is not None and d.rank_spread != (e.rank, e.rank):
        embed.add_field(name="Rank spread", value=f"{d.rank_spread[0]}–{d.rank_spread[1]}")
    if d.votes is not None:
        embed.add_field(name="Votes", value=f"{d.votes:,}")
    if d.sessions is not None:
        embed.add_field(name="Sessions", value=f"{d.sessions:,}")
    if d.license_class and d.license:
        embed.add_field(name="License", value=clip(f"{d.license_class} ({escape(d.license)})", 1024))
    if d.params_b is not None:
        embed.add_field(name="Size", value=f"{d.params_b:g}B")
    for name, value in (d.benchmarks or {}).items():
        if value is not None:
            embed.add_field(name=name, value=f"{value:.2f}")
    if how := submission_text(d):
        embed.add_field(name="Submitted", value=how + (f" · [source]({d.source_url})" if d.source_url else ""))
    for o in e.others[:MAX_OTHERS_SHOWN]:
        state = "archived" if o.archived else "live"
        embed.add_field(
            name=clip(f"On {o.board_title} ({state}, {o.as_of})", 256),
            value=clip(f"#{o.rank} of {o.of} as {escape(o.model)} · {score_text(o.board, o.score)}", 1024),
            inline=False,
        )
    if len(e.others) > MAX_OTHERS_SHOWN:
        more = len(e.others) - MAX_OTHERS_SHOWN
        embed.add_field(name=f"On {more} more boards", value=f"Ask `{escape(e.model)} everywhere`.", inline=False)
    return [embed]


def _standing_value(o: Standing) -> str:
    """One board's field of a card or a domain answer: rank, score, how it was obtained, the board's date."""
    label = o.score_label or "Score"
    better = " (lower is better)" if o.lower_is_better else ""
    parts = [f"#{o.rank} of {o.of} · {label} {score_text(o.board, o.score)}{better}"]
    if how := submission_text(o.details):
        parts.append(how)
    if o.best_categories:
        parts.append("best: " + ", ".join(f"#{r} {category_text(c)}" for c, r, _n in o.best_categories))
    state = "archived board" if o.archived else "board"
    parts.append(f"{state} of {o.as_of}{age_text(o.age_days)}")
    return clip("\n".join(parts), 1024)


def _fields(embed: discord.Embed, fields: list[tuple[str, str]]) -> discord.Embed:
    """Add fields up to Discord's 25, the last saying how many did not fit."""
    shown = fields if len(fields) <= FIELDS_MAX else fields[: FIELDS_MAX - 1]
    for name, value in shown:
        embed.add_field(name=clip(name, 256), value=value, inline=False)
    if len(shown) < len(fields):
        embed.add_field(name=f"{len(fields) - len(shown)} more", value="Ask on a board by name for the rest.")
    return embed


def _profile(answer: Answer) -> list[discord.Embed]:
    embed = _embed(answer, f"Everywhere · {escape(answer.title)}", clip(_notes(answer), DESCRIPTION_MAX))
    fields = [
        (o.board_title + (f" ({category_text(o.category)})" if o.category else ""), _standing_value(o))
        for o in answer.standings
    ]
    return [_fields(embed, fields)]


def _domain(answer: Answer) -> list[discord.Embed]:
    embed = _embed(answer, answer.title, clip(_notes(answer) or "Each board's #1, side by side.", DESCRIPTION_MAX))
    fields = []
    for group in leader_groups(answer.standings):
        first = group[0]
        title = first.board_title + (f" ({category_text(first.category)})" if first.category else "")
        if len(group) == 1:
            fields.append((title, clip(f"**{escape(first.model)}**\n{_standing_value(first)}", 1024)))
            continue
        # a tie for #1: each model with its own score and how it was obtained
        label = first.score_label or "Score"
        each = "\n".join(
            f"**{clip(escape(o.model), NAME_SHOWN_MAX)}** · {label} {score_text(o.board, o.score)}"
            + (f" · {how}" if (how := submission_text(o.details)) else "")
            for o in group
        )
        state = "archived board" if first.archived else "board"
        value = (
            f"{len(group)} models share #1 of {first.of}\n{each}\n{state} of {first.as_of}{age_text(first.age_days)}"
        )
        fields.append((title, clip(value, 1024)))
    return [_fields(embed, fields)]


# One renderer per answer kind: a kind without one is a KeyError (and a failing test), never another kind's look.
RENDERERS: dict[Kind, Callable[[Answer], list[discord.Embed]]] = {
    Kind.RANK: _rank,
    Kind.TOP: _top,
    Kind.COMPARE: _compare,
    Kind.ORGS: _orgs,
    Kind.HISTORY: _history,
    Kind.CLARIFY: _clarify,
    Kind.NOT_FOUND: _text("Not found: {answer.title}"),
    Kind.BOARDS: _text("Boards"),
    Kind.ERROR: _text("I couldn't answer that"),
    Kind.HELP: _text("Leaderbot: what you can ask", markdown=True),
    Kind.GREETING: _text("Hello!", markdown=True),
    Kind.CHANGES: _changes,
    Kind.PROFILE: _profile,
    Kind.DOMAIN: _domain,
}


def _in_language(answer: Answer) -> list[discord.Embed]:
    """An answer in another language than English: its text in that language (see `core.text`), paged by
    measured length; the title is the answer's own (a model or a list's name)."""
    lines = escape(render_body(answer, answer.language)).splitlines()
    if answer.kind == Kind.RANK and answer.entries:  # "#3 · model": the same in every language
        title = f"#{answer.entries[0].rank} · {escape(answer.entries[0].model)}"
    else:
        title = escape(said(answer.title, answer.language)) if answer.title else t(answer.language, "embed.title")
    return [_embed(answer, clip(title, TITLE_MAX), page) for page in _paged(lines, "", per_page=PAGE_SIZE * 4)]


def render_embeds(answer: Answer) -> list[discord.Embed]:
    """One embed per page, each with the source in its footer. Pages beyond the first exist only for long lists.
    An answer in another language is its text in that language (the embed forms of each kind are English's)."""
    embeds = RENDERERS[answer.kind](answer) if answer.language == DEFAULT else _in_language(answer)
    for number, embed in enumerate(embeds, start=1):
        text = footer(answer)
        if len(embeds) > 1:
            text = clip(f"Page {number}/{len(embeds)} · {text}", FOOTER_MAX)
        embed.set_footer(text=text)
        assert len(embed) <= EMBED_TOTAL_MAX, "an embed page exceeded Discord's 6,000-character total"
    return embeds


def render_digest(changes: ChangeSet, marker: str | None = None, lang: str = DEFAULT) -> discord.Embed:
    """One embed per change set: the headline first, then entered / left / moved, each with ranks and scores, in
    the server's language. `marker` goes in the link's fragment (unseen), so a digest can be found in a channel
    again after a crash."""
    board = profile(changes.board)
    board_title, url = board.title, board.url
    if marker and url:
        url = f"{url}#{marker}"
    leaders = [e for e in changes.events if e.type == "new_leader"]
    sharing = [e for e in changes.events if e.type == "shared_lead"]
    renamed_leader = [e for e in changes.events if e.type == "renamed" and e.new_rank == 1]
    if leaders:
        headline = t(lang, "digest.new_leader", board=board_title, models=", ".join(e.model for e in leaders))
    elif sharing:
        key = "digest.shares_one" if len(sharing) == 1 else "digest.shares_many"
        headline = t(lang, key, board=board_title, models=", ".join(e.model for e in sharing))
    elif renamed_leader:
        headline = t(lang, "digest.renamed", board=board_title,
                     event=describe_event(renamed_leader[0], changes.board, lang))  # fmt: skip
    else:
        count = len(changes.events)
        key = "digest.changes_one" if count == 1 else "digest.changes_many"
        headline = t(lang, key, board=board_title, count=count, n=changes.top_n)
    sections: list[str] = []
    current = None
    for event in changes.events:
        if event.type != current:
            current = event.type
            sections.append(f"\n**{event_heading(current, changes.top_n, lang)}**")
        sections.append("• " + escape(describe_event(event, changes.board, lang)))
    description = "\n".join(sections).strip()
    if len(description) > DESCRIPTION_MAX - 50:
        cut = description[: DESCRIPTION_MAX - 50].rsplit("\n", 1)[0]
        description = f"{cut}\n{t(lang, 'digest.more')}"
    embed = discord.Embed(title=clip(escape(headline), TITLE_MAX), description=description, url=url,
                          colour=discord.Colour.gold() if leaders or sharing else discord.Colour.blurple())  # fmt: skip
    source = f" · {url.removeprefix('https://')}" if url else ""
    text = t(lang, "digest.footer", board=board_title, category=category_text(changes.category, lang),
             span=span_text(changes, lang), source=source)  # fmt: skip
    embed.set_footer(text=clip(text, FOOTER_MAX))
    return embed
