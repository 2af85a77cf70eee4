"""Signups on SQLite and PostgreSQL: capacity under concurrency, waitlist order, cancel and promote, reminders."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import session_scope, signups
from storage.events import EventDraft, upsert
from storage.models import Event, Signup
from storage.users import get_or_create_user
from tests.support.clock import SHANGHAI

NOW = datetime(2027, 11, 20, 10, 0, tzinfo=SHANGHAI)


def _event(engine: Engine, capacity: int = 20, key: str = "yoga") -> int:
    draft = EventDraft(
        key=key,
        title="午间瑜伽（周二）",
        starts_at=datetime(2027, 12, 7, 12, 0, tzinfo=SHANGHAI),
        capacity=capacity,
        signup_deadline=datetime(2027, 12, 6, 18, 0, tzinfo=SHANGHAI),
    )
    with session_scope(engine) as session:
        event = upsert(session=session, draft=draft, now=NOW).event
        assert event.id is not None
        return event.id


def _users(engine: Engine, count: int) -> list[int]:
    ids = []
    with session_scope(engine) as session:
        for number in range(count):
            user = get_or_create_user(session=session, channel="console", external_id=f"w{number}", now=NOW)
            assert user.id is not None
            ids.append(user.id)
    return ids


def _sign_up(engine: Engine, event_id: int, user_id: int, at: datetime = NOW) -> signups.SignupResult:
    with session_scope(engine) as session:
        return signups.sign_up(session=session, event_id=event_id, user_id=user_id, now=at)


def _all(engine: Engine, event_id: int) -> tuple[Event, list[Signup]]:
    with Session(engine) as session:
        event = session.get(Event, event_id)
        assert event is not None
        rows = list(session.exec(select(Signup).where(Signup.event_id == event_id)).all())
        return event, rows


def test_fifty_concurrent_signups_fill_twenty_places_and_waitlist_thirty(engine: Engine) -> None:
    event_id = _event(engine, capacity=20)
    users = _users(engine, 50)
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker(user_id: int) -> None:
        try:
            barrier.wait()
            outcomes.append(_sign_up(engine, event_id, user_id).outcome)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(user_id,)) for user_id in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Counter(outcomes) == {"confirmed": 20, "waitlisted": 30}
    event, rows = _all(engine, event_id)
    assert event.taken == 20
    assert Counter(row.status for row in rows) == {"confirmed": 20, "waitlisted": 30}
    assert len({row.user_id for row in rows}) == 50  # nobody twice

    with session_scope(engine) as session:
        waiting = sorted(
            (row for row in rows if row.status == "waitlisted"), key=lambda row: (row.signed_up_at, row.id)
        )
        first_in_line = waiting[0]
        confirmed = next(row for row in rows if row.status == "confirmed")
        assert confirmed.id is not None
        result = signups.cancel(session=session, signup_id=confirmed.id, now=NOW)
    assert result.previous == "confirmed"
    assert result.promoted is not None and result.promoted.id == first_in_line.id
    event, rows = _all(engine, event_id)
    assert event.taken == 20
    assert Counter(row.status for row in rows) == {"confirmed": 20, "waitlisted": 29, "cancelled": 1}


def test_a_second_signup_of_the_same_worker_is_already(engine: Engine) -> None:
    event_id = _event(engine, capacity=1)
    first, second = _users(engine, 2)
    assert _sign_up(engine, event_id, first).outcome == "confirmed"
    again = _sign_up(engine, event_id, first)
    assert again.outcome == "already" and again.signup.status == "confirmed"
    waiting = _sign_up(engine, event_id, second)
    assert (waiting.outcome, waiting.position) == ("waitlisted", 1)
    assert _sign_up(engine, event_id, second).position == 1


def test_waitlist_positions_follow_signup_time(engine: Engine) -> None:
    event_id = _event(engine, capacity=1)
    users = _users(engine, 4)
    results = [_sign_up(engine, event_id, user, NOW + timedelta(minutes=n)) for n, user in enumerate(users)]
    assert [(r.outcome, r.position) for r in results] == [
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]
    with session_scope(engine) as session:
        second = results[1].signup
        assert second.id is not None
        cancelled = signups.cancel(session=session, signup_id=second.id, now=NOW)
        assert cancelled.promoted is None  # a waitlisted signup frees no place
        assert signups.position(session=session, signup=results[3].signup) == 2


def test_cancelling_with_nobody_waiting_frees_the_place(engine: Engine) -> None:
    event_id = _event(engine, capacity=1)
    first, second = _users(engine, 2)
    signup = _sign_up(engine, event_id, first).signup
    assert signup.id is not None
    with session_scope(engine) as session:
        assert signups.cancel(session=session, signup_id=signup.id, now=NOW).promoted is None
    assert _all(engine, event_id)[0].taken == 0
    assert _sign_up(engine, event_id, second).outcome == "confirmed"
    rejoin = _sign_up(engine, event_id, first, NOW + timedelta(hours=1))
    assert (rejoin.outcome, rejoin.position) == ("waitlisted", 1)


def test_raising_the_capacity_moves_the_waitlist_up(engine: Engine) -> None:
    event_id = _event(engine, capacity=1)
    users = _users(engine, 3)
    for n, user in enumerate(users):
        _sign_up(engine, event_id, user, NOW + timedelta(minutes=n))
    _event(engine, capacity=2)  # re-import with one more place
    with session_scope(engine) as session:
        promoted = signups.fill_places(session=session, event_id=event_id, now=NOW)
    assert [row.user_id for row in promoted] == [users[1]]
    event, rows = _all(engine, event_id)
    assert event.taken == 2
    assert Counter(row.status for row in rows) == {"confirmed": 2, "waitlisted": 1}


def test_due_reminders_are_the_confirmed_signups_of_events_starting_soon(engine: Engine) -> None:
    event_id = _event(engine, capacity=1)
    first, second = _users(engine, 2)
    _sign_up(engine, event_id, first)
    _sign_up(engine, event_id, second)
    starts = datetime(2027, 12, 7, 12, 0, tzinfo=SHANGHAI)
    with Session(engine) as session:
        too_early = signups.due_reminders(
            session=session, now=starts - timedelta(days=2), remind_before=timedelta(days=1)
        )
        due = signups.due_reminders(
            session=session, now=starts - timedelta(hours=20), remind_before=timedelta(days=1)
        )
        after = signups.due_reminders(
            session=session, now=starts + timedelta(minutes=1), remind_before=timedelta(days=1)
        )
    assert too_early == [] and after == []
    assert [user.id for _, _, user in due] == [first]


@pytest.mark.parametrize("capacity", [0, 3])
def test_taken_never_exceeds_capacity(engine: Engine, capacity: int) -> None:
    event_id = _event(engine, capacity=capacity)
    for user in _users(engine, 5):
        _sign_up(engine, event_id, user)
    event, rows = _all(engine, event_id)
    assert event.taken == capacity == sum(row.status == "confirmed" for row in rows)
