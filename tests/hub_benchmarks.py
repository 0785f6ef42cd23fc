"""Hub benchmark leaderboards for tests, in the exact shape `GET /api/datasets/<id>/leaderboard` answers.

THE VALUES ARE MADE UP for these tests: no real rows of the Hub's benchmark leaderboards are available here, so
every score, rank, verified flag and pull request below is invented. The dataset ids are the Hub's real benchmark
datasets (and one invented lower-is-better benchmark and one invented gated one, both named so); the model ids are
real Hub repos, so that linking them to the Arena's and the Open LLM board's names is tested on real names.
Nothing here is bundled with Leaderbot.
"""

from __future__ import annotations

from typing import Any

from tests.hub_server import HubServer

SWE_VERIFIED = "SWE-bench/SWE-bench_Verified"
GPQA = "Idavidrein/gpqa"
AIME = "MathArena/aime_2026"
MMLU_PRO = "TIGER-Lab/MMLU-Pro"
OLMOCR = "allenai/olmOCR-bench"
LOWER = "leaderbot-tests/made-up-error-rate"  # invented: a benchmark whose lowest value ranks first
GATED = "leaderbot-tests/made-up-gated-bench"  # invented: a gated benchmark


def row(model: str, value: float, **more: Any) -> dict[str, Any]:
    """One leaderboard row in the Hub's shape (made-up values); the local Hub ranks each answer by value."""
    namespace = model.split("/", 1)[0]
    return {
        "modelId": model,
        "value": value,
        "verified": more.pop("verified", True),
        "filename": f".eval_results/{model.rsplit('/', maxsplit=1)[-1].lower()}.yaml",
        "author": {"name": namespace, "type": "org"},
        "source": more.pop(
            "source", {"url": f"https://huggingface.co/{model}", "name": "model card", "isExternal": False}
        ),
        "pullRequest": more.pop("pullRequest", None),
        "notes": more.pop("notes", None),
        **more,
    }


# Made-up rankings. `"base": False` marks a fine-tune: the Hub lists it only with `base_model=false`.
BOARDS: dict[str, list[dict[str, Any]]] = {
    SWE_VERIFIED: [
        row("zai-org/GLM-5.1", 77.8),
        row("Qwen/Qwen3.5-397B-A17B", 76.4),
        row("moonshotai/Kimi-K2.5", 76.1, verified=False, pullRequest=12, notes="scored with the team's own harness"),
        row("MiniMaxAI/MiniMax-M2.7", 74.0),
        row("deepseek-ai/DeepSeek-V3.2", 73.1),
        row("Qwen/Qwen2.5-72B-Instruct", 38.9),
        row("meta-llama/Llama-3.3-70B-Instruct", 33.2),
        row("nvidia/Qwen3.5-397B-A17B-SWE-RL", 76.2, base=False),
        row("someuser/Qwen2.5-72B-Instruct-abliterated", 36.0, base=False),
    ],
    GPQA: [
        row("Qwen/Qwen3.5-397B-A17B", 88.4),
        row("zai-org/GLM-5.1", 86.2),
        row("deepseek-ai/DeepSeek-V3.2", 82.4),
        row("Qwen/Qwen2-72B-Instruct", 42.4),
        row("meta-llama/Meta-Llama-3-70B-Instruct", 39.5),
        row("google/gemma-2-27b-it", 36.2),
    ],
    AIME: [
        row("Qwen/Qwen3.5-397B-A17B", 0.933),
        row("deepseek-ai/DeepSeek-V3.2", 0.9),
        row("zai-org/GLM-5.1", 0.867),
    ],
    MMLU_PRO: [
        row("Qwen/Qwen3.5-397B-A17B", 87.8),
        row("zai-org/GLM-5.1", 85.9),
        row("Qwen/Qwen2-72B-Instruct", 64.4),
    ],
    OLMOCR: [
        row("allenai/olmOCR-2-7B-1025", 82.4),
        row("Qwen/Qwen3-VL-235B-A22B-Instruct", 80.1),
        row("Qwen/Qwen2.5-VL-72B-Instruct", 72.3),
    ],
    LOWER: [
        row("Qwen/Qwen3.5-397B-A17B", 2.1, lower_is_better=True),
        row("zai-org/GLM-5.1", 2.6, lower_is_better=True),
        row("meta-llama/Llama-3.3-70B-Instruct", 9.4, lower_is_better=True),
    ],
    GATED: [row("Qwen/Qwen3.5-397B-A17B", 50.0)],
}
PRETTY = {SWE_VERIFIED: "SWE-bench Verified", GPQA: "GPQA", OLMOCR: "olmOCR-Bench"}


def serve(hub: HubServer, boards: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """Put the made-up benchmarks on the local Hub (the gated one gated)."""
    for dataset, rows in (boards or BOARDS).items():
        hub.put_benchmark(dataset, rows, pretty_name=PRETTY.get(dataset), gated=dataset == GATED)
