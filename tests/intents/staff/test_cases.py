"""李老师 works cases at the staff desk: the same functions behind chat commands, the command line and the console."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.app import Services
from intents.staff import Desk, Refusal
from intents.staff import cases as case_desk
from storage import session_scope
from tests.intents.staff.conftest import DeskFor, open_case, outbox_to


def test_someone_not_on_the_staff_list_gets_no_desk(staffed: Services) -> None:
    with session_scope(staffed.engine) as session, pytest.raises(Refusal) as refused:
        Desk.for_staff(
            session=session, kb=staffed.kb, policy=staffed.policy, now=staffed.clock.now(), staff="boss"
        )
    assert refused.value.key == "staff_only"
    assert "只有工会工作人员" in _render(staffed, refused.value)
    with session_scope(staffed.engine) as session, pytest.raises(Refusal):
        Desk.for_account(
            session=session,
            kb=staffed.kb,
            policy=staffed.policy,
            now=staffed.clock.now(),
            channel="telegram",
            user_id="1234",
            command="cases",
        )


def test_moving_a_case_on_tells_the_worker_and_records_who(staffed: Services, desk_of: DeskFor) -> None:
    _worker, number = open_case(staffed)
    with desk_of("li") as desk:
        assigned = case_desk.assign_case(desk, number=number.lower(), staff="李老师")
        moved = case_desk.change_status(desk, number=number, status="调解中", note="已约老板周五面谈")
    assert (assigned.staff, assigned.staff_name) == ("li", "李老师")
    assert (moved.status, moved.status_label, moved.worker_told) == ("mediating", "调解中", True)
    [update] = [row for row in outbox_to(staffed, "zhang") if row.reason == "case_update"]
    assert number in update.text and "调解中" in update.text and "周五面谈" in update.text
    with desk_of("wang") as desk:
        record = case_desk.case_record(desk, case_desk.find_case(desk, number=number))
        detail = case_desk.case_detail(desk, case_desk.find_case(desk, number=number))
    assert [(entry.actor, entry.kind) for entry in record.history] == [
        ("worker", "opened"),
        ("li", "assigned"),
        ("li", "status"),
    ]
    assert "李老师：已受理 → 调解中（已约老板周五面谈）" in detail


def test_a_move_the_status_does_not_allow_is_refused_with_the_moves_it_does(
    staffed: Services, desk_of: DeskFor
) -> None:
    _worker, number = open_case(staffed)
    with desk_of("li") as desk:
        case_desk.change_status(desk, number=number, status="mediating")
    with desk_of("li") as desk, pytest.raises(Refusal) as refused:
        case_desk.change_status(desk, number=number, status="已转仲裁", note="老板不来")
    text = _render(staffed, refused.value)
    assert text == f"{number} 现在是调解中，只能改为：已达成协议、调解不成、已撤回。"
    with desk_of("li") as desk:
        assert case_desk.find_case(desk, number=number).status == "mediating"
    assert [row.reason for row in outbox_to(staffed, "zhang")].count("case_update") == 1


def test_a_closed_case_cannot_move_and_an_unknown_status_lists_the_real_ones(
    staffed: Services, desk_of: DeskFor
) -> None:
    _worker, number = open_case(staffed)
    with desk_of("li") as desk:
        case_desk.change_status(desk, number=number, status="已结案", note="已领到工资")
    with desk_of("li") as desk, pytest.raises(Refusal) as finished:
        case_desk.change_status(desk, number=number, status="调解中")
    assert _render(staffed, finished.value) == f"{number} 已经是已结案，不能再改状态了。"
    with desk_of("li") as desk, pytest.raises(Refusal) as unknown:
        case_desk.change_status(desk, number=number, status="搞定了")
    assert '没有"搞定了"这个状态' in _render(staffed, unknown.value)
    assert "调解中、已达成协议" in _render(staffed, unknown.value)


def test_a_case_that_is_not_there_and_a_mediator_who_is_not_there(
    staffed: Services, desk_of: DeskFor
) -> None:
    _worker, number = open_case(staffed)
    with desk_of("li") as desk, pytest.raises(Refusal) as missing:
        case_desk.find_case(desk, number="QX-20990101-001")
    assert _render(staffed, missing.value) == "没有找到案件 QX-20990101-001。"
    with desk_of("li") as desk, pytest.raises(Refusal) as nobody:
        case_desk.assign_case(desk, number=number, staff="赵老师")
    assert _render(staffed, nobody.value) == "没有这位工作人员：赵老师。可以用：王老师、李老师。"


def test_the_export_columns_are_the_record_fields(staffed: Services, desk_of: DeskFor) -> None:
    open_case(staffed)
    with desk_of("wang") as desk:
        [case] = case_desk.list_cases(desk, open_only=True)
        row = case_desk.case_record(desk, case, history=False).as_dict(history=False)
    assert list(row) == case_desk.case_columns()
    assert row["amount_owed"] == 23000 and row["status_label"] == "已受理"
    json.dumps(row)  # JSON-ready: times are text


def test_a_case_without_agreement_after_fifteen_days_is_flagged_once(
    staffed: Services, desk_of: DeskFor
) -> None:
    worker, number = open_case(staffed)
    later = staffed.clock.now() + timedelta(days=15, minutes=1)
    with desk_of("wang", now=staffed.clock.now() + timedelta(days=14)) as desk:
        assert case_desk.flag_overdue(desk) == []
    with desk_of("wang", now=later) as desk:
        assert case_desk.flag_overdue(desk) == [number]
    with desk_of("wang", now=later + timedelta(days=1)) as desk:
        assert case_desk.flag_overdue(desk) == []
    [to_worker] = [row for row in outbox_to(staffed, worker.user) if row.reason == "case_overdue"]
    assert "仲裁" in to_worker.text and "一年" in to_worker.text
    [to_staff] = [
        row for row in outbox_to(staffed, "wang") if row.reason == "case_overdue"
    ]  # on duty Thursdays
    assert to_staff.channel == "staff" and number in to_staff.text


def _render(services: Services, refusal: Refusal) -> str:
    with session_scope(services.engine) as session:
        desk = Desk.for_operator(
            session=session, kb=services.kb, policy=services.policy, now=services.clock.now()
        )
        return refusal.render(desk.say)
