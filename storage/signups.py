"""Signups: take a place or join the waitlist atomically, cancel and promote, and the queries around them.

Capacity is enforced by the database, never by reading a count in Python and writing after it:

- a place is taken with ``UPDATE events SET taken = taken + 1 WHERE id = ? AND taken < capacity`` and the
  row count says whether it was free (PostgreSQL re-checks the condition on the newest row version after
  waiting for a concurrent update; SQLite runs every transaction under its write lock, see db.py);
- ``UNIQUE (event_id, user_id)`` makes a second signup of the same worker impossible, whatever the race;
- everything that moves a place from one worker to another (cancel → promote the first on the waitlist)
  runs under the event's row lock, so a place is never handed out twice and never left free while
  someone waits.

Invariant: while anyone is on an event's waitlist, `taken` equals `capacity` (a freed place goes straight to
the first in line), so a newcomer cannot jump the queue. Every function flushes at most; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, and_, func, or_, update
from sqlmodel import Session, col, select

from storage.db import insert_ignore
from storage.events import EVENT_CANCELLED
from storage.models import Event, Signup, User, table

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
ACTIVE = (CONFIRMED, WAITLISTED)


@dataclass(frozen=True, slots=True)
class SignupResult:
    """What a signup did: took a place, joined the waitlist (at `position`, from 1), or found one already."""

    outcome: Literal["confirmed", "waitlisted", "already"]
    signup: Signup
    position: int | None = None  # waitlist position when the signup is (or already was) waitlisted


@dataclass(frozen=True, slots=True)
class CancelResult:
    """A cancellation: the signup's status before, and the worker who moved up into the freed place."""

    signup: Signup
    previous: str
    promoted: Signup | None = None


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _lock_event(session: Session, event_id: int) -> None:
    # FOR NO KEY UPDATE on PostgreSQL: the same lock the taken-counter UPDATE takes, and one that does not
    # conflict with the KEY SHARE lock each signup's foreign key holds on the event (plain FOR UPDATE would,
    # and two signups that each inserted a row then asked for it would deadlock). SQLite renders no clause:
    # its transactions already hold the write lock.
    events = table(Event)
    session.execute(select(events.c.id).where(events.c.id == event_id).with_for_update(key_share=True))


def _take_place(session: Session, event_id: int) -> bool:
    events = table(Event)
    result = session.execute(
        update(events)
        .where(events.c.id == event_id, events.c.taken < events.c.capacity)
        .values(taken=events.c.taken + 1)
    )
    return _rowcount(result) == 1


def _set_status(session: Session, signup_id: int, status: str, now: datetime, **more: Any) -> None:
    signups = table(Signup)
    session.execute(
        update(signups).where(signups.c.id == signup_id).values(status=status, updated_at=now, **more)
    )


def _reload(session: Session, signup_id: int) -> Signup:
    signup = session.get(Signup, signup_id, populate_existing=True)
    assert signup is not None
    return signup


def sign_up(
    *, session: Session, event_id: int, user_id: int, now: datetime, member: bool | None = None
) -> SignupResult:
    """Give the worker a place at the event if one is free, else a waitlist position; never twice.

    Whether the event is still open (deadline, closed, cancelled) is the caller's check: this function only
    guards capacity and uniqueness. A worker who had cancelled joins again at the back of the queue.

    Args:
        member: the worker's answer to "are you a union member", recorded with the signup.
    """
    inserted = insert_ignore(
        session,
        Signup,
        event_id=event_id,
        user_id=user_id,
        status=WAITLISTED,
        member=member,
        signed_up_at=now,
        updated_at=now,
    )
    if inserted is not None:
        signup_id = inserted
    else:
        existing = find(session=session, event_id=event_id, user_id=user_id)
        assert existing is not None and existing.id is not None
        existing_id = existing.id
        signups = table(Signup)
        rejoined = session.execute(
            update(signups)
            .where(signups.c.id == existing_id, signups.c.status == CANCELLED)
            .values(status=WAITLISTED, member=member, signed_up_at=now, updated_at=now, cancelled_at=None)
        )
        if _rowcount(rejoined) == 0:
            existing = _reload(session, existing_id)
            waiting = existing.status == WAITLISTED
            return SignupResult(
                "already", existing, position(session=session, signup=existing) if waiting else None
            )
        signup_id = existing_id
    confirmed = _take_place(session, event_id)
    if not confirmed:
        # Full as far as this transaction saw. Take the event's lock and look once more: a cancellation
        # that committed meanwhile has either promoted someone (still full) or, with nobody waiting,
        # freed the place for us; any cancellation after this sees our waitlist row.
        _lock_event(session, event_id)
        confirmed = _take_place(session, event_id)
    if confirmed:
        _set_status(session, signup_id, CONFIRMED, now)
        return SignupResult("confirmed", _reload(session, signup_id))
    signup = _reload(session, signup_id)
    return SignupResult("waitlisted", signup, position(session=session, signup=signup))


def cancel(*, session: Session, signup_id: int, now: datetime) -> CancelResult:
    """Cancel a signup; a freed place goes to the first on the waitlist in the same transaction.

    The caller tells the promoted worker (an outbox row in the same transaction). Cancelling a signup that is
    not active changes nothing.
    """
    found = session.get(Signup, signup_id)
    if found is None:
        raise LookupError(f"no signup {signup_id}")
    _lock_event(session, found.event_id)
    signup = _reload(session, signup_id)
    previous = signup.status
    if previous not in ACTIVE:
        return CancelResult(signup, previous)
    _set_status(session, signup_id, CANCELLED, now, cancelled_at=now)
    promoted: Signup | None = None
    if previous == CONFIRMED:
        first = _first_waiting(session, signup.event_id)
        if first is not None:
            assert first.id is not None
            _set_status(session, first.id, CONFIRMED, now)
            promoted = _reload(session, first.id)
        else:
            events = table(Event)
            session.execute(
                update(events)
                .where(events.c.id == signup.event_id, events.c.taken > 0)
                .values(taken=events.c.taken - 1)
            )
    return CancelResult(_reload(session, signup_id), previous, promoted)


def fill_places(*, session: Session, event_id: int, now: datetime) -> list[Signup]:
    """Move waitlisted workers up while places are free (after staff raised the capacity); returns them."""
    _lock_event(session, event_id)
    promoted: list[Signup] = []
    while (first := _first_waiting(session, event_id)) is not None and _take_place(session, event_id):
        assert first.id is not None
        _set_status(session, first.id, CONFIRMED, now)
        promoted.append(_reload(session, first.id))
    return promoted


def _first_waiting(session: Session, event_id: int) -> Signup | None:
    statement = (
        select(Signup)
        .where(Signup.event_id == event_id, Signup.status == WAITLISTED)
        .order_by(col(Signup.signed_up_at), col(Signup.id))
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).first()


def position(*, session: Session, signup: Signup) -> int:
    """The signup's place in its event's waitlist, from 1 (by signup time, then id)."""
    ahead = session.exec(
        select(func.count())
        .select_from(Signup)
        .where(
            Signup.event_id == signup.event_id,
            Signup.status == WAITLISTED,
            or_(
                col(Signup.signed_up_at) < signup.signed_up_at,
                and_(col(Signup.signed_up_at) == signup.signed_up_at, col(Signup.id) < signup.id),
            ),
        )
    ).one()
    return int(ahead) + 1


def find(*, session: Session, event_id: int, user_id: int) -> Signup | None:
    """The worker's signup row for the event (any status), or None."""
    statement = (
        select(Signup)
        .where(Signup.event_id == event_id, Signup.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).first()


def for_user(*, session: Session, user_id: int, active_only: bool = False) -> list[tuple[Signup, Event]]:
    """The worker's signups with their events, soonest event first."""
    statement = select(Signup, Event).join(Event, col(Event.id) == col(Signup.event_id))
    statement = statement.where(Signup.user_id == user_id)
    if active_only:
        statement = statement.where(col(Signup.status).in_(ACTIVE))
    statement = statement.order_by(col(Event.starts_at), col(Event.id))
    return [(signup, event) for signup, event in session.exec(statement).all()]


def roster(*, session: Session, event_id: int) -> list[tuple[Signup, User]]:
    """Everyone who signed up for the event, in signup order (cancelled ones included, with their status)."""
    statement = (
        select(Signup, User)
        .join(User, col(User.id) == col(Signup.user_id))
        .where(Signup.event_id == event_id)
        .order_by(col(Signup.signed_up_at), col(Signup.id))
    )
    return [(signup, user) for signup, user in session.exec(statement).all()]


def waitlist_counts(*, session: Session, event_ids: list[int]) -> dict[int, int]:
    """How many wait for each of these events."""
    if not event_ids:
        return {}
    statement = (
        select(Signup.event_id, func.count())
        .where(col(Signup.event_id).in_(event_ids), Signup.status == WAITLISTED)
        .group_by(col(Signup.event_id))
    )
    return {event_id: int(count) for event_id, count in session.exec(statement).all()}


def last_member_answer(*, session: Session, user_id: int) -> bool | None:
    """The worker's most recent answer to "are you a union member", or None when never asked."""
    statement = (
        select(Signup.member)
        .where(Signup.user_id == user_id, col(Signup.member).is_not(None))
        .order_by(col(Signup.signed_up_at).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def due_reminders(
    *, session: Session, now: datetime, remind_before: timedelta
) -> list[tuple[Signup, Event, User]]:
    """Confirmed signups whose event starts within `remind_before` from now (and has not started).

    Sending each once is the outbox's dedup key's job, so the scheduler may call this as often as it likes.
    """
    statement = (
        select(Signup, Event, User)
        .join(Event, col(Event.id) == col(Signup.event_id))
        .join(User, col(User.id) == col(Signup.user_id))
        .where(
            Signup.status == CONFIRMED,
            col(Event.status) != EVENT_CANCELLED,
            col(Event.starts_at) > now,
            col(Event.starts_at) <= now + remind_before,
        )
        .order_by(col(Event.starts_at), col(Signup.id))
    )
    return [(signup, event, user) for signup, event, user in session.exec(statement).all()]
