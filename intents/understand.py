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
from intents.context import TurnContext
from intents.forms.wage_arrears import story_facts
from intents.ids import IntentId
from intents.matcher import Candidate, Matcher
from intents.skills import SKILLS
from intents.skills.cases import OPEN_CASE
from intents.turn import Turn
from knowledge import KnowledgeBase

STORY_FACTS_FOR_INTAKE = 2  # of amount, employer, phone: a story this complete starts the intake at once
# A labour answer needs some sign the message is about work (concept weight, knowledge/concepts.toml) unless
# its match is strong: "别人欠我两万" is a private debt, not unpaid wages.
LABOUR_EVIDENCE = 1.0
WEAK_MATCH = 0.3
LABOUR_INTENTS = frozenset({IntentId.LABOR_LAW.value, IntentId.WAGE_ARREARS.value})
# A non-labour field must outweigh the labour concepts by this much (concept weights, knowledge/concepts.toml).
DOMAIN_MARGIN = 0.5
FOCUS_SHARE = 0.5  # a concept in the question span adds this share of its weight again


def other_domain(matcher: Matcher, text: str) -> str | None:
    """The field of law a message belongs to when it is not labour law ("marriage", "traffic" …), else None.

    Concepts in the span that asks the question count half again: "她被拘留了，失业保险金还能领吗" asks about
    unemployment benefit; "在公司打工……客户投诉公司会被逮捕吗" asks about a crime.
    """
    reading = matcher.read(text)
    weights = dict(reading.domains)
    for domain, weight in reading.focus_domains.items():  # what is asked counts more than the background
        weights[domain] = weights.get(domain, 0.0) + FOCUS_SHARE * weight
    labour = weights.pop(LABOUR, 0.0)
    if not weights:
        return None
    domain = max(weights, key=lambda name: weights[name])
    if not matcher.work_concepts & set(reading.concepts):  # no job, boss or workplace: the other field needs no lead
        return domain if weights[domain] > labour else None
    return domain if weights[domain] >= labour + DOMAIN_MARGIN else None


def pointer(kb: KnowledgeBase, domain: str, confidence: float) -> Candidate | None:
    """The out_of_scope entry answering questions of `domain` (its pointer to legal aid), or None."""
    entry = kb.entry(kb.domain_entries.get(domain, ""))
    return Candidate(entry, confidence, entry.phrasings[0]) if entry is not None else None


def story_turn(text: str, ctx: TurnContext) -> Turn | None:
    """The turn decided by the story as a whole, before ranking answers; None to rank as usual.

    A question from another field of law gets that field's pointer; an unpaid-wage story that already
    gives what a mediator needs (two of amount, employer, phone) starts the intake with those facts.
    """
    domain = other_domain(ctx.matcher, text)
    if domain is not None:
        entry = pointer(ctx.kb, domain, 1.0)
        if entry is not None:
            return SKILLS[IntentId.OUT_OF_SCOPE].respond(entry, ctx)
    found = ctx.matcher.read(text).concepts
    intake_concept = any(name in found for name in ctx.kb.words.get("intake_concepts", ()))
    if intake_concept and story_facts(text, ctx) >= STORY_FACTS_FOR_INTAKE:
        intake = next((entry for entry in ctx.kb.entries if entry.action == OPEN_CASE), None)
        if intake is not None:  # the wage skill starts the intake with the facts of the whole story
            return SKILLS[IntentId.WAGE_ARREARS].respond(Candidate(intake, 1.0, intake.phrasings[0]), ctx)
    return None


def lacks_labour_evidence(text: str, candidates: list[Candidate], ctx: TurnContext) -> bool:
    """True when the best match is a weak labour answer to a message that says nothing about work."""
    if not candidates or candidates[0].entry.intent not in LABOUR_INTENTS or candidates[0].score >= WEAK_MATCH:
        return False
    return ctx.matcher.read(text).domains.get(LABOUR, 0.0) < LABOUR_EVIDENCE


def topic_turn(text: str, candidates: list[Candidate], ctx: TurnContext) -> Turn | None:
    """A work story whose question matches no entry clearly, about a topic with an overview answer: that answer.

    "在工地从架子上摔下来，腿骨折了" asks nothing a single entry answers, yet every injured worker needs the same
    first steps (认定 within the deadline, wages while healing, assessment); a menu or 没看懂 helps no one. Only
    a story that names the job (a work concept: job, boss, workplace) qualifies: "孩子在学校摔伤了" is not a
    work injury.
    """
    reading = ctx.matcher.read(text)
    if not ctx.matcher.work_concepts & set(reading.concepts):
        return None
    entry = ctx.kb.entry(ctx.matcher.concepts.topic_answer(reading.concepts) or "")
    if entry is None:
        return None
    confidence = candidates[0].score if candidates else 0.0
    return SKILLS[IntentId(entry.intent)].respond(Candidate(entry, confidence, entry.phrasings[0]), ctx)


def founded(text: str, candidates: list[Candidate], ctx: TurnContext) -> list[Candidate]:
    """The candidates without another field's pointer whose field the message never mentions.

    The pointer entries (housing, debt … → 12348) are chosen by concepts (`other_domain`); matched on stray
    words of a work story ("今天说15日发，明天说5日发") they would send a worker with unpaid wages away.
    """
    pointers = {entry: domain for domain, entry in ctx.kb.domain_entries.items()}
    domains = ctx.matcher.read(text).domains
    return [
        candidate
        for candidate in candidates
        if candidate.entry.id not in pointers or domains.get(pointers[candidate.entry.id], 0.0) > 0
    ]
