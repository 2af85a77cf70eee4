"""Mediation cases: numbered per day, with every change recorded; only the owner and staff read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select, update

from storage.db import dialect_insert
from storage.models import Case, CaseEvent, DailyCounter, table

# The statuses a case moves through, in order, and the moves staff may make.
ACCEPTED = "accepted"
MEDIATING = "mediating"
AGREED = "agreed"
FAILED = "failed"
TO_INSPECTION = "to_inspection"
TO_ARBITRATION = "to_arbitration"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
STATUSES = (ACCEPTED, MEDIATING, AGREED, FAILED, TO_INSPECTION, TO_ARBITRATION, CLOSED, WITHDRAWN)
OPEN_STATUSES = (ACCEPTED, MEDIATING)  # no agreement yet: these become overdue
FINISHED = (CLOSED, WITHDRAWN)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ACCEPTED: (MEDIATING, AGREED, FAILED, CLOSED, WITHDRAWN),
    MEDIATING: (AGREED, FAILED, WITHDRAWN),
    AGREED: (CLOSED,),
    FAILED: (TO_INSPECTION, TO_ARBITRATION, CLOSED),
    TO_INSPECTION: (CLOSED,),
    TO_ARBITRATION: (CLOSED,),
    CLOSED: (),
    WITHDRAWN: (),
}


class CaseError(Exception):
    """A change the case's state does not allow (the message is for staff, in English)."""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the worker told the intake form."""

    employer_name: str
    employer_address: str
    worker_name: str
    worker_phone: str
    amount_owed: int
    period: str
    workers_affected: int
    has_contract: bool
    evidence: str
    employment: str
    description: str


def _next_number(*, session: Session, day: date) -> str:
    # One upsert advances the day's counter and returns it: atomic on SQLite and PostgreSQL alike.
    key = f"case:{day:%Y%m%d}"
    counters = table(DailyCounter)
    statement = (
        dialect_insert(session, DailyCounter)
        .values(name=key, last=1)
        .on_conflict_do_update(index_elements=[counters.c.name], set_={"last": counters.c.last + 1})
        .returning(counters.c.last)
    )
    sequence = int(session.execute(statement).scalar_one())
    return f"QX-{day:%Y%m%d}-{sequence:03d}"


def open_case(
    *, session: Session, user_id: int, facts: CaseFacts, urgent: bool, local_day: date, now: datetime
) -> Case:
    """Open a case numbered QX-<local day>-NNN and record its opening."""
    case = Case(
        number=_next_number(session=session, day=local_day),
        user_id=user_id,
        status=ACCEPTED,
        urgent=urgent,
        employer_name=facts.employer_name,
        employer_address=facts.employer_address,
        worker_name=facts.worker_name,
        worker_phone=facts.worker_phone,
        amount_owed=facts.amount_owed,
        period=facts.period,
        workers_affected=facts.workers_affected,
        has_contract=facts.has_contract,
        evidence=facts.evidence,
        employment=facts.employment,
        description=facts.description,
        consent_at=now,
        opened_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    _record(session=session, case=case, actor="worker", kind="opened", now=now, to_status=ACCEPTED)
    return case


def _record(
    *,
    session: Session,
    case: Case,
    actor: str,
    kind: str,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> CaseEvent:
    assert case.id is not None
    event = CaseEvent(
        case_id=case.id,
        at=now,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    session.add(event)
    case.updated_at = now
    session.add(case)
    return event


def get_case(*, session: Session, number: str) -> Case | None:
    """The case with this number (case-insensitive), or None."""
    return session.exec(select(Case).where(Case.number == number.strip().upper())).first()


def cases_for_user(*, session: Session, user_id: int) -> list[Case]:
    """One worker's own cases, newest first."""
    statement = (
        select(Case).where(Case.user_id == user_id).order_by(col(Case.opened_at).desc(), col(Case.id).desc())
    )
    return list(session.exec(statement).all())


def list_cases(*, session: Session, status: str | None = None) -> list[Case]:
    """Every case (optionally of one status), urgent first, then oldest first."""
    statement = select(Case)
    if status is not None:
        statement = statement.where(Case.status == status)
    return list(
        session.exec(statement.order_by(col(Case.urgent).desc(), col(Case.opened_at), col(Case.id))).all()
    )


def events_of(*, session: Session, case: Case) -> list[CaseEvent]:
    """The case's history, oldest first."""
    statement = (
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.at), col(CaseEvent.id))
    )
    return list(session.exec(statement).all())


def set_status(
    *, session: Session, case: Case, status: str, actor: str, note: str, now: datetime
) -> CaseEvent:
    """Move the case to `status`, recording who, when and why.

    Raises:
        CaseError: `status` is unknown or not a move the current status allows.
    """
    if status not in STATUSES:
        raise CaseError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    if status not in TRANSITIONS[case.status]:
        allowed = ", ".join(TRANSITIONS[case.status]) or "none (the case is finished)"
        raise CaseError(f"{case.number} is {case.status}; it can move to: {allowed}")
    previous = case.status
    case.status = status
    return _record(
        session=session,
        case=case,
        actor=actor,
        kind="status",
        now=now,
        from_status=previous,
        to_status=status,
        note=note,
    )


def assign(*, session: Session, case: Case, staff_id: str, actor: str, now: datetime) -> CaseEvent:
    """Give the case to a mediator (a staff id from config.toml)."""
    case.assigned_staff = staff_id
    return _record(session=session, case=case, actor=actor, kind="assigned", now=now, note=staff_id)


def add_info(*, session: Session, case: Case, text: str, now: datetime) -> CaseEvent:
    """Information the worker added after opening the case."""
    return _record(session=session, case=case, actor="worker", kind="info", now=now, note=text)


def add_note(*, session: Session, case: Case, text: str, actor: str, now: datetime) -> CaseEvent:
    """A staff member's internal note (kept in the history, not shown to the worker)."""
    return _record(session=session, case=case, actor=actor, kind="note", now=now, note=text)


def due_overdue(*, session: Session, now: datetime, days: int) -> list[Case]:
    """Cases without agreement `days` after opening that were not flagged yet."""
    statement = select(Case).where(
        col(Case.status).in_(OPEN_STATUSES),
        col(Case.opened_at) <= now - timedelta(days=days),
        col(Case.overdue_at).is_(None),
    )
    return list(session.exec(statement.order_by(col(Case.opened_at))).all())


def mark_overdue(*, session: Session, case: Case, now: datetime) -> bool:
    """Flag the case overdue once: True when this call flagged it (a second run, or process, gets False)."""
    result = session.execute(
        update(table(Case))
        .where(table(Case).c.id == case.id, table(Case).c.overdue_at.is_(None))
        .values(overdue_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    case.overdue_at = now
    _record(session=session, case=case, actor="system", kind="overdue", now=now)
    return True


def clear_personal_fields(*, session: Session, user_id: int, now: datetime) -> int:
    """Clear the worker's name, phone, own words and evidence from their cases; the cases themselves stay.

    Returns the number of cases cleared.
    """
    cases = cases_for_user(session=session, user_id=user_id)
    for case in cases:
        case.worker_name = None
        case.worker_phone = None
        case.description = None
        case.evidence = None
        case.employment = None
        case.updated_at = now
        session.add(case)
        session.execute(
            update(table(CaseEvent))
            .where(table(CaseEvent).c.case_id == case.id, table(CaseEvent).c.kind == "info")
            .values(note=None)
        )
    return len(cases)
