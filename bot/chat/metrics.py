"""What the bot counts for /metrics, in a Prometheus registry of its own.

One registry per bot, never prometheus-client's global default: tests build many bots in one process, and a
process may run several (one per shard group), each of which must report its own figures without a name clash.
Counters and histograms are updated where things happen (an answer sent, a refresh run, a digest posted); what is
a state rather than an event (subscriptions, gateway latency, shards, board ages) is read from the bot when scraped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..refresh import RefreshReport
from .notify import AnnounceReport

# Answers take milliseconds (a chart up to seconds); refreshes seconds to minutes.
ANSWER_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REFRESH_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class LiveState:
    """What the bot is now, read at each scrape (see `LeaderBot.live_state`)."""

    shard_count: int
    gateway: dict[int, tuple[bool, float]]  # shard id -> (connected, heartbeat latency in seconds, nan unknown)
    guilds: int
    subscriptions: dict[str, int]  # 'enabled' / 'disabled' -> how many
    refreshed: dict[str, str | None]  # live board -> when last fetched (UTC ISO 8601), None: never


class _LiveCollector(Collector):
    def __init__(self, state: Callable[[], LiveState]) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        state = self.state()
        shards = GaugeMetricFamily(
            "leaderbot_shards", "Shards this process runs, and the bot's shard count", labels=["of"]
        )
        shards.add_metric(["process"], len(state.gateway))
        shards.add_metric(["bot"], state.shard_count)
        yield shards
        connected = GaugeMetricFamily(
            "leaderbot_gateway_connected", "1 while the shard's gateway is connected", labels=["shard"]
        )
        latency = GaugeMetricFamily(
            "leaderbot_gateway_latency_seconds", "Heartbeat round trip per shard", labels=["shard"]
        )
        for shard, (up, seconds) in sorted(state.gateway.items()):
            connected.add_metric([str(shard)], 1.0 if up else 0.0)
            if math.isfinite(seconds):
                latency.add_metric([str(shard)], seconds)
        yield connected
        yield latency
        yield GaugeMetricFamily("leaderbot_guilds", "Servers this process sees", value=state.guilds)
        subscriptions = GaugeMetricFamily(
            "leaderbot_subscriptions", "Digest subscriptions in the store", labels=["state"]
        )
        for name, count in sorted(state.subscriptions.items()):
            subscriptions.add_metric([name], count)
        yield subscriptions
        age = GaugeMetricFamily(
            "leaderbot_board_refresh_age_seconds", "Seconds since a live board was last fetched", labels=["board"]
        )
        now = datetime.now(UTC)
        for board, checked in sorted(state.refreshed.items()):
            if checked is not None:
                age.add_metric([board], (now - datetime.fromisoformat(checked)).total_seconds())
        yield age


class BotMetrics:
    def __init__(self, state: Callable[[], LiveState]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.questions = Counter(
            "leaderbot_questions", "Questions answered, by the kind of answer", ["kind"], registry=self.registry
        )
        self.answer_latency = Histogram(
            "leaderbot_answer_latency_seconds",
            "From a question's arrival to its answer sent",
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.refreshes = Counter(
            "leaderbot_refreshes", "Board refreshes, by outcome", ["board", "outcome"], registry=self.registry
        )
        self.refresh_duration = Histogram(
            "leaderbot_refresh_duration_seconds",
            "One refresh run of a dataset's boards, fetch and store",
            buckets=REFRESH_BUCKETS,
            registry=self.registry,
        )
        self.digests = Counter(
            "leaderbot_digests", "Digests by outcome (sent, failed, disabled, recovered)", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.registry.register(_LiveCollector(state))

    def answered(self, kind: str, seconds: float) -> None:
        self.questions.labels(kind=kind).inc()
        self.answer_latency.observe(seconds)

    def refreshed(self, boards: Sequence[str], reports: Iterable[RefreshReport] | None, seconds: float) -> None:
        """A refresh run; `reports` None: it failed as a whole (the store locked or full)."""
        self.refresh_duration.observe(seconds)
        if reports is None:
            for board in boards:
                self.refreshes.labels(board=board, outcome="error").inc()
            return
        for report in reports:
            self.refreshes.labels(board=report.board, outcome=report.outcome).inc()

    def announced(self, report: AnnounceReport) -> None:
        for outcome, count in (
            ("sent", report.sent),
            ("failed", report.failed),
            ("disabled", len(report.disabled)),
            ("recovered", report.recovered),
        ):
            if count:
                self.digests.labels(outcome=outcome).inc(count)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
