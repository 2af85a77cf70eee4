"""Deleting one's data cancels the worker's signups and bookings too, moves the waitlist up and says so."""

from __future__ import annotations

from sqlmodel import select

from bot.app import Services
from storage import session_scope
from storage.models import Appointment, Event, Outbox, Signup
from tests.support.conversation import Conversation
from tests.support.events import add_event, at


def test_deletion_cancels_signups_and_bookings_and_says_so(any_services: Services) -> None:
    add_event(any_services, "walk", "职工健步走", at(12, 5, 9), capacity=1, aliases=("健步走",))
    add_event(any_services, "movie", "观影活动", at(12, 6, 19), aliases=("观影",))
    add_event(any_services, "tea", "职工茶艺体验课", at(12, 7, 14))
    worker = Conversation(any_services, "leaver", channel="telegram")
    worker.say("报名健步走")
    for answer in ("张三", "13812345678", "月坛街道办", "同意"):
        worker.say(answer)
    assert "报名成功" in worker.say("报名观影").text
    assert "报名成功" in worker.say("报名茶艺").text
    worker.say("我想预约律师")
    assert "约好了" in worker.say("1").text
    waiting = Conversation(any_services, "waiting", channel="telegram")
    waiting.say("报名健步走")
    waiting.tap("排候补")
    for answer in ("李四", "13912345678", "月坛街道办", "同意"):
        reply = waiting.say(answer)
    assert "候补" in reply.text

    assert "活动" in worker.say("删除我的信息").text
    done = worker.say("确认删除")
    assert "报名的3个活动已经取消" in done.text and "1个服务时间已经取消" in done.text
    with session_scope(any_services.engine) as session:
        statuses = {
            event.key: signup.status
            for signup, event in session.exec(select(Signup, Event).join(Event)).all()
            if signup.user_id == 1
        }
        assert statuses == {"walk": "cancelled", "movie": "cancelled", "tea": "cancelled"}
        walk = session.exec(select(Event).where(Event.key == "walk")).one()
        assert walk.taken == 1  # the place went to the worker who waited
        [booking] = session.exec(select(Appointment)).all()
        assert booking.status == "cancelled"
        [promoted] = session.exec(select(Outbox).where(Outbox.reason == "waitlist_promoted")).all()
        assert promoted.recipient == "waiting"
    assert "报名成功" in waiting.say("我报了哪些活动").text
