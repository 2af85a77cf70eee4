"""A full event's waitlist offer answered by typing, as people do on WeChat: "排候补", "1", "好";
an event asked about with "还能报吗"."""

from __future__ import annotations

import pytest

from bot.app import Services
from intents import IntentId
from storage import events, session_scope
from tests.support.conversation import Conversation
from tests.support.events import add_demo_events


def _fill(services: Services, title_part: str) -> None:
    with session_scope(services.engine) as session:
        for event in events.open_events(session=session, now=services.clock.now()):
            if title_part in event.title:
                event.taken = event.capacity
                session.add(event)


@pytest.mark.parametrize("answer", ["排候补", "1", "好", "候补吧"])
def test_a_typed_answer_to_the_waitlist_offer_joins_it(services: Services, answer: str) -> None:
    add_demo_events(services)
    _fill(services, "瑜伽")
    worker = Conversation(services, "typed")
    full = worker.say("我想报名瑜伽")
    assert "满了" in full.text and "排候补" in [button.label for button in full.buttons]
    reply = worker.say(answer)
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "姓名" in reply.text  # the waitlist signup goes on; not "您还没有报名活动"


def test_asking_whether_an_event_can_still_be_joined_names_it(services: Services) -> None:
    add_demo_events(services)
    worker = Conversation(services, "ask")
    reply = worker.say("瑜伽课还能报吗")
    assert reply.intent == IntentId.EVENT_SIGNUP
    assert "瑜伽" in reply.text and "回复数字就行" not in reply.text
