"""Forms that forgive: a worker who answers like a person (asks something else, answers the wrong thing,
confirms in their own words, wants to change one field) is understood, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import select

from bot.app import Services
from intents import IntentId
from storage import session_scope
from storage.models import Case, DialogueState
from tests.intents.forms.test_wage_arrears import ANSWERS
from tests.support.conversation import Conversation
from tests.support.events import add_demo_events


def _labels(reply: object) -> list[str]:
    return [button.label for button in reply.buttons]  # type: ignore[attr-defined]


def _state(services: Services) -> DialogueState:
    with session_scope(services.engine) as session:
        [state] = session.exec(select(DialogueState)).all()
        session.expunge(state)
        return state


def _intake(services: Services, user: str) -> Conversation:
    worker = Conversation(services, user)
    assert "单位叫什么" in worker.say("我要申请欠薪调解").text
    return worker


def test_a_question_at_the_employer_question_is_answered_and_not_stored(any_services: Services) -> None:
    worker = _intake(any_services, "q1")
    answer = worker.say("加班费怎么算")
    assert answer.intent == IntentId.LABOR_LAW and "《劳动法》第四十四条" in answer.text
    assert "您刚才在填写欠薪调解登记" in answer.text
    assert _labels(answer)[-2:] == ["继续填写", "算了"]
    assert "employer_name" not in _state(any_services).slots
    back = worker.tap("继续填写")
    assert back.intent == IntentId.WAGE_ARREARS and "单位叫什么" in back.text


def test_an_event_question_at_the_address_is_answered_then_the_form_goes_on(any_services: Services) -> None:
    add_demo_events(any_services)
    worker = _intake(any_services, "q2")
    assert "在哪里" in worker.say("北京鑫达装饰有限公司").text
    events = worker.say("最近有什么活动")
    assert events.intent == IntentId.EVENT_LIST and "健步走" in events.text
    assert "继续填写" in _labels(events)
    assert "employer_address" not in _state(any_services).slots
    # Typing instead of tapping works too.
    assert "在哪里" in worker.say("继续").text
    assert "怎么称呼" in worker.say("朝阳区建国路88号").text


def test_a_number_is_no_name_and_the_reask_shows_an_example(any_services: Services) -> None:
    worker = _intake(any_services, "q3")
    worker.say("北京鑫达装饰有限公司")
    worker.say("朝阳区建国路88号")
    again = worker.say("两万三")
    assert "不是姓名" in again.text and "比如" in again.text
    assert "worker_name" not in _state(any_services).slots


def test_employer_and_address_in_one_answer_are_both_taken(any_services: Services) -> None:
    worker = _intake(any_services, "q4")
    reply = worker.say("北京鑫达装饰有限公司，地址在西城区三里河路12号")
    assert "怎么称呼" in reply.text
    slots = _state(any_services).slots
    assert slots["employer_name"] == "北京鑫达装饰有限公司"
    assert slots["employer_address"] == "西城区三里河路12号"


def test_two_wrong_phones_offer_a_person_and_other_questions_are_answered(any_services: Services) -> None:
    add_demo_events(any_services)
    worker = _intake(any_services, "q5")
    for answer in ("北京鑫达装饰有限公司", "朝阳区建国路88号", "张三"):
        worker.say(answer)
    first = worker.say("123")
    assert "11位手机号" in first.text and not first.buttons
    second = worker.say("不告诉你")
    assert "找工作人员" in _labels(second) and "跳过" not in _labels(second)
    person = worker.tap("找工作人员")
    assert person.intent == IntentId.HANDOFF and "继续填写" in _labels(person)
    assert "手机号" in worker.tap("继续填写").text
    listed = worker.say("最近有什么活动")
    assert listed.intent == IntentId.EVENT_LIST and "继续填写" in _labels(listed)
    assert "手机号" in worker.tap("继续填写").text


def test_signing_up_in_the_middle_of_the_intake_comes_back_to_it(any_services: Services) -> None:
    add_demo_events(any_services)
    worker = _intake(any_services, "q6")
    worker.say("北京鑫达装饰有限公司")
    signup = worker.say("报名健步走")
    assert signup.intent == IntentId.EVENT_SIGNUP and "姓名" in signup.text
    for answer in ("李四", "13912345678", "月坛街道办事处", "是会员", "同意"):
        done = worker.say(answer)
    assert "报名成功" in done.text and "您刚才在填写欠薪调解登记" in done.text
    assert "在哪里" in worker.tap("继续填写").text


def _to_summary(worker: Conversation) -> None:
    for answer in ANSWERS[:-1]:
        worker.say(answer)


def test_natural_confirmations_are_accepted(any_services: Services) -> None:
    worker = _intake(any_services, "q7")
    _to_summary(worker)
    summary = worker.say("老板一直说没钱")
    assert "请核对" in summary.text and _labels(summary) == ["确认", "修改", "算了"]
    done = worker.say("确认无误")
    assert "已经为您登记" in done.text


def test_one_field_is_changed_without_starting_over(any_services: Services) -> None:
    worker = _intake(any_services, "q8")
    _to_summary(worker)
    worker.say("没有")
    menu = worker.tap("修改")
    assert "改哪一项" in menu.text and "欠薪金额" in _labels(menu)
    assert "欠了您多少钱" in worker.tap("欠薪金额").text
    summary = worker.say("三万")
    assert "请核对" in summary.text and "30000元" in summary.text and "北京鑫达装饰有限公司" in summary.text
    assert "已经为您登记" in worker.say("没问题").text
    with session_scope(any_services.engine) as session:
        [case] = session.exec(select(Case)).all()
        assert case.amount_owed == 30000 and case.worker_name == "张三"


def test_an_old_form_button_says_it_is_done(services: Services) -> None:
    worker = _intake(services, "q9")
    worker.say("加班费怎么算")
    paused = worker.replies[-1]
    worker.say("算了")
    worker.replies.append(paused)
    stale = worker.tap("继续填写")
    assert "已经处理过了" in stale.text


def test_a_menu_tap_mid_form_answers_and_says_the_form_is_still_there(any_services: Services) -> None:
    worker = _intake(any_services, "menu-tap")
    worker.say("北京鑫达装饰有限公司")
    answer = worker.menu("加班费怎么算")
    assert answer.intent == IntentId.LABOR_LAW and "您刚才在填写欠薪调解登记" in answer.text
    assert _labels(answer)[-2:] == ["继续填写", "算了"]
    assert "在哪里" in worker.tap("继续填写").text


def test_a_description_may_contain_question_words(services: Services) -> None:
    worker = _intake(services, "story-words")
    _to_summary(worker)
    summary = worker.say("老板说没钱，问他什么时候发也不说")
    assert "请核对" in summary.text and "什么时候发也不说" in summary.text
