"""Events: create or update by key (never touching signups), open events, close, cancel, weekly series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlmodel import Session, and_, col, or_, select

from storage.models import Event, Signup, User

EVENT_OPEN = "open"
EVENT_CLOSED = "closed"
EVENT_CANCELLED = "cancelled"
ACTIVE_SIGNUP = ("confirmed", "waitlisted")  # storage.signups.ACTIVE, here to avoid an import cycle


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event as staff describe it (import file, `events add`); times are timezone-aware."""

    key: str
    title: str
    starts_at: datetime
    capacity: int
    ends_at: datetime | None = None
    place: str = ""
    aliases: tuple[str, ...] = ()
    signup_deadline: datetime | None = None
    members_only: bool = False
    description: str = ""
    repeat_weekly: bool = False


@dataclass(frozen=True, slots=True)
class Upserted:
    """The stored event and whether it was new."""

    event: Event
    created: bool


def signup_closes_at(event: Event) -> datetime:
    """When signup ends: the deadline, or the start when the event has none."""
    return event.signup_deadline or event.starts_at


def upsert(*, session: Session, draft: EventDraft, now: datetime, series_key: str | None = None) -> Upserted:
    """Create the event `draft.key`, or update its details; its signups, status and `taken` are kept.

    A lower capacity than the places already taken keeps every confirmed worker (nobody is dropped); a
    higher one leaves the waitlist to `storage.signups.fill_places`.
    """
    if draft.capacity < 0:
        raise ValueError(f"event {draft.key}: capacity must not be negative")
    fields: dict[str, Any] = {
        "title": draft.title,
        "aliases": list(draft.aliases),
        "starts_at": draft.starts_at,
        "ends_at": draft.ends_at,
        "place": draft.place,
        "capacity": draft.capacity,
        "signup_deadline": draft.signup_deadline,
        "members_only": draft.members_only,
        "description": draft.description,
        "repeat_weekly": draft.repeat_weekly,
        "updated_at": now,
    }
    event = by_key(session=session, key=draft.key)
    created = event is None
    if event is None:
        event = Event(
            key=draft.key, taken=0, status=EVENT_OPEN, series_key=series_key, created_at=now, **fields
        )
    else:
        for name, value in fields.items():
            setattr(event, name, value)
    session.add(event)
    session.flush()
    return Upserted(event, created)


def get(*, session: Session, event_id: int) -> Event | None:
    """The event with this id (fresh from the database), or None."""
    return session.get(Event, event_id, populate_existing=True)


def by_key(*, session: Session, key: str) -> Event | None:
    """The event with this key, or None."""
    return session.exec(
        select(Event).where(Event.key == key).execution_options(populate_existing=True)
    ).first()


def open_events(*, session: Session, now: datetime, limit: int | None = None) -> list[Event]:
    """Events a worker can still sign up for (open, before the deadline or the start), soonest first."""
    statement = (
        select(Event)
        .where(
            Event.status == EVENT_OPEN,
            or_(
                and_(col(Event.signup_deadline).is_not(None), col(Event.signup_deadline) > now),
                and_(col(Event.signup_deadline).is_(None), col(Event.starts_at) > now),
            ),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .execution_options(populate_existing=True)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement).all())


def all_events(*, session: Session, since: datetime | None = None) -> list[Event]:
    """Every event (optionally only those not ended before `since`), soonest first."""
    statement = select(Event).order_by(col(Event.starts_at), col(Event.id))
    if since is not None:
        statement = statement.where(or_(col(Event.starts_at) >= since, col(Event.ends_at) >= since))
    return list(session.exec(statement.execution_options(populate_existing=True)).all())


def close(*, session: Session, event: Event, now: datetime) -> None:
    """Stop signups for the event; everyone signed up keeps their place or waitlist position."""
    event.status = EVENT_CLOSED
    event.updated_at = now
    session.add(event)
    session.flush()


def cancel(*, session: Session, event: Event, reason: str, now: datetime) -> list[tuple[Signup, User]]:
    """Call the event off; returns everyone with an active signup, whom the caller tells (outbox)."""
    event.status = EVENT_CANCELLED
    event.cancel_reason = reason[:256]
    event.updated_at = now
    session.add(event)
    session.flush()
    statement = (
        select(Signup, User)
        .join(User, col(User.id) == col(Signup.user_id))
        .where(Signup.event_id == event.id, col(Signup.status).in_(ACTIVE_SIGNUP))
        .order_by(col(Signup.signed_up_at), col(Signup.id))
    )
    return [(signup, user) for signup, user in session.exec(statement).all()]


def occurrence_key(series_key: str, starts_at: datetime) -> str:
    """The key of one generated occurrence of a weekly series: `yoga-tue@2027-12-14`."""
    return f"{series_key}@{starts_at.date().isoformat()}"


def extend_series(
    *, session: Session, now: datetime, ahead: timedelta, tz: tzinfo | None = None
) -> list[Event]:
    """Create the occurrences of every weekly series that start within `ahead` from now; returns the new ones.

    Each occurrence copies its definition (title, aliases, place, capacity, deadline offset …) shifted by
    whole weeks, in local time so a series keeps its wall-clock hour. Running it twice creates nothing new.

    Args:
        tz: the station's time zone, for the week arithmetic (default: the definition's own offset).
    """
    definitions: Sequence[Event] = session.exec(
        select(Event).where(col(Event.repeat_weekly).is_(True), Event.status != EVENT_CANCELLED)
    ).all()
    created: list[Event] = []
    horizon = now + ahead
    for definition in definitions:
        base = definition.starts_at.astimezone(tz) if tz is not None else definition.starts_at
        week = 1
        while (starts := base + timedelta(weeks=week)) <= horizon:
            week += 1
            if starts <= now:
                continue
            key = occurrence_key(definition.key, starts)
            if by_key(session=session, key=key) is not None:
                continue
            shift = starts - base

            def shifted(moment: datetime | None, shift: timedelta = shift) -> datetime | None:
                return (moment.astimezone(tz) if tz else moment) + shift if moment else None

            draft = EventDraft(
                key=key,
                title=definition.title,
                starts_at=starts,
                capacity=definition.capacity,
                ends_at=shifted(definition.ends_at),
                place=definition.place,
                aliases=tuple(definition.aliases),
                signup_deadline=shifted(definition.signup_deadline),
                members_only=definition.members_only,
                description=definition.description,
            )
            created.append(upsert(session=session, draft=draft, now=now, series_key=definition.key).event)
    return created
