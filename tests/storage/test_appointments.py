"""Appointment slots on SQLite and PostgreSQL: one booking per slot under concurrency, moves, cancellation."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage import appointments, session_scope
from storage.models import Appointment, AppointmentSlot
from storage.users import get_or_create_user
from tests.support.clock import SHANGHAI
from tests.support.concurrency import at_once

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
TUESDAY = datetime(2026, 12, 1, 14, 0, tzinfo=SHANGHAI)


def _slot(engine: Engine, starts_at: datetime = TUESDAY) -> int:
    with session_scope(engine) as session:
        appointments.publish(
            session=session, service="lawyer", starts_at=starts_at, minutes=45, place="二楼", now=NOW
        )
        slot = session.exec(select(AppointmentSlot).where(AppointmentSlot.starts_at == starts_at)).one()
        assert slot.id is not None
        return slot.id


def _users(engine: Engine, count: int) -> list[int]:
    with session_scope(engine) as session:
        users = [
            get_or_create_user(session=session, channel="console", external_id=f"a{number}", now=NOW)
            for number in range(count)
        ]
        return [user.id for user in users if user.id is not None]


def _book(engine: Engine, slot_id: int, user_id: int) -> appointments.BookResult:
    with session_scope(engine) as session:
        return appointments.book(session=session, slot_id=slot_id, user_id=user_id, now=NOW)


def _booked(engine: Engine, slot_id: int) -> list[Appointment]:
    with Session(engine) as session:
        statement = select(Appointment).where(Appointment.slot_id == slot_id, Appointment.status == "booked")
        return list(session.exec(statement).all())


def test_twenty_workers_booking_one_slot_at_once_give_it_to_one(engine: Engine) -> None:
    slot_id = _slot(engine)
    users = _users(engine, 20)
    results, errors = at_once(lambda user_id: _book(engine, slot_id, user_id).outcome, users)
    assert errors == []
    assert Counter(results) == {"booked": 1, "taken": 19}
    [booking] = _booked(engine, slot_id)
    assert booking.user_id in users


def test_publishing_the_same_time_twice_makes_one_slot(engine: Engine) -> None:
    first = _slot(engine)
    assert _slot(engine) == first


def test_the_database_refuses_a_second_active_booking_of_a_slot(engine: Engine) -> None:
    slot_id = _slot(engine)
    one, two = _users(engine, 2)
    _book(engine, slot_id, one)
    second = Appointment(slot_id=slot_id, user_id=two, status="booked", booked_at=NOW, updated_at=NOW)
    with Session(engine) as session:
        session.add(second)
        with pytest.raises(IntegrityError):
            session.flush()


def test_a_cancelled_slot_can_be_booked_again(engine: Engine) -> None:
    slot_id = _slot(engine)
    one, two = _users(engine, 2)
    first = _book(engine, slot_id, one)
    assert first.appointment is not None and first.appointment.id is not None
    assert _book(engine, slot_id, two).outcome == "taken"
    with session_scope(engine) as session:
        assert appointments.cancel(session=session, appointment_id=first.appointment.id, now=NOW)
    assert _book(engine, slot_id, two).outcome == "booked"


def test_a_move_to_a_taken_slot_keeps_the_old_booking(engine: Engine) -> None:
    tuesday = _slot(engine)
    wednesday = _slot(engine, datetime(2026, 12, 2, 14, 0, tzinfo=SHANGHAI))
    one, two = _users(engine, 2)
    mine = _book(engine, tuesday, one).appointment
    _book(engine, wednesday, two)
    assert mine is not None and mine.id is not None
    with session_scope(engine) as session:
        result = appointments.move(session=session, appointment_id=mine.id, slot_id=wednesday, now=NOW)
    assert result.outcome == "taken"
    assert [row.user_id for row in _booked(engine, tuesday)] == [one]
