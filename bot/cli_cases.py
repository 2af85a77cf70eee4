"""Command line for mediation cases and hand-off tickets: `python -m bot cases …`, `python -m bot tickets …`.

It renders what the staff desk (intents/staff) returns; every sentence is a reply from knowledge/replies.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from bot.cli_desk import operator_desk
from bot.errors import SaidError
from intents.staff import cases, tickets


def cmd_cases_list(args: argparse.Namespace, out: TextIO) -> int:
    """List cases, urgent first."""
    with operator_desk(args) as desk:
        for case in cases.list_cases(desk, status=args.status):
            if args.json:
                record = cases.case_record(desk, case, history=False)
                print(json.dumps(record.as_dict(history=False), ensure_ascii=False), file=out)
            else:
                print(cases.case_line(desk, case), file=out)
    return 0


def cmd_cases_show(args: argparse.Namespace, out: TextIO) -> int:
    """Show one case: every field, the history, urgent."""
    with operator_desk(args) as desk:
        case = cases.find_case(desk, number=args.number)
        if args.json:
            print(json.dumps(cases.case_record(desk, case).as_dict(), ensure_ascii=False, indent=2), file=out)
        else:
            print(cases.case_detail(desk, case), file=out)
    return 0


def cmd_cases_assign(args: argparse.Namespace, out: TextIO) -> int:
    """Give a case to a mediator."""
    with operator_desk(args, staff=args.by) as desk:
        done = cases.assign_case(desk, number=args.number, staff=args.staff)
        print(desk.say("staff_assign_done", number=done.number, name=done.staff_name), file=out)
    return 0


def cmd_cases_status(args: argparse.Namespace, out: TextIO) -> int:
    """Move a case to a new status; the worker is told through the outbox."""
    with operator_desk(args, staff=args.by) as desk:
        done = cases.change_status(desk, number=args.number, status=args.status, note=args.note)
        print(desk.say("staff_status_done", number=done.number, status=done.status_label), file=out)
    return 0


def cmd_cases_overdue(args: argparse.Namespace, out: TextIO) -> int:
    """Flag overdue cases now (the scheduler does this daily)."""
    with operator_desk(args) as desk:
        flagged = cases.flag_overdue(desk)
        print(desk.say("cli_cases_overdue", count=len(flagged)), file=out)
    return 0


def cmd_cases_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write every case to an .xlsx workbook (one row a case)."""
    from openpyxl import Workbook

    with operator_desk(args) as desk:
        rows = [
            cases.case_record(desk, case, history=False).as_dict(history=False)
            for case in cases.list_cases(desk)
        ]
        columns = cases.case_columns()
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
            raise SaidError(desk.say("cli_cannot_write", path=args.xlsx, reason=error.strerror)) from error
        print(desk.say("cli_cases_exported", count=len(rows), path=args.xlsx), file=out)
    return 0


def cmd_tickets_list(args: argparse.Namespace, out: TextIO) -> int:
    """List open tickets (all with --all)."""
    with operator_desk(args) as desk:
        for summary in tickets.list_tickets(desk, include_closed=args.all):
            if args.json:
                row = {
                    "ticket": summary.number,
                    "status": summary.status,
                    "reason": summary.reason,
                    "opened_at": summary.opened_at.isoformat(timespec="seconds"),
                    "last": summary.last_line[:60],
                }
                print(json.dumps(row, ensure_ascii=False), file=out)
            else:
                print(tickets.ticket_line(desk, summary), file=out)
    return 0


def cmd_tickets_show(args: argparse.Namespace, out: TextIO) -> int:
    """Show a ticket's thread."""
    with operator_desk(args) as desk:
        print(tickets.thread_text(desk, tickets.ticket_thread(desk, number=args.number)), file=out)
    return 0


def cmd_tickets_reply(args: argparse.Namespace, out: TextIO) -> int:
    """Answer a ticket; the answer reaches the worker through the outbox."""
    with operator_desk(args, staff=args.by) as desk:
        done = tickets.reply_to_ticket(desk, number=args.number, text=args.text)
        print(desk.say("staff_reply_done", ticket=done.number), file=out)
    return 0


def cmd_tickets_close(args: argparse.Namespace, out: TextIO) -> int:
    """Close a ticket; the worker is told."""
    with operator_desk(args) as desk:
        done = tickets.close_ticket(desk, number=args.number)
        print(desk.say("staff_ticket_closed", ticket=done.number), file=out)
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
    assign.add_argument("--by", default=None, help="who is making the change (staff id)")
    assign.set_defaults(handler=cmd_cases_assign)
    status = case_commands.add_parser("status", help="move a case to a new status; the worker is told")
    status.add_argument("number")
    status.add_argument("status", help="status code (mediating …) or its Chinese label")
    status.add_argument("--note", required=True)
    status.add_argument("--by", default=None, help="who is making the change (staff id)")
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
    reply.add_argument("--by", default=None, help="who answers (staff id)")
    reply.set_defaults(handler=cmd_tickets_reply)
