"""A worker signs up for events in chat: contact once (with consent), membership, confirmed or waitlisted."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import Services
from intents import IntentId
from storage import session_scope
from storage.models import Event, Signup, User
from tests.support.conversation import Conversation
from tests.support.events import add_demo_events, add_event, at


@pytest.fixture
def demo(services: Services) -> dict[str, Event]:
    return add_demo_events(services)


def _signups(services: Services) -> list[Signup]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Signup)).all())


def _user(services: Services, external_id: str) -> User:
    with session_scope(services.engine) as session:
        return session.exec(select(User).where(User.external_id == external_id)).one()


def _register(worker: Conversation, first: str = "报名游泳") -> None:
    worker.say(first)
    worker.say("张三")
    worker.say("13812345678")
    worker.say("月坛科技公司")
    worker.say("同意")


@pytest.mark.usefixtures("demo")
def test_first_signup_collects_contact_membership_and_consent_then_confirms(
    worker: Conversation, services: Services
) -> None:
    reply = worker.say("报名健步走")
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "职工健步走（八一湖畔）" in reply.text and "12月5日（周六）09:00" in reply.text
    assert "姓名" in reply.text
    assert "手机号" in worker.say("我叫张三").text
    assert "单位" in worker.say("13812345678").text
    assert "工会会员" in worker.say("月坛科技公司").text
    consent = worker.say("是的")
    assert "张三" in consent.text and "13812345678" in consent.text and "同意" in consent.text
    done = worker.say("同意")
    assert done.intent == IntentId.EVENT_SIGNUP
    assert "报名成功" in done.text
    assert "12月5日（周六）09:00" in done.text and "玉渊潭公园东门集合" in done.text
    assert "请穿运动鞋" in done.text  # what to bring
    user = _user(services, "worker-1")
    assert (user.name, user.phone, user.work_unit) == ("张三", "13812345678", "月坛科技公司")
    assert user.consent_at is not None
    [signup] = _signups(services)
    assert (signup.status, signup.member) == ("confirmed", True)


@pytest.mark.usefixtures("demo")
def test_the_contact_is_kept_for_the_next_signup(worker: Conversation) -> None:
    _register(worker)
    reply = worker.say("相亲活动我报名")
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "报名成功" in reply.text and "单身青年联谊（西点烘焙）" in reply.text


@pytest.mark.usefixtures("demo")
def test_an_invalid_phone_is_asked_again(worker: Conversation) -> None:
    worker.say("报名游泳")
    worker.say("张三")
    reply = worker.say("12345")
    assert "号码好像不对" in reply.text and "手机号" in reply.text


@pytest.mark.usefixtures("demo")
def test_a_sentence_is_not_taken_for_a_name(worker: Conversation) -> None:
    worker.say("报名游泳")
    assert "名字我没看明白" in worker.say("我想去游泳").text


@pytest.mark.usefixtures("demo")
def test_leaving_the_form_keeps_nothing(worker: Conversation, services: Services) -> None:
    worker.say("报名游泳")
    worker.say("张三")
    reply = worker.say("算了")
    assert reply.intent == IntentId.EVENT_SIGNUP and "没有保存" in reply.text
    assert _user(services, "worker-1").name is None
    assert _signups(services) == []


@pytest.mark.usefixtures("demo")
def test_refusing_consent_keeps_nothing(worker: Conversation, services: Services) -> None:
    worker.say("报名游泳")
    worker.say("张三")
    worker.say("13812345678")
    worker.say("月坛科技公司")
    reply = worker.say("不同意")
    assert "没有登记" in reply.text
    assert _user(services, "worker-1").phone is None
    assert _signups(services) == []


@pytest.mark.usefixtures("demo")
def test_no_double_signup(worker: Conversation, services: Services) -> None:
    _register(worker)
    reply = worker.say("我要报名游泳")
    assert "已经报上" in reply.text
    assert len(_signups(services)) == 1


@pytest.mark.usefixtures("demo")
def test_a_full_event_waitlists_with_the_position(services: Services) -> None:
    workers = [Conversation(services, user=f"w{number}") for number in range(4)]
    replies = []
    for worker in workers:
        _register(worker, "报名游泳")  # contact first
        reply = worker.say("帮我报个瑜伽")
        replies.append(worker.tap("排候补") if "排候补" in [b.label for b in reply.buttons] else reply)
    assert "报名成功" in replies[0].text and "报名成功" in replies[1].text
    # A full event says so before anything else, and the waitlist is the worker's choice.
    assert "名额已经满了" in workers[2].replies[-2].text
    assert "已进入候补，第1位" in replies[2].text
    assert "已进入候补，第2位" in replies[3].text
    assert "候补名单" in workers[3].say("报名瑜伽").text and "第2位" in workers[3].replies[-1].text


def test_past_the_deadline_or_closed_is_refused_with_the_reason(
    services: Services, worker: Conversation
) -> None:
    add_event(services, "late", "秋季健步走", at(11, 28, 9), deadline=at(11, 24, 18), aliases=("健步走",))
    reply = worker.say("我要报名健步走")
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "截止" in reply.text and "11月24日（周二）18:00" in reply.text


def test_several_fitting_events_become_numbered_choices_and_a_number_picks(
    services: Services, worker: Conversation
) -> None:
    add_event(services, "yoga-1", "午间瑜伽（周二）", at(12, 1, 12), aliases=("瑜伽",))
    add_event(services, "yoga-2", "午间瑜伽（周二）", at(12, 8, 12), aliases=("瑜伽",))
    reply = worker.say("帮我报个瑜伽")
    assert "回复数字" in reply.text
    assert "12月1日（周二）12:00" in reply.text and "12月8日（周二）12:00" in reply.text
    assert len(reply.buttons) == 2
    picked = worker.say("2")
    assert picked.intent == IntentId.EVENT_SIGNUP
    assert "12月8日（周二）12:00" in picked.text and "姓名" in picked.text


@pytest.mark.usefixtures("demo")
def test_a_tapped_button_starts_the_signup(worker: Conversation) -> None:
    worker.say("最近有什么活动")
    reply = worker.tap("午间游泳（周四）")
    assert reply.intent == IntentId.EVENT_SIGNUP and "午间游泳（周四）" in reply.text


@pytest.mark.parametrize("message", ["我也想去走路那个活动", "报名健步走", "我要报鸣健步走"])
@pytest.mark.usefixtures("demo")
def test_the_event_is_found_by_alias_and_synonyms(worker: Conversation, message: str) -> None:
    reply = worker.say(message)
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "职工健步走（八一湖畔）" in reply.text


@pytest.mark.usefixtures("demo")
def test_a_worker_who_is_not_a_member_is_recorded_and_told_what_happens(
    worker: Conversation, services: Services
) -> None:
    worker.say("报名健步走")
    worker.say("张三")
    worker.say("13812345678")
    worker.say("月坛科技公司")
    worker.say("还不是")
    reply = worker.say("同意")
    assert "报名成功" in reply.text and "工作人员会和您联系确认" in reply.text
    assert _signups(services)[0].member is False
