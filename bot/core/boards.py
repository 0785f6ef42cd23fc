"""A board snapshot held in memory for answering: rows in rank order, the name index, cross-board link keys.

Built once per snapshot (a few hundred ms for the 4,576-row Open LLM table) and cached until the store changes,
so answering a question never waits on SQL beyond one indexed look-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from db.keys import org_key
from db.store import Snapshot, Store

from .names import parse_size, split_namespace, tokenize
from .resolve import NameIndex, build_candidates

DEFAULT_CATEGORY = "overall"


@dataclass(frozen=True)
class BoardMeta:
    id: str
    title: str
    url: str
    live: bool
    score_label: str

    @property
    def archived(self) -> bool:
        return not self.live


@dataclass
class BoardView:
    meta: BoardMeta
    snapshot: Snapshot
    rows: list[dict[str, Any]]  # rank order; an Open LLM model may have several rows (precisions)
    index: NameIndex
    best: dict[str, dict[str, Any]] = field(default_factory=dict)  # model key -> its best-ranked row
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (organization, link key) -> model key

    @property
    def size(self) -> int:
        """Models on the board (not rows)."""
        return len(self.best)

    def params(self, row: Mapping[str, Any]) -> float | None:
        """Parameters in billions: the board's column, else what the name says (arena names often do)."""
        value = row.get("params_b")
        if value is not None and value > 0:  # the board writes -1 (or 0) when it does not know
            return float(value)
        return parse_size(str(row["name"]))


def link_key(name: str, org_words: frozenset[str]) -> str:
    """The part of a model's name that both boards spell alike: no namespace, no maker's name, no '-hf'.
    'meta-llama/Meta-Llama-3-70B-Instruct' and 'Llama-3-70b-Instruct' both give 'llama 3 70b instruct'."""
    _, model = split_namespace(name)
    return " ".join(t.text for t in tokenize(model) if t.text not in org_words and t.text != "hf")


def build_view(
    store: Store,
    meta: BoardMeta,
    snapshot: Snapshot,
    *,
    org_aliases: Mapping[str, frozenset[str]],
    model_aliases: Mapping[str, str],
) -> BoardView:
    rows = store.entries(snapshot.id)
    known = frozenset().union(*org_aliases.values()) if org_aliases else frozenset()
    index = NameIndex(build_candidates(rows, known_namespaces=known), aliases=model_aliases, org_words=known)
    best: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], str] = {}
    for row in rows:
        key = row["model_key"]
        if key in best:
            continue
        best[key] = row
        organization = row.get("organization")
        if organization and organization in org_aliases:
            links.setdefault((organization, link_key(row["name"], org_aliases[organization])), key)
    return BoardView(meta, snapshot, rows, index, best, links)


def organization_words(store: Store) -> dict[str, frozenset[str]]:
    """Organization name -> its normalised spellings (aliases and the name itself)."""
    return {o.name: frozenset({*o.aliases, org_key(o.name) or ""} - {""}) for o in store.organizations()}


def board_metas(store: Store) -> dict[str, BoardMeta]:
    return {
        b["id"]: BoardMeta(b["id"], b["title"], b["url"], bool(b["live"]), b["score_label"]) for b in store.boards()
    }


def find_other(view: BoardView, row: Mapping[str, Any], other: BoardView, org_aliases: Mapping[str, Any]) -> str | None:
    """The model key on `other` that is the same model as `row` on `view`, if the boards' names agree."""
    organization = row.get("organization")
    if not organization or organization not in org_aliases:
        return None
    return other.links.get((organization, link_key(row["name"], org_aliases[organization])))
