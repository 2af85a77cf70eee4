"""Mediation cases on SQLite and PostgreSQL: numbering under concurrency, the allowed moves, the history,
overdue once, and a worker's deletion clearing their words but keeping the case."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from storage import cases, session_scope
from storage.users import get_or_create_user
from tests.support.clock import SHANGHAI

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
FACTS = cases.CaseFacts(
    "鑫达装饰",
    "建国路88号",
    "张三",
    "13812345678",
    23000,
    "三个月",
    1,
    False,
    "考勤记录",
    "在职",
    "老板说没钱",
)


def _worker(engine: Engine, name: str) -> int:
    with session_scope(engine) as session:
        user = get_or_create_user(session=session, channel="web", external_id=name, now=NOW)
        assert user.id is not None
        return user.id


def _open(engine: Engine, user_id: int, now: datetime = NOW) -> str:
    with session_scope(engine) as session:
        case = cases.open_case(
            session=session, user_id=user_id, facts=FACTS, urgent=False, local_day=now.date(), now=now
        )
        return case.number


def test_thirty_workers_applying_at_once_get_thirty_different_numbers(engine: Engine) -> None:
    users = [_worker(engine, f"w{number}") for number in range(30)]
    barrier = threading.Barrier(len(users))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def apply(user_id: int) -> None:
        try:
            barrier.wait()
            numbers.append(_open(engine, user_id))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=apply, args=(user_id,)) for user_id in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"QX-20261125-{sequence:03d}" for sequence in range(1, 31)]


def test_numbering_starts_again_each_day(engine: Engine) -> None:
    worker = _worker(engine, "zhang")
    assert _open(engine, worker) == "QX-20261125-001"
    assert _open(engine, worker) == "QX-20261125-002"
    tomorrow = NOW + timedelta(days=1)
    assert _open(engine, worker, tomorrow) == "QX-20261126-001"


def test_only_the_allowed_moves_are_made_and_each_is_recorded(engine: Engine) -> None:
    number = _open(engine, _worker(engine, "zhang"))
    with session_scope(engine) as session:
        case = cases.get_case(session=session, number=number.lower())
        assert case is not None
        cases.set_status(
            session=session, case=case, status=cases.MEDIATING, actor="li", note="约了周五", now=NOW
        )
        with pytest.raises(cases.CaseError):
            cases.set_status(
                session=session, case=case, status=cases.TO_ARBITRATION, actor="li", note="", now=NOW
            )
        cases.assign(session=session, case=case, staff_id="li", actor="wang", now=NOW)
    with session_scope(engine) as session:
        case = cases.get_case(session=session, number=number)
        assert case is not None and case.status == cases.MEDIATING and case.assigned_staff == "li"
        history = [
            (event.kind, event.actor, event.to_status)
            for event in cases.events_of(session=session, case=case)
        ]
    assert history == [
        ("opened", "worker", "accepted"),
        ("status", "li", "mediating"),
        ("assigned", "wang", None),
    ]


def test_a_case_is_flagged_overdue_once(engine: Engine) -> None:
    number = _open(engine, _worker(engine, "zhang"))
    later = NOW + timedelta(days=15, minutes=1)
    with session_scope(engine) as session:
        assert cases.due_overdue(session=session, now=NOW + timedelta(days=14), days=15) == []
        [due] = cases.due_overdue(session=session, now=later, days=15)
        assert due.number == number
        assert cases.mark_overdue(session=session, case=due, now=later)
        assert not cases.mark_overdue(session=session, case=due, now=later)
    with session_scope(engine) as session:
        assert cases.due_overdue(session=session, now=later, days=15) == []


def test_deleting_a_workers_data_keeps_the_case_without_their_words(engine: Engine) -> None:
    worker = _worker(engine, "zhang")
    number = _open(engine, worker)
    with session_scope(engine) as session:
        case = cases.get_case(session=session, number=number)
        assert case is not None
        cases.add_info(session=session, case=case, text="我电话换成13900000000了", now=NOW)
    with session_scope(engine) as session:
        assert cases.clear_personal_fields(session=session, user_id=worker, now=NOW) == 1
    with session_scope(engine) as session:
        case = cases.get_case(session=session, number=number)
        assert case is not None and case.employer_name == "鑫达装饰" and case.amount_owed == 23000
        assert (case.worker_name, case.worker_phone, case.description, case.evidence) == (
            None,
            None,
            None,
            None,
        )
        notes = [event.note for event in cases.events_of(session=session, case=case) if event.kind == "info"]
    assert notes == [None]
