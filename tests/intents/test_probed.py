"""Questions and stories from probing the running bot as a worker would use it: each failed before its fix."""

from __future__ import annotations

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation


def test_asking_whether_mediation_costs_money_is_answered_not_taken_as_an_application(worker: Conversation) -> None:
    reply = worker.say("那调解要钱吗")
    assert reply.intent == IntentId.WAGE_ARREARS
    assert "不收" in reply.text and "单位叫什么" not in reply.text
    assert "现在申请调解" in [button.label for button in reply.buttons]
    assert "单位叫什么" in worker.say("好").text  # the offer stands: "好" starts the intake


def test_a_crew_owed_wages_told_as_a_story_starts_the_intake(worker: Conversation) -> None:
    reply = worker.say("包工头老李欠了我们十几个人的工资，我的八千块一直没给，过年回不了家了，电话13900001111")
    assert reply.intent == IntentId.WAGE_ARREARS
    assert "登记欠薪调解" in reply.text
    assert "手机号" not in reply.text


def test_no_case_yet_does_not_promise_a_list_below(services: Services) -> None:
    reply = Conversation(services, "nocase").say("我的调解办到哪一步了")
    assert reply.intent == IntentId.CASE_STATUS
    assert "还没有欠薪调解案件" in reply.text
    assert "下面是" not in reply.text


def test_a_short_follow_up_is_read_with_the_topic_just_answered(worker: Conversation) -> None:
    first = worker.say("我在餐馆干了两年多，老板一直没给我们交社保")
    assert "社会保险" in first.text
    follow = worker.say("那我能让他补交吗")
    assert follow.answered and follow.intent == IntentId.LABOR_LAW
    assert "没太看懂" not in follow.text and ("补缴" in follow.text or "社会保险" in follow.text)


def test_a_short_message_with_no_topic_before_it_is_still_not_understood(worker: Conversation) -> None:
    assert "没太看懂" in worker.say("那我能让他补交吗").text


def test_a_confirmation_sent_twice_is_not_a_question_about_labour_relations(any_services: Services) -> None:
    worker = Conversation(any_services, "twice")
    for answer in ("我在宏达服装厂上班，老板拖欠我9000元工资一直不给，我电话13912345678", "朝阳区建国路88号", "王芳",
                   "三个月", "1", "没签", "考勤记录", "还在干", "没有"):
        worker.say(answer)
    assert "已经为您登记" in worker.say("确认").text
    again = worker.say("确认")
    assert again.intent == IntentId.THANKS and "劳动关系" not in again.text
