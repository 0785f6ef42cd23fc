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
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from db.keys import model_key
from db.store import Snapshot, Store

from ..profiles import profile
from .names import model_words, normalise
from .renames import compose, rename_links

Row = dict[str, Any]


def first_per_model(rows: Iterable[Row]) -> dict[str, Row]:
    """Model key -> its first row: with rows in rank order, its best-ranked one (Open LLM lists some models once
    per precision); with rows in another order, the best by that order."""
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row["model_key"], row)
    return first


# Models whose points are kept for histories (each a few hundred numbers): a flood of history questions about
# every model of a board cannot grow past it.
MAX_MODELS_KEPT = 2_000

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


_UNREAD: Row = {}  # the row of a model the rename rules do not look at (never written to)


def sparse_rows(keys: Iterable[str], loaded: Mapping[str, Row]) -> dict[str, Row]:
    """A board's models (every key), with the rows of only some of them: what the rename rules read of two
    consecutive boards is which keys each has, and the rows of the models that vanish or arrive."""
    rows: dict[str, Row] = dict.fromkeys(keys, _UNREAD)
    rows.update(loaded)
    return rows


class ModelPoint(NamedTuple):
    """A model's best-ranked row on one board of a timeline (see migration V13 for the timeline's positions); a
    tuple, since a model on years of daily boards has thousands."""

    date: str
    rank: int
    score: float
    name: str  # the board's spelling on that board


class StoredNames(Collection[str]):
    """The normalised names of the models the boards held have listed, and the extra names their aliases give: what
    the question parser asks to see whether its words are a model's name. Asked one name at a time from the store
    (an indexed lookup, see migration V18) until something wants them all (`Lexicon.name_pairs`, for a board's word
    inside a name), then read once: a process's first question used to read every model's words before it was
    parsed. A store whose importer has not written every model's words (`Store.model_words`) is read whole at once,
    and its missing words worked out here."""

    def __init__(self, store: Store, boards: Sequence[str], aliases: Iterable[str]) -> None:
        self._store = store
        self._boards = tuple(boards)
        self._aliases = frozenset(aliases)
        self._all: frozenset[str] | None = None
        self._asked: dict[str, bool] = {}
        self._complete: bool | None = None  # every model's words written: looked at once, when first asked

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name in self._aliases:
            return True
        if self._complete is None:
            self._complete = not self._store.models_without_words()
        if not self._complete:
            self._load()
        if self._all is not None:
            return name in self._all
        if name not in self._asked:
            self._asked[name] = self._store.is_model_word(self._boards, name)
        return self._asked[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def _load(self) -> frozenset[str]:
        if self._all is None:
            names = set(self._aliases)
            for name, normal, bare in self._store.model_words(self._boards):
                names.update((normal, bare) if normal is not None and bare is not None else model_words(name))
            self._all = frozenset(names)
        return self._all


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
        self._ends: dict[tuple[str, str, str | None], int | None] = {}
        self._timeline: dict[tuple[str, str, int], tuple[int, str]] = {}  # position -> (snapshot id, date)
        self._points: dict[tuple[str, str, str], dict[int, ModelPoint]] = {}  # (board, category, key) -> points
        self._links: dict[tuple[int, int], dict[str, str]] = {}  # (snapshot id, the next one's) -> renames
        self._checked: dict[str, str] | None = None
        self._newest: dict[str, int] | None = None  # board -> its newest accepted snapshot id

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
        self._ends.clear()
        self._timeline.clear()
        self._points.clear()
        self._links.clear()
        self._checked = None
        self._newest = None
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

    def newest_accepted(self) -> dict[str, int]:
        """Board -> its newest accepted snapshot's id (`Store.newest_accepted`), once per store change."""
        self.sync()
        if self._newest is None:
            self._newest = self.store.newest_accepted()
        return self._newest

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
        self, before: Mapping[str, Row], after: Mapping[str, Row], board: str, category: str, day: str
    ) -> dict[str, str]:
        """The board's rename rules and its aliases that name an old model, for one pair of consecutive boards
        (`day` is the later one's date), told what the store knows of the changed names' past (their first accepted
        appearance) and future (whether a vanished name comes back). The one place a digest and a history get
        their links from, so the two agree about which model is which."""
        vanished = [k for k in before if k not in after]
        arrived = [k for k in after if k not in before]
        if not vanished or not arrived:
            return {}
        span = self.store.seen_span(board, category, [*vanished, *arrived])
        first_seen = {k: first for k, (first, _) in span.items()}
        board_profile = profile(board)
        found = rename_links(
            before, after, rules=board_profile.renames, drift=board_profile.rename_drift, first_seen=first_seen,
            returning=frozenset(k for k in vanished if k in span and span[k][1] > day),
            seen_before=frozenset(k for k in arrived if first_seen.get(k, day) < day),
        )  # fmt: skip
        # An admin's alias naming a model's old name ("claude 3.5 sonnet" -> its dated name) is a rename too.
        for old, new in self.rename_aliases(board).items():
            if old in vanished and new in arrived:
                found.setdefault(old, new)
        return found

    def links(self, before: BoardRows, after: BoardRows) -> dict[str, str]:
        """The renames between two consecutive boards of a board and category; cached until the store changes."""
        key = (before.snapshot.id, after.snapshot.id)
        found = self._links.get(key)
        if found is None:
            snapshot = after.snapshot
            found = self._links[key] = self._pair_links(
                before.best, after.best, snapshot.board, snapshot.category, snapshot.as_of
            )
        return found

    def renames_between(self, older: Snapshot, newer: Snapshot) -> dict[str, str]:
        """Old key -> key on `newer`, for the models of `older` renamed on the way, through every accepted board in
        between (a digest after a gap follows each rename, as a history does)."""
        between = [s for s in self._dated(newer.board, newer.category) if older.as_of < s.as_of <= newer.as_of]
        boards = [self.rows(s) for s in [older, *between]]
        steps = [self.links(a, b) for a, b in itertools.pairwise(boards)]
        return compose(steps, list(boards[0].best))

    def timeline_end(self, board: str, category: str, until: str | None = None) -> int | None:
        """The position of the board and category's latest board (the latest on or before `until`), cached."""
        self.sync()
        key = (board, category, until)
        if key not in self._ends:
            self._ends[key] = self.store.timeline_end(board, category, until=until)
        return self._ends[key]

    def timeline_at(self, board: str, category: str, positions: Iterable[int]) -> dict[int, tuple[int, str]]:
        """Position -> (snapshot id, publish date) on the board and category's timeline, cached."""
        self.sync()
        wanted = list(positions)
        missing = [p for p in wanted if (board, category, p) not in self._timeline]
        if missing:
            for position, found in self.store.timeline_at(board, category, missing).items():
                self._timeline[(board, category, position)] = found
        return {p: self._timeline[(board, category, p)] for p in wanted if (board, category, p) in self._timeline}

    def model_points(self, board: str, category: str, keys: Sequence[str]) -> dict[str, dict[int, ModelPoint]]:
        """Model key -> its best-ranked row on each board of the timeline that has it (position -> point), read
        from the model's own rows; kept until the store changes."""
        self.sync()
        missing = [k for k in keys if (board, category, k) not in self._points]
        if missing:
            if len(self._points) + len(missing) > MAX_MODELS_KEPT:
                self._points.clear()
            read: dict[str, dict[int, ModelPoint]] = {k: {} for k in missing}
            for key, position, as_of, rank, score, name in self.store.model_points(board, category, missing):
                if position not in read[key]:  # rank order: the first is the best
                    read[key][position] = ModelPoint(as_of, rank, float(score), name)
            for key, points in read.items():
                self._points[(board, category, key)] = points
        return {k: self._points[(board, category, k)] for k in keys}

    def links_at(self, board: str, category: str, index: int) -> dict[str, str]:
        """The renames between the timeline's boards `index` and `index + 1`, from who is where on the two and the
        rows of the names that vanish or arrive only (what the rename rules read)."""
        at = self.timeline_at(board, category, [index, index + 1])
        (before_id, _), (after_id, day) = at[index], at[index + 1]
        found = self._links.get((before_id, after_id))
        if found is not None:
            return found
        best: dict[int, dict[str, int]] = {before_id: {}, after_id: {}}
        for snapshot_id, key, _rank, rowid in self.store.snapshot_positions([before_id, after_id]):
            best[snapshot_id].setdefault(key, rowid)  # rank order: a model's first entry is its best
        before, after = best[before_id], best[after_id]
        gone, new = [before[k] for k in before if k not in after], [after[k] for k in after if k not in before]
        # a rename needs a name that vanished and one that arrived: else no row is read (`_pair_links` finds none)
        rows = self.store.entry_rows(gone + new) if gone and new else {}
        for row in rows.values():
            self._overlay(row)
        found = self._links[(before_id, after_id)] = self._pair_links(
            sparse_rows(before, {k: rows[r] for k, r in before.items() if r in rows}),
            sparse_rows(after, {k: rows[r] for k, r in after.items() if r in rows}),
            board, category, day,
        )  # fmt: skip
        return found


_READERS: weakref.WeakKeyDictionary[Store, SnapshotReader] = weakref.WeakKeyDictionary()


def reader(store: Store) -> SnapshotReader:
    """The store's one reader, so the answerer, the notifier and the CLI share its caches."""
    found = _READERS.get(store)
    if found is None:
        found = _READERS[store] = SnapshotReader(store)
    return found
