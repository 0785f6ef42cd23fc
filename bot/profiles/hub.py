"""The Hugging Face Hub's benchmark leaderboards: one board per official benchmark dataset, its profile made from
what the Hub says of the dataset (no code per benchmark).

The Hub builds each leaderboard from evaluation results published in model repos; it lists the benchmarks under
`/api/datasets?filter=benchmark:official` and ranks each one under `/api/datasets/<id>/leaderboard`, best first,
base models only unless asked (`?base_model=false`). A board has no date of its own: it is dated by its fetch.
The boards found are kept in the store (`hub_benchmarks`), so they are there after a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import BoardProfile, Detail, Domain, DomainPart, Filter, RankRule, Schema, ScoreFormat, Upstream

FAMILY = "hub"  # `leaderbot refresh hub`, and the one scheduled job that fetches them all
PREFIX = "hub:"
# A Hub repo id as the Hub allows them (letters, digits, '-', '_', '.'; at most 96 characters a part).
DATASET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")
SITE = "https://huggingface.co/datasets"
# The two lists the Hub ranks: base models (its default) and every model, fine-tunes included.
BASE, WITH_FINE_TUNES = "base_models", "with_fine_tunes"

# What each benchmark measures, by words in its dataset id: one table, so "best coding model" finds SWE-bench and
# any coding benchmark the Hub adds later. A benchmark may count for two domains (MathVista: math and vision).
DOMAIN_WORDS: tuple[tuple[str, Domain], ...] = (
    (r"swe[-_ ]?bench|human[-_ ]?eval|mbpp|live[-_ ]?code[-_ ]?bench|terminal[-_ ]?bench|big[-_ ]?code[-_ ]?bench"
     r"|aider|codeforces|sci[-_ ]?code|repo[-_ ]?bench|cruxeval|\bcode", Domain.CODING),
    (r"aime|math|gsm8k|hmmt|\bamc|olympiad|minerva", Domain.MATH),
    (r"mmmu|ocr|chart[-_ ]?qa|doc[-_ ]?vqa|vqa|vision|video|image|visual", Domain.VISION),
)  # fmt: skip


@dataclass(frozen=True)
class HubBenchmark:
    """What the store keeps of one benchmark the Hub listed."""

    dataset: str  # "SWE-bench/SWE-bench_Verified"
    title: str
    lower_is_better: bool = False
    retired: bool = False  # no longer listed: its history stays, it is no longer fetched

    @property
    def board(self) -> str:
        return board_id(self.dataset)


def board_id(dataset: str) -> str:
    return PREFIX + dataset


def title_of(dataset: str, pretty_name: str | None = None) -> str:
    """The dataset card's `pretty_name` when it has one, else its repo name made readable: separators become
    spaces and a short lower-case word (an acronym, as these go) is written in capitals: `cais/hle` is "HLE",
    `MathArena/aime_2026` "AIME 2026", `SWE-bench/SWE-bench_Verified` "SWE-bench Verified"."""
    if pretty_name and pretty_name.strip():
        return " ".join(pretty_name.split())[:100]
    name = dataset.rsplit("/", 1)[-1]
    words = [w for w in re.split(r"[_ ]+", name) if w]
    return " ".join(w.upper() if w.islower() and len(w) <= 5 and not w.isdigit() else w for w in words)


def spoken(dataset: str) -> tuple[str, ...]:
    """How people type the benchmark (regular expressions over a case-folded question): its repo name with any
    separator or none between its parts ("swe-bench verified", "swebench verified", "aime 2026"), and the
    dataset id itself."""
    name = dataset.rsplit("/", 1)[-1].casefold()
    parts = [re.escape(p) for p in re.split(r"[-_ .]+", name) if p]
    return ("[-_ ]?".join(parts), re.escape(dataset.casefold()), re.escape(board_id(dataset).casefold()))


def domains_of(dataset: str) -> tuple[DomainPart, ...]:
    name = dataset.casefold()
    return tuple(DomainPart(domain) for words, domain in DOMAIN_WORDS if re.search(words, name))


def hub_profile(benchmark: HubBenchmark) -> BoardProfile:
    return BoardProfile(
        id=benchmark.board,
        title=benchmark.title,
        url=f"{SITE}/{benchmark.dataset}",
        live=not benchmark.retired,
        score=ScoreFormat("Score", decimals=None),
        # scores are the benchmark's own (accuracy, resolved rate, error); only an impossible number is refused
        score_range=(-1e9, 1e9),
        notable_step=1.0,
        rank_rule=RankRule.PUBLISHED,
        upstream=Upstream(benchmark.dataset, config="leaderboard", split="", schema=Schema.HUB),
        words=spoken(benchmark.dataset),
        details=(Detail.PARAMS, Detail.VERIFIED, Detail.SUBMISSION),
        filters=frozenset({Filter.COUNTRY, Filter.ORGANIZATION, Filter.SIZE, Filter.LICENSE}),
        publisher="the Hugging Face Hub",
        default_category=BASE,
        categories=(BASE, WITH_FINE_TUNES),
        inclusive_category=WITH_FINE_TUNES,
        open_weights=True,  # every model listed is a model repo on the Hub
        lower_is_better=benchmark.lower_is_better,
        domains=domains_of(benchmark.dataset),
        family=FAMILY,
    )
