"""Approved staff drafts laid over the knowledge files: phrasings added to an entry, or whole new entries.

The knowledge files stay the source of truth: an amendment already written into them (by `kb export`)
changes nothing, so the overlay can be applied before and after an export alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from knowledge.check import phrasing_key
from knowledge.laws import LawLookup
from knowledge.model import FaqEntry, KnowledgeBase, KnowledgeError, LawRef

CONSOLE_SOURCE = "console"  # FaqEntry.source of an entry that exists only as an approved draft


@dataclass(frozen=True, slots=True)
class Amendment:
    """One change to the knowledge base: `phrasings` for an existing entry, or a new entry (`intent`, `answer`)."""

    kind: str  # "phrasings" | "entry"
    entry_id: str
    phrasings: tuple[str, ...]
    intent: str = ""
    answer: str = ""
    refs: tuple[str, ...] = ()  # "劳动法第四十四条", as in the FAQ files
    reviewed: date | None = None  # a new entry: the day staff wrote and checked it (kb check needs one)


def parse_refs(kb: KnowledgeBase, refs: Sequence[str]) -> tuple[LawRef, ...]:
    """The law references of a draft, in the FAQ files' form.

    Raises:
        KnowledgeError: a reference is not "<law>第<n>条" with a known law.
    """
    lookup = LawLookup(kb.laws)
    parsed = []
    for raw in refs:
        ref = lookup.parse_ref(raw)
        if ref is None:
            raise KnowledgeError(CONSOLE_SOURCE, "refs", f"{raw!r} is not '<law>第<n>条' with a known law")
        parsed.append(ref)
    return tuple(parsed)


def _with_phrasings(entry: FaqEntry, phrasings: Sequence[str]) -> FaqEntry:
    known = {phrasing_key(phrasing) for phrasing in entry.phrasings}
    added = []
    for phrasing in phrasings:
        key = phrasing_key(phrasing)
        if key and key not in known:
            known.add(key)
            added.append(phrasing.strip())
    return replace(entry, phrasings=entry.phrasings + tuple(added)) if added else entry


def amend(kb: KnowledgeBase, amendments: Sequence[Amendment]) -> KnowledgeBase:
    """The knowledge base with `amendments` applied in order; `kb` itself is left as it is.

    Phrasings for an entry that does not exist, and a new entry whose id a file already has, are skipped
    (the entry was removed, or the draft was exported). The fingerprint changes with the amendments, so
    a matcher index cached for the files alone is not reused.

    Raises:
        KnowledgeError: a new entry's reference is malformed.
    """
    if not amendments:
        return kb
    entries = list(kb.entries)
    position = {entry.id: index for index, entry in enumerate(entries)}
    digest = hashlib.sha256(kb.fingerprint.encode())
    for amendment in amendments:
        digest.update(repr(amendment).encode())
        if amendment.kind == "phrasings":
            if amendment.entry_id in position:
                index = position[amendment.entry_id]
                entries[index] = _with_phrasings(entries[index], amendment.phrasings)
        elif amendment.entry_id not in position:
            position[amendment.entry_id] = len(entries)
            entries.append(
                FaqEntry(
                    id=amendment.entry_id,
                    intent=amendment.intent,
                    phrasings=tuple(phrasing.strip() for phrasing in amendment.phrasings if phrasing.strip()),
                    answer=amendment.answer.strip(),
                    refs=parse_refs(kb, amendment.refs),
                    source=CONSOLE_SOURCE,
                    reviewed=amendment.reviewed,
                )
            )
    return replace(
        kb,
        entries=tuple(entries),
        fingerprint=digest.hexdigest()[:16],
        by_id={entry.id: entry for entry in entries},
    )
