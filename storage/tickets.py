"""Hand-off tickets: a thread between one worker and the staff, numbered T-NNN."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.db import core
from storage.models import Ticket, TicketMessage, table

_tickets = table(Ticket)
_OPEN_TICKET = (
    core_select(_tickets.c.id)
    .where(_tickets.c.user_id == bindparam("user_id"), _tickets.c.status == "open")
    .order_by(_tickets.c.id.desc())
    .limit(1)
)


def ticket_number(ticket: Ticket) -> str:
    """How staff and workers name a ticket: T-007."""
    return f"T-{ticket.id:03d}"


def parse_number(text: str) -> int | None:
    """The id in "T-007" (or "t7", "7"), or None."""
    digits = text.strip().upper().removeprefix("T").lstrip("-")
    # Nine digits at most: a longer number is no ticket of ours and would overflow SQL's integer.
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


def open_ticket_of(*, session: Session, user_id: int) -> Ticket | None:
    """The worker's open ticket, if any.

    Asked on every turn (a worker's words join their open ticket), so the common answer, none, costs one
    cached Core statement; the ticket itself is loaded only when there is one.
    """
    ticket_id = core(session).execute(_OPEN_TICKET, {"user_id": user_id}).scalar()
    return None if ticket_id is None else session.get(Ticket, ticket_id)


def open_ticket(*, session: Session, user_id: int, reason: str, now: datetime) -> tuple[Ticket, bool]:
    """The worker's open ticket, opened now if there is none.

    Returns:
        The ticket and whether this call opened it.
    """
    existing = open_ticket_of(session=session, user_id=user_id)
    if existing is not None:
        existing.updated_at = now
        session.add(existing)
        return existing, False
    ticket = Ticket(user_id=user_id, status="open", reason=reason, opened_at=now, updated_at=now)
    session.add(ticket)
    session.flush()
    return ticket, True


def add_message(*, session: Session, ticket: Ticket, author: str, text: str, now: datetime) -> None:
    """Append a line to the ticket's thread."""
    assert ticket.id is not None
    session.add(TicketMessage(ticket_id=ticket.id, at=now, author=author, text=text))
    ticket.updated_at = now
    if author not in ("worker", "bot") and ticket.first_reply_at is None:
        ticket.first_reply_at = now
    session.add(ticket)


def get_ticket(*, session: Session, number: str) -> Ticket | None:
    """The ticket named "T-007", or None."""
    ticket_id = parse_number(number)
    return session.get(Ticket, ticket_id) if ticket_id is not None else None


def list_tickets(*, session: Session, status: str | None = "open") -> list[Ticket]:
    """Tickets of one status (all with None), oldest first."""
    statement = select(Ticket)
    if status is not None:
        statement = statement.where(Ticket.status == status)
    return list(session.exec(statement.order_by(col(Ticket.opened_at), col(Ticket.id))).all())


def thread(*, session: Session, ticket: Ticket) -> list[TicketMessage]:
    """The ticket's lines, oldest first."""
    statement = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    return list(session.exec(statement.order_by(col(TicketMessage.at), col(TicketMessage.id))).all())


def close_ticket(*, session: Session, ticket: Ticket, now: datetime) -> None:
    """Close the ticket; the worker's next hand-off opens a new one."""
    ticket.status = "closed"
    ticket.closed_at = now
    ticket.updated_at = now
    session.add(ticket)
