"""The Hugging Face Open LLM Leaderboard v2: retired in March 2025, answered as an archive."""

from __future__ import annotations

from .base import Benchmark, BoardProfile, Detail, Domain, DomainPart, Filter, RankRule, Schema, ScoreFormat, Upstream

# The `Type` column's values and the words people use for them.
MODEL_TYPES = {
    "chat": "chat", "instruct": "chat", "instruction": "chat", "rlhf": "chat",
    "pretrained": "pretrained", "base": "pretrained", "pre-trained": "pretrained",
    "merge": "merge", "merges": "merge", "merged": "merge", "moerges": "merge",
    "fine-tuned": "fine-tuned", "fine tuned": "fine-tuned", "finetuned": "fine-tuned",
    "finetunes": "fine-tuned", "fine-tunes": "fine-tuned",
    "multimodal": "multimodal",
}  # fmt: skip

OPEN_LLM = BoardProfile(
    id="open-llm",
    title="Open LLM Leaderboard v2",
    url="https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard",
    live=False,
    score=ScoreFormat("Average", decimals=2),
    score_range=(0.0, 100.0),  # the average of six normalised benchmarks
    notable_step=1.0,
    rank_rule=RankRule.BY_SCORE,
    upstream=Upstream("open-llm-leaderboard/contents", config="default", split="train", schema=Schema.OPEN_LLM),
    words=(
        r"(?:(?:hf|hugging ?face) )?(?:open[- ]?llm|openllm)(?: leaderboard| board)?(?: v2)?",  # "open llm board v2"
        r"(?:hf|hugging ?face) leaderboard",
    ),
    details=(Detail.PARAMS, Detail.BENCHMARKS, Detail.OFFICIAL, Detail.MODEL_TYPE),
    filters=frozenset(Filter),
    benchmarks=(
        Benchmark("ifeval", "IFEval", ("ifeval", "instruction following", "instruction-following")),  # what it measures
        Benchmark("bbh", "BBH", ("bbh", "big bench hard")),
        Benchmark("math", "MATH Lvl 5", ("math", "math lvl 5")),
        Benchmark("gpqa", "GPQA", ("gpqa",)),
        Benchmark("musr", "MUSR", ("musr",)),
        Benchmark("mmlu_pro", "MMLU-PRO", ("mmlu-pro", "mmlu pro", "mmlupro", "mmlu")),
    ),
    model_types=MODEL_TYPES,
    popularity="hub_likes",
    sizes_published=True,
    publisher="the Open LLM Leaderboard",
    bundle="open-llm",
    open_weights=True,  # the board only evaluated models with weights on the Hub
    related=("arena", "arena-raw"),
    domains=(DomainPart(Domain.MATH, benchmark="math"),),
)
