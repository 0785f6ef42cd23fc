"""One way to read stored boards: accepted snapshots, their rows cached by snapshot id, organizations as an overlay.

Snapshots never change once written, so each one's rows are read from SQL once per store and kept. Who made a
model is not frozen with them: the organization's name, country and `maker` (see `bot.core.renames`) are laid over
the rows from the store's alias table, which is read again only when the store says something changed, and laid
over again only when it really did. Everything that answers, judges, announces or charts reads through here, so the
rules "accepted snapshots only", "one row per model: its best-ranked" and "the latest publish of a date wins" hold
in one place.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from db.keys import model_key
from db.store import Snapshot, Store

from ..profiles import profile
from .names import normalise
from .renames import compose, rename_links

Row = dict[str, Any]
MAX_ENTRIES = 100_000  # entry rows kept for histories (a few hundred per model asked about)


def first_per_model(rows: Iterable[Row]) -> dict[str, Row]:
    """Model key -> its first row: with rows in rank order, its best-ranked one (Open LLM lists some models once
    per precision); with rows in another order, the best by that order."""
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row["model_key"], row)
    return first


# Snapshots whose rows are kept in memory (every board's latest, and "as of" and history reads); a flood of
# questions about old dates cannot grow past it.
MAX_SNAPSHOTS_KEPT = 64


@dataclass(frozen=True)
class BoardRows:
    snapshot: Snapshot
    rows: tuple[Row, ...]  # rank order, every row
    best: dict[str, Row]  # model key -> its best-ranked row, in rank order

    @property
    def models(self) -> int:
        return len(self.best)


@dataclass(frozen=True)
class BoardKeys:
    """Who is where on one accepted board: model key -> its best rank, and -> the rowid of the entry holding it
    (plain numbers: a timeline of hundreds of boards holds no per-entry objects)."""

    snapshot: Snapshot
    best: dict[str, int]
    rowids: dict[str, int]


_UNREAD: Row = {}  # the row of a model the rename rules do not look at (never written to)


def sparse_rows(keys: Iterable[str], loaded: Mapping[str, Row]) -> dict[str, Row]:
    """A board's models (every key), with the rows of only some of them: what the rename rules read of two
    consecutive boards is which keys each has, and the rows of the models that vanish or arrive."""
    rows: dict[str, Row] = dict.fromkeys(keys, _UNREAD)
    rows.update(loaded)
    return rows


@dataclass
class Timeline:
    """A board and category over time: its accepted snapshots (one per date: a re-publish of the same date
    replaces the earlier one) as who is where, and the renames between each board and the next."""

    board: str
    category: str
    boards: list[BoardKeys]
    links: list[dict[str, str]] = field(default_factory=list)  # links[i]: old key -> new key, boards i -> i+1

    @property
    def dates(self) -> list[str]:
        return [b.snapshot.as_of for b in self.boards]


class SnapshotReader:
    """Per store (see `reader`); cheap to ask, since every answer asks it several times."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._revision: tuple[int, int] | None = None
        self._steady = threading.local()  # `depth` > 0 inside `steady()` on this thread (a worker reads too)
        self._organizations: dict[str, tuple[str, str | None]] = {}
        self.organizations_version = 0  # goes up whenever an organization or spelling changes
        self._aliases: dict[str, dict[str, str]] = {}  # board -> alias as typed -> model key
        self._raw: dict[int, tuple[Row, ...]] = {}
        self._overlaid: dict[int, int] = {}  # snapshot id -> the organizations_version its rows carry
        self._boards: dict[int, BoardRows] = {}
        self._latest: dict[tuple[str, str, str | None], Snapshot | None] = {}
        self._accepted: dict[tuple[str, str], list[Snapshot]] = {}
        self._timelines: dict[tuple[str, str], tuple[tuple[Any, ...], Timeline]] = {}
        self._links: dict[tuple[Any, ...], dict[str, str]] = {}
        self._first_seen: dict[tuple[str, str], dict[str, str]] = {}
        self._checked: dict[str, str] | None = None
        self._entries: dict[int, Row] = {}  # entry rowid -> the row, for histories

    # --- what may have changed --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def steady(self) -> Iterator[None]:
        """One answer's reads see one state of the store, looked at once: a card reads every board, and asking
        SQLite for its version at each read cost more than the answer itself (an answer never writes)."""
        self.sync()
        self._steady.depth = getattr(self._steady, "depth", 0) + 1
        try:
            yield
        finally:
            self._steady.depth -= 1

    def revision(self) -> tuple[int, int]:
        """The store's revision as this reader last saw it (`Store.revision`), looked at again outside an answer."""
        self.sync()
        assert self._revision is not None
        return self._revision

    def sync(self) -> None:
        """Notice writes by this or another process: re-read the small tables, forget which snapshots are latest."""
        if getattr(self._steady, "depth", 0):
            return
        revision = self.store.revision()
        if revision == self._revision:
            return
        self._revision = revision
        self._latest.clear()
        self._accepted.clear()
        self._aliases.clear()
        self._first_seen.clear()
        self._links.clear()
        self._entries.clear()
        self._checked = None
        organizations = self.store.organization_index()
        if organizations != self._organizations:
            self._organizations = organizations
            self.organizations_version += 1

    def checked_at(self, board: str) -> str | None:
        """When upstream was last asked about the board and answered (UTC ISO 8601), if ever."""
        self.sync()
        if self._checked is None:
            self._checked = self.store.checked_at()
        return self._checked.get(board)

    @property
    def organizations(self) -> Mapping[str, tuple[str, str | None]]:
        """Normalised spelling -> (organization name, country)."""
        self.sync()
        return self._organizations

    def _board_aliases(self, board: str) -> dict[str, str]:
        self.sync()
        if board not in self._aliases:
            self._aliases[board] = self.store.model_aliases(board)
        return self._aliases[board]

    def model_aliases(self, board: str) -> dict[str, str]:
        """Extra names for a board's models, normalised as the resolver reads them -> model key."""
        return {normalise(alias): key for alias, key in self._board_aliases(board).items()}

    def rename_aliases(self, board: str) -> dict[str, str]:
        """The board's aliases that are old model names: old model key -> the model key it now means."""
        return {model_key(a): key for a, key in self._board_aliases(board).items() if model_key(a) != key}

    # --- snapshots ----------------------------------------------------------------------------------------------

    def latest(self, board: str, category: str, on_or_before: str | None = None) -> Snapshot | None:
        self.sync()
        key = (board, category, on_or_before)
        if key not in self._latest:
            self._latest[key] = self.store.latest_snapshot(board, category, on_or_before=on_or_before)
        return self._latest[key]

    def accepted(self, board: str, category: str | None = None) -> list[Snapshot]:
        """Accepted snapshots in date order (every category when none is named)."""
        self.sync()
        key = (board, category or "")
        if key not in self._accepted:
            self._accepted[key] = self.store.snapshots(board, category, accepted=True)
        return self._accepted[key]

    def has_rows(self, snapshot: Snapshot) -> bool:
        return snapshot.id in self._raw

    def read_elsewhere(self, snapshot: Snapshot) -> tuple[BoardRows, int]:
        """`rows`, for a worker thread: read through a connection of its own (`Store.entries_elsewhere`), with the
        organizations of now laid over them; `prime` keeps the result, on the caller's thread. Only reads."""
        version = self.organizations_version
        return self._overlaid_rows(snapshot, self.store.entries_elsewhere(snapshot.id)), version

    def prime(self, board: BoardRows, version: int) -> None:
        """Keep rows `read_elsewhere` read, as if `rows` had; organizations corrected meanwhile are laid over
        them again at the next `rows`."""
        self._remember(board.snapshot, board.rows)
        self._overlaid[board.snapshot.id] = version
        self._boards[board.snapshot.id] = board

    def _remember(self, snapshot: Snapshot, raw: tuple[Row, ...]) -> tuple[Row, ...]:
        while len(self._raw) >= MAX_SNAPSHOTS_KEPT:  # the oldest read goes; a view still holding it keeps it
            oldest = next(iter(self._raw))
            for kept in (self._raw, self._overlaid, self._boards):
                kept.pop(oldest, None)
        self._raw[snapshot.id] = raw
        return raw

    def rows(self, snapshot: Snapshot) -> BoardRows:
        """A snapshot's rows with the current organizations laid over them."""
        self.sync()
        raw = self._raw.get(snapshot.id)
        if raw is None:
            raw = self._remember(snapshot, tuple(self.store.entries(snapshot.id)))
        if self._overlaid.get(snapshot.id) != self.organizations_version:
            for row in raw:
                self._overlay(row)
            self._overlaid[snapshot.id] = self.organizations_version
            self._boards[snapshot.id] = BoardRows(snapshot, raw, first_per_model(raw))
        return self._boards[snapshot.id]

    def some_rows(self, snapshot: Snapshot, model_keys: Sequence[str], org_keys: Sequence[str]) -> BoardRows:
        """The rows of these models and organizations only (all of them when the snapshot is read already), with
        the organizations laid over them: enough to find one model on a board no question has opened yet."""
        if snapshot.id in self._raw:
            return self.rows(snapshot)
        self.sync()
        return self._overlaid_rows(snapshot, self.store.entries_of(snapshot.id, model_keys, org_keys))

    def _overlaid_rows(self, snapshot: Snapshot, entries: Iterable[Row]) -> BoardRows:
        """Rows read apart from the kept ones (in a worker thread, or only some of a board), organizations laid
        over them as they are now."""
        raw = tuple(entries)
        for row in raw:
            self._overlay(row)
        return BoardRows(snapshot, raw, first_per_model(raw))

    def _overlay(self, row: Row) -> None:
        raw = row.setdefault("raw_organization", row.get("organization"))
        found = self._organizations.get(row.get("org_key") or "")
        row["organization"] = found[0] if found else raw
        row["country"] = found[1] if found else None
        row["maker"] = found[0] if found else row.get("org_key")

    # --- over time ----------------------------------------------------------------------------------------------

    def _dated(self, board: str, category: str) -> list[Snapshot]:
        """Accepted snapshots in date order, one per date: a re-publish of a date replaces the earlier one."""
        by_date: dict[str, Snapshot] = {}
        for snapshot in self.accepted(board, category):  # date order, then id: a re-publish comes last
            by_date[snapshot.as_of] = snapshot
        return [by_date[d] for d in sorted(by_date)]

    def _pair_links(
        self,
        before: Mapping[str, Row],
        after: Mapping[str, Row],
        board: str,
        day: str,
        first_seen: Mapping[str, str],
        returning: Iterable[str],
    ) -> dict[str, str]:
        """The board's rename rules and its aliases that name an old model, for one pair of consecutive boards."""
        vanished = [k for k in before if k not in after]
        arrived = [k for k in after if k not in before]
        board_profile = profile(board)
        found = rename_links(
            before, after, rules=board_profile.renames, drift=board_profile.rename_drift, first_seen=first_seen,
            returning=frozenset(returning), seen_before=frozenset(k for k in arrived if first_seen.get(k, day) < day),
        )  # fmt: skip
        # An admin's alias naming a model's old name ("claude 3.5 sonnet" -> its dated name) is a rename too.
        for old, new in self.rename_aliases(board).items():
            if old in vanished and new in arrived:
                found.setdefault(old, new)
        return found

    def links(self, before: BoardRows, after: BoardRows) -> dict[str, str]:
        """The renames between two consecutive boards of a board and category, told what the store knows of the
        names' past (their first accepted appearance) and future (whether a vanished name comes back): the same
        inputs a timeline computes from its own boards, so a digest and a history agree. Cached until the store
        changes."""
        key = (before.snapshot.id, after.snapshot.id, self._revision)
        found = self._links.get(key)
        if found is None:
            board, category, day = after.snapshot.board, after.snapshot.category, after.snapshot.as_of
            if (board, category) not in self._first_seen:
                self._first_seen[(board, category)] = self.store.first_seen(board, category)
            vanished = [k for k in before.best if k not in after.best]
            returning = self.store.seen_after(board, category, day, vanished)
            found = self._links[key] = self._pair_links(
                before.best, after.best, board, day, self._first_seen[(board, category)], returning
            )
        return found

    def renames_between(self, older: Snapshot, newer: Snapshot) -> dict[str, str]:
        """Old key -> key on `newer`, for the models of `older` renamed on the way, through every accepted board in
        between (a digest after a gap follows each rename, as a history does)."""
        between = [s for s in self._dated(newer.board, newer.category) if older.as_of < s.as_of <= newer.as_of]
        boards = [self.rows(s) for s in [older, *between]]
        steps = [self.links(a, b) for a, b in itertools.pairwise(boards)]
        return compose(steps, list(boards[0].best))

    def timeline(self, board: str, category: str) -> Timeline:
        """Every accepted board of a board and category, with the renames between each and the next: positions
        from one index-only query, rows only for the models that vanish or arrive (what the rename rules read), so
        a text arena's hundreds of boards cost little; kept until the store changes."""
        chosen = self._dated(board, category)
        state = (tuple(s.id for s in chosen), self._revision)
        cached = self._timelines.get((board, category))
        if cached is not None and cached[0] == state:
            return cached[1]
        keys = self.store.model_keys(board)
        by_snapshot: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
        for snapshot_id, model_id, rank, rowid in self.store.board_positions(board, category):
            if snapshot_id not in by_snapshot:
                by_snapshot[snapshot_id] = ({}, {})
            best, rowids = by_snapshot[snapshot_id]
            key = keys[model_id]
            if key not in best:  # rank order: a model's first entry is its best (Open LLM lists some twice)
                best[key], rowids[key] = rank, rowid
        boards = [BoardKeys(snapshot, *by_snapshot.get(snapshot.id, ({}, {}))) for snapshot in chosen]
        timeline = Timeline(board, category, boards)
        first_seen: dict[str, str] = {}
        last: dict[str, int] = {}
        for i, keyed in enumerate(boards):
            for key in keyed.best:
                first_seen.setdefault(key, keyed.snapshot.as_of)
                last[key] = i
        pairs = list(itertools.pairwise(boards))
        changed = [([k for k in a.best if k not in b.best], [k for k in b.best if k not in a.best]) for a, b in pairs]
        wanted = [a.rowids[k] for (a, _), (gone, _) in zip(pairs, changed, strict=True) for k in gone]
        wanted += [b.rowids[k] for (_, b), (_, new) in zip(pairs, changed, strict=True) for k in new]
        rows = self.store.entry_rows(wanted)
        for row in rows.values():
            self._overlay(row)
        for i, ((before, after), (gone, new)) in enumerate(zip(pairs, changed, strict=True)):
            old_rows = sparse_rows(before.best, {k: rows[before.rowids[k]] for k in gone})
            new_rows = sparse_rows(after.best, {k: rows[after.rowids[k]] for k in new})
            returning = [k for k in gone if last[k] > i]
            links = self._pair_links(old_rows, new_rows, board, after.snapshot.as_of, first_seen, returning)
            timeline.links.append(links)
        self._timelines[(board, category)] = (state, timeline)
        return timeline

    def entries(self, rowids: Iterable[int]) -> dict[int, Row]:
        """Entries by rowid, as stored (a history reads the few rows of its model), kept until the store changes:
        the same history asked again reads nothing."""
        self.sync()
        wanted = list(rowids)
        missing = [r for r in wanted if r not in self._entries]
        if missing:
            if len(self._entries) > MAX_ENTRIES:
                self._entries.clear()
            self._entries.update(self.store.entry_rows(missing))
        return {r: self._entries[r] for r in wanted}


_READERS: weakref.WeakKeyDictionary[Store, SnapshotReader] = weakref.WeakKeyDictionary()


def reader(store: Store) -> SnapshotReader:
    """The store's one reader, so the answerer, the notifier and the CLI share its caches."""
    found = _READERS.get(store)
    if found is None:
        found = _READERS[store] = SnapshotReader(store)
    return found
