"""The month's figures for the monthly meeting: raw rows per aggregate, counted and grouped by bot/report.py.

Each function returns plain rows for a period [start, end); the caller buckets them by local day, intent or
status (in Python, the same on SQLite and PostgreSQL). A month is a few thousand rows at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Case, CaseEvent, Event, InboundMessage, ReplyLog, Signup, Ticket, User


@dataclass(frozen=True, slots=True)
class Inquiry:
    """One message a worker sent and how the bot answered it."""

    at: datetime
    channel: str
    user: str  # the channel's user id
    intent: str
    answered: bool
    text: str


def inquiries(*, session: Session, start: datetime, end: datetime) -> list[Inquiry]:
    """Messages received in [start, end) that got a reply, oldest first (follows and unfollows left out)."""
    statement = (
        select(InboundMessage, ReplyLog, User)
        .join(ReplyLog, col(ReplyLog.inbound_id) == col(InboundMessage.id))
        .join(User, col(User.id) == col(InboundMessage.user_id))
        .where(col(InboundMessage.received_at) >= start, col(InboundMessage.received_at) < end)
        .where(col(InboundMessage.kind).not_in(["subscribe", "unsubscribe"]))
        .order_by(col(InboundMessage.received_at), col(InboundMessage.id))
    )
    return [
        Inquiry(
            message.received_at, message.channel, user.external_id, reply.intent, reply.answered, message.text
        )
        for message, reply, user in session.exec(statement).all()
    ]


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """Cases opened, finished and flagged overdue in the period, and every case's status now."""

    opened: int
    finished: int
    overdue: int
    by_status: dict[str, int]


def case_figures(
    *, session: Session, start: datetime, end: datetime, finished: tuple[str, ...]
) -> CaseFigures:
    """Case counts for [start, end); `finished` are the statuses that end a case (storage.cases.FINISHED)."""
    all_cases = list(session.exec(select(Case)).all())
    by_status: dict[str, int] = {}
    for case in all_cases:
        by_status[case.status] = by_status.get(case.status, 0) + 1
    finished_ids = set(
        session.exec(
            select(CaseEvent.case_id)
            .where(CaseEvent.kind == "status", col(CaseEvent.to_status).in_(list(finished)))
            .where(col(CaseEvent.at) >= start, col(CaseEvent.at) < end)
        ).all()
    )
    return CaseFigures(
        opened=sum(start <= case.opened_at < end for case in all_cases),
        finished=len(finished_ids),
        overdue=sum(case.overdue_at is not None and start <= case.overdue_at < end for case in all_cases),
        by_status=by_status,
    )


def tickets_opened(*, session: Session, start: datetime, end: datetime) -> list[Ticket]:
    """Hand-off tickets opened in [start, end), oldest first."""
    statement = (
        select(Ticket)
        .where(col(Ticket.opened_at) >= start, col(Ticket.opened_at) < end)
        .order_by(col(Ticket.opened_at))
    )
    return list(session.exec(statement).all())


def tickets_closed(*, session: Session, start: datetime, end: datetime) -> int:
    """How many tickets were closed in [start, end)."""
    statement = select(Ticket.id).where(col(Ticket.closed_at) >= start, col(Ticket.closed_at) < end)
    return len(session.exec(statement).all())


@dataclass(frozen=True, slots=True)
class EventFigures:
    """One event with the signups made in the period, by where they stand now."""

    title: str
    starts_at: datetime
    status: str
    capacity: int
    confirmed: int
    waitlisted: int
    cancelled: int

    @property
    def made(self) -> int:
        """Signups made in the period."""
        return self.confirmed + self.waitlisted + self.cancelled


def event_figures(*, session: Session, start: datetime, end: datetime) -> list[EventFigures]:
    """Signups made in [start, end), by event (soonest event first), with where they stand now.

    What staff count for the month is the signups workers made in it, whenever the event takes place.
    """
    rows = session.exec(
        select(Signup.status, Event)
        .join(Event, col(Event.id) == col(Signup.event_id))
        .where(col(Signup.signed_up_at) >= start, col(Signup.signed_up_at) < end)
        .order_by(col(Event.starts_at), col(Event.id))
    ).all()
    by_event: dict[int, tuple[Event, list[str]]] = {}
    for status, event in rows:
        assert event.id is not None
        by_event.setdefault(event.id, (event, []))[1].append(status)
    return [
        EventFigures(
            title=event.title,
            starts_at=event.starts_at,
            status=event.status,
            capacity=event.capacity,
            confirmed=statuses.count("confirmed"),
            waitlisted=statuses.count("waitlisted"),
            cancelled=statuses.count("cancelled"),
        )
        for event, statuses in by_event.values()
    ]

def known_names(*, session: Session) -> set[str]:
    """Every worker's name the service holds (to mask them in lists shown to staff)."""
    return {name for name in session.exec(select(User.name).where(col(User.name).is_not(None))).all() if name}
