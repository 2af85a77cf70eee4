"""Case work at the staff desk: list, read, assign, move a case's status (telling the worker), flag overdue
cases; and the lines and JSON-ready records each front end shows.

The status words (调解中 …) are replies (status_<code>); a worker's own case view uses the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from intents.staff.desk import Desk, Refusal
from intents.turn import OutboxItem
from storage import cases
from storage.models import Case, CaseEvent

Say = Callable[..., str]


def status_label(status: str, say: Say) -> str:
    """The Chinese word for a case status (replies: status_<code>)."""
    return say(f"status_{status}")


def mediator_name(case: Case, say: Say, staff_names: Mapping[str, str]) -> str:
    """The assigned mediator's name, or "正在安排"."""
    if case.assigned_staff is None:
        return say("mediator_unassigned")
    return staff_names.get(case.assigned_staff, case.assigned_staff)


def parse_status(desk: Desk, *, word: str) -> str:
    """A status code from its code or its Chinese label (调解中 → mediating).

    Raises:
        Refusal: ("staff_status_unknown") no such status; the reply lists the statuses there are.
    """
    if word in cases.STATUSES:
        return word
    for code in cases.STATUSES:
        if status_label(code, desk.say) == word:
            return code
    allowed = desk.joined(status_label(code, desk.say) for code in cases.STATUSES)
    raise Refusal("staff_status_unknown", status=word, allowed=allowed)


# ---- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of a case: when, who, what kind, between which statuses, with which note."""

    at: datetime
    actor: str
    kind: str  # opened | assigned | status | info | note | overdue
    from_status: str | None
    to_status: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """Every field of a case as staff see it (times local); the export's columns are its fields."""

    number: str
    status: str
    status_label: str
    urgent: bool
    assigned_staff: str | None
    employer_name: str | None
    employer_address: str | None
    worker_name: str | None
    worker_phone: str | None
    amount_owed: int | None
    period: str | None
    workers_affected: int | None
    has_contract: bool | None
    evidence: str | None
    employment: str | None
    description: str | None
    opened_at: datetime
    updated_at: datetime
    overdue: bool
    history: tuple[HistoryEntry, ...] = ()

    def as_dict(self, *, history: bool = True) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 with their offset; without the history when `history` is False."""
        data = asdict(self)
        if not history:
            data.pop("history")
        return {key: _iso(value) for key, value in data.items()}


def _iso(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(item) for item in value]
    return value


def case_columns() -> list[str]:
    """The columns of a case export: the fields of CaseRecord but its history."""
    return [field.name for field in fields(CaseRecord) if field.name != "history"]


def find_case(desk: Desk, *, number: str) -> Case:
    """The case numbered `number` (QX-20261204-001, any case).

    Raises:
        Refusal: ("staff_case_not_found") there is no such case.
    """
    case = cases.get_case(session=desk.session, number=number)
    if case is None:
        raise Refusal("staff_case_not_found", number=number)
    return case


def list_cases(
    desk: Desk,
    *,
    status: str | None = None,
    open_only: bool = False,
    urgent: bool = False,
    overdue: bool = False,
    mine: str | None = None,
) -> list[Case]:
    """Cases, urgent first then oldest first: of one status (code or label) or all, and optionally only the
    open ones (not finished), the urgent ones, the overdue ones still without agreement, or those of `mine`.

    Raises:
        Refusal: ("staff_status_unknown") `status` names no status.
    """
    code = parse_status(desk, word=status) if status else None
    found = cases.list_cases(session=desk.session, status=code)
    return [
        case
        for case in found
        if (not open_only or case.status not in cases.FINISHED)
        and (not urgent or case.urgent)
        and (not overdue or (case.overdue_at is not None and case.status in cases.OPEN_STATUSES))
        and (mine is None or case.assigned_staff == mine)
    ]


def sees_personal(case: Case, staff: str) -> bool:
    """Whether this staff member may see the worker's phone and ID numbers unmasked: only the assigned mediator."""
    return case.assigned_staff is not None and case.assigned_staff == staff


def case_record(desk: Desk, case: Case, *, history: bool = True) -> CaseRecord:
    """The case as a record, with its history unless `history` is False."""
    events: list[CaseEvent] = cases.events_of(session=desk.session, case=case) if history else []
    return CaseRecord(
        number=case.number,
        status=case.status,
        status_label=status_label(case.status, desk.say),
        urgent=case.urgent,
        assigned_staff=case.assigned_staff,
        employer_name=case.employer_name,
        employer_address=case.employer_address,
        worker_name=case.worker_name,
        worker_phone=case.worker_phone,
        amount_owed=case.amount_owed,
        period=case.period,
        workers_affected=case.workers_affected,
        has_contract=case.has_contract,
        evidence=case.evidence,
        employment=case.employment,
        description=case.description,
        opened_at=desk.local(case.opened_at),
        updated_at=desk.local(case.updated_at),
        overdue=case.overdue_at is not None,
        history=tuple(
            HistoryEntry(desk.local(e.at), e.actor, e.kind, e.from_status, e.to_status, e.note)
            for e in events
        ),
    )


# ---- rendering for chat and the command line -------------------------------------------------------------


def case_line(desk: Desk, case: Case) -> str:
    """One case on one line, for lists."""
    return desk.say(
        "staff_case_line",
        number=case.number,
        urgent=desk.say("urgent_mark") if case.urgent else "",
        status=status_label(case.status, desk.say),
        employer=case.employer_name or "-",
        amount=case.amount_owed or 0,
        workers=case.workers_affected or 0,
        mediator=mediator_name(case, desk.say, desk.policy.staff_names),
    )


def open_cases_text(desk: Desk) -> str:
    """The open cases as staff read them in chat: a header and one line each."""
    found = list_cases(desk, open_only=True)
    if not found:
        return desk.say("staff_no_cases")
    return "\n".join([desk.say("staff_cases_header", count=len(found)), *(case_line(desk, c) for c in found)])


def _history_words(desk: Desk, entry: HistoryEntry) -> str:
    if entry.kind == "opened":
        return desk.say("event_opened")
    if entry.kind == "assigned":
        return desk.say("event_assigned", name=desk.staff_name(entry.note or ""))
    if entry.kind == "info":
        return desk.say("event_info", note=entry.note or "")
    if entry.kind == "overdue":
        return desk.say("event_overdue")
    if entry.kind == "note":
        return desk.say("event_internal_note", note=entry.note or "")
    return desk.say(
        "event_status",
        from_status=status_label(entry.from_status, desk.say) if entry.from_status else "",
        to_status=status_label(entry.to_status, desk.say) if entry.to_status else "",
        note=desk.say("event_status_note", note=entry.note) if entry.note else "",
    )


def _actor_name(desk: Desk, actor: str) -> str:
    return desk.say("actor_worker") if actor == "worker" else desk.staff_name(actor)


def case_detail(desk: Desk, case: Case) -> str:
    """Every field the worker gave, the history and the urgent flag: what a mediator reads first."""
    record = case_record(desk, case)
    history = "\n".join(
        desk.say(
            "staff_history_line",
            at=entry.at.strftime("%m-%d %H:%M"),
            actor=_actor_name(desk, entry.actor),
            what=_history_words(desk, entry),
        )
        for entry in record.history
    )
    return desk.say(
        "staff_case_detail",
        number=record.number,
        urgent=desk.say("urgent_mark") if record.urgent else "",
        status=record.status_label,
        mediator=mediator_name(case, desk.say, desk.policy.staff_names),
        employer_name=record.employer_name or "-",
        employer_address=record.employer_address or "-",
        worker_name=record.worker_name or "-",
        worker_phone=record.worker_phone or "-",
        amount_owed=record.amount_owed or 0,
        period=record.period or "-",
        workers_affected=record.workers_affected or 0,
        contract=desk.say("contract_yes") if record.has_contract else desk.say("contract_no"),
        employment=record.employment or "-",
        evidence=record.evidence or "-",
        description=record.description or "-",
        opened=record.opened_at.strftime("%Y-%m-%d %H:%M"),
        history=history,
    )


# ---- changing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assigned:
    """A case given to a mediator."""

    number: str
    staff: str
    staff_name: str


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """A case moved to a new status; `worker_told` when an outbox row to the worker was written."""

    number: str
    status: str
    status_label: str
    worker_told: bool


def assign_case(desk: Desk, *, number: str, staff: str) -> Assigned:
    """Give the case to a mediator (a staff id or name from config.toml); recorded as the desk's staff's act.

    Raises:
        Refusal: ("staff_case_not_found", "staff_unknown_staff").
    """
    case = find_case(desk, number=number)
    target = desk.find_staff(staff)
    cases.assign(session=desk.session, case=case, staff_id=target, actor=desk.staff, now=desk.now)
    return Assigned(case.number, target, desk.staff_name(target))


def change_status(desk: Desk, *, number: str, status: str, note: str = "") -> StatusChanged:
    """Move the case to `status` (code or label), record who, when and the note, and tell the worker.

    Raises:
        Refusal: ("staff_case_not_found", "staff_status_unknown", or "staff_status_refused" with the moves
            the current status allows, in Chinese).
    """
    case = find_case(desk, number=number)
    code = parse_status(desk, word=status)
    if code not in cases.TRANSITIONS[case.status]:
        allowed = cases.TRANSITIONS[case.status]
        raise Refusal(
            "staff_status_refused" if allowed else "staff_status_final",
            number=case.number,
            current=status_label(case.status, desk.say),
            allowed=desk.joined(status_label(move, desk.say) for move in allowed),
        )
    cases.set_status(session=desk.session, case=case, status=code, actor=desk.staff, note=note, now=desk.now)
    label = status_label(code, desk.say)
    text = desk.say("case_update_worker", number=case.number, status=label, note=note)
    told = desk.send([desk.to_worker(case.user_id, text, "case_update")])
    return StatusChanged(case.number, code, label, told > 0)


def add_note(desk: Desk, *, number: str, text: str) -> str:
    """An internal note on the case by the desk's staff member: in its history for staff, never sent to the
    worker. Returns the case number.

    Raises:
        Refusal: ("staff_case_not_found").
    """
    case = find_case(desk, number=number)
    cases.add_note(session=desk.session, case=case, text=text, actor=desk.staff, now=desk.now)
    return case.number


def flag_overdue(desk: Desk) -> list[str]:
    """Flag cases without agreement `overdue_days` after opening; remind staff, tell the worker about arbitration.

    Idempotent: a case is flagged once, whoever runs this and however often (the scheduler runs it daily).

    Returns:
        The numbers of the cases this call flagged.
    """
    days = desk.policy.overdue_days
    flagged: list[str] = []
    for case in cases.due_overdue(session=desk.session, now=desk.now, days=days):
        if not cases.mark_overdue(session=desk.session, case=case, now=desk.now):
            continue
        flagged.append(case.number)
        staff = (case.assigned_staff,) if case.assigned_staff else desk.policy.on_duty(desk.local(desk.now))
        reminder = desk.say("case_overdue_staff", number=case.number, days=days)
        worker = desk.say("case_overdue_worker", number=case.number, days=days)
        desk.send(
            [
                *(OutboxItem("staff", member, reminder, "case_overdue") for member in staff),
                desk.to_worker(case.user_id, worker, "case_overdue"),
            ]
        )
    return flagged
