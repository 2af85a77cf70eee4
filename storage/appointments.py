"""Appointments: staff publish times for a service, a worker books, moves or cancels one; never twice.

The same guarantees as event places (storage/signups.py):

- a slot is taken with ``UPDATE appointment_slots SET booked = true WHERE id = ? AND NOT booked AND
  status = 'open'``; the row count says whether it was free (PostgreSQL re-checks the condition on the newest
  row version after waiting for a concurrent update; SQLite holds its write lock for the transaction);
- a partial unique index allows one *booked* appointment per slot, whatever the race;
- a move books the new slot first and frees the old one only when that succeeded, in one transaction.

Every function flushes at most; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from storage.db import insert_ignore
from storage.models import Appointment, AppointmentSlot, User, table

BOOKED = "booked"
CANCELLED = "cancelled"
MOVED = "moved"
OPEN = "open"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class BookResult:
    """What a booking did: took the slot, found it taken (or withdrawn), or found the worker already on it."""

    outcome: Literal["booked", "taken", "already"]
    appointment: Appointment | None = None


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def publish(
    *,
    session: Session,
    service: str,
    starts_at: datetime,
    minutes: int,
    place: str,
    now: datetime,
    published_by: str = "config",
) -> bool:
    """Offer a time for a service; publishing a time that exists changes nothing. True when it is new."""
    inserted = insert_ignore(
        session,
        AppointmentSlot,
        service=service,
        starts_at=starts_at,
        minutes=minutes,
        place=place,
        booked=False,
        status=OPEN,
        published_by=published_by,
        created_at=now,
        updated_at=now,
    )
    return inserted is not None


def withdraw(*, session: Session, slot_id: int, now: datetime) -> bool:
    """Take a free time off the list (a staff member cannot come); a booked time is not withdrawn."""
    slots = table(AppointmentSlot)
    result = session.execute(
        update(slots)
        .where(slots.c.id == slot_id, slots.c.booked.is_(False), slots.c.status == OPEN)
        .values(status=WITHDRAWN, updated_at=now)
    )
    return _rowcount(result) == 1


def free_slots(*, session: Session, service: str, after: datetime, limit: int = 20) -> list[AppointmentSlot]:
    """Open, unbooked times of a service starting after `after`, soonest first."""
    statement = (
        select(AppointmentSlot)
        .where(
            AppointmentSlot.service == service,
            AppointmentSlot.status == OPEN,
            col(AppointmentSlot.booked).is_(False),
            col(AppointmentSlot.starts_at) > after,
        )
        .order_by(col(AppointmentSlot.starts_at))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def all_slots(*, session: Session, after: datetime) -> list[AppointmentSlot]:
    """Every published time after `after` (booked or not), for staff."""
    statement = (
        select(AppointmentSlot)
        .where(col(AppointmentSlot.starts_at) > after, AppointmentSlot.status == OPEN)
        .order_by(col(AppointmentSlot.starts_at), col(AppointmentSlot.service))
    )
    return list(session.exec(statement).all())


def get_slot(*, session: Session, slot_id: int) -> AppointmentSlot | None:
    """One slot by id, fresh from the database."""
    return session.get(AppointmentSlot, slot_id, populate_existing=True)


def _take(session: Session, slot_id: int, now: datetime) -> bool:
    slots = table(AppointmentSlot)
    result = session.execute(
        update(slots)
        .where(slots.c.id == slot_id, slots.c.booked.is_(False), slots.c.status == OPEN)
        .values(booked=True, updated_at=now)
    )
    return _rowcount(result) == 1


def _release(session: Session, slot_id: int, now: datetime) -> None:
    slots = table(AppointmentSlot)
    session.execute(update(slots).where(slots.c.id == slot_id).values(booked=False, updated_at=now))


def book(
    *, session: Session, slot_id: int, user_id: int, now: datetime, topic: str | None = None
) -> BookResult:
    """Give the worker the slot if it is free; otherwise say it is taken (or already theirs)."""
    mine = session.exec(
        select(Appointment).where(
            Appointment.slot_id == slot_id, Appointment.user_id == user_id, Appointment.status == BOOKED
        )
    ).first()
    if mine is not None:
        return BookResult("already", mine)
    if not _take(session, slot_id, now):
        return BookResult("taken")
    appointment = Appointment(
        slot_id=slot_id, user_id=user_id, status=BOOKED, topic=topic, booked_at=now, updated_at=now
    )
    session.add(appointment)
    session.flush()
    return BookResult("booked", appointment)


def cancel(*, session: Session, appointment_id: int, now: datetime, status: str = CANCELLED) -> bool:
    """Cancel a booking and free its slot; False when it was not booked (nothing changes)."""
    appointments = table(Appointment)
    result = session.execute(
        update(appointments)
        .where(appointments.c.id == appointment_id, appointments.c.status == BOOKED)
        .values(status=status, updated_at=now, cancelled_at=now)
    )
    if _rowcount(result) != 1:
        return False
    found = session.get(Appointment, appointment_id, populate_existing=True)
    assert found is not None
    _release(session, found.slot_id, now)
    return True


def move(*, session: Session, appointment_id: int, slot_id: int, now: datetime) -> BookResult:
    """Book the new slot, then free the old one; when the new one is taken, the old booking stays."""
    old = session.get(Appointment, appointment_id, populate_existing=True)
    if old is None or old.status != BOOKED:
        return BookResult("taken")
    result = book(session=session, slot_id=slot_id, user_id=old.user_id, now=now, topic=old.topic)
    if result.outcome == "booked":
        cancel(session=session, appointment_id=appointment_id, now=now, status=MOVED)
    return result


def for_user(
    *, session: Session, user_id: int, after: datetime | None = None
) -> list[tuple[Appointment, AppointmentSlot]]:
    """The worker's booked appointments (optionally only those after `after`), soonest first."""
    statement = (
        select(Appointment, AppointmentSlot)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .where(Appointment.user_id == user_id, Appointment.status == BOOKED)
    )
    if after is not None:
        statement = statement.where(col(AppointmentSlot.starts_at) > after)
    statement = statement.order_by(col(AppointmentSlot.starts_at))
    return [(appointment, slot) for appointment, slot in session.exec(statement).all()]


def bookings(*, session: Session, after: datetime) -> list[tuple[Appointment, AppointmentSlot, User]]:
    """Every booked appointment after `after` with its worker, for staff."""
    statement = (
        select(Appointment, AppointmentSlot, User)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .join(User, col(User.id) == col(Appointment.user_id))
        .where(Appointment.status == BOOKED, col(AppointmentSlot.starts_at) > after)
        .order_by(col(AppointmentSlot.starts_at))
    )
    return [(appointment, slot, user) for appointment, slot, user in session.exec(statement).all()]


def due_reminders(
    *, session: Session, now: datetime, remind_before: timedelta
) -> list[tuple[Appointment, AppointmentSlot, User]]:
    """Booked appointments starting within `remind_before` from now; the outbox dedup key sends each once."""
    statement = (
        select(Appointment, AppointmentSlot, User)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .join(User, col(User.id) == col(Appointment.user_id))
        .where(
            Appointment.status == BOOKED,
            col(AppointmentSlot.starts_at) > now,
            col(AppointmentSlot.starts_at) <= now + remind_before,
        )
        .order_by(col(AppointmentSlot.starts_at))
    )
    return [(appointment, slot, user) for appointment, slot, user in session.exec(statement).all()]


def cancel_all_for_user(*, session: Session, user_id: int, now: datetime) -> int:
    """Cancel every upcoming booking of the worker (their data is being deleted); returns how many."""
    statement = (
        select(Appointment.id)
        .join(AppointmentSlot, col(AppointmentSlot.id) == col(Appointment.slot_id))
        .where(Appointment.user_id == user_id, Appointment.status == BOOKED, col(AppointmentSlot.starts_at) > now)
    )
    ids = [appointment_id for appointment_id in session.exec(statement).all() if appointment_id is not None]
    return sum(cancel(session=session, appointment_id=appointment_id, now=now) for appointment_id in ids)
