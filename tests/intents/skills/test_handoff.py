"""A worker asks for a person after hours: the promise of when someone answers follows the official calendar."""

from __future__ import annotations

from datetime import datetime

from bot.app import Services
from intents import IntentId
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.conversation import Conversation


def test_on_the_eve_of_national_day_the_worker_is_not_promised_tomorrow(
    worker: Conversation, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 9, 30, 20, 0, tzinfo=SHANGHAI))  # Wednesday evening; 1–7 October are off
    reply = worker.say("我要留言")
    assert reply.intent == IntentId.HANDOFF and "T-001" in reply.text
    assert "明天" not in reply.text and "今天" not in reply.text
    assert "08:30" in reply.text


def test_during_the_holiday_the_first_working_morning_is_promised(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 7, 9, 0, tzinfo=SHANGHAI))  # the last day off, in what are usually office hours
    reply = Conversation(services, "holiday-worker").say("转人工")
    assert "明天上午08:30" in reply.text  # 8 October, a Thursday, is the first working day


def test_a_make_up_saturday_is_a_working_day(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 9, 20, 0, tzinfo=SHANGHAI))  # Friday night before the make-up Saturday
    assert "明天上午08:30" in Conversation(services, "friday").say("转人工").text
    clock.set(datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI))  # the office is open that Saturday
    assert "尽快" in Conversation(services, "saturday").say("转人工").text
