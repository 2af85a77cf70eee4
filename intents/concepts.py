"""Finding legal concepts in text through the concept lexicon (knowledge/concepts.toml).

Why: workers say 炒鱿鱼, 手指被机器压了, 托欠; entries say 解除劳动合同, 工伤, 拖欠工资. A concept is a feature
both sides share, so an entry is found by what it means, not only by the words its phrasings happen to use.
The same hits tell whether a message is about labour law at all (marriage, traffic, crime, housing, debt).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from knowledge import Concept

LABOUR = "labour"


class ConceptLexicon:
    """Every word of every concept in one overlapping regular expression; built once, read-only."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self._owner: dict[str, Concept] = {}
        self._answers: dict[str, str] = {}
        for concept in concepts:
            if concept.answer:
                self._answers[concept.name] = concept.answer
            for word in concept.words:
                self._owner.setdefault(word, concept)
        words = sorted(self._owner, key=len, reverse=True)
        # A lookahead finds a word at every position, so overlapping words (老板跑路 / 老板) both count.
        self._pattern = re.compile("(?=(" + "|".join(map(re.escape, words)) + "))") if words else None

    def find(self, folded: str) -> Counter[str]:
        """Concept name → number of hits in `folded` (normalised text without spaces)."""
        found: Counter[str] = Counter()
        if self._pattern is None:
            return found
        for match in self._pattern.finditer(folded):
            found[self._owner[match.group(1)].name] += 1
        return found

    def domains(self, folded: str) -> dict[str, float]:
        """Domain → weight of the distinct concepts of that domain found in `folded`."""
        weights: dict[str, float] = {}
        seen: set[str] = set()
        if self._pattern is None:
            return weights
        for match in self._pattern.finditer(folded):
            concept = self._owner[match.group(1)]
            if concept.name not in seen:
                seen.add(concept.name)
                weights[concept.domain] = weights.get(concept.domain, 0.0) + concept.weight
        return weights

    def topic_answer(self, found: Counter[str]) -> str | None:
        """The entry answering a story about the found concept with most hits that has one (ties: first found)."""
        best = max((name for name in found if name in self._answers), key=lambda name: found[name], default=None)
        return None if best is None else self._answers[best]
