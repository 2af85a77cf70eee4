"""Questions that say the same thing, grouped: one grouping for the console's unanswered questions and for the
monthly report, so staff see the same groups with the same counts in both.

Two questions are one when rapidfuzz finds what they are about (`core`: the caller's reduction, normally the
matcher's meaningful words after normalisation and synonyms) at least `threshold` alike. Wordings that differ
only in width, script, punctuation or case count as one wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from intents.matcher import Candidate
from intents.normalize import fold
from knowledge.check import phrasing_key

SIMILAR = 62  # rapidfuzz ratio (0–100) of two questions' cores from which they are one group


@dataclass(slots=True)
class QuestionGroup:
    """One question in its wordings (each as first written, with how often), when it was last asked, and, for
    the console, whether a draft for it waits for approval and the closest existing answers."""

    core: str
    wordings: dict[str, int] = field(default_factory=dict)
    last_at: datetime | None = None
    pending: bool = False
    suggestions: list[Candidate] = field(default_factory=list)
    _last: int = 0  # position of the latest asking: the tie-break, newest first

    @property
    def count(self) -> int:
        """How many times the question was asked, in any of its wordings."""
        return sum(self.wordings.values())

    @property
    def example(self) -> str:
        """The wording asked most often (the first written of equals)."""
        return max(self.wordings, key=lambda text: self.wordings[text])

    @property
    def others(self) -> tuple[str, ...]:
        """The other wordings, most asked first."""
        ordered = sorted(self.wordings, key=lambda text: -self.wordings[text])
        return tuple(text for text in ordered if text != self.example)


def group_questions(
    asked: Iterable[tuple[str, datetime | None]], core: Callable[[str], str], threshold: int = SIMILAR
) -> list[QuestionGroup]:
    """Group questions given oldest first as (text, when asked); the most asked group first, then the newest."""
    groups: list[QuestionGroup] = []
    by_key: dict[str, tuple[QuestionGroup, str]] = {}  # folded wording → its group and its first form
    for position, (raw, at) in enumerate(asked):
        text = raw.strip()
        key = phrasing_key(fold(text))
        if not key:
            continue
        if key in by_key:
            group, wording = by_key[key]
        else:
            about = core(text) or key
            scored = [(fuzz.ratio(about, group.core), index) for index, group in enumerate(groups)]
            best = max(scored, default=(0.0, -1))
            if best[1] >= 0 and best[0] >= threshold:
                group = groups[best[1]]
            else:
                group = QuestionGroup(core=about)
                groups.append(group)
            wording = text
            by_key[key] = (group, wording)
        group.wordings[wording] = group.wordings.get(wording, 0) + 1
        group.last_at = at or group.last_at
        group._last = position
    return sorted(groups, key=lambda group: (-group.count, -group._last))
