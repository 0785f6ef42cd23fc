"""A board snapshot held in memory for answering: its rows, the name index, cross-board link keys.

Built once per snapshot (and again only when organizations or the board's aliases change; see BENCHMARKS.md for
what it costs) so answering a question never waits on SQL.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from db.store import Snapshot

from ..profiles import BoardProfile
from .names import parse_size, split_namespace, tokenize
from .resolve import NameIndex, build_candidates
from .snapshots import BoardRows, first_per_model


@dataclass
class BoardView:
    """The name index is built when a question first resolves a name on this board (the bot builds it ahead, in
    a worker thread: `warmed`), and the cross-board links from the words the importer kept: a rank question that
    only looks the model up on the other boards never tokenises their names."""

    profile: BoardProfile
    board: BoardRows
    org_aliases: Mapping[str, frozenset[str]]
    model_aliases: Mapping[str, str]
    _index: NameIndex | None = field(default=None, repr=False)
    _links: dict[tuple[str, str], str] | None = field(default=None, repr=False)
    _by_column: dict[str, tuple[list[dict[str, Any]], dict[int, int]]] = field(default_factory=dict, repr=False)
    # (benchmark column, filters) -> the (rank, row) pairs a list question made of this snapshot (see Answerer)
    lists: dict[Any, list[tuple[int, Mapping[str, Any]]]] = field(default_factory=dict, repr=False)

    def by_benchmark(self, column: str) -> tuple[list[dict[str, Any]], dict[int, int]]:
        """One row per model, best by the benchmark first, and each row's rank by it over every row of the board
        (the board's rule: 1 + rows strictly higher), keyed by id(row). Kept: a snapshot never changes."""
        if column not in self._by_column:
            rows = sorted((r for r in self.rows if r.get(column) is not None), key=lambda r: -r[column])
            negated = [-r[column] for r in rows]
            ranks = {id(r): 1 + bisect.bisect_left(negated, -r[column]) for r in rows}
            self._by_column[column] = (list(first_per_model(rows).values()), ranks)
        return self._by_column[column]

    @property
    def index(self) -> NameIndex:
        if self._index is None:
            self._index = name_index(self.profile, self.best, self.org_aliases, self.model_aliases)
        return self._index

    @property
    def links(self) -> dict[tuple[str, str], str]:
        """(organization, link key) -> model key."""
        if self._links is None:
            links: dict[tuple[str, str], str] = {}
            for key, row in self.best.items():
                organization = row.get("organization")
                if organization and organization in self.org_aliases:
                    links.setdefault((organization, row_link_key(row, self.org_aliases[organization])), key)
            self._links = links
        return self._links

    def warmed(self) -> BoardView:
        """The view with its index and links built now (the bot does this in a worker thread)."""
        _ = self.index, self.links
        return self

    @property
    def snapshot(self) -> Snapshot:
        return self.board.snapshot

    @property
    def rows(self) -> tuple[dict[str, Any], ...]:
        """Rank order; an Open LLM model may have several rows (precisions)."""
        return self.board.rows

    @property
    def best(self) -> dict[str, dict[str, Any]]:
        """Model key -> its best-ranked row."""
        return self.board.best

    @property
    def size(self) -> int:
        """Models on the board (not rows)."""
        return self.board.models

    @staticmethod
    def params(row: Mapping[str, Any]) -> float | None:
        """Parameters in billions: the board's column, else what the name says (arena names often do)."""
        value = row.get("params_b")
        if value is not None and value > 0:  # the board writes -1 (or 0) when it does not know
            return float(value)
        return parse_size(str(row["name"]))


# Board -> the last name index built for it, with everything it was built from. A view of the same board with the
# same names, organizations and aliases (another store of this process with the same snapshot: two bots, the CLI
# beside a bot, the tests) takes that index instead of building its own; an index holds no rows and never changes
# once built. One per board: the newest view holds this same index, so none is kept that no view needs but that one.
_LAST_INDEX: dict[str, tuple[tuple[Any, ...], NameIndex]] = {}


def name_index(
    profile: BoardProfile,
    best: Mapping[str, Mapping[str, Any]],
    org_aliases: Mapping[str, frozenset[str]],
    model_aliases: Mapping[str, str],
) -> NameIndex:
    """The name index of a board's models (`best`: model key -> its best-ranked row, in rank order), built from
    what the index reads of them (`build_candidates`), or the last one built for the board when that was all the
    same."""
    known = frozenset().union(*org_aliases.values()) if org_aliases else frozenset()
    popularity = profile.popularity
    read = tuple(
        (key, str(row["name"]), bool(row.get("official")), float(row.get(popularity) or 0) if popularity else 0.0)
        for key, row in best.items()
    )
    made_of = (popularity, known, tuple(sorted(model_aliases.items())), read)
    last = _LAST_INDEX.get(profile.id)
    if last is not None and last[0] == made_of:
        return last[1]
    candidates = build_candidates(best, known_namespaces=known, popularity_column=popularity)
    index = NameIndex(candidates, aliases=model_aliases, org_words=known)
    _LAST_INDEX[profile.id] = (made_of, index)
    return index


def link_key(name: str, org_words: frozenset[str]) -> str:
    """The part of a model's name that both boards spell alike: no namespace, no maker's name, no '-hf'.
    'meta-llama/Meta-Llama-3-70B-Instruct' and 'Llama-3-70b-Instruct' both give 'llama 3 70b instruct'."""
    _, model = split_namespace(name)
    return _without_makers((t.text for t in tokenize(model)), org_words)


def row_link_key(row: Mapping[str, Any], org_words: frozenset[str]) -> str:
    """`link_key` of a row's name, from the words the importer kept for its model when there are some (the bare
    name's tokens, space-joined: `normalise` of it)."""
    bare = row.get("model_bare")
    if bare is None:
        return link_key(row["name"], org_words)
    return _without_makers(bare.split(), org_words)


def _without_makers(words: Iterable[str], org_words: frozenset[str]) -> str:
    return " ".join(word for word in words if word not in org_words and word != "hf")


def build_view(
    profile: BoardProfile,
    board: BoardRows,
    *,
    org_aliases: Mapping[str, frozenset[str]],
    model_aliases: Mapping[str, str],
) -> BoardView:
    return BoardView(profile, board, org_aliases, model_aliases)


def organization_words(organizations: Mapping[str, tuple[str, str | None]]) -> dict[str, frozenset[str]]:
    """Organization name -> its normalised spellings (aliases and the name itself), from the alias index."""
    words: dict[str, set[str]] = {}
    for alias, (name, _country) in organizations.items():
        words.setdefault(name, set()).add(alias)
    return {name: frozenset(aliases) for name, aliases in words.items()}


def find_other(row: Mapping[str, Any], other: BoardView, org_aliases: Mapping[str, Any]) -> str | None:
    """The model key on `other` that is the same model as `row`, if the boards' names agree."""
    organization = row.get("organization")
    if not organization or organization not in org_aliases:
        return None
    return other.links.get((organization, row_link_key(row, org_aliases[organization])))
