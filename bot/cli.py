"""The `leaderbot` command line: ingest and refresh data, inspect the store, ask questions, run the bot."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from platformdirs import user_data_dir

from db.engine import database_errors, is_postgres, redacted
from db.keys import model_key
from db.schema import LATEST
from db.store import Snapshot, Store, StoreError

from . import ingest
from .core.answer import Kind
from .core.answers import HUB_NOT_FETCHED, Answerer
from .core.changes import NoChanges, changes_board, stored_changes
from .core.i18n import DEFAULT as DEFAULT_LANGUAGE
from .core.i18n import LANGUAGES, UnknownLanguage, language, said
from .core.text import render_changes
from .profiles import PROFILES, board_ids, family, live_boards, profile
from .profiles.hub import DATASET_ID, FAMILY
from .settings import Settings, SettingsError, default_db_path, load_settings
from .sources import SourceError

log = logging.getLogger("leaderbot")


class UsageError(Exception):
    """A mistake on the command line, reported as one line and exit status 2."""


def configure_logging(level: str, *, bot: bool, verbose: bool = False) -> None:
    """The bot (`run` with a token) logs with timestamps at LEADERBOT_LOG_LEVEL, for a service's journal. Every
    other command talks to a person: plain sentences on stderr, without timestamps, and only what went wrong
    unless asked to be verbose (retries, timings and the like are INFO), and how far a long import has got."""
    if bot:
        logging.basicConfig(
            level=logging.DEBUG if verbose else _level(level),
            format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
            stream=sys.stderr,
        )
    else:
        logging.basicConfig(
            level=logging.DEBUG if verbose else max(logging.WARNING, _level(level)),
            format="leaderbot: %(message)s",
            stream=sys.stderr,
        )
        logging.getLogger("leaderbot.progress").setLevel(logging.INFO)  # how far a long import has got
    # discord.py's HTTP logger, not spelled "discord.http": the catalogue test takes such a string for a key
    logging.getLogger("discord").getChild("http").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _level(name: str) -> int:
    return getattr(logging, name.upper(), logging.INFO)


CATEGORY_HELP = "the board's category (default: overall)"
# One rule for every command's exit status, said in every --help and in the README.
EXIT_STATUS = "exit status: 0 answered or done, 1 not answered (an error, not found, which one?), 2 a usage mistake"

# Boards are checked once the store is open: it may hold arenas found upstream after this code was written.
BOARD_HELP = "a board id (`leaderbot boards` lists them)"


def _check_boards(args: argparse.Namespace) -> None:
    """Every board named is one the store knows; `refresh` also takes `hub`, the Hub's benchmarks as a family (how
    the first of them are found at all), and `hub:owner/name`, one the store does not know yet."""
    named = getattr(args, "board", None)
    for board in named if isinstance(named, list) else [named]:
        if board is None or board in board_ids() or (args.command == "refresh" and _names_hub(board)):
            continue
        raise UsageError(f"unknown board {board!r}; boards: {', '.join(board_ids())}")


def _names_hub(board: str) -> bool:
    """`refresh hub` (every benchmark followed) and `refresh hub:owner/name` (one, registered if new) name Hub
    benchmarks the store may not know yet."""
    return board == FAMILY or (board.startswith(f"{FAMILY}:") and DATASET_ID.fullmatch(board[len(FAMILY) + 1 :]))


def _language(value: str) -> str:
    """`--lang`, checked as it is parsed, so a bad value names the flag typed (LEADERBOT_LANG has its own check)."""
    try:
        return language(value)
    except UnknownLanguage:
        raise argparse.ArgumentTypeError(f"{value!r} is not a language; one of {', '.join(LANGUAGES)}") from None


def _common_options(*, defaults: bool) -> argparse.ArgumentParser:
    """The options every command takes, before its name (`leaderbot --lang th ask ...`) or after it (`leaderbot ask
    --lang th ...`). After it they default to nothing at all, so they never undo the same option given before."""
    common = argparse.ArgumentParser(add_help=False)
    unset = {} if defaults else {"default": argparse.SUPPRESS}
    common.add_argument(
        "--db", type=Path, help="SQLite store (default: $LEADERBOT_DB, else the user data directory)", **unset
    )
    common.add_argument(
        "--create", action="store_true", help="make the store's folder if it does not exist yet", **unset
    )
    common.add_argument(
        "--no-seed", action="store_true", help="do not fill an empty store from the bundled data", **unset
    )
    common.add_argument(
        "--verbose", "-v", action="store_true", help="say more of what happens (retries, timings)", **unset
    )
    common.add_argument(
        "--lang",
        type=_language,
        help="answer in this language: en, th, zh-CN, ja, es-ES (default: $LEADERBOT_LANG, else the question's)",
        **unset,
    )
    return common


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="leaderbot",
        description="Answers questions about LLM leaderboards, on Discord and here.",
        epilog=EXIT_STATUS,
        parents=[_common_options(defaults=True)],
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    after = _common_options(defaults=False)

    def add(name: str, about: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=about, description=about, epilog=EXIT_STATUS, parents=[after])

    s = add("ingest", "import a board from a file or URL")
    s.add_argument("board", metavar="BOARD", help=BOARD_HELP)
    source = s.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--file", type=Path, help="Parquet in the upstream schema, JSON Lines (.gz or plain) or a dataset-viewer page"
    )
    source.add_argument("--url", help="a dataset-viewer /rows or /filter URL (paged in full), or a file URL")
    s.add_argument("--as-of", help="the table's date (YYYY-MM-DD) when the data does not say")

    s = add("refresh", "fetch live boards from upstream now (archived ones only when named)")
    s.add_argument("board", nargs="*", metavar="BOARD", help="default: every live board")
    s.add_argument("--history", action="store_true", help="every board ever published (the `full` files), once")

    s = add("boards", "list each board's stored snapshots, and when each live board was last fetched")
    s.add_argument("--json", action="store_true", help="every snapshot as a JSON object (board, date, rows, status)")

    s = add("accept", "overrule the sanity check: answer from (and announce) a rejected snapshot")
    s.add_argument("board", metavar="BOARD", help=BOARD_HELP)
    s.add_argument("date", help="the rejected snapshot's date (YYYY-MM-DD)")
    s.add_argument("--category", default="overall", help=CATEGORY_HELP)

    s = add("reject", "undo a bad snapshot: keep it stored, but never answer from or announce it")
    s.add_argument("board", metavar="BOARD", help=BOARD_HELP)
    s.add_argument("date", help="the snapshot's date (YYYY-MM-DD)")
    s.add_argument("--category", default="overall", help=CATEGORY_HELP)

    s = add("remove", "delete a bad snapshot and its rows from the store")
    s.add_argument("board", metavar="BOARD", help=BOARD_HELP)
    s.add_argument("date", help="the snapshot's date (YYYY-MM-DD)")
    s.add_argument("--category", default="overall", help=CATEGORY_HELP)

    s = add("orgs", "list organizations, or correct one: orgs set NAME --country CC --alias X")
    s.add_argument("action", nargs="?", choices=["list", "set"], default="list", help="list (default) or set")
    s.add_argument("name", nargs="?", help='the organization to correct or add, e.g. "Nomic AI"')
    s.add_argument("--country", help="ISO 3166 alpha-2 code, e.g. CN")
    s.add_argument("--alias", action="append", default=[], help="a namespace or spelling (repeatable)")

    s = add("alias", "give a model an extra name: alias BOARD ALIAS MODEL (or list a board's)")
    s.add_argument("board", metavar="BOARD", help=BOARD_HELP)
    s.add_argument("alias", nargs="?", help='the extra name, e.g. "new sonnet"')
    s.add_argument("model", nargs="?", help="the board's exact model name (any case)")

    s = add("ask", "answer a question (or one per line from stdin)")
    s.add_argument("question", nargs="*", help="e.g. top 10 chinese models")
    s.add_argument("--board", help="board to answer from when the question names none (`leaderbot boards` lists them)")
    s.add_argument("--category", help="the board's category when the question names none (default: overall)")
    s.add_argument("--as-of", help="answer from the board's latest snapshot on or before YYYY-MM-DD")
    s.add_argument("--json", action="store_true", help="machine-readable answer (JSON Lines for stdin)")

    s = add("changes", "what changed between two stored snapshots (default: the last two)")
    s.add_argument("board", nargs="?", metavar="BOARD", help=f"{BOARD_HELP}; default: the one questions use")
    s.add_argument("--category", default="overall", help=CATEGORY_HELP)
    s.add_argument("--from", dest="from_date", help="the snapshot on or before this date (YYYY-MM-DD)")
    s.add_argument("--to", dest="to_date", help="the snapshot on or before this date (default: the latest)")
    s.add_argument("--top", type=int, default=10, help="watch the top N (default 10)")
    s.add_argument("--min-move", type=int, default=1, help="smallest move in places to report (default 1)")
    s.add_argument("--json", action="store_true", help="the events as JSON (type, model, ranks, scores)")

    s = add("history", "a model's rank and score over time, as text, JSON or a PNG chart")
    s.add_argument("model", nargs="+", help='one model, or several joined by "vs": gpt-4o-2024-05-13 vs claude 3 opus')
    s.add_argument("--board", help=f"{BOARD_HELP}; default: the one questions use")
    s.add_argument("--category", help=CATEGORY_HELP)
    s.add_argument("--json", action="store_true", help="one JSON object per model")
    s.add_argument("--png", type=Path, help="also draw the chart into this PNG file")

    s = add("backup", "copy the store to a file, safely while the bot runs (SQLite's backup API)")
    s.add_argument("path", type=Path, metavar="PATH", help="the backup file to write (replaced if it exists)")

    s = add("restore", "replace the store with a backup (stop the bot first)")
    s.add_argument("path", type=Path, metavar="PATH", help="a file written by `leaderbot backup`")

    s = add("migrate-store", "copy the SQLite store (--db) into an empty PostgreSQL store, counting every table")
    s.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/database")

    add("console", "an interactive prompt answering questions from the local store")
    add("run", "run the Discord bot (DISCORD_TOKEN), or the console without a token")
    return p


# What `ask` and `history` exit 1 for: the question got no answer (a mistake, a name not found, "which one?").
NOT_ANSWERED = frozenset({Kind.ERROR, Kind.NOT_FOUND, Kind.CLARIFY})


def _answerer(store: Store, settings: Settings) -> Answerer:
    return Answerer(
        store,
        default_board=settings.default_board,
        stale_after_minutes=settings.stale_after_minutes,
        language=settings.language,
    )


def _cmd_ask(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.as_of is not None:
        args.as_of = _check_date("--as-of", args.as_of)
    answerer = _answerer(store, settings)
    from_stdin = not args.question
    questions = [line.strip() for line in sys.stdin if line.strip()] if from_stdin else [" ".join(args.question)]
    failed = False
    for question in questions:
        answer = answerer.ask(question, board=args.board, as_of=args.as_of, category=args.category)
        failed |= answer.kind in NOT_ANSWERED
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        elif args.question:
            print(answer.text)
        else:
            print(" | ".join(answer.text.splitlines()))  # stdin mode: one answer per line
    return 1 if failed else 0


def _cmd_changes(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.from_date is not None:
        args.from_date = _check_date("--from", args.from_date)
    if args.to_date is not None:
        args.to_date = _check_date("--to", args.to_date)
    if not 1 <= args.top <= 100 or args.min_move < 1:
        raise UsageError("--top takes 1 to 100 and --min-move at least 1")
    lang = settings.language or DEFAULT_LANGUAGE  # --lang / LEADERBOT_LANG
    try:
        board, note = changes_board(store, args.board or settings.default_board, args.category)
        changes = stored_changes(
            store, board, args.category, from_date=args.from_date, to_date=args.to_date, top_n=args.top,
            min_move=args.min_move,
        )  # fmt: skip
    except NoChanges as exc:
        print(f"leaderbot: {said(exc.args[0], lang)}", file=sys.stderr)
        return 1
    if note is not None:
        print(said(note, lang), file=sys.stderr)
    if args.json:
        print(json.dumps(changes.to_json(), ensure_ascii=False))
    else:
        print(render_changes(changes, lang))
    return 0


def _check_date(option: str, value: str) -> str:
    """The date as YYYY-MM-DD. Python accepts other ISO forms (20240801, 2024-W31-4); we pass on one form only."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _cmd_history(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    answerer = _answerer(store, settings)
    answer = answerer.ask(" ".join(args.model), board=args.board, category=args.category, force="history")
    if answer.kind != "history":  # ambiguous, unknown, or a mistake: say so, as text or JSON
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else answer.text)
        return 1
    if args.json:
        for history in answer.histories:
            print(json.dumps(history.to_json(), ensure_ascii=False))
    else:
        print(answer.text)
    if args.png is not None:
        from .charts import NoHistoryError, render_history_png  # noqa: PLC0415 - matplotlib only when drawing

        try:
            png = render_history_png(
                answer.histories, board_title=answer.board_title or "", score_label=answer.score_label or "Score",
                lang=answer.language,
            )  # fmt: skip
        except NoHistoryError as exc:
            print(f"leaderbot: {exc}", file=sys.stderr)
            return 1
        try:
            args.png.write_bytes(png)
        except OSError as exc:
            print(f"leaderbot: cannot write {args.png}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"chart written to {args.png}", file=sys.stderr)
    return 0


def _cmd_console(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    history = Path(user_data_dir("leaderbot", appauthor=False)) / "console_history"
    from .console import run_console  # noqa: PLC0415 - only what the command runs is imported (see _cmd_run)

    return run_console(_answerer(store, settings), history=history)


def _cmd_run(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        print(
            "No DISCORD_TOKEN set, so here is the console on the local data instead.\n"
            "To run on Discord: copy .env.example to .env and set DISCORD_TOKEN (see README, 'Discord set-up').",
            file=sys.stderr,
        )
        return _cmd_console(store, args, settings)
    from .chat.client import run_bot  # noqa: PLC0415 - discord is only imported when the bot runs

    store.close()  # the bot opens its own, through the one factory
    return run_bot(settings)


def _cmd_ingest(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.file is not None:
        report = ingest.ingest_file(store, args.board, args.file, as_of=args.as_of)
    else:
        import asyncio  # noqa: PLC0415 - the event loop and the HTTP client only for the commands that fetch

        from . import refresh  # noqa: PLC0415

        report = asyncio.run(refresh.ingest_url(store, args.board, args.url, settings, as_of=args.as_of))
    print(report.summary())
    return 0


def _cmd_refresh(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if FAMILY in args.board and not settings.follows_hub:
        raise UsageError(
            "LEADERBOT_HUB_BENCHMARKS is 'none', so `refresh hub` has no benchmark to fetch: set it to 'all' or to"
            " the benchmarks to follow, or name one (`leaderbot refresh hub:cais/hle`)"
        )
    import asyncio  # noqa: PLC0415 - the event loop and the HTTP client only for the commands that fetch

    from . import refresh  # noqa: PLC0415

    boards = list(dict.fromkeys(args.board)) or [*live_boards(), *([FAMILY] if settings.follows_hub else [])]
    reports = asyncio.run(
        refresh.refresh(store, boards, settings, history=args.history, discover=not (args.board or args.history))
    )
    unreachable = [r for r in reports if r.outcome == "failed" and r.detail.startswith(refresh.UNREACHABLE)]
    if len(unreachable) > 1:  # offline: say it once
        print(
            f"Could not reach the Hub at {settings.hf_endpoint}, so nothing was fetched for {len(unreachable)}"
            " boards; answers keep using the stored boards. Try again later, or `leaderbot -v refresh` for details.",
            file=sys.stderr,
        )
    for report in reports:
        if report in unreachable and len(unreachable) > 1:
            continue
        print(report.summary(), file=sys.stderr if report.outcome in ("failed", "missing") else sys.stdout)
    return 1 if any(r.outcome == "failed" for r in reports) else 0


def _cmd_boards(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    snapshots = store.snapshots()
    if args.json:
        print(json.dumps([{**s.__dict__, "archived": profile(s.board).archived} for s in snapshots], indent=2))
        return 0
    answerer = _answerer(store, settings)
    empty = []
    for board_id, board in PROFILES.items():
        mine = [s for s in snapshots if s.board == board_id]
        if not mine:
            empty.append(board_id)
            continue
        checked, stale = answerer.freshness(board_id)
        if board.archived:
            label = "archived"
        elif checked is None:
            label = "live, never fetched"
        else:
            label = f"live, fetched {checked[:16].replace('T', ' ')} UTC" + (", stale" if stale else "")
        print(f"{board_id}  {board.title} ({label}), {len(mine)} snapshot(s)")
        for s in mine:
            flag = "" if s.status == "ok" else f"  [{s.status}]"
            print(f"  {s.as_of}  {s.category:<12} {s.row_count:>6,} rows{flag}")
    if empty:
        print(f"no data yet: {', '.join(empty)} (`leaderbot refresh` fetches the live boards)")
    if not family(FAMILY):
        print(HUB_NOT_FETCHED)
    return 0


def _cmd_alias(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.alias is None:
        for alias, key in sorted(store.model_aliases(args.board).items()):
            print(f"{alias!r} -> {key}")
        return 0
    if not args.model:
        raise UsageError(f'alias needs the model too: leaderbot alias {args.board} "new name" "the board\'s own name"')
    view = _answerer(store, settings).view(args.board)
    key = model_key(args.model)
    if view is None or view.index.by_key(key) is None:
        raise UsageError(f"{args.model!r} is not a model on the latest {args.board} board; give its exact name")
    store.set_model_alias(args.board, args.alias, key)
    print(f"{args.alias!r} now means {view.index.by_key(key).name} on {args.board}")  # type: ignore[union-attr]
    return 0


def _cmd_accept(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    day = _check_date("date", args.date)
    held = [s for s in store.snapshots(args.board, args.category) if s.as_of == day and s.status == "rejected"]
    if not held:
        raise UsageError(f"no rejected {args.board} {args.category} snapshot of {day}; `leaderbot boards` lists them")
    store.accept_snapshot(held[-1].id)
    print(f"{args.board} {args.category} {day} accepted: answers and digests use it now")
    return 0


def _snapshots_of(store: Store, args: argparse.Namespace, status: str | None = None) -> list[Snapshot]:
    day = _check_date("date", args.date)
    found = [s for s in store.snapshots(args.board, args.category) if s.as_of == day]
    found = [s for s in found if status is None or s.status == status]
    if not found:
        which = f"{status} " if status else ""
        raise UsageError(f"no {which}{args.board} {args.category} snapshot of {day}; `leaderbot boards` lists them")
    return found


def _cmd_reject(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    for snapshot in _snapshots_of(store, args, "ok"):
        store.reject_snapshot(snapshot.id)
    print(f"{args.board} {args.category} {args.date} rejected: answers and digests no longer use it")
    return 0


def _cmd_remove(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    found = _snapshots_of(store, args)
    for snapshot in found:
        store.remove_snapshot(snapshot.id)
    rows = sum(s.row_count for s in found)
    print(f"{args.board} {args.category} {args.date} removed ({len(found)} snapshot(s), {rows:,} rows)")
    return 0


def _cmd_orgs(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "set":
        if not args.name:
            raise UsageError("orgs set needs a NAME, e.g. leaderbot orgs set 'Nomic AI' --country US")
        org = store.set_organization(args.name, country=args.country, aliases=args.alias)
        print(f"{org.name}: country {org.country or '?'}; spellings: {', '.join(org.aliases)}")
        return 0
    for org in store.organizations():
        print(f"{org.name:<24} {org.country or '--'}  {', '.join(org.aliases)}")
    return 0


def _refuse_on_postgres(settings: Settings, command: str) -> None:
    """`backup` and `restore` copy a SQLite file: a store on PostgreSQL is backed up with the server's tools."""
    if is_postgres(settings.store_location):
        raise StoreError(
            f"the store is on PostgreSQL (LEADERBOT_DATABASE_URL): `leaderbot {command}` copies a SQLite file;"
            ' back it up with pg_dump (pg_dump --format=custom --file=leaderbot.dump "$LEADERBOT_DATABASE_URL")'
            ' and restore it with pg_restore (pg_restore --clean --if-exists --dbname="$LEADERBOT_DATABASE_URL"'
            " leaderbot.dump)"
        )


def _cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from db import backup  # noqa: PLC0415 - only for the commands on the store's file

    _refuse_on_postgres(settings, "backup")
    written = backup.backup(settings.db_path, args.path)
    print(
        f"Backed up the store at {settings.db_path} to {written.path}: {written.snapshots:,} snapshot(s),"
        f" {written.subscriptions:,} subscription(s), {written.size / 1e6:.1f} MB."
    )
    return 0


def _cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from db import backup  # noqa: PLC0415 - only for the commands on the store's file

    _refuse_on_postgres(settings, "restore")
    restored = backup.restore(args.path, settings.db_path)
    later = (
        ""
        if restored.schema_version == LATEST
        else f"; its schema (version {restored.schema_version}) is brought up to date when the store is next opened"
    )
    print(
        f"Restored {args.path} into the store at {settings.db_path}: {restored.snapshots:,} snapshot(s),"
        f" {restored.subscriptions:,} subscription(s){later}. Start the bot again to answer from it."
    )
    return 0


def _cmd_migrate_store(args: argparse.Namespace, settings: Settings) -> int:
    from db import transfer  # noqa: PLC0415 - only for this command

    if not is_postgres(args.to):
        raise StoreError(f"--to must be a postgresql:// URL, not {args.to!r}")
    print(f"Copying the store at {settings.db_path} to {redacted(args.to)} ...", file=sys.stderr)
    try:
        copied = transfer.migrate_store(settings.db_path, args.to)
    except database_errors() as exc:
        raise StoreError(f"cannot copy to {redacted(args.to)}: {exc}") from None
    tables = ", ".join(f"{table} {count:,}" for table, count in copied.counts.items())
    print(
        f"Copied the store at {settings.db_path} to {redacted(args.to)}: {copied.snapshots:,} snapshot(s),"
        f" {copied.subscriptions:,} subscription(s), every table's rows counted on both sides ({tables})."
        " Set LEADERBOT_DATABASE_URL to it to run from it."
    )
    return 0


# Commands on the store's file itself: run before it is opened (and so never seeded or migrated first).
FILE_COMMANDS = {"backup": _cmd_backup, "restore": _cmd_restore, "migrate-store": _cmd_migrate_store}

COMMANDS = {
    "ingest": _cmd_ingest,
    "refresh": _cmd_refresh,
    "boards": _cmd_boards,
    "orgs": _cmd_orgs,
    "alias": _cmd_alias,
    "accept": _cmd_accept,
    "reject": _cmd_reject,
    "remove": _cmd_remove,
    "ask": _cmd_ask,
    "changes": _cmd_changes,
    "history": _cmd_history,
    "console": _cmd_console,
    "run": _cmd_run,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C anywhere (opening the store, a long import): stop without a traceback
        print(file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        settings = settings.with_overrides(db_path=args.db, language=args.lang)
    except SettingsError as exc:
        print(f"leaderbot: {exc}", file=sys.stderr)
        return 2
    command = args.command or "run"
    parent = settings.db_path.parent
    on_file = not is_postgres(settings.store_location)
    if on_file and not parent.is_dir() and not args.create and settings.db_path != default_db_path():
        print(
            f"leaderbot: the store's folder {parent} does not exist; check the path (--db or LEADERBOT_DB), or add"
            " --create to make it",
            file=sys.stderr,
        )
        return 2
    runs_bot = command == "run" and bool(settings.discord_token)
    configure_logging(settings.log_level, bot=runs_bot, verbose=args.verbose)
    if command in FILE_COMMANDS:
        try:
            return FILE_COMMANDS[command](args, settings)
        except StoreError as exc:
            print(f"leaderbot: {exc}", file=sys.stderr)
            return 1
    if on_file and not args.no_seed and not _has_store(settings.db_path):
        print(
            f"Creating the store at {settings.db_path} from the bundled boards (once, a few seconds) ...",
            file=sys.stderr,
        )
    where = settings.db_path if on_file else redacted(str(settings.store_location))
    try:
        store = ingest.open_store(settings.store_location, seed_if_empty=not args.no_seed)
    except (SourceError, OSError, RuntimeError, *database_errors()) as exc:
        print(f"leaderbot: cannot open the store at {where}: {exc}", file=sys.stderr)
        return 1
    try:
        _check_boards(args)
        return COMMANDS[command](store, args, settings)
    except (SourceError, StoreError) as exc:
        print(f"leaderbot: {exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"leaderbot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `leaderbot boards | head`: the reader left, which is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 0
    finally:
        store.close()


def _has_store(path: Path) -> bool:
    """Whether a store file with something in it is there already (a new one is seeded, which takes a moment)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False
