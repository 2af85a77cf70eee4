"""The staff command table: what /cases, /case, /status, /assign, /tickets, /reply, /done (and the events'
/events, /export, /close) do, for chat. Each entry names the desk function it calls and how many words it
needs; the staff check is `Desk.for_account`, so anyone not listed as staff is refused (and logged) once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import clean
from intents.staff import appointments, cases, events, tickets
from intents.staff.desk import Desk, Refusal
from intents.turn import Reply, Turn


@dataclass(frozen=True, slots=True)
class Command:
    """A staff command: how many words it needs after its name, what it does with them, and the intent its
    reply is logged as; too few words get `help`."""

    min_args: int
    run: Callable[[Desk, list[str]], str]
    intent: IntentId = IntentId.HANDOFF
    help: str = "staff_help"


def _status(desk: Desk, args: list[str]) -> str:
    done = cases.change_status(desk, number=args[0], status=args[1], note=" ".join(args[2:]))
    return desk.say("staff_status_done", number=done.number, status=done.status_label)


def _assign(desk: Desk, args: list[str]) -> str:
    done = cases.assign_case(desk, number=args[0], staff=args[1])
    return desk.say("staff_assign_done", number=done.number, name=done.staff_name)


def _reply(desk: Desk, args: list[str]) -> str:
    done = tickets.reply_to_ticket(desk, number=args[0], text=" ".join(args[1:]))
    return desk.say("staff_reply_done", ticket=done.number)


def _done(desk: Desk, args: list[str]) -> str:
    done = tickets.close_ticket(desk, number=args[0])
    return desk.say("staff_ticket_closed", ticket=done.number)


def _close(desk: Desk, args: list[str]) -> str:
    done = events.close_event(desk, key=args[0])
    return desk.say("staff_event_closed", title=done.title, taken=done.taken)


COMMANDS: dict[str, Command] = {
    "cases": Command(0, lambda desk, _args: cases.open_cases_text(desk)),
    "case": Command(1, lambda desk, args: cases.case_detail(desk, cases.find_case(desk, number=args[0]))),
    "status": Command(2, _status),
    "assign": Command(2, _assign),
    "tickets": Command(0, lambda desk, _args: tickets.open_tickets_text(desk)),
    "reply": Command(2, _reply),
    "done": Command(1, _done),
    "staff": Command(0, lambda desk, _args: desk.say("staff_help")),
    "events": Command(0, lambda desk, _args: events.events_text(desk), IntentId.EVENT_LIST),
    "export": Command(
        1, lambda desk, args: events.roster_text(desk, key=args[0]), IntentId.EVENT_LIST, "staff_event_help"
    ),
    "close": Command(1, _close, IntentId.EVENT_LIST, "staff_event_help"),
    "slot": Command(0, appointments.publish_slot, IntentId.LEGAL_AID),
    "slots": Command(0, lambda desk, _args: appointments.slots_text(desk), IntentId.LEGAL_AID),
}


def staff_command(text: str, ctx: TurnContext) -> Turn | None:
    """Run a staff command, refuse it for anyone not listed as staff, or None when `text` is no staff command."""
    words = clean(text).split()
    if not words or not words[0].startswith(("/", "\uff0f")):  # "/" or the full-width slash
        return None
    name = words[0][1:].lower()
    command = COMMANDS.get(name)
    if command is None:
        return None
    try:
        desk = Desk.for_account(
            session=ctx.session,
            kb=ctx.kb,
            policy=ctx.policy,
            now=ctx.now,
            channel=ctx.inbound.channel,
            user_id=ctx.inbound.user_id,
            command=name,
        )
        args = words[1:]
        answer = command.run(desk, args) if len(args) >= command.min_args else desk.say(command.help)
    except Refusal as refusal:
        intent = IntentId.OUT_OF_SCOPE if refusal.key == "staff_only" else command.intent
        return Turn(Reply(refusal.render(ctx.say), intent, 1.0))
    return Turn(Reply(answer, command.intent, 1.0))
