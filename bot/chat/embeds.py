"""Answer -> Discord embeds (one per page) and a plain-text fallback, always inside Discord's limits.

Limits (see shared/README.md): title 256, description 4,096, 25 fields, field value 1,024, footer 2,048,
6,000 characters per embed in total; message content 2,000. Every page carries the board, snapshot date and a
link to the board, so a screenshot of one page still says where the numbers came from.

Every language gets the same layout: each renderer takes the answer's language and says every fixed word through
the catalogues (`core/messages`, section `[embed]`); model and board names, scores and ranks stay as they are.

Everything from upstream (model, organization, license, category, a board's or benchmark's title, a note, a cited
source's name) and everything a user typed reaches a title, description or field only through `escape`, so it shows
literally: no masked link, mention, code span or emphasis of its own. A cited source is a link only when
`core.untrusted.web_link` says it is a web address. (Footers show no markdown.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import discord

from ..core.answer import Answer, Entry, Kind, Standing
from ..core.changes import ChangeSet
from ..core.i18n import DEFAULT, category_shown, day, number, said, t
from ..core.text import (
    MAX_OTHERS_SHOWN,
    age_text,
    aspect_line,
    best_text,
    board_of,
    compare_details,
    describe_event,
    entry_line,
    event_heading,
    history_line,
    label_title,
    leader_groups,
    notes,
    render_body,
    score_text,
    span_text,
    submission_text,
    tied_text,
    where_text,
)
from ..core.untrusted import printable, web_link
from ..core.weekly import WeeklySummary
from ..profiles import profile
from ..profiles.base import OPEN_WEIGHTS, PROPRIETARY, UNKNOWN_LICENSE

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
# A license class as a rank answer's field says it.
LICENSES = {OPEN_WEIGHTS: "embed.open", PROPRIETARY: "embed.closed", UNKNOWN_LICENSE: "embed.unknown"}
FLAGS = {"CN": "🇨🇳", "US": "🇺🇸", "FR": "🇫🇷", "GB": "🇬🇧", "CA": "🇨🇦", "IL": "🇮🇱", "KR": "🇰🇷", "AE": "🇦🇪", "PL": "🇵🇱"}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Markdown that means something wherever it is: emphasis, code, spoilers, a masked link's `[`, the `<` of a mention,
# channel, timestamp or emoji, and the backslash itself (else an escaped `\[x](y)` would be a link again).
_MARKDOWN = re.compile(r"[\\*_~`|\[<]")
# a heading, quote or list where a line starts: its `#`, `>`, `-`, or the dot of "1. "
_LINE_START = re.compile(r"^(\s*(?:\d+(?=\.\s))?)([#>.-])")
_EVERYONE = re.compile(r"@(?=everyone|here)")


def escape(text: str) -> str:
    """Text from upstream (or typed by a user) as Discord shows it literally: one printable line (`printable`),
    every markdown character escaped wherever it stands (a lone `*` would pair with the embed's own `**`), and no
    mention of any kind (`@everyone` broken by a zero-width space; `<@…>`, `<@&…>`, `<#…>` by the escaped `<`)."""
    escaped = _LINE_START.sub(r"\1\\\2", _MARKDOWN.sub(r"\\\g<0>", printable(text)))
    return _EVERYONE.sub("@\u200b", escaped)


def escape_lines(text: str) -> str:
    """`escape` line by line, for a block of plain text (the console's answer): its own line breaks are kept."""
    return "\n".join(escape(line) for line in text.split("\n"))


def footer(answer: Answer) -> str:
    """Where the answer comes from, in its language: board, category, live or frozen, date and age, the board's
    address, and the sentence on freshness when it needs saying. Footers show no markdown: the board's title and
    category need only be printable."""
    if not answer.board_title:
        return "Leaderbot"
    lang = answer.language
    state = t(lang, "embed.frozen" if answer.archived else "embed.live")
    category = printable(category_shown(answer.category, lang))
    text = t(lang, "embed.footer", title=printable(answer.board_title), category=category, state=state,
             date=day(lang, answer.as_of) if answer.as_of else "", age=age_text(answer.age_days, lang))  # fmt: skip
    source = f" · {answer.url.removeprefix('https://')}" if answer.url else ""  # footers cannot hold links
    fresh = f"\n{said(answer.freshness, lang)}" if answer.freshness else ""
    return clip(text + source + fresh, FOOTER_MAX)


def plain_text(answer: Answer) -> str:
    """The fallback when embeds cannot be sent (no Embed Links permission): the console text, clipped. That text
    is not markdown, so all of it is escaped: a name such as "[x](http://...)" must not become a link there."""
    return clip(escape_lines(answer.text), CONTENT_MAX)


def _line(answer: Answer, entry: Entry) -> str:
    flag = FLAGS.get(entry.country or "", "")
    shown = replace(
        entry,
        model=clip(escape(entry.model), NAME_SHOWN_MAX),  # cut after escaping: the escapes count too
        organization=clip(escape(entry.organization or ""), NAME_SHOWN_MAX) or None,
    )
    line = entry_line(answer, shown, width=1)
    return f"{flag} {line}" if flag else line


def _paged(lines: list[str], head: str = "") -> list[str]:
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


def _notes(answer: Answer, lang: str) -> str:
    return "\n".join(f"*{escape(n)}*" for n in notes(answer, lang))


def _title(answer: Answer, lang: str, default: str = "") -> str:
    """The answer's title (it may name an organization, a model, what was typed), escaped; else `default`."""
    return escape(said(answer.title, lang)) or default


def _board_of(o: Standing, lang: str) -> str:
    """Which board a standing is from and how old it is ("board of 2024-12-31, 3 days old")."""
    return board_of(o.archived, o.as_of, lang) + age_text(o.age_days, lang)


def _embed(answer: Answer, title: str, description: str = "") -> discord.Embed:
    """A page of the answer, its title linking to the board (a Hub board's address is made of the dataset's id)."""
    return discord.Embed(
        title=clip(title, TITLE_MAX), description=description, colour=COLOURS[answer.kind], url=web_link(answer.url)
    )


def _list_pages(answer: Answer, lang: str, lines: list[str], title: str, tail: str = "") -> list[discord.Embed]:
    pages = _paged(lines, _notes(answer, lang))
    if tail:
        pages[-1] += tail
    return [_embed(answer, title, page) for page in pages]


def _footnote(answer: Answer, lang: str) -> str:
    return f"\n\n*{escape(said(answer.footnote, lang))}*" if answer.footnote else ""


def _top(answer: Answer, lang: str) -> list[discord.Embed]:
    lines = [_line(answer, e) for e in answer.entries] or [t(lang, "embed.no_match")]
    tail = _footnote(answer, lang)
    if answer.total and answer.total > len(answer.entries):
        tail += "\n\n" + t(lang, "embed.total", total=answer.total)
    return _list_pages(answer, lang, lines, _title(answer, lang, t(lang, "embed.top")), tail)


def _compare(answer: Answer, lang: str) -> list[discord.Embed]:
    tied = tied_text(answer, lang)
    lines = [_line(answer, e) + escape(compare_details(answer, e, lang)) for e in answer.entries]
    return _list_pages(answer, lang, lines, t(lang, "embed.comparison"), f"\n\n{escape(tied)}" if tied else "")


def _changes(answer: Answer, lang: str) -> list[discord.Embed]:
    """The same embed a digest is, with the answer's notes above it; only notes when nothing is to compare."""
    if answer.changes is None:
        return [_embed(answer, t(lang, "embed.changes"), clip(_notes(answer, lang), DESCRIPTION_MAX))]
    digest = render_digest(answer.changes, lang=lang)
    head = _notes(answer, lang)
    description = clip(
        (head + "\n" if head else "") + (digest.description or t(lang, "embed.no_changes")), DESCRIPTION_MAX
    )
    return [_embed(answer, digest.title or t(lang, "embed.changes"), description)]  # the digest's, escaped


def _orgs(answer: Answer, lang: str) -> list[discord.Embed]:
    lines = [
        f"**{escape(o.organization)}** {FLAGS.get(o.country or '', '')} — {o.count} · "
        f"{t(lang, 'embed.best', rank=o.best_rank)} {escape(o.model)}"
        for o in answer.orgs
    ]
    return _list_pages(answer, lang, lines, _title(answer, lang, t(lang, "embed.orgs")), _footnote(answer, lang))


def _history(answer: Answer, lang: str) -> list[discord.Embed]:
    facts = [f"**{escape(aspect_line(h, answer.aspect, lang))}**" for h in answer.histories] if answer.aspect else []
    lines = [*facts, *(escape(history_line(h, lang)) for h in answer.histories)]
    description = clip("\n".join([*(f"*{escape(n)}*" for n in notes(answer, lang)), *lines]), DESCRIPTION_MAX)
    return [_embed(answer, t(lang, "embed.history", title=_title(answer, lang)), description)]


def _clarify(answer: Answer, lang: str) -> list[discord.Embed]:
    lines = [f"{i}. {escape(name)}" for i, name in enumerate(answer.candidates, start=1)]
    head = _notes(answer, lang)
    head = (head + "\n" if head else "") + t(lang, "embed.pick")
    title = t(lang, "embed.which", name=_title(answer, lang))
    return [_embed(answer, title, clip(head + "\n" + "\n".join(lines), DESCRIPTION_MAX))]


def _text(title: str, *, markdown: bool = False) -> Callable[[Answer, str], list[discord.Embed]]:
    """An embed holding the answer's plain text: escaped, unless the text is our own markdown (the help). `title`
    is a catalogue key; its `{name}` is the answer's title (the name asked for, say), escaped."""

    def render(answer: Answer, lang: str) -> list[discord.Embed]:
        text = render_body(answer, lang)
        body = text if markdown else escape_lines(text)
        heading = t(lang, title, name=_title(answer, lang))
        return [_embed(answer, heading, clip(body, DESCRIPTION_MAX))]

    return render


def _rank(answer: Answer, lang: str) -> list[discord.Embed]:
    e = answer.entries[0]
    d = e.details
    embed = _embed(answer, f"#{e.rank} · {escape(e.model)}")
    embed.description = clip(
        f"**{escape(label_title(answer.score_label, lang))}** {score_text(answer.board, e.score)} · "
        + t(lang, "embed.rank_of", rank=e.rank, of=answer.of)
        + (f" · {escape(e.organization)} {FLAGS.get(e.country or '', '')}" if e.organization else "")
        + ("\n" + _notes(answer, lang) if answer.notes else ""),
        DESCRIPTION_MAX,
    )
    if d.interval is not None:
        low, high = d.interval
        embed.add_field(
            name=t(lang, "embed.ci"), value=f"{score_text(answer.board, low)}–{score_text(answer.board, high)}"
        )
    if d.rank_spread is not None and d.rank_spread != (e.rank, e.rank):
        embed.add_field(name=t(lang, "embed.spread"), value=f"{d.rank_spread[0]}–{d.rank_spread[1]}")
    if d.votes is not None:
        embed.add_field(name=t(lang, "embed.votes"), value=number(lang, d.votes))
    if d.sessions is not None:
        embed.add_field(name=t(lang, "embed.sessions"), value=number(lang, d.sessions))
    if d.license_class and d.license:
        kind = t(lang, LICENSES[d.license_class]) if d.license_class in LICENSES else d.license_class
        embed.add_field(name=t(lang, "embed.license"), value=clip(f"{kind} ({escape(d.license)})", 1024))
    if d.params_b is not None:
        embed.add_field(name=t(lang, "embed.size"), value=f"{d.params_b:g}B")
    for name, value in (d.benchmarks or {}).items():
        if value is not None:
            embed.add_field(name=escape(name), value=f"{value:.2f}")
    if how := submission_text(d, lang):
        link = web_link(d.source_url)  # an address stored before links were checked is checked here too
        cited = f" · [{t(lang, 'embed.source')}]({link})" if link else ""
        embed.add_field(name=t(lang, "embed.submitted"), value=how + cited)
    for o in e.others[:MAX_OTHERS_SHOWN]:
        state = t(lang, "embed.other_archived" if o.archived else "embed.other_live")
        value = t(lang, "embed.other_value", rank=o.rank, of=o.of, model=escape(o.model),
                  score=score_text(o.board, o.score))  # fmt: skip
        embed.add_field(
            name=clip(t(lang, "embed.other", board=escape(o.board_title), state=state, date=day(lang, o.as_of)), 256),
            value=clip(value, 1024),
            inline=False,
        )
    if len(e.others) > MAX_OTHERS_SHOWN:
        more = len(e.others) - MAX_OTHERS_SHOWN
        embed.add_field(name=t(lang, "embed.more_boards", count=more),
                        value=t(lang, "embed.ask_everywhere", model=escape(e.model)), inline=False)  # fmt: skip
    return [embed]


def _standing_value(o: Standing, lang: str) -> str:
    """One board's field of a card or a domain answer: rank, score, how it was obtained, the board's date."""
    better = t(lang, "card.lower") if o.lower_is_better else ""
    rank_of = t(lang, "embed.rank_of", rank=o.rank, of=o.of)
    parts = [f"{rank_of} · {escape(label_title(o.score_label, lang))} {score_text(o.board, o.score)}{better}"]
    if how := submission_text(o.details, lang):
        parts.append(how)
    if o.best_categories:
        parts.append(t(lang, "embed.best_in", best=escape(best_text(o, lang))))
    parts.append(_board_of(o, lang))
    return clip("\n".join(parts), 1024)


def _fields(embed: discord.Embed, fields: list[tuple[str, str]], lang: str) -> discord.Embed:
    """Add fields up to Discord's 25, the last saying how many did not fit."""
    shown = fields if len(fields) <= FIELDS_MAX else fields[: FIELDS_MAX - 1]
    for name, value in shown:
        embed.add_field(name=clip(name, 256), value=value, inline=False)
    if len(shown) < len(fields):
        embed.add_field(name=t(lang, "embed.more", count=len(fields) - len(shown)), value=t(lang, "embed.rest"))
    return embed


def _profile(answer: Answer, lang: str) -> list[discord.Embed]:
    title = t(lang, "embed.everywhere", model=_title(answer, lang))
    embed = _embed(answer, title, clip(_notes(answer, lang), DESCRIPTION_MAX))
    return [_fields(embed, [(escape(where_text(o, lang)), _standing_value(o, lang)) for o in answer.standings], lang)]


def _domain(answer: Answer, lang: str) -> list[discord.Embed]:
    description = _notes(answer, lang) or t(lang, "embed.side_by_side")
    embed = _embed(answer, _title(answer, lang), clip(description, DESCRIPTION_MAX))
    fields = []
    for group in leader_groups(answer.standings):
        first = group[0]
        if len(group) == 1:
            where = escape(where_text(first, lang))
            fields.append((where, clip(f"**{escape(first.model)}**\n{_standing_value(first, lang)}", 1024)))
            continue
        # a tie for #1: each model with its own score and how it was obtained
        label = escape(label_title(first.score_label, lang))
        each = "\n".join(
            f"**{clip(escape(o.model), NAME_SHOWN_MAX)}** · {label} {score_text(o.board, o.score)}"
            + (f" · {how}" if (how := submission_text(o.details, lang)) else "")
            for o in group
        )
        share = t(lang, "embed.share", count=len(group), of=first.of)
        fields.append((escape(where_text(first, lang)), clip(f"{share}\n{each}\n{_board_of(first, lang)}", 1024)))
    return [_fields(embed, fields, lang)]


# One renderer per answer kind: a kind without one is a KeyError (and a failing test), never another kind's look.
RENDERERS: dict[Kind, Callable[[Answer, str], list[discord.Embed]]] = {
    Kind.RANK: _rank,
    Kind.TOP: _top,
    Kind.COMPARE: _compare,
    Kind.ORGS: _orgs,
    Kind.HISTORY: _history,
    Kind.CLARIFY: _clarify,
    Kind.NOT_FOUND: _text("embed.not_found"),
    Kind.BOARDS: _text("titles.boards"),
    Kind.ERROR: _text("embed.error"),
    Kind.HELP: _text("embed.help", markdown=True),
    Kind.GREETING: _text("embed.hello", markdown=True),
    Kind.CHANGES: _changes,
    Kind.PROFILE: _profile,
    Kind.DOMAIN: _domain,
}


def render_embeds(answer: Answer) -> list[discord.Embed]:
    """One embed per page, each with the source in its footer, in the answer's language. Pages beyond the first
    exist only for long lists."""
    lang = answer.language
    embeds = RENDERERS[answer.kind](answer, lang)
    for page, embed in enumerate(embeds, start=1):
        text = footer(answer)
        if len(embeds) > 1:
            text = clip(f"{t(lang, 'embed.page', page=page, pages=len(embeds))} · {text}", FOOTER_MAX)
        embed.set_footer(text=text)
        assert len(embed) <= EMBED_TOTAL_MAX, "an embed page exceeded Discord's 6,000-character total"
    return embeds


def render_digest(changes: ChangeSet, marker: str | None = None, lang: str = DEFAULT) -> discord.Embed:
    """One embed per change set: the headline first, then entered / left / moved, each with ranks and scores, in
    the server's language. `marker` goes in the link's fragment (unseen), so a digest can be found in a channel
    again after a crash."""
    board = profile(changes.board)
    board_title, url = board.title, web_link(board.url)
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
    category = printable(category_shown(changes.category, lang))
    text = t(lang, "digest.footer", board=printable(board_title), category=category, span=span_text(changes, lang),
             source=source)  # fmt: skip
    embed.set_footer(text=clip(text, FOOTER_MAX))
    return embed


def render_weekly(summary: WeeklySummary, marker: str | None = None, lang: str = DEFAULT) -> discord.Embed:
    """A week's summary of one board: its new #1s (each with the day it happened), its biggest movers and its
    debuts, with ranks and scores, in the server's language; the chart is attached by the sender. `marker` goes in
    the link's fragment, as a digest's does."""
    board = profile(summary.board)
    url = web_link(board.url)
    if marker and url:
        url = f"{url}#{marker}"
    sections: list[str] = []
    for heading, lines in (
        (event_heading("new_leader", summary.top_n, lang),
         [t(lang, "weekly.on_day", date=day(lang, n.date), event=describe_event(n.event, summary.board, lang))
          for n in summary.leaders]),
        (t(lang, "weekly.movers", n=summary.top_n), [describe_event(e, summary.board, lang) for e in summary.movers]),
        (event_heading("debut", summary.top_n, lang), [describe_event(e, summary.board, lang) for e in summary.debuts]),
    ):  # fmt: skip
        if lines:
            sections.append(f"**{heading}**")
            sections += ["• " + escape(line) for line in lines]
            sections.append("")
    head = t(lang, "weekly.boards", count=summary.boards)
    if not (summary.leaders or summary.movers or summary.debuts):
        head += " " + t(lang, "weekly.quiet", n=summary.top_n)
    description = "\n".join([head, "", *sections]).strip()
    if len(description) > DESCRIPTION_MAX - 50:
        cut = description[: DESCRIPTION_MAX - 50].rsplit("\n", 1)[0]
        description = f"{cut}\n{t(lang, 'digest.more')}"
    title = t(lang, "weekly.title", board=board.title)
    embed = discord.Embed(title=clip(escape(title), TITLE_MAX), description=description, url=url,
                          colour=discord.Colour.gold() if summary.leaders else discord.Colour.blurple())  # fmt: skip
    to = day(lang, summary.to_date)
    span = f"{day(lang, summary.from_date)} → {to}" if summary.from_date else to
    source = f" · {url.removeprefix('https://')}" if url else ""
    category = printable(category_shown(summary.category, lang))
    text = t(lang, "digest.footer", board=printable(board.title), category=category, span=span, source=source)
    embed.set_footer(text=clip(text, FOOTER_MAX))
    return embed
