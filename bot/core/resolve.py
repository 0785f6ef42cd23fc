"""Name -> model, the way a person means it.

Generic fuzzy scorers fail on model names (WRatio sends "Qwen-72B" to a community merge; token_set_ratio ties
"Qwen2-72B-Instruct" with "Qwen2.5-72B-2x-Instruct-TIES"). Here every name is split into typed tokens
(see `names`), and a candidate must carry every token the user typed: sizes and versions exactly, words with a
typo or two forgiven. Among those, the one with the fewest extra tokens wins; a tie between originals is a
question back to the user, never a guess, and the board's own signals (official provider, likes, votes) only
break ties between an original and its derivatives.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from db.keys import model_key, org_key

from .names import Token, normalise, release_dates, split_namespace, tokenize, version_after

MAX_CANDIDATES = 25  # a Discord select menu holds 25 options
SUGGEST_FLOOR = 60  # plain similarity (0-100) a "did you mean" needs: below it, unrelated names would mislead

# Cost of each imperfection, in points off 100.
HARD_EXTRA = 8  # the candidate has a word/number/size the user did not type ("coder", "2x", "abliterated")
SOFT_EXTRA = 3  # ... a flavour word or date ("instruct", "20241022")
NOTE_EXTRA = 1  # ... a word of a note in brackets ("(codex-harness)")
TYPO = 6  # per edit forgiven in a word
PREFIX = 3  # the user typed the start of a word ("inst" for "instruct")
EXACT_BONUS = 5  # the whole model name, spelled any way
TIER = 2  # candidates this close to the best are equally good answers
ORIGINAL_REACH = 2 * HARD_EXTRA  # how far behind a derivative an original may be and still be preferred
MIN_FOUND = 100 - 3 * HARD_EXTRA  # a lone candidate scoring lower carries too much that was not typed
CODE_NAME_MAX = 3  # a word on this few names is a code name ("maverick"), not a family ("llama")
PREFERENCE_BONUS = 10 + 4 * 2  # the most `_bonus` adds: original, and a prior of at most 2 (official + votes)


@dataclass(frozen=True)
class Candidate:
    name: str  # the board's own spelling
    key: str  # identity on the board (db.keys.model_key)
    tokens: tuple[Token, ...]  # the model part, without namespace
    namespace: tuple[str, ...]  # namespace tokens: they may be typed but are never required
    original: bool  # an official provider's model, or from a known organization's namespace
    prior: float  # popularity on the board, 0..1 from votes or likes, +1 for an official provider


@dataclass(frozen=True)
class Resolution:
    status: Literal["found", "ambiguous", "not_found"]
    query: str
    match: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()  # best first; alternatives or suggestions


def allowed_edits(word: str) -> int:
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


@dataclass
class NameIndex:
    """An inverted index from tokens to candidates, built once per board snapshot."""

    candidates: list[Candidate]
    aliases: Mapping[str, str] = field(default_factory=dict)  # normalised alias -> model key
    # Organization words ("meta" in Meta-Llama-3-70B) say who made a model, not which model: cheap when extra.
    org_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._by_key: dict[str, int] = {}
        for i, c in enumerate(self.candidates):
            self._by_key[c.key] = i
            for t in c.tokens:
                self._postings[t.text].add(i)
            for t in c.namespace:
                self._postings[t].add(i)
            model_part = " ".join(t.text for t in c.tokens)
            self._exact[model_part].append(i)
            if c.namespace:
                self._exact[" ".join((*c.namespace, model_part))].append(i)
        self._vocabulary = sorted(self._postings)
        self._words = [w for w in self._vocabulary if w.isalpha()]
        # What each of a candidate's tokens costs when the user did not type it.
        self._extra_costs = [
            {
                t.text: NOTE_EXTRA
                if t.kind == "note"
                else SOFT_EXTRA
                if t.soft or t.text in self.org_words
                else HARD_EXTRA
                for t in c.tokens
            }
            for c in self.candidates
        ]
        self._all_extras = [sum(costs.values()) for costs in self._extra_costs]
        # How much an original or a popular model moves up a list of alternatives.
        self._bonus = [10 * c.original + 4 * c.prior for c in self.candidates]
        self._normalised_names = [" ".join((*c.namespace, *(t.text for t in c.tokens))) for c in self.candidates]

    def by_key(self, key: str) -> Candidate | None:
        i = self._by_key.get(key)
        return None if i is None else self.candidates[i]

    def _word_matches(self, word: str) -> dict[str, int]:
        """Vocabulary words this typed word may mean, with the cost of each reading."""
        found: dict[str, int] = {}
        if word in self._postings:
            found[word] = 0
        edits = allowed_edits(word)
        if edits:
            for other, distance, _ in process.extract(
                word, self._words, scorer=DamerauLevenshtein.distance, score_cutoff=edits, limit=None
            ):
                # A typo rarely hits the first letter; demanding it keeps words from matching noise ("lamma" is
                # not "gamma").
                if other[0] == word[0]:
                    found.setdefault(other, distance * TYPO)
        if len(word) >= 3:
            start = bisect.bisect_right(self._words, word)
            for other in itertools.takewhile(lambda w: w.startswith(word), itertools.islice(self._words, start, None)):
                # "inst" for "instruct" is cheap; "qwen" inside "qwentileswap" costs like an extra word.
                found.setdefault(other, min(HARD_EXTRA, PREFIX + (len(other) - len(word)) // 2))
        return found

    def resolve(self, text: str) -> Resolution:
        query = " ".join(text.split())
        tokens = tokenize(query)
        if not tokens or len(query) < 2:
            return Resolution("not_found", query)
        normalised = " ".join(t.text for t in tokens)
        key = self.aliases.get(normalised)
        if key is None and model_key(query) in self._by_key:
            key = model_key(query)  # the board's own name, however its owner is spelt ("Undi95/...")
        if key is not None and key in self._by_key:
            return Resolution("found", query, self.candidates[self._by_key[key]])

        exact = self._exact.get(normalised, [])
        scored = dict.fromkeys(exact, 100.0 + EXACT_BONUS) if exact else self._score_all(tokens)
        if not scored:
            return Resolution("not_found", query, candidates=tuple(self.suggest(query)))
        return self._decide(query, scored, typed=frozenset(t.text for t in tokens))

    def _score_all(self, tokens: Sequence[Token], *, last_is_prefix: bool = False) -> dict[int, float]:
        """Score the candidates that carry a reading of every typed token: 100 minus the typos and prefixes
        in what was typed, minus every token of the candidate that was not typed.

        Candidates are visited shortest first (fewest extra-token points), and the visit stops once no later
        candidate could reach the answer or the list of alternatives: on a 100,000-name board "qwen" matches
        tens of thousands of names but only the few dozen shortest need scoring.
        """
        typed: list[dict[str, int]] = []
        sets: list[set[int]] = []
        unique = list(dict.fromkeys(tokens))
        for n, token in enumerate(unique):
            if last_is_prefix and n == len(unique) - 1:
                readings = self._prefix_readings(token.text)  # still being typed: "qwen 2" may become 2.5
            elif token.kind == "word":
                readings = self._word_matches(token.text)
            else:
                readings = {token.text: 0}
            hit: set[int] = set().union(*(self._postings[v] for v in readings if v in self._postings))
            if not hit:
                return {}
            typed.append(readings)
            sets.append(hit)
        sets.sort(key=len)
        common = sets[0].intersection(*sets[1:])
        extras = self._all_extras
        ceiling = HARD_EXTRA * len(typed)  # the most that typed tokens can win back from a candidate's extras
        scored: dict[int, float] = {}
        best = -math.inf
        preferences: list[float] = []  # min-heap of the best MAX_CANDIDATES preference values so far
        for i in sorted(common, key=extras.__getitem__):
            bound = 100.0 - extras[i] + ceiling
            if (
                len(preferences) > MAX_CANDIDATES
                and bound < best - HARD_EXTRA
                and bound + PREFERENCE_BONUS < preferences[0]
            ):
                break
            score = 100.0 - extras[i] - sum(self._net_cost(i, readings) for readings in typed)
            scored[i] = score
            best = max(best, score)
            preference = score + self._bonus[i]
            if len(preferences) <= MAX_CANDIDATES:
                heapq.heappush(preferences, preference)
            elif preference > preferences[0]:
                heapq.heapreplace(preferences, preference)
        return scored

    def _net_cost(self, i: int, readings: Mapping[str, int]) -> int:
        """The cheapest way candidate i carries one typed token: the reading's cost, less the extra-token
        cost the candidate no longer pays for that token."""
        costs = self._extra_costs[i]
        best = 1 << 30
        for text in (*costs, *self.candidates[i].namespace):
            cost = readings.get(text)
            if cost is not None:
                best = min(best, cost - costs.get(text, 0))
        return best

    def _decide(self, query: str, scored: dict[int, float], typed: frozenset[str] = frozenset()) -> Resolution:
        candidates = self.candidates
        best = max(scored.values())
        # Prefer the original over re-uploads and fine-tunes of it, when the board says which is which: if an
        # official (or known organization's) model carries everything typed and is not far behind, only
        # originals are in the running ("nemotron 70b" is NVIDIA's, not a community model with a shorter name).
        originals = {i: s for i, s in scored.items() if candidates[i].original and s >= best - ORIGINAL_REACH}
        pool = originals or scored
        best = max(pool.values())
        # When even the best needs words the user did not type (a version, a size), its close rivals are
        # as likely: "gemini flash" is several models.
        width = TIER if best >= 100 - SOFT_EXTRA * 2 else HARD_EXTRA - 1
        tier = [i for i, score in pool.items() if score >= best - width]
        if len(tier) == 1 and self._only_a_release(tier[0], typed):
            # The best is one dated release of what was typed ("ernie 5": ernie-5.0-0110): the other releases a
            # soft token behind it (ernie-5.0-preview-1220) are as likely.
            tier = [i for i, score in pool.items() if score >= best - SOFT_EXTRA - 1]
        ranked = tuple(
            candidates[i]
            for i in heapq.nsmallest(
                MAX_CANDIDATES + 1, scored, key=lambda i: (-(scored[i] + self._bonus[i]), candidates[i].name)
            )
        )
        if len(tier) == 1 and self._versions_differ_nearby(tier[0], pool, best, typed):
            tier = [i for i in pool if pool[i] >= best - 2 * HARD_EXTRA]
        if len(tier) == 1:
            match = candidates[tier[0]]
            if best < MIN_FOUND and not (len(scored) == 1 and self._code_name(typed)):
                # One candidate, but it carries far more than was typed ("no" inside a long fine-tune name):
                # a guess. Offer it as a suggestion instead.
                return Resolution("not_found", query, candidates=ranked[:5])
            return Resolution("found", query, match, tuple(c for c in ranked if c.key != match.key)[:MAX_CANDIDATES])
        return Resolution("ambiguous", query, candidates=ranked[:MAX_CANDIDATES])

    def _only_a_release(self, i: int, typed: frozenset[str]) -> bool:
        """Whether all a candidate adds to what was typed is release tags (dates, "0110")."""
        extra = [t for t in self.candidates[i].tokens if t.text not in typed]
        return bool(extra) and all(t.kind == "tag" and t.text.isdigit() for t in extra)

    def _code_name(self, typed: frozenset[str]) -> bool:
        """A family and a code name ("llama 4 maverick"): the typed words include one that only a few names on
        the board carry, so the one name carrying all of them is meant, however much more it says
        ("Llama-4-Maverick-17B-128E-Instruct")."""
        return len(typed) >= 2 and any(
            len(word) >= 4 and word.isalpha() and 0 < len(self._postings.get(word, ())) <= CODE_NAME_MAX
            for word in typed
        )

    def _versions_differ_nearby(
        self, best_i: int, pool: Mapping[int, float], best: float, typed: frozenset[str]
    ) -> bool:
        """'llama' on LMArena: LLaMA-13B carries the fewest extra tokens, but Llama-3-70B is a few points behind
        with other numbers. When the best adds a version or size the user did not type, and a close rival adds
        other ones, they are several models."""

        def numbers(i: int) -> frozenset[str]:
            return frozenset(t.text for t in self.candidates[i].tokens if t.kind in ("number", "size")) - typed

        mine = numbers(best_i)
        if not mine:
            return False
        return any(
            i != best_i and score >= best - 2 * HARD_EXTRA and numbers(i) and numbers(i) != mine
            for i, score in pool.items()
        )

    def suggest(self, query: str, limit: int = 5) -> list[Candidate]:
        """Closest names by plain fuzzy similarity, for 'did you mean' when nothing qualifies."""
        found = process.extract(
            normalise(query), self._normalised_names, scorer=fuzz.QRatio, limit=limit, score_cutoff=SUGGEST_FLOOR
        )
        return [self.candidates[i] for _, _, i in found]

    def looks_newer(self, text: str, as_of: str) -> bool:
        """Whether a name the board does not hold reads as a later release than the board knows: a release date
        after the board's, or a version above every version of its family on the board ("claude opus 4.6" on a
        board whose newest Claude is 3.5). Such a name is most likely simply newer than the stored board."""
        tokens = tokenize(" ".join(text.split()))
        if any(day > as_of for day in release_dates(tokens)):
            return True
        family = next((t.text for t in tokens if t.kind == "word" and not t.soft), None)
        if family is None or family not in self._postings:
            return False
        version = version_after(tokens, family)
        if version is None:
            return False
        known = [version_after(self.candidates[i].tokens, family) for i in self._postings[family]]
        return all(v is None or v < version for v in known) and any(v is not None for v in known)

    def _prefix_readings(self, text: str) -> dict[str, int]:
        start = bisect.bisect_left(self._vocabulary, text)
        found = dict.fromkeys(itertools.takewhile(lambda v: v.startswith(text), self._vocabulary[start:]), 0)
        if text.isalpha():
            for word, cost in self._word_matches(text).items():
                found.setdefault(word, cost)
        return found

    def complete(self, typed: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
        """Autocomplete: names carrying everything typed so far (the last word may be unfinished), best first;
        fuzzy suggestions when nothing carries it."""
        tokens = tokenize(typed)
        if not tokens:
            return self.candidates[:limit]  # nothing typed yet: the board's leaders
        exact = self._exact.get(" ".join(t.text for t in tokens), [])
        scored = self._score_all(tokens, last_is_prefix=True)
        for i in exact:
            scored[i] = 100.0 + EXACT_BONUS
        if not scored:
            return self.suggest(typed, limit)
        order = heapq.nsmallest(limit, scored, key=lambda i: (-(scored[i] + self._bonus[i]), self.candidates[i].name))
        return [self.candidates[i] for i in order]


def build_candidates(
    best: Mapping[str, Mapping[str, object]],
    *,
    known_namespaces: frozenset[str] = frozenset(),
    popularity_column: str | None = None,
) -> list[Candidate]:
    """One candidate per model: `best` is model key -> its best-ranked row, in rank order; `popularity_column` the
    column that says how popular a model is on this board (votes, likes)."""
    popularity = {k: float(r.get(popularity_column) or 0) if popularity_column else 0.0 for k, r in best.items()}
    top = max(popularity.values(), default=0.0)
    candidates = []
    for key, row in best.items():
        name = str(row["name"])
        namespace, model = split_namespace(name)
        official = bool(row.get("official"))
        original = official or org_key(namespace) in known_namespaces
        prior = math.log1p(popularity[key]) / math.log1p(top) if top > 0 else 0.0
        candidates.append(
            Candidate(
                name=name,
                key=key,
                tokens=tokenize(model),
                # Only words: "3rd-Degree-Burn/" or "EpistemeAI2/" must not supply a version or size.
                namespace=tuple(t.text for t in tokenize(namespace) if t.kind == "word") if namespace else (),
                original=original,
                prior=round(prior + (1.0 if official else 0.0), 4),
            )
        )
    return candidates
