"""The knowledge base's to-do list: questions the bot did not answer, grouped; staff drafts from them
(a new phrasing for an existing answer, or a new answer with its law reference); a second staff member's
approval, which must pass the same rules as `kb check`.

Desk functions (the author and the reviewer are the desk's staff member): the caller owns the transaction
and, after an approval commits, reloads the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session

from intents import questions
from intents.ids import IntentId
from intents.matcher import Matcher
from intents.questions import QuestionGroup
from intents.skills import ACTIONS
from intents.staff.desk import Desk, Refusal
from knowledge import KnowledgeBase, KnowledgeError
from knowledge.amend import Amendment, amend
from knowledge.check import Problem, check_knowledge, phrasing_key
from storage import drafts, figures
from storage.drafts import Unanswered
from storage.models import KnowledgeChange

SUGGESTIONS = 3
_ENTRY_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


def group_questions(
    items: Sequence[Unanswered], matcher: Matcher, covered: Sequence[KnowledgeChange] = ()
) -> list[QuestionGroup]:
    """Group unanswered questions by similarity (intents.questions, as the monthly report), most asked first,
    each with the closest existing answers.

    A question already written into an approved draft is left out (the bot answers it now, or will after
    the reload); one in a pending draft is kept and marked.
    """
    approved = {phrasing_key(text) for change in covered if change.status == "approved" for text in change.phrasings}
    pending = {phrasing_key(text) for change in covered if change.status == "pending" for text in change.phrasings}
    groups = questions.group_questions(
        ((item.text, item.at) for item in sorted(items, key=lambda item: item.at)
         if phrasing_key(item.text) not in approved),
        matcher.question_core,
    )
    for group in groups:
        group.pending = any(phrasing_key(text) in pending for text in group.wordings)
        group.suggestions = [
            candidate for candidate in matcher.rank(group.example, limit=SUGGESTIONS) if candidate.score > 0
        ]
    return groups


def workers_names(desk: Desk) -> set[str]:
    """The workers' names the service holds: the unanswered list shows them masked, as the monthly report does."""
    return figures.known_names(session=desk.session)


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


def draft_phrasings(desk: Desk, *, entry_id: str, phrasings: Sequence[str]) -> KnowledgeChange:
    """Propose the questions as new phrasings of an existing answer.

    Raises:
        Refusal: the answer does not exist, or there is no question to add.
    """
    if desk.kb.entry(entry_id) is None:
        raise Refusal("console_kb_no_entry", entry=entry_id)
    texts = _lines(phrasings)
    if not texts:
        raise Refusal("console_kb_no_phrasings")
    return drafts.add_change(
        session=desk.session, kind="phrasings", entry_id=entry_id, phrasings=texts, drafted_by=desk.staff,
        now=desk.now,
    )


def draft_entry(
    desk: Desk, *, entry_id: str, intent: str, answer: str, refs: Sequence[str], phrasings: Sequence[str]
) -> KnowledgeChange:
    """Propose a new answer with its law references and the questions it answers.

    Raises:
        Refusal: the id is malformed or taken, the intent unknown, or the answer empty.
    """
    entry_id = entry_id.strip()
    if not _ENTRY_ID.match(entry_id):
        raise Refusal("console_kb_bad_id")
    if desk.kb.entry(entry_id) is not None or any(
        change.entry_id == entry_id and change.kind == "entry" and change.status != "rejected"
        for change in drafts.changes(session=desk.session)
    ):
        raise Refusal("console_kb_id_taken", entry=entry_id)
    if intent not in {item.value for item in IntentId}:
        raise Refusal("console_kb_bad_intent")
    if not answer.strip():
        raise Refusal("console_kb_no_answer")
    texts = _lines(phrasings)
    if not texts:
        raise Refusal("console_kb_no_phrasings")
    return drafts.add_change(
        session=desk.session,
        kind="entry",
        entry_id=entry_id,
        intent=intent,
        answer=answer.strip(),
        refs=[ref.strip() for ref in refs if ref.strip()],
        phrasings=texts,
        drafted_by=desk.staff,
        now=desk.now,
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
        reviewed=(change.reviewed_at or change.drafted_at).date(),
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


def approve(desk: Desk, *, change_id: int) -> KnowledgeChange:
    """Approve a pending draft: by someone other than its author, and only when it passes the `kb check` rules.

    Raises:
        Refusal: no such pending draft, the author approving their own draft, or rule problems
            (`problems` lists them, worded for the editor).
    """
    change = drafts.get_change(session=desk.session, change_id=change_id, for_update=True)
    if change is None or change.status != "pending":
        raise Refusal("console_kb_not_pending")
    if change.drafted_by == desk.staff:
        raise Refusal("console_kb_own_draft")
    problems = problems_with(desk.kb, change, dict(desk.policy.facts))
    if problems:
        raise Refusal("console_kb_problems", problems="；".join(problem.message for problem in problems))
    drafts.review(session=desk.session, change=change, status="approved", staff_id=desk.staff, note="", now=desk.now)
    return change


def reject(desk: Desk, *, change_id: int, note: str) -> KnowledgeChange:
    """Turn a pending draft down, with the reason for its author.

    Raises:
        Refusal: no such pending draft.
    """
    change = drafts.get_change(session=desk.session, change_id=change_id, for_update=True)
    if change is None or change.status != "pending":
        raise Refusal("console_kb_not_pending")
    drafts.review(session=desk.session, change=change, status="rejected", staff_id=desk.staff, note=note, now=desk.now)
    return change
