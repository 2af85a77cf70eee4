"""Conversations a worker would have with the bot, through the full pipeline on SQLite."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from bot.app import Services
from intents import IntentId
from storage import session_scope
from storage.models import Outbox
from tests.support.clock import SHANGHAI
from tests.support.conversation import Conversation
from tests.support.kinds import reply_kind

UNSURE = "休息"  # close to several topics: the bot offers numbered choices (KB-dependent)


def _outbox(services: Services) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox)).all())


def test_overtime_question_gets_the_rates_and_the_article(worker: Conversation) -> None:
    reply = worker.say("平时加班的加班费咋算")
    assert reply.intent == IntentId.LABOR_LAW
    assert "百分之一百五十" in reply.text or "150%" in reply.text
    assert "《劳动法》第四十四条" in reply.text


def test_a_union_law_article_by_number_is_quoted_verbatim(worker: Conversation) -> None:
    reply = worker.say("劳动合同法第八十二条是什么")
    assert reply.intent == IntentId.LABOR_LAW
    assert "中华人民共和国劳动合同法" in reply.text
    assert "第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的" in reply.text


def test_an_article_that_does_not_exist_is_said_so(worker: Conversation) -> None:
    reply = worker.say("工会法第九十九条")
    assert reply.intent == IntentId.UNION_LAW
    assert "没有第99条" in reply.text
    assert "共58条" in reply.text


@pytest.mark.parametrize("typo", ["公会法规定了啥", "加班费怎么酸", "我要报鸣健步走"])
def test_homophone_typos_still_find_the_topic(worker: Conversation, typo: str) -> None:
    expected = {
        "公会法规定了啥": IntentId.UNION_LAW,
        "加班费怎么酸": IntentId.LABOR_LAW,
        "我要报鸣健步走": IntentId.EVENT_SIGNUP,
    }
    assert worker.say(typo).intent == expected[typo]


def test_traditional_characters_and_full_width_text_are_understood(worker: Conversation) -> None:
    reply = worker.say("加班費怎麼算？？")
    assert reply.intent == IntentId.LABOR_LAW
    assert "《劳动法》第四十四条" in reply.text


@pytest.mark.parametrize("question", ["离婚了房子怎么分", "醉驾要判几年", "明天天气怎么样", "闯红灯扣几分"])
def test_marriage_criminal_and_everyday_questions_are_not_answered_with_law(
    worker: Conversation, question: str
) -> None:
    reply = worker.say(question)
    assert reply.intent == IntentId.OUT_OF_SCOPE
    kind = reply_kind(reply, worker.services.kb) or ""
    entry = worker.services.kb.entry(kind.removeprefix("faq:"))
    assert entry is not None and entry.intent == "out_of_scope"  # the out-of-scope answer, with where to go
    assert "《" not in reply.text  # no law cited


def test_gibberish_gets_a_polite_not_understood_with_the_human_line(
    worker: Conversation, services: Services
) -> None:
    reply = worker.say("asdfghjkl qwerty")
    assert reply.intent == IntentId.OUT_OF_SCOPE
    assert not reply.answered
    assert "转人工" in reply.text
    assert services.settings.station.union_hotline in reply.text


def test_danger_to_life_gets_hotlines_and_alerts_every_staff_member(
    worker: Conversation, services: Services
) -> None:
    reply = worker.say("工资一直要不回来，我真的不想活了")
    assert reply.intent == IntentId.HANDOFF
    assert "12356" in reply.text and "110" in reply.text and "120" in reply.text
    alerts = [row for row in _outbox(services) if row.reason == "crisis_alert"]
    assert sorted(row.recipient for row in alerts) == sorted(member.id for member in services.settings.staff)


def test_unsure_question_offers_numbered_choices_and_buttons(worker: Conversation) -> None:
    first = worker.say(UNSURE)
    assert not first.answered
    assert "1." in first.text and "2." in first.text
    assert len(first.buttons) >= 2
    assert all(button.label in first.text for button in first.buttons)


def test_detail_follow_up_explains_the_last_topic(worker: Conversation, services: Services) -> None:
    with_detail = next(entry for entry in services.kb.entries if entry.detail and entry.intent == "labor_law")
    first = worker.say(with_detail.phrasings[0])
    assert [button.label for button in first.buttons] == ["详细说明"]
    more = worker.say("详细说明")
    assert more.intent == IntentId.LABOR_LAW
    assert more.text != first.text
    assert len(more.text) > 20


def test_hardship_aid_computes_the_grant_from_local_policy(worker: Conversation) -> None:
    reply = worker.say("今年自费花了四万多医药费，工会能补多少")
    assert reply.intent == IntentId.HARDSHIP_AID
    assert "2000元" in reply.text


def test_local_facts_come_from_config(worker: Conversation, services: Services) -> None:
    reply = worker.say("你们服务站电话多少")
    assert reply.intent == IntentId.CONTACT
    assert services.settings.station.phone in reply.text
    assert "{" not in reply.text


def test_handoff_in_office_hours_alerts_staff(worker: Conversation, services: Services) -> None:
    reply = worker.say("转人工")
    assert reply.intent == IntentId.HANDOFF
    assert "尽快" in reply.text and "T-001" in reply.text
    alerts = _outbox(services)
    assert {row.reason for row in alerts} == {"ticket_alert"}
    assert [row.recipient for row in alerts] == list(services.policy.on_duty(services.clock.now()))


def test_handoff_after_hours_promises_the_next_working_morning(
    worker: Conversation, services: Services
) -> None:
    services.clock.set(datetime(2026, 11, 27, 20, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]  # a Friday night
    reply = worker.say("我要留言")
    assert reply.intent == IntentId.HANDOFF
    assert "周一上午08:30" in reply.text
    assert services.settings.station.union_hotline in reply.text


def test_profile_delete_asks_first_then_deletes(worker: Conversation, services: Services) -> None:
    worker.say("我的电话是13812345678，加班费怎么算")
    ask = worker.say("删除我的个人信息")
    assert ask.intent == IntentId.PROFILE_DELETE
    assert "确认删除" in ask.text
    done = worker.say("确认删除")
    assert done.intent == IntentId.PROFILE_DELETE
    assert "已经删除" in done.text
    from storage import messages, users

    with session_scope(services.engine) as session:
        user = users.find_user(session=session, channel="console", external_id=worker.user)
        assert user is not None and user.deleted_at is not None
        texts = [line.text for line in messages.history(session=session, user=user)]
    assert not any("13812345678" in text for text in texts)


def test_profile_delete_can_be_called_off(worker: Conversation) -> None:
    worker.say("注销我的资料")
    kept = worker.say("算了")
    assert "保留" in kept.text
    assert worker.say("加班费怎么算").intent == IntentId.LABOR_LAW


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "😀😀😀",
        "<script>alert(1)</script>",
        "'; DROP TABLE users; --",
        "ＡＢＣ１２３",
        "加" * 20000,
    ],
)
def test_bad_input_always_gets_a_polite_reply(worker: Conversation, text: str) -> None:
    reply = worker.say(text)
    assert reply_kind(reply, worker.services.kb) in ("reply:empty_message", "reply:not_understood")
    assert reply.intent == IntentId.OUT_OF_SCOPE and not reply.answered
    assert "Traceback" not in reply.text


def test_every_reply_carries_an_intent_and_a_confidence(worker: Conversation) -> None:
    for text in ("你好", "谢谢", "菜单", "工会法第三条", "我想找律师"):
        reply = worker.say(text)
        assert isinstance(reply.intent, IntentId)
        assert 0.0 <= reply.confidence <= 1.0


def test_who_are_you_reads_without_nested_brackets(worker: Conversation) -> None:
    reply = worker.say("你是谁")
    assert "（周一至周五 8:30-17:30，法定节假日休息）" in reply.text
    assert "））" not in reply.text


def test_more_detail_gives_the_cited_articles_and_is_offered_only_where_there_is_more(
    worker: Conversation,
) -> None:
    answer = worker.say("加班费怎么算")
    assert "详细说明" in [button.label for button in answer.buttons]
    detail = worker.tap("详细说明")
    assert "相关法条原文" in detail.text and "《劳动法》第四十四条：" in detail.text
    assert "暂时没有更详细的说明" not in detail.text
    thanks = worker.say("谢谢")
    assert "详细说明" not in [button.label for button in thanks.buttons]
    assert "暂时没有更详细的说明" in worker.say("详细说明").text


@pytest.mark.parametrize("payload", ["hack:1", "event:join:1", "event:signup:x", "faq:no_such_entry", "menu:", "\x00"])
def test_a_forged_or_stale_button_is_read_as_its_label(worker: Conversation, payload: str) -> None:
    reply = worker.press("加班费怎么算", payload)
    assert reply.intent == IntentId.LABOR_LAW
    assert "加班" in reply.text


def test_a_button_for_an_event_that_is_gone_says_so(worker: Conversation) -> None:
    reply = worker.press("健步走", "event:signup:99999")
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert reply.text == worker.services.kb.reply("event_gone").strip()


def test_a_number_after_the_closest_topics_answers_like_tapping_that_topic(services: Services) -> None:
    typed, tapped = Conversation(services, user="typed"), Conversation(services, user="tapped")
    offered = typed.say(UNSURE)
    tapped.say(UNSURE)
    assert not offered.answered and len(offered.buttons) >= 2, offered.text
    by_number = typed.say("2")
    by_tap = tapped.tap(offered.buttons[1].label)
    assert by_number.answered
    assert (by_number.intent, by_number.text) == (by_tap.intent, by_tap.text)
