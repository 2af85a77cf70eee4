"""Workers list events, cancel, see their signups; staff use /events, /export, /close; reminders go out once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import Services, dialogue_policy
from bot.config import Settings, StaffMember
from intents import IntentId, Matcher
from intents.event_text import queue_reminders
from knowledge import KnowledgeBase
from storage import events, session_scope
from storage.models import Event, Outbox, Signup
from tests.conftest import make_services
from tests.support.clock import FixedClock
from tests.support.conversation import Conversation
from tests.support.events import add_demo_events, at


@pytest.fixture
def demo(services: Services) -> dict[str, Event]:
    return add_demo_events(services)


def _outbox(services: Services) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox)).all())


def _register(worker: Conversation) -> None:
    worker.say("报名游泳")
    worker.say("张三")
    worker.say("13812345678")
    worker.say("月坛科技公司")
    worker.say("同意")


@pytest.mark.usefixtures("demo")
def test_the_list_shows_open_events_with_date_place_and_places_left(worker: Conversation) -> None:
    reply = worker.say("最近有什么活动")
    assert reply.intent == IntentId.EVENT_LIST
    assert "1. 午间瑜伽（周二）" in reply.text  # soonest first
    assert "12月5日（周六）09:00｜玉渊潭公园东门集合｜还剩120个名额" in reply.text
    assert [button.label for button in reply.buttons][:2] == ["午间瑜伽（周二）", "午间游泳（周四）"]
    picked = worker.say("2")
    assert picked.intent == IntentId.EVENT_SIGNUP and "午间游泳（周四）" in picked.text


@pytest.mark.usefixtures("demo")
def test_closed_and_past_deadline_events_are_not_listed(
    worker: Conversation, services: Services, clock: FixedClock
) -> None:
    with session_scope(services.engine) as session:
        swim = events.by_key(session=session, key="swim")
        assert swim is not None
        events.close(session=session, event=swim, now=clock.now())
    clock.set(at(12, 1, 9))  # the yoga deadline (11-30 18:00) has passed
    reply = worker.say("最近有什么活动")
    assert "游泳" not in reply.text and "瑜伽" not in reply.text
    assert "健步走" in reply.text


def test_no_open_events_says_so(worker: Conversation) -> None:
    reply = worker.say("最近有什么活动")
    assert reply.intent == IntentId.EVENT_LIST and "暂时没有" in reply.text


@pytest.mark.usefixtures("demo")
def test_a_question_about_one_kind_of_event_lists_only_those(worker: Conversation) -> None:
    reply = worker.say("这周有瑜伽吗")
    assert "瑜伽" in reply.text and "健步走" not in reply.text


@pytest.mark.usefixtures("demo")
def test_cancelling_frees_the_place_and_the_first_waiting_moves_up_and_is_told(services: Services) -> None:
    first, second, third = (Conversation(services, user=name, channel="telegram") for name in ("a", "b", "c"))
    for worker in (first, second, third):
        _register(worker)
        worker.say("报名瑜伽")
    assert "名额已经满了" in third.replies[-1].text
    assert "第1位" in third.tap("排候补").text
    reply = first.say("取消我的瑜伽报名")
    assert reply.intent == IntentId.EVENT_CANCEL and "已取消" in reply.text
    promoted = [row for row in _outbox(services) if row.reason == "waitlist_promoted"]
    assert [(row.channel, row.recipient) for row in promoted] == [("telegram", "c")]
    assert "递补成功" in promoted[0].text and "午间瑜伽（周二）" in promoted[0].text
    assert "报名成功" in third.say("我报了哪些活动").text


@pytest.mark.usefixtures("demo")
def test_cancelling_the_only_signup_needs_no_name(worker: Conversation) -> None:
    _register(worker)
    reply = worker.say("不想去了")
    assert (
        reply.intent == IntentId.EVENT_CANCEL and "午间游泳（周四）" in reply.text and "已取消" in reply.text
    )


@pytest.mark.usefixtures("demo")
def test_with_several_signups_the_worker_picks_which_to_cancel(
    worker: Conversation, services: Services
) -> None:
    _register(worker)
    worker.say("报名瑜伽")
    reply = worker.say("取消报名")
    assert "取消哪个" in reply.text and len(reply.buttons) == 2
    done = worker.say("1")
    assert done.intent == IntentId.EVENT_CANCEL and "午间瑜伽（周二）" in done.text and "已取消" in done.text
    with session_scope(services.engine) as session:
        statuses = {row.event_id: row.status for row in session.exec(select(Signup)).all()}
    assert sorted(statuses.values()) == ["cancelled", "confirmed"]


@pytest.mark.usefixtures("demo")
def test_cancelling_without_signups_says_there_is_nothing_to_cancel(worker: Conversation) -> None:
    reply = worker.say("取消我的瑜伽报名")
    assert reply.intent == IntentId.EVENT_CANCEL and "没有要参加的活动报名" in reply.text


@pytest.mark.usefixtures("demo")
def test_my_signups_lists_each_with_its_status(services: Services) -> None:
    first, second, third = (Conversation(services, user=name) for name in ("a", "b", "c"))
    for worker in (first, second, third):
        _register(worker)
        worker.say("报名瑜伽")
    third.tap("排候补")
    reply = third.say("我报了哪些活动")
    assert reply.intent == IntentId.MY_SIGNUPS
    assert "午间瑜伽（周二）" in reply.text and "候补第1位" in reply.text
    assert "午间游泳（周四）" in reply.text and "报名成功" in reply.text


def test_my_signups_without_any(worker: Conversation) -> None:
    reply = worker.say("我报了哪些活动")
    assert reply.intent == IntentId.MY_SIGNUPS and "还没有报名" in reply.text


@pytest.fixture
def staff_services(
    settings: Settings, sqlite_engine: Engine, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Services:
    staffed = settings.model_copy(update={"staff": [StaffMember(id="wang", name="王老师", telegram="9001")]})
    return make_services(staffed, sqlite_engine, kb, matcher, clock)


def test_staff_list_export_and_close_from_chat(staff_services: Services) -> None:
    add_demo_events(staff_services)
    worker = Conversation(staff_services, user="w1")
    _register(worker)
    staff = Conversation(staff_services, user="9001", channel="telegram")
    listing = staff.say("/events")
    assert "swim｜午间游泳（周四）" in listing.text and "1/20" in listing.text
    roster = staff.say("/export swim")
    assert "张三｜13812345678｜月坛科技公司" in roster.text
    closed = staff.say("/close swim")
    assert "已停止" in closed.text
    still_open = worker.say("最近有什么活动")
    assert still_open.intent == IntentId.EVENT_LIST
    assert "职工健步走" in still_open.text and "午间游泳" not in still_open.text
    assert "没有找到活动nope" in staff.say("/export nope").text


def test_a_worker_cannot_use_staff_commands(staff_services: Services) -> None:
    add_demo_events(staff_services)
    stranger = Conversation(staff_services, user="1234", channel="telegram")
    reply = stranger.say("/export swim")
    assert reply.intent != IntentId.EVENT_LIST  # read as a worker's words, not a staff command
    assert reply.text and reply.text == Conversation(staff_services, user="5678", channel="telegram").say("/export swim").text
    assert "13812345678" not in reply.text and "报名名单" not in reply.text


@pytest.mark.usefixtures("demo")
def test_reminders_go_to_every_confirmed_worker_once(services: Services, clock: FixedClock) -> None:
    workers = [Conversation(services, user=f"w{number}") for number in range(3)]
    for worker in workers:
        _register(worker)
        worker.say("报名瑜伽")  # capacity 2: the third waits
    clock.set(at(11, 30, 14))  # 22 hours before yoga (12-01 12:00); swim (12-03) is not due yet

    def run() -> int:
        with session_scope(services.engine) as session:
            return queue_reminders(
                session=session,
                kb=services.kb,
                policy=dialogue_policy(services.settings),
                now=clock.now(),
                remind_before=timedelta(hours=24),
            )

    assert run() == 2
    assert run() == 0  # a second run (or a second scheduler) sends nothing new
    reminders = [row for row in _outbox(services) if row.reason == "event_reminder"]
    assert sorted(row.recipient for row in reminders) == ["w0", "w1"]
    assert "午间瑜伽（周二）" in reminders[0].text and "12月1日（周二）12:00" in reminders[0].text
