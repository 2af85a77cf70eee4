"""Knowledge drafts staff write in the console, and the questions the bot did not answer that they come from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import InboundMessage, KnowledgeChange, ReplyLog


@dataclass(frozen=True, slots=True)
class Unanswered:
    """One message the bot did not understand or answered only with a menu of topics."""

    text: str
    at: datetime
    intent: str  # what the menu leaned to, or out_of_scope for "did not understand"


def unanswered(*, session: Session, since: datetime, limit: int = 1000) -> list[Unanswered]:
    """Typed messages since `since` whose reply was not an answer, newest first (buttons and commands left out)."""
    statement = (
        select(InboundMessage.text, InboundMessage.received_at, ReplyLog.intent)
        .join(ReplyLog, col(ReplyLog.inbound_id) == col(InboundMessage.id))
        .where(
            col(ReplyLog.answered).is_(False),
            InboundMessage.kind == "text",
            col(InboundMessage.received_at) >= since,
            col(InboundMessage.channel) != "eval",
        )
        .order_by(col(InboundMessage.id).desc())
        .limit(limit)
    )
    return [
        Unanswered(text, at, intent)
        for text, at, intent in session.execute(statement)
        if text.strip() and not text.lstrip().startswith(("/", "／"))
    ]


def add_change(
    *,
    session: Session,
    kind: str,
    entry_id: str,
    phrasings: Sequence[str],
    drafted_by: str,
    now: datetime,
    intent: str | None = None,
    answer: str | None = None,
    refs: Sequence[str] = (),
) -> KnowledgeChange:
    """Record a draft waiting for a second staff member's approval."""
    change = KnowledgeChange(
        kind=kind,
        entry_id=entry_id,
        intent=intent,
        phrasings=list(phrasings),
        answer=answer,
        refs=list(refs),
        status="pending",
        drafted_by=drafted_by,
        drafted_at=now,
    )
    session.add(change)
    session.flush()
    return change


def get_change(*, session: Session, change_id: int, for_update: bool = False) -> KnowledgeChange | None:
    """One draft by id (row-locked on PostgreSQL when `for_update`, so it is approved once)."""
    statement = select(KnowledgeChange).where(KnowledgeChange.id == change_id)
    if for_update:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def changes(*, session: Session, status: str | None = None, limit: int = 200) -> list[KnowledgeChange]:
    """Drafts with this status (all when None), oldest first."""
    statement = select(KnowledgeChange)
    if status is not None:
        statement = statement.where(KnowledgeChange.status == status)
    return list(session.exec(statement.order_by(col(KnowledgeChange.id)).limit(limit)))


def review(*, session: Session, change: KnowledgeChange, status: str, staff_id: str, note: str, now: datetime) -> None:
    """Mark a draft approved or rejected by `staff_id`."""
    change.status = status
    change.reviewed_by = staff_id
    change.reviewed_at = now
    change.review_note = note[:256] or None
    session.add(change)


def approved_version(*, session: Session) -> tuple[int, int]:
    """(count, newest id) of approved drafts: changes when an approval lands, cheap to poll."""
    statement = select(func.count(), func.max(KnowledgeChange.id)).where(KnowledgeChange.status == "approved")
    count, newest = session.execute(statement).one()
    return int(count), int(newest or 0)
