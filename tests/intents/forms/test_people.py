"""Forms filled in the way people answer: a word of assent is no name, several facts in one answer, a field
named at the summary, the facts of a later question given early; found by probing the running bot."""

from __future__ import annotations

import pytest

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation
from tests.support.events import add_demo_events


def _labels(reply: object) -> list[str]:
    return [button.label for button in reply.buttons]  # type: ignore[attr-defined]


def _intake(services: Services, user: str) -> Conversation:
    worker = Conversation(services, user)
    assert "单位叫什么" in worker.say("我要申请欠薪调解").text
    return worker


def _to_summary(worker: Conversation) -> str:
    for answer in ("北京鑫达装饰有限公司", "朝阳区建国路88号", "张三", "13812345678", "两万三", "三个月", "1", "没签",
                   "工资条", "已经离职了"):
        reply = worker.say(answer)
    reply = worker.say("老板说没钱")
    assert "请核对" in reply.text
    return reply.text


def test_a_word_of_assent_is_never_taken_as_a_name_or_an_employer(any_services: Services) -> None:
    worker = _intake(any_services, "p1")
    again = worker.say("继续")
    assert "单位叫什么" in again.text  # not stored as the employer "继续"
    worker.say("北京鑫达装饰有限公司")
    worker.say("朝阳区建国路88号")
    assert "怎么称呼" in worker.say("同意").text
    assert "手机号" in worker.say("张三").text


def test_not_knowing_the_company_name_is_not_a_company_called_that(any_services: Services) -> None:
    worker = _intake(any_services, "p2")
    worker.say("我不知道公司全名，就是个装修队，老板姓刘")
    for answer in ("朝阳区建国路88号", "张三", "13812345678", "两万三", "三个月", "1", "没签", "工资条", "已经离职了"):
        worker.say(answer)
    summary = worker.say("老板说没钱").text
    assert "单位：不知道公司（" not in summary  # the whole answer is kept for the mediator
    assert "单位：装修队" in summary or "老板姓刘" in summary


def test_naming_a_field_at_the_summary_asks_that_field_again(any_services: Services) -> None:
    worker = _intake(any_services, "p3")
    _to_summary(worker)
    asked = worker.say("电话写错了")
    assert "手机号" in asked.text and "请核对" not in asked.text
    summary = worker.say("13912345678").text
    assert "13912345678" in summary and "北京鑫达装饰有限公司" in summary
    assert "单位叫什么" in worker.say("单位不对").text
    assert "宏达服装厂" in worker.say("宏达服装厂").text


def test_stuck_at_the_summary_the_person_it_mentions_is_a_button(any_services: Services) -> None:
    worker = _intake(any_services, "p4")
    _to_summary(worker)
    worker.say("嗯嗯嗯那个")
    stuck = worker.say("这个那个")
    assert "找工作人员" in stuck.text
    assert _labels(stuck) == ["确认", "修改", "找工作人员", "算了"]


def test_deleting_my_information_offers_no_field_to_change(any_services: Services) -> None:
    worker = Conversation(any_services, "p5")
    reply = worker.say("删除我的信息")
    assert "确认删除" in reply.text
    assert "修改" not in _labels(reply)


def test_a_phone_given_at_the_address_question_is_kept(any_services: Services) -> None:
    worker = _intake(any_services, "p6")
    worker.say("北京鑫达装饰有限公司")
    reask = worker.say("我手机13812345678")
    assert "在哪里" in reask.text
    worker.say("朝阳区建国路88号")
    assert "手机号" not in worker.say("张三").text  # the phone was kept; the amount is asked next


def test_the_whole_contact_in_one_answer_signs_up(any_services: Services) -> None:
    add_demo_events(any_services)
    worker = Conversation(any_services, "p7")
    assert "姓名" in worker.say("报名健步走").text
    reply = worker.say("我叫李四，电话13600003333，在朝阳区安达物业公司上班")
    assert "姓名" not in reply.text and "手机号" not in reply.text and "哪个单位" not in reply.text


@pytest.mark.parametrize("leave", ["算了算了", "算了，不报了", "不报了", "那还是算了吧", "我不想填了"])
def test_leaving_a_form_in_ones_own_words(services: Services, leave: str) -> None:
    add_demo_events(services)
    worker = Conversation(services, "p8")
    assert "姓名" in worker.say("报名健步走").text
    left = worker.say(leave)
    assert "没有保存" in left.text
    assert "还没有报名" in worker.say("我报了哪些活动").text


def test_a_story_that_says_算了_is_still_an_answer(any_services: Services) -> None:
    worker = _intake(any_services, "p9")
    assert "在哪里" in worker.say("北京鑫达装饰有限公司").text
    assert "在哪里" not in worker.say("朝阳区建国路88号").text
    for answer in ("张三", "13812345678", "两万三", "三个月", "1", "没签", "工资条", "已经离职了"):
        worker.say(answer)
    assert "请核对" in worker.say("老板说算了吧，让我别要了").text


@pytest.mark.parametrize("text", ["取消我的健步走报名", "取消我的健步走報名"])
def test_cancelling_a_signup_never_starts_one(services: Services, text: str) -> None:
    add_demo_events(services)
    worker = Conversation(services, "p10")
    reply = worker.say(text)
    assert reply.intent == IntentId.EVENT_CANCEL
    assert "姓名" not in reply.text


def test_time_worked_is_not_taken_as_time_owed(any_services: Services) -> None:
    worker = Conversation(any_services, "p11")
    first = worker.say("我在宏达服装厂干了四个月，老板拖欠我9000元工资一直不给，我电话13912345678")
    assert "登记欠薪调解" in first.text
    for answer in ("朝阳区建国路88号", "王芳"):
        reply = worker.say(answer)
    assert "哪段时间" in reply.text  # the period is asked, not taken from 干了四个月


def test_deleting_my_information_mid_form_is_never_taken_as_an_answer(any_services: Services) -> None:
    worker = _intake(any_services, "p12")  # at the employer question, where a short text is a name
    asked = worker.say("删除我的信息")
    assert asked.intent == IntentId.PROFILE_DELETE and "确认删除" in asked.text
    done = worker.say("确认删除")
    assert "已经删除" in done.text
    assert "还没有欠薪调解案件" in worker.say("我的案子到哪一步了").text


@pytest.mark.parametrize("ask", ["转人工", "我要找工作人员"])
def test_asking_for_a_person_mid_form_calls_one_and_keeps_the_form(services: Services, ask: str) -> None:
    worker = _intake(services, "p13")
    worker.say("北京鑫达装饰有限公司")
    worker.say("朝阳区建国路88号")
    reply = worker.say(ask)
    assert reply.intent == IntentId.HANDOFF
    assert "继续填写" in _labels(reply)
    assert "怎么称呼" in worker.tap("继续填写").text


def test_a_courier_station_is_an_employer(any_services: Services) -> None:
    worker = Conversation(any_services, "p14")
    first = worker.say("老板欠我两个月工资一万二，单位是西城区鑫鑫快递站，电话13600001234")
    assert "登记欠薪调解" in first.text and "单位叫什么" not in first.text


@pytest.mark.parametrize("chat", ["谢谢", "嗯嗯", "好吧", "稍等", "哈哈"])
def test_small_talk_at_the_name_question_is_no_name(services: Services, chat: str) -> None:
    add_demo_events(services)
    worker = Conversation(services, "p15")
    assert "姓名" in worker.say("报名健步走").text
    assert "姓名" in worker.say(chat).text  # asked again, not stored as the name
    assert "手机号" in worker.say("李四").text
