"""A worker with unpaid wages, from the first message to an open case, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlmodel import func, select

from bot.app import Services
from intents import IntentId
from storage import session_scope
from storage.models import Case, CaseEvent, Outbox
from tests.support.conversation import Conversation

ANSWERS = [
    "北京鑫达装饰有限公司",
    "朝阳区建国路88号",
    "张三",
    "13812345678",
    "两万三",
    "今年8月到10月",
    "1",
    "没签",
    "有考勤和微信聊天记录",
    "还在干",
    "老板一直说没钱",
]


def _cases(services: Services) -> list[Case]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Case)).all())


def _outbox(services: Services, reason: str) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.reason == reason)).all())


def test_a_worker_opens_a_case_after_the_route_is_explained(any_services: Services) -> None:
    worker = Conversation(any_services, "zhang")
    first = worker.say("老板拖欠我三个月工资了")
    assert first.intent == IntentId.WAGE_ARREARS
    assert "调解" in first.text and "《劳动争议调解仲裁法》第二十七条" in first.text
    assert "现在申请调解" in [button.label for button in first.buttons]
    assert "单位叫什么" in worker.tap("现在申请调解").text
    for answer in ANSWERS[:-1]:
        reply = worker.say(answer)
        assert reply.intent == IntentId.WAGE_ARREARS
    summary = worker.say(ANSWERS[-1])
    assert "请核对" in summary.text and "23000元" in summary.text and "北京鑫达装饰有限公司" in summary.text
    done = worker.say("确认")
    assert done.intent == IntentId.WAGE_ARREARS
    [case] = _cases(any_services)
    assert case.number in done.text and case.number.startswith("QX-20261125-")
    assert case.amount_owed == 23000 and case.worker_phone == "13812345678" and case.has_contract is False
    assert case.status == "accepted" and not case.urgent
    # Wednesday 10:00: the duty roster puts 李老师 (li) on duty; only she is alerted.
    assert [row.recipient for row in _outbox(any_services, "case_opened")] == ["li"]


def test_the_day_sequence_numbers_cases(services: Services) -> None:
    numbers = []
    for user in ("a", "b"):
        worker = Conversation(services, user)
        worker.say("我要申请欠薪调解")
        for answer in ANSWERS:
            worker.say(answer)
        worker.say("确认")
    numbers = [case.number for case in _cases(services)]
    assert numbers == ["QX-20261125-001", "QX-20261125-002"]


def test_facts_given_at_once_are_not_asked_again(services: Services) -> None:
    worker = Conversation(services, "at-once")
    first = worker.say(
        "我要申请欠薪调解。我叫李四，顺达物流有限公司欠我两个月工资8000元，没签合同，电话13900001111"
    )
    asked = [first.text]
    assert first.intent == IntentId.WAGE_ARREARS
    while "请核对" not in asked[-1] and len(asked) < len(ANSWERS) + 2:
        asked.append(
            worker.say(
                "朝阳区"
                if "在哪里" in asked[-1]
                else "没有"
                if "证据" in asked[-1]
                else "还在干"
                if "离职" in asked[-1]
                else "1"
                if "几个人" in asked[-1]
                else "没有"
            ).text
        )
    joined = "\n".join(asked)
    for question in ("单位叫什么", "怎么称呼", "手机号", "多少钱", "哪段时间", "劳动合同吗"):
        assert question not in joined
    assert "顺达物流有限公司" in asked[-1] and "8000元" in asked[-1] and "13900001111" in asked[-1]


def test_an_invalid_phone_is_asked_again_politely(services: Services) -> None:
    worker = Conversation(services, "phone")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS[:3]:
        worker.say(answer)
    again = worker.say("12345")
    assert again.text.startswith("这个号码好像不对") and "13812345678" in again.text
    assert "手机号" in again.text.splitlines()[-1]
    assert "多少钱" in worker.say("13812345678").text


def test_cancelling_half_way_keeps_nothing(services: Services) -> None:
    worker = Conversation(services, "cancel")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS[:4]:
        worker.say(answer)
    reply = worker.say("算了")
    assert "没有保存" in reply.text
    assert _cases(services) == []
    assert worker.say("加班费怎么算").intent == IntentId.LABOR_LAW


def test_saying_no_at_the_summary_opens_no_case(services: Services) -> None:
    worker = Conversation(services, "no")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    worker.say("不对")
    assert _cases(services) == []


def test_a_collective_case_is_urgent_and_alerts_every_staff_member(any_services: Services) -> None:
    worker = Conversation(any_services, "group")
    worker.say("我们车间二十多个人都被拖欠工资")
    worker.tap("现在申请调解")
    for answer in ANSWERS:
        if "几个人" in worker.replies[-1].text:
            continue
        worker.say(answer)
    while "请核对" not in worker.replies[-1].text and len(worker.replies) < 30:
        worker.say("没有")
    assert "共20人" in worker.replies[-1].text
    done = worker.say("确认")
    assert "优先处理" in done.text
    [case] = _cases(any_services)
    assert case.urgent and case.workers_affected == 20
    alerted = sorted(row.recipient for row in _outbox(any_services, "case_urgent"))
    assert alerted == sorted(member.id for member in any_services.settings.staff)
    assert all("紧急" in row.text for row in _outbox(any_services, "case_urgent"))


def test_two_confirmations_at_the_same_moment_open_one_case(any_services: Services) -> None:
    worker = Conversation(any_services, "twice")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    errors: list[BaseException] = []

    def confirm(number: int) -> None:
        try:
            Conversation(any_services, "twice").say("确认", message_id=f"confirm-{number}")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=confirm, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    [case] = _cases(any_services)
    with session_scope(any_services.engine) as session:
        opened = session.exec(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "opened")
        ).one()
    assert opened == 1
    assert case.worker_name == "张三" and case.amount_owed == 23000


def test_profile_delete_keeps_the_case_without_personal_fields(services: Services) -> None:
    worker = Conversation(services, "forget-me")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    worker.say("确认")
    worker.say("删除我的个人信息")
    done = worker.say("确认删除")
    assert "调解案件还保留着" in done.text
    [case] = _cases(services)
    assert case.worker_name is None and case.worker_phone is None and case.description is None
    assert case.amount_owed == 23000


def test_an_after_hours_case_alerts_the_next_shift(services: Services) -> None:
    from datetime import datetime

    from tests.support.clock import SHANGHAI

    services.clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    worker = Conversation(replace(services), "night")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    worker.say("确认")
    # Thursday's shift belongs to 王老师 (wang).
    assert [row.recipient for row in _outbox(services, "case_opened")] == ["wang"]
