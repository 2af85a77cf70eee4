"""Staff working cases and tickets with chat commands, and workers hearing about it; non-staff are refused."""

from __future__ import annotations

import logging

import pytest

from bot.app import Services
from intents import IntentId
from tests.intents.staff.conftest import open_case, outbox_to
from tests.support.conversation import Conversation


def test_a_status_change_reaches_the_worker(staffed: Services) -> None:
    worker, number = open_case(staffed)
    li = Conversation(staffed, "9002", channel="telegram")
    listing = li.say("/cases")
    assert number in listing.text and "已受理" in listing.text
    assert "13812345678" in li.say(f"/case {number}").text
    assert "交给李老师" in li.say(f"/assign {number} 李老师").text
    done = li.say(f"/status {number} 调解中 已约老板周五面谈")
    assert "调解中" in done.text
    [update] = [row for row in outbox_to(staffed, "zhang") if row.reason == "case_update"]
    assert number in update.text and "调解中" in update.text and "周五面谈" in update.text
    status = worker.say("我的案子到哪一步了")
    assert status.intent == IntentId.CASE_STATUS
    assert number in status.text and "调解中" in status.text and "李老师" in status.text


def test_a_move_the_status_does_not_allow_is_refused(staffed: Services) -> None:
    _worker, number = open_case(staffed)
    li = Conversation(staffed, "9002", channel="telegram")
    li.say(f"/status {number} 调解中")
    refused = li.say(f"/status {number} 已转仲裁")
    assert "只能改为" in refused.text


def test_a_worker_sees_only_their_own_cases(staffed: Services) -> None:
    open_case(staffed, "zhang")
    other = Conversation(staffed, "wang-worker").say("我的案子到哪一步了")
    assert other.intent == IntentId.CASE_STATUS
    assert staffed.kb.reply("case_status_none").strip()[:10] in other.text
    assert "QX-" not in other.text


def test_a_non_staff_user_is_refused_and_the_attempt_logged(
    staffed: Services, caplog: pytest.LogCaptureFixture
) -> None:
    open_case(staffed)
    stranger = Conversation(staffed, "1234", channel="telegram")
    with caplog.at_level(logging.WARNING):
        reply = stranger.say("/cases")
    assert "只有工会工作人员" in reply.text
    assert "QX-" not in reply.text
    assert "refused staff command /cases from telegram user 1234" in caplog.text


def test_handoff_opens_a_ticket_and_a_staff_reply_reaches_the_worker(staffed: Services) -> None:
    worker = Conversation(staffed, "asker")
    worker.say("加班费怎么算")
    reply = worker.say("转人工")
    assert reply.intent == IntentId.HANDOFF and "T-001" in reply.text
    alerts = [row for row in outbox_to(staffed, "li") if row.reason == "ticket_alert"]
    assert len(alerts) == 1 and "加班费怎么算" in alerts[0].text  # the recent conversation comes along
    follow = worker.say("我在朝阳区上班")
    assert follow.text  # the bot still answers
    assert any("朝阳区" in row.text for row in outbox_to(staffed, "li") if row.reason == "ticket_followup")
    li = Conversation(staffed, "9002", channel="telegram")
    assert "T-001" in li.say("/tickets").text
    assert "已回复" in li.say("/reply T-001 您好，加班费按平时工资的1.5倍算").text
    [answer] = [row for row in outbox_to(staffed, "asker") if row.reason == "ticket_reply"]
    assert "李老师" in answer.text and "1.5倍" in answer.text
    li.say("/done T-001")
    assert any(row.reason == "ticket_closed" for row in outbox_to(staffed, "asker"))


def test_two_misunderstandings_in_a_row_hand_over_to_a_person(staffed: Services) -> None:
    worker = Conversation(staffed, "lost")
    first = worker.say("qwerty zxcv")
    assert not first.answered and first.text == staffed.kb.reply("not_understood").strip().format_map(
        staffed.policy.facts
    )
    assert "工单" not in first.text
    second = worker.say("asdf hjkl")
    assert "T-001" in second.text and "转给工作人员" in second.text


def test_a_worker_adds_information_and_withdraws(staffed: Services) -> None:
    worker, number = open_case(staffed)
    assert number in worker.say("补充案件材料").text
    assert "已经补充" in worker.say("找到了去年的工资条").text
    li = Conversation(staffed, "9002", channel="telegram")
    assert "找到了去年的工资条" in li.say(f"/case {number}").text
    assert number in worker.say("撤回调解").text
    assert "已经撤回" in worker.say("确认").text
    assert "已撤回" in worker.say("我的案子到哪一步了").text
