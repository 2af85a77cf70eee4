"""`kb check`: the rules every FAQ entry must pass before it may answer a worker (see faq/README.md)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from knowledge.laws import LawLookup
from knowledge.model import FaqEntry, KnowledgeBase, LawText, LocalRule, TextNotAtHand
from knowledge.numerals import quantities, to_chinese

MAX_ANSWER_CHARS = 400
MIN_PHRASINGS = 4
# Where an answer sends the worker for a point whose text is not at hand: the labour (12333) and union (12351) lines.
HOTLINE_KEYS = ("labor_hotline", "union_hotline")


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule an entry breaks, worded for the person who edits the file."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


def phrasing_key(text: str) -> str:
    """A phrasing as duplicates are compared: width-folded, lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders a template uses (escaped `{{` braces are not placeholders)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _without_placeholders(text: str) -> str:
    return re.sub(r"\{[^{}]*\}", " ", text.replace("{{", "").replace("}}", ""))


# A calendar date an answer states ("2025年9月1日", "2025年1月"): checked against the dates texts took effect,
# not as loose quantities (2025 years, 9 months, 1 day).
_STATED_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")


def _without_dates(text: str) -> str:
    return _STATED_DATE.sub(" ", text)


def _check_entry(
    entry: FaqEntry,
    kb: KnowledgeBase,
    lookup: LawLookup,
    valid_intents: Collection[str],
    facts: Mapping[str, str],
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(entry.source, entry.id, message))

    if entry.intent not in valid_intents:
        problem(f"intent {entry.intent!r} is not one of the intent IDs")
    if len(entry.phrasings) < MIN_PHRASINGS:
        problem(f"has {len(entry.phrasings)} phrasings; at least {MIN_PHRASINGS} are needed")
    if not entry.answer:
        problem("answer is empty")
    texts = {"answer": entry.answer, "detail": entry.detail}
    for field, text in texts.items():
        names = placeholders(text)
        unknown = sorted(set(names) - set(facts))
        if unknown:
            problem(f"{field} uses unknown placeholders {unknown}; known: {sorted(facts)}")
            continue
        try:
            rendered = text.format_map(facts)
        except (ValueError, IndexError) as error:
            problem(f"{field} is not a valid template: {error}")
            continue
        if len(rendered) > MAX_ANSWER_CHARS:
            problem(
                f"{field} has {len(rendered)} characters; at most {MAX_ANSWER_CHARS} (move the rest to detail)"
            )

    both = entry.answer + "\n" + entry.detail
    cited_quantities: set[tuple[float, str]] = set()
    for ref in entry.refs:
        article = lookup.article(ref)
        if article is None:
            problem(f"ref {ref.law}第{to_chinese(ref.article)}条 does not exist in knowledge/laws")
            continue
        cited_quantities |= quantities(article.text)
        law = kb.law(ref.law)
        law_names = law.names if law else (ref.law,)
        if not any(f"《{name}》第{to_chinese(ref.article)}条" in both for name in law_names):
            problem(f"answer does not name its ref as {ref.cited()}")
    stated = quantities(_without_dates(_without_placeholders(both)))
    unsupported = sorted(stated - cited_quantities)
    if unsupported:
        shown = ", ".join(f"{value:g} {unit}" for value, unit in unsupported)
        where = "the cited articles" if entry.refs else "any cited article (the entry cites none)"
        problem(f"states quantities not found in {where}: {shown}")
    return problems


def check_knowledge(
    kb: KnowledgeBase,
    *,
    valid_intents: Collection[str],
    facts: Mapping[str, str],
    valid_actions: Collection[str] | None = None,
    local_rules: Mapping[str, LocalRule] | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Every problem in the knowledge base; an empty list means it may ship.

    Args:
        kb: the loaded knowledge base.
        valid_intents: the intent IDs an entry may carry (the dialogue layer's contract).
        facts: the local facts answers may use as `{placeholders}` (from config.toml).
        valid_actions: the `action` values skills act on; None skips that rule.
        local_rules: the local figures among `facts`, with their rule and region (config.toml `[[local_rules]]`).
        today: a review date after this day is refused; None skips that rule.
    """
    lookup = LawLookup(kb.laws)
    rules = local_rules or {}
    problems: list[Problem] = law_index_problems(kb)
    seen_ids: dict[str, FaqEntry] = {}
    seen_phrasings: dict[str, FaqEntry] = {}
    for entry in kb.entries:
        if entry.id in seen_ids:
            problems.append(Problem(entry.source, entry.id, f"id also used in {seen_ids[entry.id].source}"))
        seen_ids.setdefault(entry.id, entry)
        for phrasing in entry.phrasings:
            key = phrasing_key(phrasing)
            other = seen_phrasings.get(key)
            if other is not None and other is not entry:
                problems.append(
                    Problem(
                        entry.source, entry.id, f"phrasing {phrasing!r} also in {other.source}:{other.id}"
                    )
                )
            elif other is None:
                seen_phrasings[key] = entry
        problems.extend(_check_entry(entry, kb, lookup, valid_intents, facts))
        problems.extend(in_force_problems(entry, kb))
        problems.extend(not_at_hand_problems(entry, kb, HOTLINE_KEYS))
        problems.extend(date_problems(entry, kb, rules))
        problems.extend(local_rule_problems(entry, rules))
        problems.extend(reviewed_problems(entry, today))
        if valid_actions is not None and entry.action and entry.action not in valid_actions:
            problems.append(Problem(entry.source, entry.id, f"action {entry.action!r} is not one of {sorted(valid_actions)}"))
    covered = {entry.intent for entry in kb.entries}
    for intent in sorted(set(valid_intents) - covered):
        problems.append(Problem("faq/", "-", f"no entry answers intent {intent!r}"))
    problems.extend(_check_concepts(kb))
    return problems


def _check_concepts(kb: KnowledgeBase) -> list[Problem]:
    """Concept words are unique and folded; every non-labour domain points at an out_of_scope entry."""
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    domains = set()
    for concept in kb.concepts:
        domains.add(concept.domain)
        for word in concept.words:
            folded = phrasing_key(word)
            if folded != word or len(word) < 2:
                problems.append(Problem("concepts.toml", concept.name, f"word {word!r}: write it normalised, 2+ characters"))
            if folded in owner and owner[folded] != concept.name:
                problems.append(Problem("concepts.toml", concept.name, f"word {word!r} also in {owner[folded]}"))
            owner.setdefault(folded, concept.name)
        if concept.answer:
            answer = kb.entry(concept.answer)
            if answer is None or concept.domain != "labour" or answer.intent not in ("labor_law", "wage_arrears"):
                problems.append(Problem("concepts.toml", concept.name, f"concept answer {concept.answer!r}: needs a labour FAQ entry"))
    for domain in sorted(domains - {"labour"}):
        entry = kb.entry(kb.domain_entries.get(domain, ""))
        if entry is None or entry.intent != "out_of_scope":
            problems.append(Problem("concepts.toml", domain, "domain needs a [[domain]] entry: an out_of_scope FAQ id"))
    return problems


# --- the law in force: repealed provisions, texts not at hand, dates, local rules, review dates ---------------


def _names_text(text: str, names: Collection[str]) -> bool:
    return any(name in text for name in names)


def _not_at_hand_named(text: str, kb: KnowledgeBase) -> list[TextNotAtHand]:
    return [other for other in kb.not_at_hand if _names_text(text, (other.title, *other.names))]


def in_force_problems(entry: FaqEntry, kb: KnowledgeBase) -> list[Problem]:
    """A ref to an article (or part of one) that was repealed or replaced fails, naming what to cite instead."""
    problems: list[Problem] = []
    for ref in entry.refs:
        law = kb.law(ref.law)
        if law is None:
            continue
        for change in law.changes_of(ref.article):
            problems.append(
                Problem(
                    entry.source,
                    entry.id,
                    f"ref {ref.cited()} is not in force as a whole: {change.describe()}; "
                    f"cite {change.by} instead, or send the worker to 12333/12351 when its text is not at hand",
                )
            )
    return problems


def not_at_hand_problems(entry: FaqEntry, kb: KnowledgeBase, hotline_keys: Collection[str]) -> list[Problem]:
    """An answer naming a text that is not at hand quotes none of its articles and points to 12333 / 12351."""
    problems: list[Problem] = []
    both = entry.answer + "\n" + entry.detail
    for other in _not_at_hand_named(both, kb):
        article = re.compile(
            "(?:" + "|".join(re.escape(name) for name in (other.title, *other.names)) + r")》?\s*第[^条]{1,6}条"
        )
        if article.search(both):
            problems.append(
                Problem(entry.source, entry.id, f"quotes an article of {other.title}, whose text is not at hand")
            )
        if not any("{" + key + "}" in both for key in hotline_keys):
            shown = " or ".join("{" + key + "}" for key in hotline_keys)
            problems.append(
                Problem(
                    entry.source,
                    entry.id,
                    f"names {other.title} (text not at hand) but does not send the worker to {shown}",
                )
            )
    return problems


def _dates_of(law: LawText) -> set[date]:
    return {day for day in (law.status.version, law.status.in_force) if day is not None}


def date_problems(entry: FaqEntry, kb: KnowledgeBase, local_rules: Mapping[str, LocalRule]) -> list[Problem]:
    """A date the answer states must be when a cited or named text (or a local rule it uses) was made or took effect."""
    both = entry.answer + "\n" + entry.detail
    known: set[date] = set()
    for ref in entry.refs:
        law = kb.law(ref.law)
        if law is not None:
            known |= _dates_of(law)
            known |= {change.since for change in law.changes if change.article == ref.article}
    for law in kb.laws:
        if _names_text(both, (law.title, *(f"《{name}》" for name in law.names))):
            known |= _dates_of(law)
    known |= {other.in_force for other in _not_at_hand_named(both, kb)}
    known |= {rule.since for key, rule in local_rules.items() if "{" + key + "}" in both}
    problems: list[Problem] = []
    for match in _STATED_DATE.finditer(_without_placeholders(both)):
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
        fits = [
            known_day
            for known_day in known
            if (known_day.year, known_day.month) == (year, month) and (day is None or known_day.day == int(day))
        ]
        if not fits:
            problems.append(
                Problem(
                    entry.source,
                    entry.id,
                    f"states the date {match.group(0)}, which is not when a cited or named text took effect",
                )
            )
    return problems


def local_rule_problems(entry: FaqEntry, local_rules: Mapping[str, LocalRule]) -> list[Problem]:
    """A local figure is said to be local ("北京规定…") and its rule is named (《北京市…》)."""
    problems: list[Problem] = []
    both = entry.answer + "\n" + entry.detail
    words = _without_placeholders(both)
    for key, rule in sorted(local_rules.items()):
        if "{" + key + "}" not in both:
            continue
        if rule.region not in words:
            problems.append(
                Problem(entry.source, entry.id, f"uses {{{key}}} but does not say it is {rule.region}'s rule")
            )
        if f"《{rule.rule}》" not in words:
            problems.append(Problem(entry.source, entry.id, f"uses {{{key}}} but does not name 《{rule.rule}》"))
    return problems


def reviewed_problems(entry: FaqEntry, today: date | None) -> list[Problem]:
    """Every entry carries the day it was last reviewed, and that day is not in the future."""
    if entry.reviewed is None:
        return [
            Problem(
                entry.source,
                entry.id,
                "has no review date: add `reviewed = YYYY-MM-DD` at the top of the file or on the entry",
            )
        ]
    if today is not None and entry.reviewed > today:
        return [Problem(entry.source, entry.id, f"reviewed {entry.reviewed.isoformat()} is in the future")]
    return []


def law_index_problems(kb: KnowledgeBase) -> list[Problem]:
    """Each law records its version, date in force and source; each change names a provision that exists."""
    lookup = LawLookup(kb.laws)
    problems: list[Problem] = []
    for law in kb.laws:
        status = law.status

        def problem(message: str, law: LawText = law) -> None:
            problems.append(Problem("laws/laws.toml", law.file, message))

        for field_name, value in (("version", status.version), ("in_force", status.in_force), ("source", status.source)):
            if not value:
                problem(f"has no {field_name}")
        for change in law.changes:
            if law.article(change.article) is None:
                problem(f"changes list article {change.article}, which the text does not have")
            ref = lookup.parse_ref(change.by)
            if ref is not None:
                target = lookup.article(ref)
                if target is None:
                    problem(f"article {change.article} is replaced by {change.by}, which does not exist")
            elif not any(change.by.startswith(name) for other in kb.not_at_hand for name in other.names):
                problem(f"article {change.article} is replaced by {change.by}: neither a law at hand nor not_at_hand")
    return problems
