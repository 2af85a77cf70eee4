"""Moved occurrences of routine meetings: one row per (routine, usual time); moving it again replaces it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from storage.models import MeetingMove


def move(
    *, session: Session, routine: str, original_at: datetime, moved_to: datetime, reason: str, staff: str, now: datetime
) -> MeetingMove:
    """Record that this occurrence takes place at `moved_to` instead (replacing an earlier move of it)."""
    row = session.exec(
        select(MeetingMove).where(MeetingMove.routine == routine, MeetingMove.original_at == original_at)
    ).first()
    if row is None:
        row = MeetingMove(routine=routine, original_at=original_at, moved_to=moved_to, reason=reason,
                          moved_by=staff, moved_at=now)
    else:
        row.moved_to, row.reason, row.moved_by, row.moved_at = moved_to, reason, staff, now
    session.add(row)
    session.flush()
    return row


def moves_between(*, session: Session, start: datetime, end: datetime) -> list[MeetingMove]:
    """Moves whose usual time or new time falls in [start, end): what a calendar of that span must apply."""
    statement = select(MeetingMove).where(
        or_(
            (col(MeetingMove.original_at) >= start) & (col(MeetingMove.original_at) < end),
            (col(MeetingMove.moved_to) >= start) & (col(MeetingMove.moved_to) < end),
        )
    )
    return list(session.exec(statement.order_by(col(MeetingMove.moved_to))).all())
