"""`eval`: how the bot answers a labelled file — per group: answered directly, menu, not understood, intent
accuracy, key fact stated, and (for questions outside labour law) how many were wrongly answered as labour law.

Two file formats are understood (see shared/eval/README.md): the dev format {"text", "intent", "reply_any"?}
and the real-questions format {"text", "group", "intent"?, "topic"?, "key"?}. A question of group
`not_labour` is expected to be reported as `out_of_scope` and must not be answered as labour law.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import BotError
from intents import Reply
from knowledge.model import CITED_LAW

ALL = "all"
NOT_LABOUR = "not_labour"
LABOUR_INTENTS = frozenset({"labor_law", "wage_arrears"})
_CITATION = CITED_LAW


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled message: the accepted intents and the facts (any one suffices) the reply must contain."""

    text: str
    intents: tuple[str, ...]
    reply_any: tuple[str, ...] = ()
    group: str = ALL
    topic: str = ""


def load_items(path: Path) -> list[Item]:
    """Read a JSON-lines file in either format (dev: intent + reply_any; real: group + intent + key).

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
            items.append(_item(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BotError(f"{path}:{number}: not an eval item ({error})") from error
    return items


def _item(data: dict[str, Any]) -> Item:
    group = str(data.get("group", ALL))
    raw = data.get("intent") or ("out_of_scope" if group == NOT_LABOUR else None)
    if raw is None:
        raise KeyError("intent")
    intents = tuple(str(intent) for intent in (raw if isinstance(raw, list) else [raw]))
    facts = tuple(str(fact) for fact in data.get("reply_any") or data.get("key") or ())
    return Item(str(data["text"]), intents, facts, group, str(data.get("topic") or ""))


def outcome(reply: Reply) -> str:
    """How the bot replied: "answered" directly, offered a "menu" of topics, or "not_understood"."""
    if reply.answered:
        return "answered"
    return "menu" if reply.buttons else "not_understood"


@dataclass(slots=True)
class GroupReport:
    """The figures of one group of items (labour, not_labour, or all for a dev file)."""

    total: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    intent_hits: int = 0
    fact_items: int = 0
    fact_hits: int = 0
    as_labour: int = 0  # not_labour items answered as labour law

    def share(self, count: int, of: int | None = None) -> float:
        """count / of (default: this group's total), 0 when empty."""
        base = self.total if of is None else of
        return count / base if base else 0.0

    def as_dict(self, group: str) -> dict[str, Any]:
        """The figures as plain data (shares rounded to 4 places)."""
        data: dict[str, Any] = {
            "total": self.total,
            "answered": round(self.share(self.outcomes["answered"]), 4),
            "menu": round(self.share(self.outcomes["menu"]), 4),
            "not_understood": round(self.share(self.outcomes["not_understood"]), 4),
            "intent_accuracy": round(self.share(self.intent_hits), 4),
        }
        if self.fact_items:
            data["key_fact"] = round(self.share(self.fact_hits, self.fact_items), 4)
            data["key_fact_items"] = self.fact_items
        if group == NOT_LABOUR:
            data["answered_as_labour"] = round(self.share(self.as_labour), 4)
        return data


@dataclass(slots=True)
class Report:
    """The scores of one run."""

    groups: dict[str, GroupReport] = field(default_factory=dict)
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    true_positive: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Items scored."""
        return sum(group.total for group in self.groups.values())

    @property
    def intent_hits(self) -> int:
        """Items whose reported intent is one of the accepted ones."""
        return sum(group.intent_hits for group in self.groups.values())

    @property
    def intent_accuracy(self) -> float:
        """Share of items whose reported intent is one of the accepted ones."""
        return self.intent_hits / self.total if self.total else 0.0

    @property
    def fact_rate(self) -> float:
        """Share of items with a fact to state whose reply contains one of its spellings."""
        items = sum(group.fact_items for group in self.groups.values())
        hits = sum(group.fact_hits for group in self.groups.values())
        return hits / items if items else 1.0

    def per_intent(self) -> dict[str, tuple[float, float, int]]:
        """intent → (precision, recall, support)."""
        result = {}
        for intent in sorted(set(self.expected) | set(self.predicted)):
            hits = self.true_positive[intent]
            precision = hits / self.predicted[intent] if self.predicted[intent] else 0.0
            recall = hits / self.expected[intent] if self.expected[intent] else 0.0
            result[intent] = (precision, recall, self.expected[intent])
        return result

    def as_dict(self, misses: int | None = None) -> dict[str, Any]:
        """The report as plain data; `misses` limits the listed misses (None: all)."""
        return {
            "total": self.total,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "reply_fact_rate": round(self.fact_rate, 4),
            "groups": {name: group.as_dict(name) for name, group in self.groups.items()},
            "per_intent": {
                k: {"precision": p, "recall": r, "support": n} for k, (p, r, n) in self.per_intent().items()
            },
            "confusions": [
                {"expected": e, "got": g, "count": n} for (e, g), n in self.confusions.most_common()
            ],
            "misses": self.misses if misses is None else self.misses[:misses],
        }

    def render(self, misses: int | None = None) -> str:
        """The report as text for a terminal; `misses` limits the listed misses (None: all)."""
        lines = ["per intent (precision / recall / support):"]
        for intent, (precision, recall, support) in self.per_intent().items():
            lines.append(f"  {intent:<15} {precision:6.1%} {recall:6.1%} {support:4d}")
        if self.confusions:
            lines.append("confusions (expected → got):")
            lines += [f"  {e} → {g}: {n}" for (e, g), n in self.confusions.most_common()]
        shown = self.misses if misses is None else self.misses[:misses]
        if shown:
            lines.append(f"misses ({len(shown)} of {len(self.misses)}):")
            for miss in shown:
                lines.append(
                    f"  [{miss['why']}/{miss['outcome']}] {miss['text'][:70]} — expected {miss['expected']},"
                    f" got {miss['got']} ({miss['confidence']:.2f}): {miss['reply'][:60]}"
                )
        for name, group in self.groups.items():
            figures = group.as_dict(name)
            line = (
                f"{name}: {group.total} items; answered {figures['answered']:.1%}, menu {figures['menu']:.1%},"
                f" not understood {figures['not_understood']:.1%}; intent {figures['intent_accuracy']:.1%}"
            )
            if group.fact_items:
                line += f"; key fact {figures['key_fact']:.1%} ({group.fact_hits}/{group.fact_items})"
            if name == NOT_LABOUR:
                line += f"; answered as labour law {figures['answered_as_labour']:.1%} ({group.as_labour})"
            lines.append(line)
        lines.append(f"intent accuracy: {self.intent_accuracy:.1%} ({self.intent_hits}/{self.total})")
        facts = sum(group.fact_items for group in self.groups.values())
        hits = sum(group.fact_hits for group in self.groups.values())
        lines.append(f"reply facts: {self.fact_rate:.1%} ({hits}/{facts})")
        return "\n".join(lines)


def answered_as_labour(reply: Reply, labour_laws: Collection[str]) -> bool:
    """True when the reply treats the question as labour law: a labour intent, or a labour-law citation."""
    if reply.intent.value in LABOUR_INTENTS:
        return True
    return any(name in labour_laws for name in _CITATION.findall(reply.text))


def evaluate(items: Sequence[Item], ask: Callable[[str], Reply], labour_laws: Collection[str] = ()) -> Report:
    """Ask every item (each as a new user) and score the replies.

    `labour_laws`: short names of labour laws; citing one answers a not_labour question as labour law.
    A numbered menu states no fact: only a direct answer can hit the key fact.
    """
    report = Report()
    for item in items:
        reply = ask(item.text)
        group = report.groups.setdefault(item.group, GroupReport())
        got = reply.intent.value
        how = outcome(reply)
        group.total += 1
        group.outcomes[how] += 1
        report.predicted[got] += 1
        primary = got if got in item.intents else item.intents[0]
        report.expected[primary] += 1
        intent_ok = got in item.intents
        if item.group == NOT_LABOUR and answered_as_labour(reply, labour_laws):
            group.as_labour += 1
            intent_ok = False
        if intent_ok:
            group.intent_hits += 1
            report.true_positive[got] += 1
        else:
            report.confusions[(item.intents[0], got)] += 1
        fact_ok = True
        if item.reply_any:
            group.fact_items += 1
            fact_ok = how == "answered" and any(fact in reply.text for fact in item.reply_any)
            group.fact_hits += fact_ok
        if not intent_ok or not fact_ok:
            report.misses.append(
                {
                    "text": item.text,
                    "group": item.group,
                    "topic": item.topic,
                    "expected": "/".join(item.intents),
                    "got": got,
                    "outcome": how,
                    "confidence": reply.confidence,
                    "why": "intent" if not intent_ok else "fact",
                    "reply": reply.text.replace("\n", " "),
                }
            )
    return report
