"""Routine reminders to staff (one row per routine, meeting and staff member) and the scheduler's job records.

The unique (routine, meeting_at, staff_id) row is what makes a reminder go out once: whoever inserts it first
writes the outbox row in the same transaction; a second scheduler, or a double fire, finds it there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.db import dialect_insert, insert_ignore
from storage.models import RoutineReminder, SchedulerJob, table


def claim(
    *,
    session: Session,
    routine: str,
    meeting_at: datetime,
    staff_id: str,
    title: str,
    now: datetime,
    repeat_after: datetime | None = None,
) -> int | None:
    """Record that this staff member is being reminded of this meeting, unless someone already did.

    Returns:
        The new row's id, or None when the reminder was already claimed (by this or another scheduler).
    """
    found = insert_ignore(
        session,
        RoutineReminder,
        routine=routine,
        meeting_at=meeting_at,
        staff_id=staff_id,
        title=title,
        sent_at=now,
        repeat_after=repeat_after,
    )
    return found


def due_repeats(*, session: Session, now: datetime) -> list[RoutineReminder]:
    """Unacknowledged reminders whose repeat time has come, not yet repeated, for meetings not yet begun."""
    statement = (
        select(RoutineReminder)
        .where(col(RoutineReminder.repeat_after).is_not(None), col(RoutineReminder.repeat_after) <= now)
        .where(col(RoutineReminder.repeated_at).is_(None), col(RoutineReminder.acknowledged_at).is_(None))
        .where(col(RoutineReminder.meeting_at) > now)
        .order_by(col(RoutineReminder.id))
    )
    return list(session.exec(statement).all())


def mark_repeated(*, session: Session, reminder_id: int, now: datetime) -> bool:
    """Mark the reminder repeated; False when another scheduler (or an acknowledgement) got there first."""
    reminders = table(RoutineReminder)
    result = session.execute(
        update(reminders)
        .where(reminders.c.id == reminder_id, reminders.c.repeated_at.is_(None))
        .where(reminders.c.acknowledged_at.is_(None))
        .values(repeated_at=now)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def latest_unacknowledged(*, session: Session, staff_id: str, since: datetime) -> RoutineReminder | None:
    """The staff member's newest reminder sent since `since` that is not acknowledged yet."""
    statement = (
        select(RoutineReminder)
        .where(RoutineReminder.staff_id == staff_id, col(RoutineReminder.acknowledged_at).is_(None))
        .where(col(RoutineReminder.sent_at) >= since)
        .order_by(col(RoutineReminder.sent_at).desc(), col(RoutineReminder.id).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def acknowledge(*, session: Session, reminder: RoutineReminder, now: datetime) -> None:
    """The staff member answered "收到": no repeat for this reminder."""
    reminder.acknowledged_at = now
    session.add(reminder)
    session.flush()


def for_meeting(*, session: Session, routine: str, meeting_at: datetime) -> list[RoutineReminder]:
    """Every staff member's reminder of one meeting."""
    statement = (
        select(RoutineReminder)
        .where(RoutineReminder.routine == routine, RoutineReminder.meeting_at == meeting_at)
        .order_by(col(RoutineReminder.staff_id))
    )
    return list(session.exec(statement).all())


def record_run(
    *,
    session: Session,
    job_id: str,
    runner: str,
    started: datetime,
    finished: datetime,
    result: str = "",
    error: str | None = None,
) -> None:
    """Record one run of a job: when, by whom, and its result line or its error (creating the row at first)."""
    jobs = table(SchedulerJob)
    values = {
        "last_started_at": started,
        "last_finished_at": finished,
        "last_result": None if error else result[:200],
        "last_error": error[:500] if error else None,
        "runner": runner[:128],
    }
    statement = dialect_insert(session, SchedulerJob).values(job_id=job_id, runs=1, **values)
    statement = statement.on_conflict_do_update(
        index_elements=[jobs.c.job_id], set_={"runs": jobs.c.runs + 1, **values}
    )
    session.execute(statement)


def jobs(*, session: Session) -> list[SchedulerJob]:
    """Every job's record, by id."""
    return list(session.exec(select(SchedulerJob).order_by(col(SchedulerJob.job_id))).all())
