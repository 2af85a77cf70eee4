"""The knowledge base's to-do list: questions the bot did not answer, grouped; staff drafts from them
(a new phrasing for an existing answer, or a new answer with its law reference); a second staff member's
approval, which must pass the same rules as `kb check`.

Pure over storage: the caller owns the transaction and, after an approval commits, reloads the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz
from sqlmodel import Session

from intents.ids import IntentId
from intents.matcher import Candidate, Matcher
from intents.skills import ACTIONS
from knowledge import KnowledgeBase, KnowledgeError
from knowledge.amend import Amendment, amend
from knowledge.check import Problem, check_knowledge, phrasing_key
from storage import drafts
from storage.drafts import Unanswered
from storage.models import KnowledgeChange

SIMILAR = 62  # rapidfuzz ratio (0-100) of the meaningful words from which two questions are one group
SUGGESTIONS = 3
_ENTRY_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


class DraftRefused(Exception):
    """A draft or a review that cannot go through; `key` names the sentence in replies/*.toml."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(slots=True)
class QuestionGroup:
    """Questions that say the same thing: each wording with its count, and the answers closest to them."""

    wordings: dict[str, int] = field(default_factory=dict)
    last_at: datetime | None = None
    pending: bool = False  # a draft for one of these wordings waits for approval
    suggestions: list[Candidate] = field(default_factory=list)
    _core: str = ""

    @property
    def count(self) -> int:
        """How many times the question was asked, in any of its wordings."""
        return sum(self.wordings.values())

    @property
    def example(self) -> str:
        """The wording asked most often."""
        return max(self.wordings, key=lambda text: self.wordings[text])


def _core(text: str, matcher: Matcher) -> str:
    return "".join(matcher.content(matcher.prepare(text)))


def group_questions(
    items: Sequence[Unanswered], matcher: Matcher, covered: Sequence[KnowledgeChange] = ()
) -> list[QuestionGroup]:
    """Group unanswered questions by similarity, most asked first.

    A question already written into an approved draft is left out (the bot answers it now, or will after
    the reload); one in a pending draft is kept and marked.
    """
    approved = {phrasing_key(text) for change in covered if change.status == "approved" for text in change.phrasings}
    pending = {phrasing_key(text) for change in covered if change.status == "pending" for text in change.phrasings}
    groups: list[QuestionGroup] = []
    by_key: dict[str, QuestionGroup] = {}
    for item in sorted(items, key=lambda item: item.at):
        text = item.text.strip()
        key = phrasing_key(text)
        if not key or key in approved:
            continue
        group = by_key.get(key)
        if group is None:
            core = _core(text, matcher) or key
            group = next((g for g in groups if fuzz.ratio(core, g._core) >= SIMILAR), None)
            if group is None:
                group = QuestionGroup(_core=core)
                groups.append(group)
            by_key[key] = group
        group.wordings[text] = group.wordings.get(text, 0) + 1
        group.last_at = item.at
        group.pending = group.pending or key in pending
    groups.sort(key=lambda group: (group.count, group.last_at.timestamp() if group.last_at else 0.0), reverse=True)
    for group in groups:
        group.suggestions = [
            candidate for candidate in matcher.rank(group.example, limit=SUGGESTIONS) if candidate.score > 0
        ]
    return groups


def _lines(phrasings: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for phrasing in phrasings:
        text = phrasing.strip()
        key = phrasing_key(text)
        if key and key not in seen and len(text) <= 200:
            seen.add(key)
            kept.append(text)
    return kept


def draft_phrasings(
    *, session: Session, kb: KnowledgeBase, entry_id: str, phrasings: Sequence[str], staff: str, now: datetime
) -> KnowledgeChange:
    """Propose the questions as new phrasings of an existing answer.

    Raises:
        DraftRefused: the answer does not exist, or there is no question to add.
    """
    if kb.entry(entry_id) is None:
        raise DraftRefused("console_kb_no_entry", entry=entry_id)
    texts = _lines(phrasings)
    if not texts:
        raise DraftRefused("console_kb_no_phrasings")
    return drafts.add_change(
        session=session, kind="phrasings", entry_id=entry_id, phrasings=texts, drafted_by=staff, now=now
    )


def draft_entry(
    *,
    session: Session,
    kb: KnowledgeBase,
    entry_id: str,
    intent: str,
    answer: str,
    refs: Sequence[str],
    phrasings: Sequence[str],
    staff: str,
    now: datetime,
) -> KnowledgeChange:
    """Propose a new answer with its law references and the questions it answers.

    Raises:
        DraftRefused: the id is malformed or taken, the intent unknown, or the answer empty.
    """
    entry_id = entry_id.strip()
    if not _ENTRY_ID.match(entry_id):
        raise DraftRefused("console_kb_bad_id")
    if kb.entry(entry_id) is not None or any(
        change.entry_id == entry_id and change.kind == "entry" and change.status != "rejected"
        for change in drafts.changes(session=session)
    ):
        raise DraftRefused("console_kb_id_taken", entry=entry_id)
    if intent not in {item.value for item in IntentId}:
        raise DraftRefused("console_kb_bad_intent")
    if not answer.strip():
        raise DraftRefused("console_kb_no_answer")
    texts = _lines(phrasings)
    if not texts:
        raise DraftRefused("console_kb_no_phrasings")
    return drafts.add_change(
        session=session,
        kind="entry",
        entry_id=entry_id,
        intent=intent,
        answer=answer.strip(),
        refs=[ref.strip() for ref in refs if ref.strip()],
        phrasings=texts,
        drafted_by=staff,
        now=now,
    )


def as_amendment(change: KnowledgeChange) -> Amendment:
    """The draft as the knowledge package lays it over the files."""
    return Amendment(
        kind=change.kind,
        entry_id=change.entry_id,
        phrasings=tuple(change.phrasings),
        intent=change.intent or "",
        answer=change.answer or "",
        refs=tuple(change.refs),
    )


def approved_amendments(*, session: Session) -> list[Amendment]:
    """Every approved draft, in the order it was drafted."""
    return [as_amendment(change) for change in drafts.changes(session=session, status="approved", limit=100_000)]


def problems_with(kb: KnowledgeBase, change: KnowledgeChange, facts: dict[str, str]) -> list[Problem]:
    """The `kb check` problems the draft would bring into the knowledge base (none: it may go live)."""
    try:
        amended = amend(kb, [as_amendment(change)])
    except KnowledgeError as error:
        return [Problem("console", change.entry_id, error.message)]
    problems = check_knowledge(
        amended, valid_intents={intent.value for intent in IntentId}, facts=facts, valid_actions=ACTIONS
    )
    touched = set(change.phrasings) | {change.entry_id}
    return [
        problem
        for problem in problems
        if problem.entry == change.entry_id or any(f"{text!r}" in problem.message for text in touched)
        or f":{change.entry_id}" in problem.message
    ]


def approve(
    *, session: Session, kb: KnowledgeBase, change_id: int, staff: str, facts: dict[str, str], now: datetime
) -> KnowledgeChange:
    """Approve a pending draft: by someone other than its author, and only when it passes the `kb check` rules.

    Raises:
        DraftRefused: no such pending draft, the author approving their own draft, or rule problems
            (`problems` lists them, worded for the editor).
    """
    change = drafts.get_change(session=session, change_id=change_id, for_update=True)
    if change is None or change.status != "pending":
        raise DraftRefused("console_kb_not_pending")
    if change.drafted_by == staff:
        raise DraftRefused("console_kb_own_draft")
    problems = problems_with(kb, change, facts)
    if problems:
        raise DraftRefused("console_kb_problems", problems="；".join(problem.message for problem in problems))
    drafts.review(session=session, change=change, status="approved", staff_id=staff, note="", now=now)
    return change


def reject(*, session: Session, change_id: int, staff: str, note: str, now: datetime) -> KnowledgeChange:
    """Turn a pending draft down, with the reason for its author.

    Raises:
        DraftRefused: no such pending draft.
    """
    change = drafts.get_change(session=session, change_id=change_id, for_update=True)
    if change is None or change.status != "pending":
        raise DraftRefused("console_kb_not_pending")
    drafts.review(session=session, change=change, status="rejected", staff_id=staff, note=note, now=now)
    return change
