"""Hand-off tickets at the staff desk: the open ones, a ticket's thread, answering (the answer reaches the
worker through the outbox) and closing (the worker is told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intents.staff.desk import Desk, Refusal
from storage import tickets
from storage.models import Ticket


@dataclass(frozen=True, slots=True)
class ThreadLine:
    """One line of a ticket's thread (times local); `author` is "worker", "bot" or a staff id."""

    at: datetime
    author: str
    author_name: str
    text: str


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """A ticket as a list shows it."""

    number: str  # T-007
    status: str  # open | closed
    reason: str  # request | crisis | not_understood
    reason_label: str
    opened_at: datetime
    last_worker_words: str  # what the worker said last, for a preview
    last_line: str  # the thread's last line, whoever wrote it


@dataclass(frozen=True, slots=True)
class TicketThread:
    """A ticket and its whole thread, oldest line first."""

    summary: TicketSummary
    lines: tuple[ThreadLine, ...]


@dataclass(frozen=True, slots=True)
class TicketDone:
    """A ticket answered or closed; `worker_told` when an outbox row to the worker was written."""

    number: str
    worker_told: bool


def find_ticket(desk: Desk, *, number: str) -> Ticket:
    """The ticket named `number` (T-007, t7, 7).

    Raises:
        Refusal: ("staff_ticket_not_found") there is no such ticket.
    """
    ticket = tickets.get_ticket(session=desk.session, number=number)
    if ticket is None:
        raise Refusal("staff_ticket_not_found", ticket=number)
    return ticket


def _author_name(desk: Desk, author: str) -> str:
    return desk.say(f"actor_{author}") if author in ("worker", "bot") else desk.staff_name(author)


def _thread(desk: Desk, ticket: Ticket) -> TicketThread:
    lines = tuple(
        ThreadLine(desk.local(line.at), line.author, _author_name(desk, line.author), line.text)
        for line in tickets.thread(session=desk.session, ticket=ticket)
    )
    worker_lines = [line.text for line in lines if line.author == "worker"]
    summary = TicketSummary(
        number=tickets.ticket_number(ticket),
        status=ticket.status,
        reason=ticket.reason,
        reason_label=desk.say(f"reason_{ticket.reason}"),
        opened_at=desk.local(ticket.opened_at),
        last_worker_words=worker_lines[-1] if worker_lines else "",
        last_line=lines[-1].text if lines else "",
    )
    return TicketThread(summary, lines)


def list_tickets(desk: Desk, *, include_closed: bool = False) -> list[TicketSummary]:
    """Open tickets (closed ones too with `include_closed`), oldest first."""
    found = tickets.list_tickets(session=desk.session, status=None if include_closed else "open")
    return [_thread(desk, ticket).summary for ticket in found]


def ticket_thread(desk: Desk, *, number: str) -> TicketThread:
    """The ticket's thread.

    Raises:
        Refusal: ("staff_ticket_not_found").
    """
    return _thread(desk, find_ticket(desk, number=number))


def reply_to_ticket(desk: Desk, *, number: str, text: str) -> TicketDone:
    """Add the desk's staff member's answer to the thread and send it to the worker.

    Raises:
        Refusal: ("staff_ticket_not_found").
    """
    ticket = find_ticket(desk, number=number)
    tickets.add_message(session=desk.session, ticket=ticket, author=desk.staff, text=text, now=desk.now)
    words = desk.say("ticket_reply_to_worker", staff=desk.staff_name(desk.staff), text=text)
    told = desk.send([desk.to_worker(ticket.user_id, words, "ticket_reply")])
    return TicketDone(tickets.ticket_number(ticket), told > 0)


def close_ticket(desk: Desk, *, number: str) -> TicketDone:
    """Close the ticket and tell the worker.

    Raises:
        Refusal: ("staff_ticket_not_found").
    """
    ticket = find_ticket(desk, number=number)
    tickets.close_ticket(session=desk.session, ticket=ticket, now=desk.now)
    name = tickets.ticket_number(ticket)
    told = desk.send(
        [desk.to_worker(ticket.user_id, desk.say("ticket_closed_worker", ticket=name), "ticket_closed")]
    )
    return TicketDone(name, told > 0)


def ticket_line(desk: Desk, summary: TicketSummary) -> str:
    """One ticket on one line: number, when opened, why, what the worker said last."""
    return desk.say(
        "staff_ticket_line",
        ticket=summary.number,
        opened=summary.opened_at.strftime("%m-%d %H:%M"),
        reason=summary.reason_label,
        preview=summary.last_worker_words[:30],
    )


def open_tickets_text(desk: Desk) -> str:
    """The open tickets as staff read them in chat: a header and one line each."""
    found = list_tickets(desk)
    if not found:
        return desk.say("staff_no_tickets")
    return "\n".join(
        [desk.say("staff_tickets_header", count=len(found)), *(ticket_line(desk, s) for s in found)]
    )


def thread_text(desk: Desk, thread: TicketThread) -> str:
    """A ticket's head line and its thread, one line each: when, who, what."""
    head = desk.say(
        "staff_thread_header",
        ticket=thread.summary.number,
        status=desk.say(f"ticket_status_{thread.summary.status}"),
        reason=thread.summary.reason_label,
    )
    lines = [
        desk.say(
            "staff_thread_line", at=line.at.strftime("%m-%d %H:%M"), author=line.author_name, text=line.text
        )
        for line in thread.lines
    ]
    return "\n".join([head, *lines])
