"""Understanding a worker's story before ranking answers: is it labour law at all, and does it ask for the
wage intake outright?

A message is background plus a question. Two decisions are taken here, before the matcher's ranking is
trusted: (1) a question from another field of law (marriage, inheritance, traffic, crime, housing, debt —
even one that mentions 工资 or 老板) gets that field's short pointer to 12348 instead of labour law; (2) a
story that already gives what a mediator needs (amount, employer, phone) with a wage-arrears request starts
the intake with those facts filled in.
"""

from __future__ import annotations

from intents.concepts import LABOUR
from intents.matcher import Candidate, Matcher
from intents.normalize import normalize
from knowledge import KnowledgeBase

# A non-labour field must outweigh the labour concepts by this much (concept weights, knowledge/concepts.toml).
DOMAIN_MARGIN = 0.5


def other_domain(matcher: Matcher, text: str) -> str | None:
    """The field of law a message belongs to when it is not labour law ("marriage", "traffic" …), else None."""
    weights = matcher.concepts.domains(normalize(text).replace(" ", ""))
    labour = weights.pop(LABOUR, 0.0)
    if not weights:
        return None
    domain = max(weights, key=lambda name: weights[name])
    return domain if weights[domain] >= labour + DOMAIN_MARGIN else None


def pointer(kb: KnowledgeBase, domain: str, confidence: float) -> Candidate | None:
    """The out_of_scope entry answering questions of `domain` (its pointer to legal aid), or None."""
    entry = kb.entry(kb.domain_entries.get(domain, ""))
    return Candidate(entry, confidence, entry.phrasings[0]) if entry is not None else None
