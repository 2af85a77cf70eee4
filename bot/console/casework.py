"""Cases and tickets in the staff console: thin routes over the staff desk (intents/staff, what /status, /reply …
call); a refusal becomes the console's message, a case or ticket that is not there a 404."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import Console, done, query, text
from bot.masking import mask_personal
from intents.staff import cases as case_desk
from intents.staff import tickets as ticket_desk
from intents.staff.cases import mediator_name, sees_personal, status_label
from intents.staff.desk import Desk, Refusal
from storage import cases, tickets
from storage.models import Case

FILTERS = ("status", "urgent", "overdue", "mine")
T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NotFound(Exception):
    """The case or ticket named in the address does not exist."""


def _filtered(desk: Desk, staff_id: str, params: dict[str, str]) -> list[Case]:
    status = params["status"]
    return case_desk.list_cases(
        desk,
        status=status if status in cases.STATUSES else None,  # the query string is input: anything else is all
        open_only=status == "open",
        urgent=params["urgent"] == "1",
        overdue=params["overdue"] == "1",
        mine=staff_id if params["mine"] == "1" else None,
    )


def _case_or_404(desk: Desk, number: str) -> Case:
    try:
        return case_desk.find_case(desk, number=number)
    except Refusal as refusal:
        raise NotFound(number) from refusal


def _found(work: Callable[[], T]) -> T:
    """Run a desk action; a case or ticket that is not there is a 404."""
    try:
        return work()
    except Refusal as refusal:
        if refusal.key in ("staff_case_not_found", "staff_ticket_not_found"):
            raise NotFound(refusal.key) from refusal
        raise


def _personal(case: Case, staff_id: str, value: str | None) -> str:
    """A personal field as this staff member may see it (unmasked only for the assigned mediator)."""
    if not value:
        return "-"
    return value if sees_personal(case, staff_id) else mask_personal(value)


def case_rows(desk: Desk, found: list[Case], staff_id: str) -> list[list[Any]]:
    """The export's rows: one a case, phones masked unless the reader is the case's mediator."""
    return [
        [
            case.number,
            status_label(case.status, desk.say),
            "✓" if case.urgent else "",
            "✓" if case.overdue_at is not None else "",
            mediator_name(case, desk.say, desk.policy.staff_names),
            case.employer_name or "",
            case.worker_name or "",
            _personal(case, staff_id, case.worker_phone),
            case.amount_owed or 0,
            case.workers_affected or 0,
            case.period or "",
            desk.local(case.opened_at).strftime("%Y-%m-%d %H:%M"),
            desk.local(case.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for case in found
    ]


def xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """An .xlsx workbook with one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def routes(console: Console) -> list[Route]:
    """Cases (list, page, status, assignment, note, export) and tickets (list, transcript, reply, close)."""

    async def case_list(request: Request) -> Response:
        staff = await console.staff(request)
        params = dict(query(request, FILTERS))

        def work(desk: Desk) -> dict[str, Any]:
            found = _filtered(desk, staff.id, params)
            return {
                "cases": [
                    {
                        "number": case.number,
                        "status": status_label(case.status, desk.say),
                        "urgent": case.urgent,
                        "overdue": case.overdue_at is not None and case.status in cases.OPEN_STATUSES,
                        "employer": case.employer_name or "-",
                        "amount": case.amount_owed or 0,
                        "workers": case.workers_affected or 0,
                        "mediator": mediator_name(case, desk.say, desk.policy.staff_names),
                        "opened": case.opened_at,
                    }
                    for case in found
                ],
                "statuses": [(code, status_label(code, desk.say)) for code in cases.STATUSES],
            }

        values = await console.read(work)
        return console.render(request, "cases.html", staff, params=params, query=request.url.query, **values)

    async def case_export(request: Request) -> Response:
        staff = await console.staff(request)
        params = dict(query(request, FILTERS))

        def work(desk: Desk) -> bytes:
            header = console.say("console_case_columns").split("，")
            return xlsx("cases", header, case_rows(desk, _filtered(desk, staff.id, params), staff.id))

        body = await console.act(staff, "case_export", "", work, detail=str(params))
        return Response(
            body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="cases.xlsx"'}
        )

    async def case_page(request: Request) -> Response:
        staff = await console.staff(request)
        number = request.path_params["number"]

        def work(desk: Desk) -> dict[str, Any]:
            case = _case_or_404(desk, number)
            history = [
                {"at": event.at, "actor": event.actor, "kind": event.kind, "from": event.from_status,
                 "to": event.to_status, "note": event.note}
                for event in cases.events_of(session=desk.session, case=case)
            ]
            return {
                "case": case,
                "status": status_label(case.status, desk.say),
                "mediator": mediator_name(case, desk.say, desk.policy.staff_names),
                "phone": _personal(case, staff.id, case.worker_phone),
                "description": case.description if sees_personal(case, staff.id) else mask_personal(case.description or ""),
                "evidence": case.evidence if sees_personal(case, staff.id) else mask_personal(case.evidence or ""),
                "unmasked": sees_personal(case, staff.id),
                "history": history,
                "labels": {code: status_label(code, desk.say) for code in cases.STATUSES},
                "moves": [(code, status_label(code, desk.say)) for code in cases.TRANSITIONS[case.status]],
            }

        values = await console.read(work)
        return console.render(request, "case.html", staff, **values)

    async def case_status(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        number, status, note = request.path_params["number"], text(form, "status"), text(form, "note")

        def work(desk: Desk) -> case_desk.StatusChanged:
            return _found(lambda: case_desk.change_status(desk, number=number, status=status, note=note))

        try:
            await console.act(staff, "case_status", number, work, detail=f"{status} {note}")
        except Refusal:
            return done(f"/staff/cases/{number}", error="console_status_refused")
        return done(f"/staff/cases/{number}", "console_status_done")

    async def case_assign(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        number, target = request.path_params["number"], text(form, "staff")

        def work(desk: Desk) -> case_desk.Assigned:
            return _found(lambda: case_desk.assign_case(desk, number=number, staff=target))

        try:
            await console.act(staff, "case_assign", number, work, detail=target)
        except Refusal:
            return done(f"/staff/cases/{number}", error="console_unknown_staff")
        return done(f"/staff/cases/{number}", "console_assign_done")

    async def case_note(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        number, note = request.path_params["number"], text(form, "note")
        if not note:
            return done(f"/staff/cases/{number}")
        await console.act(
            staff, "case_note", number, lambda desk: _found(lambda: case_desk.add_note(desk, number=number, text=note))
        )
        return done(f"/staff/cases/{number}", "console_note_done")

    async def ticket_list(request: Request) -> Response:
        staff = await console.staff(request)
        show = request.query_params.get("show", "open")

        def work(desk: Desk) -> list[dict[str, Any]]:
            found = tickets.list_tickets(session=desk.session, status=None if show == "all" else "open")
            rows = []
            for ticket in found:
                thread = tickets.thread(session=desk.session, ticket=ticket)
                last = next((line.text for line in reversed(thread) if line.author == "worker"), "")
                rows.append({"number": tickets.ticket_number(ticket), "ticket": ticket,
                             "reason": desk.say(f"reason_{ticket.reason}"), "last": last[:60]})
            return rows

        rows = await console.read(work)
        return console.render(request, "tickets.html", staff, tickets=rows, show=show)

    async def ticket_page(request: Request) -> Response:
        staff = await console.staff(request)
        number = request.path_params["number"]

        def work(desk: Desk) -> dict[str, Any]:
            ticket = tickets.get_ticket(session=desk.session, number=number)
            if ticket is None:
                raise NotFound(number)
            return {"number": tickets.ticket_number(ticket), "ticket": ticket,
                    "reason": desk.say(f"reason_{ticket.reason}"),
                    "thread": tickets.thread(session=desk.session, ticket=ticket)}

        values = await console.read(work)
        return console.render(request, "ticket.html", staff, **values)

    async def ticket_reply(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        number, message = request.path_params["number"], text(form, "text")
        if not message:
            return done(f"/staff/tickets/{number}")

        def work(desk: Desk) -> ticket_desk.TicketDone:
            return _found(lambda: ticket_desk.reply_to_ticket(desk, number=number, text=message))

        await console.act(staff, "ticket_reply", number, work, detail=message)
        return done(f"/staff/tickets/{number}", "console_reply_done")

    async def ticket_close(request: Request) -> Response:
        staff = await console.staff(request)
        await console.form(request, staff)
        number = request.path_params["number"]

        def work(desk: Desk) -> ticket_desk.TicketDone:
            return _found(lambda: ticket_desk.close_ticket(desk, number=number))

        await console.act(staff, "ticket_close", number, work)
        return done("/staff/tickets", "console_ticket_closed")

    return [
        Route("/cases", case_list, methods=["GET"]),
        Route("/cases/export.xlsx", case_export, methods=["GET"]),
        Route("/cases/{number}", case_page, methods=["GET"]),
        Route("/cases/{number}/status", case_status, methods=["POST"]),
        Route("/cases/{number}/assign", case_assign, methods=["POST"]),
        Route("/cases/{number}/note", case_note, methods=["POST"]),
        Route("/tickets", ticket_list, methods=["GET"]),
        Route("/tickets/{number}", ticket_page, methods=["GET"]),
        Route("/tickets/{number}/reply", ticket_reply, methods=["POST"]),
        Route("/tickets/{number}/close", ticket_close, methods=["POST"]),
    ]
