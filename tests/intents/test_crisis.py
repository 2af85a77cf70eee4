"""Danger to life: the phrases are found however the worker types them, and never in an everyday complaint."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import Services
from intents import IntentId
from intents.crisis import is_crisis
from knowledge import KnowledgeBase
from storage import session_scope
from storage.models import Outbox, Ticket
from tests.support.conversation import Conversation


@pytest.mark.parametrize(
    "text",
    [
        "我不想活了",
        "我 不 想 活 了",  # spaces between the characters
        "我不想活了！！！",
        "老板欠我三个月工资，我想自杀",
        "活着没意思",
    ],
)
def test_a_danger_to_life_phrase_is_found_however_it_is_typed(kb: KnowledgeBase, text: str) -> None:
    assert is_crisis(text, kb.crisis_phrases)


@pytest.mark.parametrize(
    "text",
    [
        "公司撑不下去了，工资发不出来",
        "工伤死亡的赔偿标准是多少",
        "天天拼命加班没有加班费",
        "工资低得活不下去",
        "加班费怎么算",
    ],
)
def test_an_everyday_complaint_is_not_a_crisis(kb: KnowledgeBase, text: str) -> None:
    assert not is_crisis(text, kb.crisis_phrases)


def test_a_crisis_in_the_middle_of_a_form_leaves_the_form_and_reaches_every_staff_member(
    services: Services,
) -> None:
    worker = Conversation(services, user="w-crisis")
    worker.say("我要申请欠薪调解")
    reply = worker.say("钱要不回来，我真的不想活了")
    assert reply.intent == IntentId.HANDOFF
    assert reply.text.startswith(services.kb.reply("crisis").strip()[:12])
    assert services.settings.station.crisis_hotline in reply.text
    with session_scope(services.engine) as session:
        alerts = session.exec(select(Outbox).where(Outbox.reason == "crisis_alert")).all()
        tickets = session.exec(select(Ticket)).all()
    assert sorted(row.recipient for row in alerts) == sorted(member.id for member in services.settings.staff)
    assert len(tickets) == 1
    # The intake was left: the next question is answered, not taken as the employer's name.
    after = worker.say("加班费怎么算")
    assert after.intent == IntentId.LABOR_LAW
