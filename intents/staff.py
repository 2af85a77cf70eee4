"""Staff commands in chat (/cases, /case, /status, /assign, /tickets, /reply, /done, and the events' /events,
/export, /close) for staff listed in config.toml; anyone else who tries one is refused politely and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from intents.casework import (
    StaffDesk,
    case_detail,
    case_line,
    change_status,
    close_ticket,
    find_staff,
    parse_status,
    reply_to_ticket,
    status_label,
)
from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import clean
from intents.skills.appointments import staff_publish, staff_slots
from intents.skills.events import EVENT_COMMANDS, event_staff_command
from intents.turn import OutboxItem, Reply, Turn
from storage import cases, tickets

log = logging.getLogger(__name__)

Handler = Callable[[StaffDesk, str, list[str]], tuple[str, tuple[OutboxItem, ...]]]
Result = tuple[str, tuple[OutboxItem, ...]]


def _one(item: OutboxItem | None) -> tuple[OutboxItem, ...]:
    return (item,) if item is not None else ()


def _cases(desk: StaffDesk, _staff: str, _args: list[str]) -> Result:
    open_cases = [
        case for case in cases.list_cases(session=desk.session) if case.status not in cases.FINISHED
    ]
    if not open_cases:
        return desk.say("staff_no_cases"), ()
    lines = [
        desk.say("staff_cases_header", count=len(open_cases)),
        *(case_line(case, desk) for case in open_cases),
    ]
    return "\n".join(lines), ()


def _case(desk: StaffDesk, _staff: str, args: list[str]) -> Result:
    if not args:
        return desk.say("staff_help"), ()
    case = cases.get_case(session=desk.session, number=args[0])
    if case is None:
        return desk.say("staff_case_not_found", number=args[0]), ()
    return case_detail(case, desk), ()


def _status(desk: StaffDesk, staff: str, args: list[str]) -> Result:
    if len(args) < 2:
        return desk.say("staff_help"), ()
    case = cases.get_case(session=desk.session, number=args[0])
    if case is None:
        return desk.say("staff_case_not_found", number=args[0]), ()
    status = parse_status(args[1], desk)
    if status is None:
        labels = "、".join(status_label(code, desk) for code in cases.STATUSES)
        return desk.say("staff_status_unknown", status=args[1], allowed=labels), ()
    try:
        item = change_status(case, status, " ".join(args[2:]), staff, desk)
    except cases.CaseError:
        allowed = "、".join(status_label(code, desk) for code in cases.TRANSITIONS[case.status]) or "-"
        current = status_label(case.status, desk)
        return desk.say("staff_status_refused", number=case.number, current=current, allowed=allowed), ()
    return desk.say("staff_status_done", number=case.number, status=status_label(status, desk)), _one(item)


def _assign(desk: StaffDesk, staff: str, args: list[str]) -> Result:
    if len(args) < 2:
        return desk.say("staff_help"), ()
    case = cases.get_case(session=desk.session, number=args[0])
    if case is None:
        return desk.say("staff_case_not_found", number=args[0]), ()
    target = find_staff(args[1], desk)
    if target is None:
        return desk.say(
            "staff_unknown_staff", name=args[1], known="、".join(desk.policy.staff_names.values())
        ), ()
    cases.assign(session=desk.session, case=case, staff_id=target, actor=staff, now=desk.now)
    return desk.say("staff_assign_done", number=case.number, name=desk.policy.staff_names[target]), ()


def _tickets(desk: StaffDesk, _staff: str, _args: list[str]) -> Result:
    open_tickets = tickets.list_tickets(session=desk.session, status="open")
    if not open_tickets:
        return desk.say("staff_no_tickets"), ()
    lines = [desk.say("staff_tickets_header", count=len(open_tickets))]
    for ticket in open_tickets:
        thread = tickets.thread(session=desk.session, ticket=ticket)
        last_words = next((line.text for line in reversed(thread) if line.author == "worker"), "")
        lines.append(
            desk.say(
                "staff_ticket_line",
                ticket=tickets.ticket_number(ticket),
                opened=desk.local(ticket.opened_at).strftime("%m-%d %H:%M"),
                reason=desk.say(f"reason_{ticket.reason}"),
                preview=last_words[:30],
            )
        )
    return "\n".join(lines), ()


def _reply(desk: StaffDesk, staff: str, args: list[str]) -> Result:
    if len(args) < 2:
        return desk.say("staff_help"), ()
    ticket = tickets.get_ticket(session=desk.session, number=args[0])
    if ticket is None:
        return desk.say("staff_ticket_not_found", ticket=args[0]), ()
    item = reply_to_ticket(ticket, " ".join(args[1:]), staff, desk)
    return desk.say("staff_reply_done", ticket=tickets.ticket_number(ticket)), _one(item)


def _done(desk: StaffDesk, _staff: str, args: list[str]) -> Result:
    if not args:
        return desk.say("staff_help"), ()
    ticket = tickets.get_ticket(session=desk.session, number=args[0])
    if ticket is None:
        return desk.say("staff_ticket_not_found", ticket=args[0]), ()
    item = close_ticket(ticket, desk)
    return desk.say("staff_ticket_closed", ticket=tickets.ticket_number(ticket)), _one(item)


def _help(desk: StaffDesk, _staff: str, _args: list[str]) -> Result:
    return desk.say("staff_help"), ()


COMMANDS: dict[str, Handler] = {
    "cases": _cases,
    "case": _case,
    "status": _status,
    "assign": _assign,
    "tickets": _tickets,
    "reply": _reply,
    "done": _done,
    "staff": _help,
    "slot": staff_publish,
    "slots": staff_slots,
}


def staff_command(text: str, ctx: TurnContext) -> Turn | None:
    """Run a staff command, refuse it for anyone not listed as staff, or None when `text` is no staff command."""
    words = clean(text).split()
    if not words or not words[0].startswith(("/", "／")):
        return None
    name = words[0][1:].lower()
    handler = COMMANDS.get(name)
    if handler is None and name not in EVENT_COMMANDS:
        return None
    staff = ctx.policy.staff_id(ctx.inbound.channel, ctx.inbound.user_id)
    if staff is None:
        log.warning(
            "refused staff command /%s from %s user %s", name, ctx.inbound.channel, ctx.inbound.user_id
        )
        return Turn(Reply(ctx.say("staff_only"), IntentId.OUT_OF_SCOPE, 1.0))
    if handler is None:
        return event_staff_command(text, ctx)
    text_out, outbox = handler(StaffDesk.from_turn(ctx), staff, words[1:])
    return Turn(Reply(text_out, IntentId.HANDOFF, 1.0), outbox)
