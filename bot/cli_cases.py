"""Staff command line for mediation cases and hand-off tickets: `python -m bot cases …`, `python -m bot tickets …`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bot.errors import BotError
from intents.casework import (
    StaffDesk,
    case_detail,
    case_line,
    change_status,
    close_ticket,
    find_staff,
    flag_overdue,
    parse_status,
    reply_to_ticket,
    status_label,
)
from intents.outbox import write as write_outbox
from intents.turn import OutboxItem
from storage import cases, session_scope, tickets
from storage.models import Case, Ticket


@contextmanager
def _desk(args: argparse.Namespace) -> Iterator[StaffDesk]:
    from bot.cli import services_for

    services = services_for(args)
    with session_scope(services.engine) as session:
        yield StaffDesk(session, services.kb, services.policy, services.clock.now())


def _enqueue(desk: StaffDesk, items: Sequence[OutboxItem | None]) -> None:
    write_outbox(session=desk.session, items=items, now=desk.now)


def _case_or_fail(desk: StaffDesk, number: str) -> Case:
    case = cases.get_case(session=desk.session, number=number)
    if case is None:
        raise BotError(f"no case {number}")
    return case


def _ticket_or_fail(desk: StaffDesk, number: str) -> Ticket:
    ticket = tickets.get_ticket(session=desk.session, number=number)
    if ticket is None:
        raise BotError(f"no ticket {number}")
    return ticket


def case_as_dict(case: Case, desk: StaffDesk) -> dict[str, Any]:
    """Every field of a case and its history, as JSON-ready data."""
    history = [
        {
            "at": desk.local(event.at).isoformat(timespec="seconds"),
            "actor": event.actor,
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "note": event.note,
        }
        for event in cases.events_of(session=desk.session, case=case)
    ]
    return {
        "number": case.number,
        "status": case.status,
        "status_label": status_label(case.status, desk),
        "urgent": case.urgent,
        "assigned_staff": case.assigned_staff,
        "employer_name": case.employer_name,
        "employer_address": case.employer_address,
        "worker_name": case.worker_name,
        "worker_phone": case.worker_phone,
        "amount_owed": case.amount_owed,
        "period": case.period,
        "workers_affected": case.workers_affected,
        "has_contract": case.has_contract,
        "evidence": case.evidence,
        "employment": case.employment,
        "description": case.description,
        "opened_at": desk.local(case.opened_at).isoformat(timespec="seconds"),
        "updated_at": desk.local(case.updated_at).isoformat(timespec="seconds"),
        "overdue": case.overdue_at is not None,
        "history": history,
    }


def cmd_cases_list(args: argparse.Namespace, out: TextIO) -> int:
    """List cases, urgent first."""
    with _desk(args) as desk:
        status = parse_status(args.status, desk) if args.status else None
        if args.status and status is None:
            raise BotError(f"unknown status {args.status!r}; one of {', '.join(cases.STATUSES)}")
        found = cases.list_cases(session=desk.session, status=status)
        for case in found:
            if args.json:
                row = case_as_dict(case, desk)
                row.pop("history")
                print(json.dumps(row, ensure_ascii=False), file=out)
            else:
                print(case_line(case, desk), file=out)
    return 0


def cmd_cases_show(args: argparse.Namespace, out: TextIO) -> int:
    """Show one case: every field, the history, urgent."""
    with _desk(args) as desk:
        case = _case_or_fail(desk, args.number)
        text = (
            json.dumps(case_as_dict(case, desk), ensure_ascii=False, indent=2)
            if args.json
            else case_detail(case, desk)
        )
        print(text, file=out)
    return 0


def cmd_cases_assign(args: argparse.Namespace, out: TextIO) -> int:
    """Give a case to a mediator."""
    with _desk(args) as desk:
        case = _case_or_fail(desk, args.number)
        staff = find_staff(args.staff, desk)
        if staff is None:
            raise BotError(f"no staff member {args.staff!r} in config.toml")
        cases.assign(session=desk.session, case=case, staff_id=staff, actor=args.by, now=desk.now)
        print(
            desk.say("staff_assign_done", number=case.number, name=desk.policy.staff_names[staff]), file=out
        )
    return 0


def cmd_cases_status(args: argparse.Namespace, out: TextIO) -> int:
    """Move a case to a new status; the worker is told through the outbox."""
    with _desk(args) as desk:
        case = _case_or_fail(desk, args.number)
        status = parse_status(args.status, desk)
        if status is None:
            raise BotError(f"unknown status {args.status!r}; one of {', '.join(cases.STATUSES)}")
        try:
            item = change_status(case, status, args.note, args.by, desk)
        except cases.CaseError as error:
            raise BotError(str(error)) from error
        _enqueue(desk, [item])
        print(desk.say("staff_status_done", number=case.number, status=status_label(status, desk)), file=out)
    return 0


def cmd_cases_overdue(args: argparse.Namespace, out: TextIO) -> int:
    """Flag overdue cases now (the scheduler does this daily)."""
    with _desk(args) as desk:
        items = flag_overdue(desk)
        _enqueue(desk, items)
        print(f"{len([item for item in items if item.channel != 'staff'])} case(s) flagged overdue", file=out)
    return 0


def cmd_cases_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write every case to an .xlsx workbook (one row a case)."""
    from openpyxl import Workbook

    with _desk(args) as desk:
        rows = [case_as_dict(case, desk) for case in cases.list_cases(session=desk.session)]
    columns = [key for key in (rows[0] if rows else case_columns()) if key != "history"]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "cases"
    sheet.append(columns)
    for row in rows:
        sheet.append([row[column] for column in columns])
    try:
        workbook.save(args.xlsx)
    except OSError as error:
        raise BotError(f"cannot write {args.xlsx}: {error.strerror}") from error
    print(f"{len(rows)} case(s) written to {args.xlsx}", file=out)
    return 0


def case_columns() -> list[str]:
    """Column names of an export with no case in it."""
    return [
        "number",
        "status",
        "status_label",
        "urgent",
        "assigned_staff",
        "employer_name",
        "employer_address",
        "worker_name",
        "worker_phone",
        "amount_owed",
        "period",
        "workers_affected",
        "has_contract",
        "evidence",
        "employment",
        "description",
        "opened_at",
        "updated_at",
        "overdue",
    ]


def cmd_tickets_list(args: argparse.Namespace, out: TextIO) -> int:
    """List open tickets (all with --all)."""
    with _desk(args) as desk:
        for ticket in tickets.list_tickets(session=desk.session, status=None if args.all else "open"):
            thread = tickets.thread(session=desk.session, ticket=ticket)
            row = {
                "ticket": tickets.ticket_number(ticket),
                "status": ticket.status,
                "reason": ticket.reason,
                "opened_at": desk.local(ticket.opened_at).isoformat(timespec="seconds"),
                "last": thread[-1].text[:60] if thread else "",
            }
            print(
                json.dumps(row, ensure_ascii=False) if args.json else "  ".join(map(str, row.values())),
                file=out,
            )
    return 0


def cmd_tickets_show(args: argparse.Namespace, out: TextIO) -> int:
    """Show a ticket's thread."""
    with _desk(args) as desk:
        ticket = _ticket_or_fail(desk, args.number)
        print(f"{tickets.ticket_number(ticket)} {ticket.status} {ticket.reason}", file=out)
        for line in tickets.thread(session=desk.session, ticket=ticket):
            print(f"{desk.local(line.at).strftime('%m-%d %H:%M')} {line.author}: {line.text}", file=out)
    return 0


def cmd_tickets_reply(args: argparse.Namespace, out: TextIO) -> int:
    """Answer a ticket; the answer reaches the worker through the outbox."""
    with _desk(args) as desk:
        ticket = _ticket_or_fail(desk, args.number)
        _enqueue(desk, [reply_to_ticket(ticket, args.text, args.by, desk)])
        print(desk.say("staff_reply_done", ticket=tickets.ticket_number(ticket)), file=out)
    return 0


def cmd_tickets_close(args: argparse.Namespace, out: TextIO) -> int:
    """Close a ticket; the worker is told."""
    with _desk(args) as desk:
        ticket = _ticket_or_fail(desk, args.number)
        _enqueue(desk, [close_ticket(ticket, desk)])
        print(desk.say("staff_ticket_closed", ticket=tickets.ticket_number(ticket)), file=out)
    return 0


def register(commands: Any) -> None:
    """Add the `cases` and `tickets` command groups."""
    case_parser = commands.add_parser("cases", help="mediation cases (staff)")
    case_commands = case_parser.add_subparsers(dest="cases_command", required=True)
    listing = case_commands.add_parser("list", help="list cases, urgent first")
    listing.add_argument("--status", help="only this status (code or Chinese label)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_cases_list)
    show = case_commands.add_parser("show", help="every field of one case and its history")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_cases_show)
    assign = case_commands.add_parser("assign", help="give a case to a mediator")
    assign.add_argument("number")
    assign.add_argument("staff", help="staff id or name from config.toml")
    assign.add_argument("--by", default="cli", help="who is making the change (staff id)")
    assign.set_defaults(handler=cmd_cases_assign)
    status = case_commands.add_parser("status", help="move a case to a new status; the worker is told")
    status.add_argument("number")
    status.add_argument("status", help="code (mediating …) or label (调解中 …)")
    status.add_argument("--note", required=True)
    status.add_argument("--by", default="cli", help="who is making the change (staff id)")
    status.set_defaults(handler=cmd_cases_status)
    overdue = case_commands.add_parser("overdue", help="flag cases past the mediation window now")
    overdue.set_defaults(handler=cmd_cases_overdue)
    export = case_commands.add_parser("export", help="write every case to a spreadsheet")
    export.add_argument("--xlsx", required=True, type=Path)
    export.set_defaults(handler=cmd_cases_export)

    ticket_parser = commands.add_parser("tickets", help="hand-off tickets (staff)")
    ticket_commands = ticket_parser.add_subparsers(dest="tickets_command", required=True)
    tickets_list = ticket_commands.add_parser("list", help="open tickets")
    tickets_list.add_argument("--all", action="store_true", help="closed ones too")
    tickets_list.add_argument("--json", action="store_true")
    tickets_list.set_defaults(handler=cmd_tickets_list)
    for name, handler, help_text in (
        ("show", cmd_tickets_show, "a ticket's thread"),
        ("close", cmd_tickets_close, "close a ticket; the worker is told"),
    ):
        sub = ticket_commands.add_parser(name, help=help_text)
        sub.add_argument("number", help="T-001")
        sub.set_defaults(handler=handler)
    reply = ticket_commands.add_parser(
        "reply", help="answer a ticket; it reaches the worker through the outbox"
    )
    reply.add_argument("number", help="T-001")
    reply.add_argument("text")
    reply.add_argument("--by", default="cli", help="who answers (staff id)")
    reply.set_defaults(handler=cmd_tickets_reply)
