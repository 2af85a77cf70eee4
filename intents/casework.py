"""Case and ticket work shared by staff chat commands and the staff command line: render for staff, change
status (telling the worker), assign, answer and close tickets, flag overdue cases.

Every function takes a StaffDesk (session, knowledge, policy, time) and returns what to say plus the
outbox rows to write; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from intents.context import DialoguePolicy, Speaks, TurnContext
from intents.turn import OutboxItem
from knowledge import KnowledgeBase
from storage import cases, tickets
from storage.models import Case, Ticket, User


@dataclass(frozen=True, slots=True)
class StaffDesk(Speaks):
    """What staff work needs: the session, the replies, the policy (staff, duty, time zone) and the time."""

    session: Session
    kb: KnowledgeBase
    policy: DialoguePolicy
    now: datetime

    @classmethod
    def from_turn(cls, ctx: TurnContext) -> StaffDesk:
        """The desk of a chat turn."""
        return cls(ctx.session, ctx.kb, ctx.policy, ctx.now)

    def local(self, moment: datetime) -> datetime:
        """`moment` in the station's time zone."""
        return moment.astimezone(self.policy.timezone)


def status_label(status: str, desk: StaffDesk | TurnContext) -> str:
    """The Chinese word for a case status (replies: status_<code>)."""
    return desk.say(f"status_{status}")


def mediator_name(case: Case, desk: StaffDesk | TurnContext) -> str:
    """The assigned mediator's name, or "正在安排"."""
    if case.assigned_staff is None:
        return desk.say("mediator_unassigned")
    return desk.policy.staff_names.get(case.assigned_staff, case.assigned_staff)


def parse_status(word: str, desk: StaffDesk) -> str | None:
    """A status code from its code or its Chinese label (调解中 → mediating)."""
    if word in cases.STATUSES:
        return word
    return next((code for code in cases.STATUSES if status_label(code, desk) == word), None)


def find_staff(name: str, desk: StaffDesk) -> str | None:
    """A staff id from an id or a name as config.toml writes it."""
    if name in desk.policy.staff_names:
        return name
    return next((staff for staff, staff_name in desk.policy.staff_names.items() if staff_name == name), None)


def to_worker(desk: StaffDesk, user_id: int, text: str, reason: str) -> OutboxItem | None:
    """An outbox row to the worker on the channel they wrote from."""
    worker = desk.session.get(User, user_id)
    if worker is None:
        return None
    return OutboxItem(worker.channel, worker.external_id, text, reason)


def case_line(case: Case, desk: StaffDesk) -> str:
    """One case on one line, for lists."""
    return desk.say(
        "staff_case_line",
        number=case.number,
        urgent=desk.say("urgent_mark") if case.urgent else "",
        status=status_label(case.status, desk),
        employer=case.employer_name or "-",
        amount=case.amount_owed or 0,
        workers=case.workers_affected or 0,
        mediator=mediator_name(case, desk),
    )


def _actor(actor: str, desk: StaffDesk) -> str:
    if actor in ("worker", "system"):
        return desk.say(f"actor_{actor}")
    return desk.policy.staff_names.get(actor, actor)


def _event_words(
    kind: str, note: str | None, from_status: str | None, to_status: str | None, desk: StaffDesk
) -> str:
    if kind == "opened":
        return desk.say("event_opened")
    if kind == "assigned":
        return desk.say("event_assigned", name=desk.policy.staff_names.get(note or "", note or ""))
    if kind == "info":
        return desk.say("event_info", note=note or "")
    if kind == "overdue":
        return desk.say("event_overdue")
    if kind == "note":
        return desk.say("event_internal_note", note=note or "")
    return desk.say(
        "event_status",
        from_status=status_label(from_status, desk) if from_status else "",
        to_status=status_label(to_status, desk) if to_status else "",
        note=f"（{note}）" if note else "",
    )


def case_detail(case: Case, desk: StaffDesk) -> str:
    """Every field the worker gave, the history and the urgent flag: what a mediator reads first."""
    history = "\n".join(
        desk.say(
            "staff_history_line",
            at=desk.local(event.at).strftime("%m-%d %H:%M"),
            actor=_actor(event.actor, desk),
            what=_event_words(event.kind, event.note, event.from_status, event.to_status, desk),
        )
        for event in cases.events_of(session=desk.session, case=case)
    )
    return desk.say(
        "staff_case_detail",
        number=case.number,
        urgent=desk.say("urgent_mark") if case.urgent else "",
        status=status_label(case.status, desk),
        mediator=mediator_name(case, desk),
        employer_name=case.employer_name or "-",
        employer_address=case.employer_address or "-",
        worker_name=case.worker_name or "-",
        worker_phone=case.worker_phone or "-",
        amount_owed=case.amount_owed or 0,
        period=case.period or "-",
        workers_affected=case.workers_affected or 0,
        contract=desk.say("contract_yes") if case.has_contract else desk.say("contract_no"),
        employment=case.employment or "-",
        evidence=case.evidence or "-",
        description=case.description or "-",
        opened=desk.local(case.opened_at).strftime("%Y-%m-%d %H:%M"),
        history=history,
    )


def change_status(case: Case, status: str, note: str, actor: str, desk: StaffDesk) -> OutboxItem | None:
    """Record the change (who, when, note) and tell the worker; returns the worker's outbox row.

    Raises:
        cases.CaseError: the move is not allowed from the current status.
    """
    cases.set_status(session=desk.session, case=case, status=status, actor=actor, note=note, now=desk.now)
    text = desk.say("case_update_worker", number=case.number, status=status_label(status, desk), note=note)
    return to_worker(desk, case.user_id, text, "case_update")


def reply_to_ticket(ticket: Ticket, text: str, staff: str, desk: StaffDesk) -> OutboxItem | None:
    """Add a staff answer to the ticket's thread; returns the outbox row that carries it to the worker."""
    tickets.add_message(session=desk.session, ticket=ticket, author=staff, text=text, now=desk.now)
    name = desk.policy.staff_names.get(staff, staff)
    return to_worker(
        desk, ticket.user_id, desk.say("ticket_reply_to_worker", staff=name, text=text), "ticket_reply"
    )


def close_ticket(ticket: Ticket, desk: StaffDesk) -> OutboxItem | None:
    """Close the ticket and tell the worker."""
    tickets.close_ticket(session=desk.session, ticket=ticket, now=desk.now)
    number = tickets.ticket_number(ticket)
    return to_worker(desk, ticket.user_id, desk.say("ticket_closed_worker", ticket=number), "ticket_closed")


def flag_overdue(desk: StaffDesk) -> list[OutboxItem]:
    """Flag cases without agreement `overdue_days` after opening; remind staff, tell the worker about arbitration.

    Idempotent: a case is flagged once, whoever runs this and however often (the scheduler runs it daily).
    """
    days = desk.policy.overdue_days
    outbox: list[OutboxItem] = []
    for case in cases.due_overdue(session=desk.session, now=desk.now, days=days):
        if not cases.mark_overdue(session=desk.session, case=case, now=desk.now):
            continue
        staff = (case.assigned_staff,) if case.assigned_staff else desk.policy.on_duty(desk.local(desk.now))
        reminder = desk.say("case_overdue_staff", number=case.number, days=days)
        outbox += [OutboxItem("staff", member, reminder, "case_overdue") for member in staff]
        worker = to_worker(
            desk, case.user_id, desk.say("case_overdue_worker", number=case.number, days=days), "case_overdue"
        )
        if worker is not None:
            outbox.append(worker)
    return outbox


def sees_personal(case: Case, staff: str) -> bool:
    """Whether this staff member may see the worker's phone and ID numbers unmasked: only the assigned mediator."""
    return case.assigned_staff is not None and case.assigned_staff == staff


def find_cases(
    desk: StaffDesk, *, status: str | None = None, urgent: bool = False, overdue: bool = False, mine: str | None = None
) -> list[Case]:
    """Cases for a staff list: by status ("open" means not finished), urgent only, overdue only, assigned to `mine`."""
    found = cases.list_cases(session=desk.session, status=status if status in cases.STATUSES else None)
    if status == "open":
        found = [case for case in found if case.status not in cases.FINISHED]
    if urgent:
        found = [case for case in found if case.urgent]
    if overdue:
        found = [case for case in found if case.overdue_at is not None and case.status in cases.OPEN_STATUSES]
    if mine is not None:
        found = [case for case in found if case.assigned_staff == mine]
    return found


def add_note(case: Case, text: str, staff: str, desk: StaffDesk) -> None:
    """An internal note on the case: in its history for staff, never sent to the worker."""
    cases.add_note(session=desk.session, case=case, text=text, actor=staff, now=desk.now)
