"""Prometheus metrics: messages by channel and intent, reply latency, unanswered messages, outbox backlog."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from intents import Reply

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


class _BacklogCollector(Collector):
    """Reads the outbox backlog from the database at scrape time, so every process reports the same figure."""

    def __init__(self, read: Callable[[], Mapping[tuple[str, str], int]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        """One gauge sample per (channel, status) of undelivered rows."""
        gauge = GaugeMetricFamily(
            "unionbot_outbox_backlog", "Outbox rows not yet delivered", labels=["channel", "status"]
        )
        for (channel, status), count in sorted(self._read().items()):
            gauge.add_metric([channel, status], count)
        yield gauge


class Metrics:
    """The service's metrics in a registry of their own (one per app, so tests do not share counters)."""

    def __init__(self, backlog: Callable[[], Mapping[tuple[str, str], int]] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "unionbot_messages", "Messages answered", ["channel", "intent"], registry=self.registry
        )
        self.unanswered = Counter(
            "unionbot_unanswered", "Messages the bot did not understand", ["channel"], registry=self.registry
        )
        self.latency = Histogram(
            "unionbot_reply_seconds",
            "Time from request to reply",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "unionbot_outbox_deliveries",
            "Outbox send attempts by result",
            ["channel", "status"],
            registry=self.registry,
        )
        self.dead = Counter(
            "unionbot_outbox_dead",
            "Outbox rows given up (refused for good, or out of attempts); staff are alerted",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.turn_retries = Counter(
            "unionbot_turn_retries",
            "Turns that could not be stored (database locked or down) and were tried again",
            ["channel", "outcome"],  # outcome: retry, stored, gave_up
            registry=self.registry,
        )
        if backlog is not None:
            self.registry.register(_BacklogCollector(backlog))

    def observe(self, channel: str, reply: Reply, seconds: float) -> None:
        """Count one answered message and its latency."""
        self.messages.labels(channel, reply.intent.value).inc()
        if not reply.answered:
            self.unanswered.labels(channel).inc()
        self.latency.labels(channel).observe(seconds)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
