"""Real questions told the workers' way: stories, other fields of law, the wage intake started from a story."""

from __future__ import annotations

import pytest

from intents import IntentId
from tests.support.conversation import Conversation


def test_weekend_overtime_story_gets_the_rest_day_rate(worker: Conversation) -> None:
    reply = worker.say("我们周六周日经常被叫去加班，公司一分钱加班费都不给，这合法吗？应该给多少")
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert "百分之二百" in reply.text
    assert "生育津贴" not in reply.text


def test_no_overtime_pay_at_all_is_about_overtime_not_maternity(worker: Conversation) -> None:
    reply = worker.say("公司一分钱加班费都不给")
    assert reply.intent in (IntentId.LABOR_LAW, IntentId.WAGE_ARREARS)
    assert "加班费" in reply.text and "生育" not in reply.text


def test_pregnant_three_months_and_threatened_with_dismissal(worker: Conversation) -> None:
    reply = worker.say("我怀孕三个月了，公司知道以后就说要把我辞退，他们能这么做吗")
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert "不得因女职工怀孕" in reply.text
    assert "7个月以上" not in reply.text


@pytest.mark.parametrize("text", ["我要申请调解", "帮我找老板要钱"])
def test_asking_for_mediation_starts_the_wage_intake(worker: Conversation, text: str) -> None:
    reply = worker.say(text)
    assert reply.intent == IntentId.WAGE_ARREARS
    assert "登记欠薪调解" in reply.text
    assert "还没有欠薪调解案件" not in reply.text


def test_a_full_wage_story_starts_the_intake_with_its_facts_taken(worker: Conversation) -> None:
    reply = worker.say("我在宏达服装厂干了四个月，老板拖欠我9000元工资一直不给，我电话13912345678")
    assert reply.intent == IntentId.WAGE_ARREARS
    assert "登记欠薪调解" in reply.text
    assert "单位叫什么名字" not in reply.text  # the employer was in the story
    assert "电话" not in reply.text.split("\n")[-1]  # nor is the phone asked


@pytest.mark.parametrize(
    "text",
    [
        "老公在外面有人了，离婚的话孩子抚养权归谁",
        "骑电动车被小轿车撞了，对方全责，误工费怎么赔",
        "朋友找我借了三万块一直不还，借条也有",
        "开发商拖了一年还不交房，能退房吗",
        "我弟弟打架被派出所拘留了，会判刑吗",
    ],
)
def test_other_fields_of_law_get_the_legal_aid_pointer(worker: Conversation, text: str) -> None:
    reply = worker.say(text)
    assert reply.intent == IntentId.OUT_OF_SCOPE
    assert "12348" in reply.text
    assert "劳动合同法" not in reply.text and "工伤保险条例" not in reply.text


def test_a_work_injury_on_the_commute_is_still_labour_law(worker: Conversation) -> None:
    reply = worker.say("下班路上骑电动车被车撞了，这算工伤吗")
    assert reply.intent == IntentId.LABOR_LAW
    assert "非本人主要责任" in reply.text


def test_injury_level_question_explains_the_assessment(worker: Conversation) -> None:
    reply = worker.say("干活时手指被冲床压断了一节，能评几级伤残")
    assert reply.intent == IntentId.LABOR_LAW
    assert "劳动能力鉴定" in reply.text


def test_award_not_paid_points_to_enforcement(worker: Conversation) -> None:
    reply = worker.say("仲裁判我们赢了，可公司到现在还是一分钱不给，怎么办")
    assert "申请执行" in reply.text or "强制执行" in reply.text


def test_a_phone_number_mentioned_in_a_story_does_not_get_the_contact_card(worker: Conversation) -> None:
    # 电话 matches the contact entry weakly; a worker telling what happened wants the labour answer.
    reply = worker.say("工地老板一直拖着工钱不发，打他电话也不接，我们五个人三个月没拿到钱了怎么办")
    assert reply.intent in (IntentId.WAGE_ARREARS, IntentId.LABOR_LAW)
    assert "{station_phone}" not in reply.text
    assert "全天在线" not in reply.text


def test_a_greeting_in_front_of_a_question_answers_the_question(worker: Conversation) -> None:
    reply = worker.say("你好，请问一下，我在厂里上班把手压断了，这个能算工伤吗")
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert "工伤" in reply.text


def test_a_run_on_injury_story_without_punctuation_is_understood(worker: Conversation) -> None:
    reply = worker.say("我去年冬天在县城一个搅拌站开铲车倒车时从车上摔下来把腰椎摔骨折了现在想知道怎样申请工伤认定")
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert "工伤认定" in reply.text


def test_a_second_topic_comes_as_a_button_and_answers_when_tapped(worker: Conversation) -> None:
    reply = worker.say("公司倒闭了，我还在哺乳期，能拿到经济补偿吗")
    assert reply.answered and reply.intent == IntentId.LABOR_LAW
    assert "经济补偿" in reply.text  # the main topic: what is asked
    others = [button for button in reply.buttons if button.payload.startswith("faq:")]
    assert others, "the close second topic is offered beside the answer"
    second = worker.tap(others[0].label)
    assert second.answered and "哺乳" in second.text


def test_a_spouse_reporting_a_work_injury_is_labour_law(worker: Conversation) -> None:
    reply = worker.say("我老公在厂里干活被机器轧伤了手，厂里不给报工伤，该怎么办")
    assert reply.intent == IntentId.LABOR_LAW
    assert "12348" not in reply.text


def test_a_court_freezing_a_debtors_account_is_not_labour_law(worker: Conversation) -> None:
    reply = worker.say("对方欠我的钱法院已经判了，现在冻结了他的银行卡，钱什么时候能到我手里")
    assert reply.intent == IntentId.OUT_OF_SCOPE
    assert "12348" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "在工地从脚手架上摔下来，小腿骨折了",
        "车间里冲床砸到我两根手指，现在缝了针在家",
    ],
)
def test_an_injury_told_without_a_clear_question_gets_the_first_steps(worker: Conversation, text: str) -> None:
    reply = worker.say(text)
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert "工伤认定" in reply.text and "1年内" in reply.text  # the route and its deadline
    assert "停工留薪" in reply.text


def test_an_injury_outside_work_is_not_told_the_work_injury_steps(worker: Conversation) -> None:
    reply = worker.say("孩子在学校摔伤了")
    assert "停工留薪" not in reply.text


def test_wages_put_off_from_day_to_day_get_the_routes_not_a_pointer_elsewhere(worker: Conversation) -> None:
    reply = worker.say("在小饭馆打工两个多月，工资迟迟不发，老板今天推明天，明天推后天，我该怎么办")
    assert reply.intent == IntentId.WAGE_ARREARS and reply.answered
    assert "12348" not in reply.text
    assert "劳动仲裁" in reply.text or "调解" in reply.text


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # after the injury decision comes the assessment
        ("工伤认定书下来了，接下来要干嘛", ["劳动能力鉴定"]),
        # work stopped for lack of orders still has a wage rule
        (
            "厂里没订单停工一个多月了，老板说停工期间不发工资，这样行吗",
            ["工资支付周期", "最低工资", "《工资支付暂行规定》第十二条"],
        ),
        # an employer who will not let a worker leave
        ("交了辞职信，主管说过完旺季才准我走，可以这样吗", ["提前三十日"]),
        # a seniority buyout is measured against economic compensation
        ("厂里改制要买断我们的工龄，一年才给几百块，这样合理吗", ["每满一年支付一个月工资"]),
    ],
    ids=["injury-decision", "work-stopped", "not-let-go", "seniority-buyout"],
)
def test_a_story_gets_the_fact_its_worker_needs(worker: Conversation, text: str, facts: list[str]) -> None:
    reply = worker.say(text)
    assert reply.intent == IntentId.LABOR_LAW and reply.answered
    assert [fact for fact in facts if fact not in reply.text] == []
