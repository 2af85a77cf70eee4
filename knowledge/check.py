"""`kb check`: the rules every FAQ entry must pass before it may answer a worker (see faq/README.md)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from knowledge.laws import LawLookup
from knowledge.model import FaqEntry, KnowledgeBase
from knowledge.numerals import quantities, to_chinese

MAX_ANSWER_CHARS = 400
MIN_PHRASINGS = 4


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
    stated = quantities(_without_placeholders(both))
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
) -> list[Problem]:
    """Every problem in the knowledge base; an empty list means it may ship.

    Args:
        kb: the loaded knowledge base.
        valid_intents: the intent IDs an entry may carry (the dialogue layer's contract).
        facts: the local facts answers may use as `{placeholders}` (from config.toml).
        valid_actions: the `action` values skills act on; None skips that rule.
    """
    lookup = LawLookup(kb.laws)
    problems: list[Problem] = []
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
    for domain in sorted(domains - {"labour"}):
        entry = kb.entry(kb.domain_entries.get(domain, ""))
        if entry is None or entry.intent != "out_of_scope":
            problems.append(Problem("concepts.toml", domain, "domain needs a [[domain]] entry: an out_of_scope FAQ id"))
    return problems
