"""`eval`: intent accuracy, reply-fact rate, per-intent precision/recall and confusions on a labelled file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import BotError
from intents import Reply


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled message: the accepted intents and the facts (any one suffices) the reply must contain."""

    text: str
    intents: tuple[str, ...]
    reply_any: tuple[str, ...] = ()


def load_items(path: Path) -> list[Item]:
    """Read a JSON-lines file of {"text", "intent" (str or list), "reply_any"?}.

    Raises:
        BotError: the file is missing or a line is not such an object.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BotError(f"cannot read {path}: {error.strerror}") from error
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            intents = data["intent"] if isinstance(data["intent"], list) else [data["intent"]]
            items.append(Item(str(data["text"]), tuple(intents), tuple(data.get("reply_any", []))))
        except (ValueError, KeyError, TypeError) as error:
            raise BotError(f"{path}:{number}: not an eval item ({error})") from error
    return items


@dataclass(slots=True)
class Report:
    """The scores of one run."""

    total: int = 0
    intent_hits: int = 0
    fact_items: int = 0
    fact_hits: int = 0
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    true_positive: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        """Share of items whose reported intent is one of the accepted ones."""
        return self.intent_hits / self.total if self.total else 0.0

    @property
    def fact_rate(self) -> float:
        """Share of items with reply_any whose reply contains one of those facts."""
        return self.fact_hits / self.fact_items if self.fact_items else 1.0

    def per_intent(self) -> dict[str, tuple[float, float, int]]:
        """intent → (precision, recall, support)."""
        result = {}
        for intent in sorted(set(self.expected) | set(self.predicted)):
            hits = self.true_positive[intent]
            precision = hits / self.predicted[intent] if self.predicted[intent] else 0.0
            recall = hits / self.expected[intent] if self.expected[intent] else 0.0
            result[intent] = (precision, recall, self.expected[intent])
        return result

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {
            "total": self.total,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "reply_fact_rate": round(self.fact_rate, 4),
            "per_intent": {
                k: {"precision": p, "recall": r, "support": n} for k, (p, r, n) in self.per_intent().items()
            },
            "confusions": [
                {"expected": e, "got": g, "count": n} for (e, g), n in self.confusions.most_common()
            ],
            "misses": self.misses,
        }

    def render(self) -> str:
        """The report as text for a terminal."""
        lines = ["per intent (precision / recall / support):"]
        for intent, (precision, recall, support) in self.per_intent().items():
            lines.append(f"  {intent:<15} {precision:6.1%} {recall:6.1%} {support:4d}")
        if self.confusions:
            lines.append("confusions (expected → got):")
            lines += [f"  {e} → {g}: {n}" for (e, g), n in self.confusions.most_common()]
        if self.misses:
            lines.append("misses:")
            for miss in self.misses:
                lines.append(
                    f"  [{miss['why']}] {miss['text']} — expected {miss['expected']}, got {miss['got']}"
                    f" ({miss['confidence']:.2f}): {miss['reply'][:60]}"
                )
        lines.append(f"intent accuracy: {self.intent_accuracy:.1%} ({self.intent_hits}/{self.total})")
        lines.append(f"reply facts: {self.fact_rate:.1%} ({self.fact_hits}/{self.fact_items})")
        return "\n".join(lines)


def evaluate(items: Sequence[Item], ask: Callable[[str], Reply]) -> Report:
    """Ask every item (each as a new user) and score the replies."""
    report = Report()
    for item in items:
        reply = ask(item.text)
        got = reply.intent.value
        report.total += 1
        report.predicted[got] += 1
        primary = got if got in item.intents else item.intents[0]
        report.expected[primary] += 1
        intent_ok = got in item.intents
        if intent_ok:
            report.intent_hits += 1
            report.true_positive[got] += 1
        else:
            report.confusions[(item.intents[0], got)] += 1
        fact_ok = True
        if item.reply_any:
            report.fact_items += 1
            fact_ok = any(fact in reply.text for fact in item.reply_any)
            report.fact_hits += fact_ok
        if not intent_ok or not fact_ok:
            report.misses.append(
                {
                    "text": item.text,
                    "expected": "/".join(item.intents),
                    "got": got,
                    "confidence": reply.confidence,
                    "why": "intent" if not intent_ok else "fact",
                    "reply": reply.text.replace("\n", " "),
                }
            )
    return report
