"""A worker books, moves and cancels a time with the station's lawyer in chat; staff publish and see times;
the reminder goes out the day before, once."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from bot.app import Services
from bot.scheduler import Scheduler
from intents import IntentId
from storage import session_scope
from storage.models import Outbox
from tests.support.clock import FixedClock
from tests.support.conversation import Conversation


def _labels(reply: object) -> list[str]:
    return [button.label for button in reply.buttons]  # type: ignore[attr-defined]


def test_a_worker_books_moves_and_cancels_a_lawyer(any_services: Services) -> None:
    worker = Conversation(any_services, "appt-1")
    times = worker.say("我想预约律师")
    assert times.intent == IntentId.LEGAL_AID
    assert "工会律师法律咨询可以约这些时间" in times.text and "二楼法律服务室" in times.text
    first = _labels(times)[0]
    assert first == "11月25日（周三）14:00"
    booked = worker.tap(first)
    assert "约好了" in booked.text and "11月25日（周三）14:00" in booked.text and "前一天会提醒您" in booked.text

    other = Conversation(any_services, "appt-2")
    assert "11月25日（周三）14:00" not in other.say("预约工会律师").text

    again = worker.say("我想预约律师")
    assert "您已经约了" in again.text and _labels(again) == ["改时间", "取消预约"]
    choices = worker.tap("改时间")
    moved = worker.say("2")
    assert "改好了" in moved.text and "从11月25日（周三）14:00改到" in moved.text
    assert "11月25日（周三）14:00" in other.say("预约工会律师").text  # the old time is free again
    assert choices.intent == IntentId.LEGAL_AID

    mine = worker.say("我的预约")
    assert "您的预约" in mine.text and "工会律师法律咨询" in mine.text
    cancelled = worker.say("取消预约")
    assert "已取消" in cancelled.text
    assert "您现在没有预约" in worker.say("我的预约").text


def test_a_time_taken_meanwhile_is_said_and_others_offered(services: Services) -> None:
    first = Conversation(services, "fast")
    second = Conversation(services, "slow")
    first.say("我想预约律师")
    second.say("我想预约律师")
    first.tap("11月25日（周三）14:00")
    late = second.tap("11月25日（周三）14:00")
    assert "刚被别人约走了" in late.text and "11月25日（周三）15:00" in _labels(late)


def test_the_day_before_reminder_is_sent_once(services: Services, clock: FixedClock) -> None:
    worker = Conversation(services, "remind", channel="telegram")
    worker.say("预约调解员")
    worker.say("1")  # Thursday 11月26日 14:30: the first standing time of the mediator
    scheduler = Scheduler(services)
    assert scheduler.send_appointment_reminders() == "0 appointment reminder(s)"
    clock.advance(hours=5)  # Wednesday 15:00, 23.5 hours before
    assert scheduler.send_appointment_reminders() == "1 appointment reminder(s)"
    assert scheduler.send_appointment_reminders() == "0 appointment reminder(s)"
    with session_scope(services.engine) as session:
        [row] = session.exec(select(Outbox).where(Outbox.reason == "appointment_reminder")).all()
        assert row.recipient == "remind" and "明天约了调解员当面调解咨询" in row.text


def test_staff_publish_a_time_and_see_who_booked(services: Services) -> None:
    services = replace(services, policy=replace(services.policy, staff_accounts={("telegram", "9001"): "li"}))
    staff = Conversation(services, "9001", channel="telegram")
    added = staff.say("/slot counselling 2026-11-26 10:00")
    assert "已发布：心理咨询，11月26日（周四）10:00" in added.text
    assert "已经发布过了" in staff.say("/slot counselling 2026-11-26 10:00").text
    worker = Conversation(services, "counsel")
    worker.say("我叫王芳")
    times = worker.say("预约心理咨询")
    assert _labels(times)[0] == "11月26日（周四）10:00"
    worker.tap("11月26日（周四）10:00")
    listing = staff.say("/slots")
    assert "11月26日（周四）10:00｜心理咨询｜已约" in listing.text
    assert "空闲" in listing.text
    assert "发布一个预约时间" in Conversation(services, "9001", "telegram").say("/slot").text
