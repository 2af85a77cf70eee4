from __future__ import annotations

import dataclasses

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation


def test_staff_without_open_reminder_gets_a_short_thanks(services: Services) -> None:
    policy = dataclasses.replace(services.policy, staff_accounts={("web", "li-web"): "li"})
    reply = Conversation(dataclasses.replace(services, policy=policy), user="li-web", channel="web").say(
        "收到了"
    )
    assert reply.intent is IntentId.THANKS and "收到" in reply.text


def test_a_workers_shoudao_is_not_an_acknowledgement(services: Services) -> None:
    reply = Conversation(services, user="w1", channel="web").say("收到")
    assert reply.intent is IntentId.THANKS  # a worker's 收到 is an everyday thanks
    assert "确认" not in reply.text
