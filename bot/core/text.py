"""Answer -> plain text, for the console, `leaderbot ask` and the `text` field of JSON answers.

One renderer per answer kind, in `RENDERERS`: a kind without one fails loudly (and a test), never falls through.
Every string from upstream (model, organization, category, a board's title, a note, a cited source) and every
sentence carrying one goes through `printable` (`core.untrusted`): plain text is not markdown, so nothing is escaped
for a console, but no upstream string may break a line or drive the terminal. Discord shows this same text where it
may not send embeds, escaped once more for its markdown (`chat.embeds.plain_text`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..profiles import PROFILES, profile
from ..profiles.base import OPEN_WEIGHTS
from .answer import Answer, BoardSummary, Entry, Kind, ModelDetails, Standing
from .i18n import DEFAULT, Said, catalogue, category_shown, category_text, day, number, said, t
from .untrusted import printable, web_link

# Other boards a rank answer lists one by one; the rest are counted (the card lists them all).
MAX_OTHERS_SHOWN = 6

if TYPE_CHECKING:
    from .changes import ChangeSet, Event
    from .history import History

# The help's parts that come from the boards (their benchmarks; a few boards to pick), as they are at start.
HELP_BENCHMARKS = [(p.title, ", ".join(b.words[0] for b in p.benchmarks)) for p in PROFILES.values() if p.benchmarks]
HELP_BOARDS = ", ".join(f'"on {board}"' for board in [*list(PROFILES)[1:3], list(PROFILES)[-1]])


def help_text(lang: str = DEFAULT) -> str:
    benchmarks = "; ".join(t(lang, "help.benchmarks", board=title, names=names) for title, names in HELP_BENCHMARKS)
    return t(lang, "help.text", benchmarks=benchmarks, boards=HELP_BOARDS).strip("\n")


HELP = help_text()


def score_text(board: str | None, value: float | None) -> str:
    """A score as its board prints it (decimals, unit)."""
    return profile(board).score(value) if board else "?" if value is None else f"{value:g}"


def age_said(days: int) -> Said:
    """How old a board is, as a phrase ("today", "1 day old", "700 days old")."""
    return Said("common.today" if days == 0 else "common.one_day" if days == 1 else "common.days", days=days)


def age_text(days: int | None, lang: str = DEFAULT) -> str:
    """The age after a board's date (", 3 days old"), or nothing when it is not known."""
    return "" if days is None else t(lang, "source.age", age=age_said(days))


def board_of(archived: bool, as_of: str, lang: str = DEFAULT) -> str:
    """Which kind of board and of when ("archived board of 2025-03-21")."""
    return t(lang, "source.archived" if archived else "source.board", date=day(lang, as_of))


def where_text(o: Standing, lang: str = DEFAULT) -> str:
    """The board a standing is on, and its category when it is not the board's default."""
    return printable(o.board_title) + (f" ({printable(category_text(o.category, lang))})" if o.category else "")


def best_text(o: Standing, lang: str = DEFAULT) -> str:
    """The categories where a model does best on a board ("#1 coding, #3 math")."""
    return ", ".join(f"#{r} {printable(category_text(c, lang))}" for c, r, _n in o.best_categories)


def source_line(answer: Answer, lang: str = DEFAULT) -> str:
    """The board an answer is from, its category, its date and how old that is, in the asker's language."""
    if not answer.board_title:
        return ""
    state = board_of(answer.archived, answer.as_of or "", lang)
    return t(lang, "source.line", title=printable(answer.board_title), state=state, age=age_text(answer.age_days, lang),
             category=printable(category_text(answer.category, lang)))  # fmt: skip


def notes(answer: Answer, lang: str) -> list[str]:
    """The answer's notes in `lang` (those made from a catalogue key; others as they are)."""
    return [sentence(note, lang) for note in answer.notes]


def sentence(text: str | None, lang: str) -> str:
    """One of the answer's sentences (a title, note, footnote, error) in `lang`: it may name models, organizations
    or boards, so it is made printable as a whole (no sentence of ours holds a line break)."""
    return printable(said(text, lang))


def label_text(label: str | None, lang: str = DEFAULT) -> str:
    """A board's score label ("Rating", "Average") as a word of the sentence, in the asker's language."""
    key = f"labels.{(label or 'score').casefold()}"
    return t(lang, key) if key in catalogue(DEFAULT) else printable(label or "").lower()  # one the catalogues lack


def label_title(label: str | None, lang: str = DEFAULT) -> str:
    """A score label as a heading shows it ("Rating", "คะแนนเรตติ้ง"): the catalogue's word, capitalised; a label
    the catalogues lack (a benchmark's name, for a domain's leader) as its board writes it."""
    if f"labels.{(label or 'score').casefold()}" not in catalogue(DEFAULT):
        return printable(label or "")
    word = label_text(label, lang)
    return word[:1].upper() + word[1:]


def submission_text(d: ModelDetails | None, lang: str = DEFAULT) -> str:
    """How a Hub score was obtained: verified by the Hub, or a community submission not yet merged."""
    if d is None:
        return ""
    if d.pull_request is not None:
        return t(lang, "submitted.pull_request", number=d.pull_request)
    if d.verified:
        return t(lang, "submitted.verified")
    return ""


def standing_line(o: Standing, *, named: bool = False, lang: str = DEFAULT) -> str:
    """A model on one board in one line: board, category, rank, score, how it was obtained, the board's date."""
    how, best = submission_text(o.details, lang), best_text(o, lang)
    model = printable(o.model) + " " if named else ""
    return t(lang, "card.line", where=where_text(o, lang), model=model, rank=o.rank, of=o.of,
             label=label_text(o.score_label, lang), score=score_text(o.board, o.score),
             better=t(lang, "card.lower") if o.lower_is_better else "", how=f", {how}" if how else "",
             best=t(lang, "card.best", best=best) if best else "", state=board_of(o.archived, o.as_of, lang),
             age=age_text(o.age_days, lang))  # fmt: skip


def spread_text(spread: tuple[int, int] | None, rank: int, lang: str = DEFAULT) -> str:
    """' (rank spread 2–5)' when the intervals allow other ranks than the one shown."""
    if spread is None or spread == (rank, rank):
        return ""
    return t(lang, "rank.spread", best=spread[0], worst=spread[1])


def who_text(e: Entry) -> str:
    """Who makes a model and where ("Alibaba, CN"), or nothing."""
    return ", ".join(printable(x) for x in (e.organization, e.country) if x)


def entry_line(answer: Answer, e: Entry, *, width: int = 4) -> str:
    who = who_text(e)
    extra = ""
    if answer.sort_label and e.details.benchmarks:
        value = e.details.benchmarks.get(answer.sort_label)
        extra = f" · {printable(answer.sort_label)} {value:.2f}" if value is not None else ""
    line = f"#{e.rank:<{width}} {printable(e.model)} — {score_text(answer.board, e.score)}{extra}"
    return line + (f" ({who})" if who else "")


def history_line(history: History, lang: str = DEFAULT) -> str:
    """A model's history in one sentence: where it is now, its best, its time at #1, since when."""
    if not history.points:
        return t(lang, "histories.none", model=printable(history.model))
    now = history.points[-1]
    move = ""
    if history.latest_move:
        move = t(lang, "histories.up" if history.latest_move > 0 else "histories.down", n=abs(history.latest_move))
    reign = ""
    if history.days_at_1:
        reign = t(lang, "histories.reign_one" if history.days_at_1 == 1 else "histories.reign", days=history.days_at_1)
    count = len(history.points)
    return t(lang, "histories.line", model=printable(history.model), rank=now.rank, date=day(lang, now.date), move=move,
             best=history.best_rank, reign=reign, count=count,
             boards=t(lang, "histories.board_one" if count == 1 else "histories.board_many"),
             first=day(lang, history.first_seen))  # fmt: skip


def aspect_line(history: History, aspect: str, lang: str = DEFAULT) -> str:
    """The one fact a question asked of a history, in a sentence ("first reached #1 on ...")."""
    model = printable(history.model)
    if not history.points:
        return t(lang, "aspect.none", model=model)
    if aspect == "first_top":
        first = next((p for p in history.points if p.rank == 1), None)
        if first is None:
            best = next(p for p in history.points if p.rank == history.best_rank)
            return t(lang, "aspect.never_first", model=model, rank=best.rank, date=day(lang, best.date))
        return t(lang, "aspect.first", model=model, date=day(lang, first.date))
    if aspect == "time_at_top":
        if not history.days_at_1:
            return t(lang, "aspect.never_top", model=model, rank=history.best_rank)
        boards = sum(p.rank == 1 for p in history.points)
        return t(lang, "aspect.time_at_top", model=model, days=history.days_at_1, boards=boards,
                 count=len(history.points))  # fmt: skip
    best = next(p for p in history.points if p.rank == history.best_rank)
    return t(lang, "aspect.best", model=model, rank=best.rank, date=day(lang, best.date))


def _error(answer: Answer, lang: str) -> str:
    return f"{sentence(answer.error, lang)}\n{t(lang, 'common.examples')}"


def _help(answer: Answer, lang: str) -> str:
    return help_text(lang)


def board_state(board: BoardSummary, lang: str = DEFAULT) -> str:
    if board.archived:
        return t(lang, "boards.archived")
    if board.checked_at is None:
        return t(lang, "boards.never")
    return t(lang, "boards.fetched", when=board.checked_at[:16].replace("T", " ")) + (
        t(lang, "boards.stale") if board.stale else ""
    )


def _boards(answer: Answer, lang: str) -> str:
    lines = [
        t(
            lang,
            "boards.line",
            title=printable(b.title),
            board=printable(b.board),
            state=board_state(b, lang),
            latest=day(lang, b.latest),
            age=age_text(b.age_days, lang),
            models=b.models,
            snapshots=b.snapshots,
            first=day(lang, b.first),
        )
        for b in answer.boards
    ]
    lines.extend(notes(answer, lang))
    return "\n".join(lines) or t(lang, "boards.none")


def _clarify(answer: Answer, lang: str) -> str:
    lines = [t(lang, "clarify.line", name=sentence(answer.title, lang), source=source_line(answer, lang))]
    lines += [f"  {i}. {printable(name)}" for i, name in enumerate(answer.candidates[:10], start=1)]
    if len(answer.candidates) > 10:
        lines.append(t(lang, "clarify.more", count=len(answer.candidates) - 10))
    return "\n".join([*notes(answer, lang), *lines])


def _not_found(answer: Answer, lang: str) -> str:
    source = source_line(answer, lang)
    if answer.newer_than_board:
        key = "not_found.newer_archived" if answer.archived else "not_found.newer"
        return "\n".join([*notes(answer, lang), t(lang, key, name=sentence(answer.title, lang), source=source)])
    line = t(lang, "not_found.line", name=sentence(answer.title, lang), source=source)
    if answer.candidates:
        line += t(lang, "not_found.suggest", names="; ".join(map(printable, answer.candidates[:5])))
    return "\n".join([*notes(answer, lang), line])


def _rank(answer: Answer, lang: str) -> str:
    e = answer.entries[0]
    d = e.details
    label = label_text(answer.score_label, lang)
    parts = [f"{label} {score_text(answer.board, e.score)}"] if answer.score_label else []
    if d.interval is not None:
        low, high = d.interval
        parts.append(t(lang, "rank.ci", low=score_text(answer.board, low), high=score_text(answer.board, high)))
    if d.votes is not None:
        parts.append(t(lang, "rank.votes", votes=number(lang, d.votes)))
    if d.sessions is not None:
        parts.append(t(lang, "rank.sessions", sessions=number(lang, d.sessions)))
    if d.params_b is not None and answer.board and profile(answer.board).sizes_published:
        parts.append(t(lang, "rank.params", params=f"{d.params_b:g}"))
    if d.license_class and d.license_class != "unknown" and not (answer.board and profile(answer.board).open_weights):
        parts.append(t(lang, "filters.open" if d.license_class == OPEN_WEIGHTS else "filters.closed"))
    if answer.board and profile(answer.board).lower_is_better:
        parts[0:1] = [t(lang, "rank.lower", part=parts[0])] if parts else []
    if how := submission_text(d, lang):
        parts.append(how)
    who = who_text(e)
    line = t(lang, "rank.line", model=printable(e.model), rank=e.rank, spread=spread_text(d.rank_spread, e.rank, lang),
             of=answer.of, source=source_line(answer, lang), parts=", ".join(parts))  # fmt: skip
    lines = [*notes(answer, lang), line + (t(lang, "rank.by", who=who) if who else "")]
    if d.benchmarks:
        lines.append("  " + benchmarks_text(d.benchmarks))
    if link := web_link(d.source_url):  # an address stored before links were checked is checked here too
        lines.append(t(lang, "rank.cited", name=printable(d.source_name or link), url=link))
    for o in e.others[:MAX_OTHERS_SHOWN]:
        state = board_of(o.archived, o.as_of, lang)
        lines.append(t(lang, "rank.other", board=printable(o.board_title), state=state, rank=o.rank, of=o.of,
                       model=printable(o.model), score=score_text(o.board, o.score)))  # fmt: skip
    if len(e.others) > MAX_OTHERS_SHOWN:
        lines.append(t(lang, "rank.more", count=len(e.others) - MAX_OTHERS_SHOWN, model=printable(e.model)))
    return "\n".join(lines)


def benchmarks_text(benchmarks: dict[str, float | None]) -> str:
    """A model's benchmark scores in one line ("IFEval 80.1 · BBH 60.2")."""
    return " · ".join(f"{printable(name)} {v:.1f}" for name, v in benchmarks.items() if v is not None)


def _profile(answer: Answer, lang: str) -> str:
    lines = [*notes(answer, lang), t(lang, "card.header", model=sentence(answer.title, lang))]
    lines += ["  " + standing_line(o, lang=lang) for o in answer.standings]
    return "\n".join(lines)


def _domain(answer: Answer, lang: str) -> str:
    lines = [t(lang, "domain.header", title=sentence(answer.title, lang))]
    for group in leader_groups(answer.standings):
        if len(group) == 1:
            lines.append("  " + standing_line(group[0], named=True, lang=lang))
            continue
        # a tie for #1 is told as one, each model with its own score (and how it was obtained)
        first = group[0]
        each = ", ".join(
            f"{printable(o.model)} {score_text(o.board, o.score)}"
            + (f" ({how})" if (how := submission_text(o.details, lang)) else "")
            for o in group
        )
        state = board_of(first.archived, first.as_of, lang)
        lines.append("  " + t(lang, "domain.tie", where=where_text(first, lang), count=len(group), of=first.of,
                              label=label_text(first.score_label, lang), each=each, state=state,
                              age=age_text(first.age_days, lang)))  # fmt: skip
    return "\n".join([*lines, *notes(answer, lang)])


def leader_groups(standings: list[Standing]) -> list[list[Standing]]:
    """The leaders of a domain answer, one group per board (and category), in order."""
    groups: dict[tuple[str, str | None], list[Standing]] = {}
    for o in standings:
        groups.setdefault((o.board, o.category), []).append(o)
    return list(groups.values())


def _history(answer: Answer, lang: str) -> str:
    facts = [aspect_line(h, answer.aspect, lang) for h in answer.histories] if answer.aspect else []
    category = category_text(answer.category, lang)
    lines = [*facts, t(lang, "histories.header", board=printable(answer.board_title), category=printable(category))]
    lines += ["  " + history_line(h, lang) for h in answer.histories]
    return "\n".join([*notes(answer, lang), *lines])


def tied_text(answer: Answer, lang: str = DEFAULT) -> str | None:
    """Which compared models are statistically tied: their 95% intervals overlap, so the board cannot order
    them."""
    withci = [e for e in answer.entries if e.details.interval is not None]
    groups: list[list[Entry]] = []
    for e in withci:
        for group in groups:
            if any(_overlap(e, other) for other in group):
                group.append(e)
                break
        else:
            groups.append([e])
    tied = [g for g in groups if len(g) > 1]
    if not tied:
        return None
    names = (t(lang, "common.and").join(printable(e.model) for e in g) for g in tied)
    return t(lang, "compare.tied", groups="; ".join(names))


def _overlap(a: Entry, b: Entry) -> bool:
    (alow, ahigh), (blow, bhigh) = a.details.interval, b.details.interval  # type: ignore[misc]
    return alow <= bhigh and blow <= ahigh


def _compare(answer: Answer, lang: str) -> str:
    lines = [t(lang, "compare.header", source=source_line(answer, lang))]
    for e in answer.entries:
        lines.append("  " + entry_line(answer, e) + compare_details(answer, e, lang))
        if e.details.benchmarks:
            lines.append("      " + benchmarks_text(e.details.benchmarks))
    if tied := tied_text(answer, lang):
        lines.append(tied)
    return "\n".join([*notes(answer, lang), *lines])


def compare_details(answer: Answer, e: Entry, lang: str = DEFAULT) -> str:
    """The interval and votes a comparison shows beside each model's line."""
    d = e.details
    parts = []
    if d.interval is not None:
        low, high = (score_text(answer.board, x) for x in d.interval)
        parts.append(t(lang, "rank.ci", low=low, high=high))
    if d.votes is not None:
        parts.append(t(lang, "rank.votes", votes=number(lang, d.votes)))
    return f" · {', '.join(parts)}" if parts else ""


def _changes(answer: Answer, lang: str) -> str:
    if answer.changes is None:
        return "\n".join([*notes(answer, lang), t(lang, "changes.none", source=source_line(answer, lang))])
    header = t(lang, "changes.header", source=source_line(answer, lang))
    return "\n".join([*notes(answer, lang), header, render_changes(answer.changes, lang)])


def _greeting(answer: Answer, lang: str) -> str:
    return t(lang, "greeting.text")


def _orgs(answer: Answer, lang: str) -> str:
    lines = [t(lang, "top.header", title=sentence(answer.title, lang), source=source_line(answer, lang))]
    lines += [
        "  "
        + t(
            lang,
            "top.org",
            organization=printable(o.organization),
            country=f" ({printable(o.country)})" if o.country else "",
            count=o.count,
            rank=o.best_rank,
            model=printable(o.model),
        )
        for o in answer.orgs
    ]
    if answer.footnote:
        lines.append(f"  ({sentence(answer.footnote, lang)})")
    return "\n".join([*notes(answer, lang), *lines])


def _top(answer: Answer, lang: str) -> str:
    if not answer.entries:
        return "\n".join([*notes(answer, lang), t(lang, "top.none", source=source_line(answer, lang))])
    lines = [t(lang, "top.header", title=sentence(answer.title, lang), source=source_line(answer, lang))]
    lines += ["  " + entry_line(answer, e) for e in answer.entries]
    if answer.footnote:
        lines.append(f"  ({sentence(answer.footnote, lang)})")
    if answer.total and answer.total > len(answer.entries):
        lines.append(t(lang, "top.total", total=answer.total))
    return "\n".join([*notes(answer, lang), *lines])


RENDERERS: dict[Kind, Callable[[Answer, str], str]] = {
    Kind.ERROR: _error,
    Kind.HELP: _help,
    Kind.BOARDS: _boards,
    Kind.CLARIFY: _clarify,
    Kind.NOT_FOUND: _not_found,
    Kind.RANK: _rank,
    Kind.HISTORY: _history,
    Kind.CHANGES: _changes,
    Kind.GREETING: _greeting,
    Kind.COMPARE: _compare,
    Kind.ORGS: _orgs,
    Kind.TOP: _top,
    Kind.PROFILE: _profile,
    Kind.DOMAIN: _domain,
}


def render_body(answer: Answer, lang: str = DEFAULT) -> str:
    """The answer's own text, without the closing sentence on freshness (embeds put that in their footer)."""
    return RENDERERS[answer.kind](answer, lang)


def render_text(answer: Answer, lang: str = DEFAULT) -> str:
    """The answer in `lang` (its fixed words: see `core/messages`; model and board names, scores as they are)."""
    text = render_body(answer, lang)
    return f"{text}\n{said(answer.freshness, lang)}" if answer.freshness else text


def describe_event(event: Event, board: str, lang: str = DEFAULT) -> str:
    """One line per event: what happened, with old and new rank and score."""
    moved = t(lang, "events.moved", old=event.old_rank, new=event.new_rank)
    if event.type == "renamed":
        still = t(lang, "events.still", rank=event.new_rank) if event.old_rank == event.new_rank else moved
        old, model = printable(event.old_model or ""), printable(event.model)
        return t(lang, "events.renamed", old=old, model=model, still=still)
    start = t(lang, "events.start_new") if event.old_rank is None else t(lang, "events.start", old=event.old_rank)
    move = {
        "new_leader": t(lang, "events.now_first")
        if event.old_rank is None
        else t(lang, "events.to_first", old=event.old_rank),
        "shared_lead": t(lang, "events.shares", start=start, others=", ".join(map(printable, event.sharing))),
        "debut": t(lang, "events.debut", rank=event.new_rank),
        "entered": moved,
        "left": moved if event.new_rank else t(lang, "events.off", old=event.old_rank),
        "moved": moved,
        "score": f"#{event.new_rank}",
    }[event.type]
    score = profile(board).score
    if event.old_score is not None and event.new_score is not None:
        scores = f"{score(event.old_score)} → {score(event.new_score)}"
    else:
        scores = score(event.new_score if event.new_score is not None else event.old_score)
    was = t(lang, "events.was", old=printable(event.old_model)) if event.old_model else ""
    return f"{printable(event.model)}{was}: {move} ({scores})"


def event_heading(kind: str, top_n: int, lang: str = DEFAULT) -> str:
    """A digest's section heading ("New #1", "Entered the top 10")."""
    return t(lang, f"headings.{kind}", n=top_n)


def span_text(changes: ChangeSet, lang: str = DEFAULT) -> str:
    """The boards a change set compares ("2024-12-23 → 2024-12-31"), dated as the language writes dates."""
    to = day(lang, changes.to_date)
    return f"{day(lang, changes.from_date)} → {to}" if changes.from_date else to


def render_changes(changes: ChangeSet, lang: str = DEFAULT) -> str:
    board, category = printable(profile(changes.board).title), printable(category_shown(changes.category, lang))
    lines = [t(lang, "changes.span", board=board, category=category, span=span_text(changes, lang), n=changes.top_n)]
    if not changes.events:
        lines.append(t(lang, "changes.nothing"))
    current = None
    for event in changes.events:
        if event.type != current:
            current = event.type
            lines.append("  " + event_heading(current, changes.top_n, lang) + ":")
        lines.append("    " + describe_event(event, changes.board, lang))
    return "\n".join(lines)
