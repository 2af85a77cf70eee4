"""`kb review`: the entries whose cited texts (or local rules) changed after the day they were last reviewed.

A law text changes when a new version is adopted or takes effect (laws.toml `version`, `in_force`), or when one
of its articles is repealed or replaced (`[[law.changes]]`); a local figure changes with its `since` date in
config.toml; a text not at hand changes with its `in_force`. An entry reviewed before any of these dates, or
never reviewed, is listed with the reasons, oldest review first, so whoever keeps the answers knows what to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from knowledge.model import FaqEntry, KnowledgeBase, LocalRule


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One entry to read again: when it was last reviewed and what changed since."""

    entry: FaqEntry
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        reviewed = self.entry.reviewed.isoformat() if self.entry.reviewed else "never"
        return f"{self.entry.source}: {self.entry.id} (reviewed {reviewed}): " + "; ".join(self.reasons)


def _changes(entry: FaqEntry, kb: KnowledgeBase, local_rules: Mapping[str, LocalRule]) -> list[tuple[date, str]]:
    """Every dated change to what the entry rests on, as (day, description)."""
    found: list[tuple[date, str]] = []
    text = entry.answer + "\n" + entry.detail
    cited_laws = {law.short_name: law for ref in entry.refs if (law := kb.law(ref.law)) is not None}
    for law in cited_laws.values():
        status = law.status
        for day, what in ((status.version, "version of"), (status.in_force, "in force:")):
            if day is not None:
                found.append((day, f"{law.title} {what} {day.isoformat()}"))
        cited = {ref.article for ref in entry.refs if ref.law == law.short_name}
        for change in law.changes:
            if change.article in cited:
                found.append((change.since, f"{law.short_name}第{change.article}条: {change.describe()}"))
    for other in kb.not_at_hand:
        if any(name in text for name in (other.title, *other.names)):
            found.append((other.in_force, f"{other.title} in force {other.in_force.isoformat()}"))
    for key, rule in local_rules.items():
        if "{" + key + "}" in text:
            found.append((rule.since, f"{rule.region} {rule.rule} ({key}) since {rule.since.isoformat()}"))
    return found


def entries_to_review(kb: KnowledgeBase, local_rules: Mapping[str, LocalRule] | None = None) -> list[ReviewItem]:
    """The entries to read again, oldest review first (never-reviewed entries first of all).

    Args:
        kb: the loaded knowledge base.
        local_rules: the local figures from config.toml, by placeholder key.
    """
    items: list[ReviewItem] = []
    for entry in kb.entries:
        changes = _changes(entry, kb, local_rules or {})
        if entry.reviewed is None:
            items.append(ReviewItem(entry, ("never reviewed",)))
            continue
        reviewed = entry.reviewed
        newer = sorted({(day, what) for day, what in changes if day > reviewed})
        if newer:
            items.append(ReviewItem(entry, tuple(what for _, what in newer)))
    return sorted(items, key=lambda item: (item.entry.reviewed or date.min, item.entry.source, item.entry.id))
