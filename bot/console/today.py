"""The start page after sign-in: what needs a person today, and the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import Console
from intents.staff.cases import list_cases, mediator_name, status_label
from intents.staff.desk import Desk
from intents.staff.meetings import upcoming_meetings
from storage import cases, events, signups, staff_accounts, tickets

SOON = timedelta(days=7)


def routes(console: Console) -> list[Route]:
    """/ (today) and /audit."""
    plan = console.services.plan

    def today(desk: Desk) -> dict[str, Any]:
        open_cases = list_cases(desk, open_only=True)
        meetings = [
            {"title": meeting.occurrence.routine.title, "at": meeting.occurrence.meeting_at,
             "moved": meeting.occurrence.moved_from is not None,
             "acknowledged": meeting.acknowledged, "waiting": meeting.waiting}
            for meeting in upcoming_meetings(desk, plan, days=2)
        ]
        soon = [event for event in events.open_events(session=desk.session, now=desk.now)
                if event.starts_at <= desk.now + SOON]
        waiting = signups.waitlist_counts(session=desk.session, event_ids=[event.id or 0 for event in soon])
        return {
            "tickets": [(tickets.ticket_number(ticket), ticket, desk.say(f"reason_{ticket.reason}"))
                        for ticket in tickets.list_tickets(session=desk.session, status="open")],
            "cases": [
                {"number": case.number, "urgent": case.urgent, "status": status_label(case.status, desk.say),
                 "overdue": case.overdue_at is not None and case.status in cases.OPEN_STATUSES,
                 "new": case.status == cases.ACCEPTED and case.assigned_staff is None,
                 "employer": case.employer_name or "-", "mediator": mediator_name(case, desk.say, desk.policy.staff_names)}
                for case in open_cases
                if case.urgent or case.overdue_at is not None or case.assigned_staff is None
            ],
            "meetings": meetings,
            "events": [{"event": event, "left": max(event.capacity - event.taken, 0),
                        "waiting": waiting.get(event.id or 0, 0)} for event in soon],
        }

    async def today_page(request: Request) -> Response:
        staff = await console.staff(request)
        values = await console.read(today)
        return console.render(request, "today.html", staff, **values)

    async def audit_page(request: Request) -> Response:
        staff = await console.staff(request)
        lines = await console.read(lambda desk: staff_accounts.audit_log(session=desk.session, limit=200))
        return console.render(request, "audit.html", staff, lines=lines)

    return [Route("/", today_page, methods=["GET"]), Route("/audit", audit_page, methods=["GET"])]
