"""The form engine, driven by a small two-slot form defined here (the real intake forms come later)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar

import pytest

from bot.app import Services
from bot.live_knowledge import LiveKnowledge
from intents import IntentId, Reply, Turn
from intents.context import TurnContext
from intents.forms import FORMS, Slot, start_form
from intents.forms.numbers import parse_amount
from intents.matcher import Candidate
from intents.skills import SKILLS
from storage import session_scope
from storage.models import DialogueState
from tests.support.conversation import Conversation


def _phone(text: str, _ctx: TurnContext) -> str | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits if len(digits) == 11 and digits.startswith("1") else None


def _amount(text: str, _ctx: TurnContext) -> int | None:
    return parse_amount(text)


class OwedForm:
    name: ClassVar[str] = "owed_test"
    intent: ClassVar[IntentId] = IntentId.WAGE_ARREARS
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("amount", "test_ask_amount", _amount, extract=_amount),
        Slot("phone", "test_ask_phone", _phone, extract=_phone, problem_key="test_bad_phone"),
    )
    idle_expiry: ClassVar[timedelta] = timedelta(minutes=30)
    cancel_key: ClassVar[str] = "form_cancelled"

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:  # noqa: ARG002
        return Turn(Reply(f"done {values['amount']} {values['phone']}", self.intent, 1.0))


class StartOwedSkill:
    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:  # noqa: ARG002
        return start_form(OwedForm(), ctx, ctx.inbound.text)


@pytest.fixture
def owed_form(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    replies = dict(services.kb.replies)
    replies.update(
        test_ask_amount="欠了多少钱？", test_ask_phone="留个手机号？", test_bad_phone="手机号不对。"
    )
    object.__setattr__(services.kb, "replies", replies)
    monkeypatch.setitem(FORMS, OwedForm.name, OwedForm())
    monkeypatch.setitem(SKILLS, IntentId.WAGE_ARREARS, StartOwedSkill())
    yield
    object.__setattr__(
        services.kb, "replies", {k: v for k, v in replies.items() if not k.startswith("test_")}
    )


def _state(services: Services, user: str) -> DialogueState | None:
    from storage import users

    with session_scope(services.engine) as session:
        found = users.find_user(session=session, channel="console", external_id=user)
        return session.get(DialogueState, found.id) if found else None


@pytest.mark.usefixtures("owed_form")
def test_form_asks_each_missing_fact_then_completes(services: Services) -> None:
    worker = Conversation(services, "f1")
    assert worker.say("老板拖欠工资不给").text == "欠了多少钱？"
    assert worker.say("两万三").text == "留个手机号？"
    assert worker.say("13812345678").text == "done 23000 13812345678"
    state = _state(services, "f1")
    assert state is not None and state.form is None


@pytest.mark.usefixtures("owed_form")
def test_facts_in_the_first_message_are_not_asked_again(services: Services) -> None:
    worker = Conversation(services, "f2")
    reply = worker.say("老板拖欠工资一万二，我电话13900001111")
    assert reply.text == "done 12000 13900001111"


@pytest.mark.usefixtures("owed_form")
def test_invalid_answer_is_asked_again_politely(services: Services) -> None:
    worker = Conversation(services, "f3")
    worker.say("老板拖欠工资不给")
    worker.say("8000元")
    reply = worker.say("12345")
    assert reply.text.startswith("手机号不对。")
    assert reply.text.endswith("留个手机号？")
    assert reply.intent == IntentId.WAGE_ARREARS
    assert worker.say("13812345678").text == "done 8000 13812345678"


@pytest.mark.usefixtures("owed_form")
def test_saying_suanle_leaves_and_keeps_nothing(services: Services) -> None:
    worker = Conversation(services, "f4")
    worker.say("老板拖欠工资不给")
    reply = worker.say("算了")
    assert "取消" in reply.text
    state = _state(services, "f4")
    assert state is not None and state.form is None and state.slots == {}


@pytest.mark.usefixtures("owed_form")
def test_an_idle_form_expires(services: Services) -> None:
    worker = Conversation(services, "f5")
    worker.say("老板拖欠工资不给")
    services.clock.advance(minutes=31)  # type: ignore[attr-defined]
    reply = worker.say("加班费怎么算")
    assert reply.text.startswith(services.kb.reply("form_expired"))
    assert reply.intent == IntentId.LABOR_LAW


@pytest.mark.usefixtures("owed_form")
def test_form_state_survives_a_new_process(services: Services, kb: Any, matcher: Any) -> None:
    worker = Conversation(services, "f6")
    worker.say("老板拖欠工资不给")
    # A second Services over the same database stands in for another process serving the next turn.
    other = Services(
        services.settings, services.engine, LiveKnowledge(kb, matcher), services.policy, services.clock, services.plan
    )
    assert Conversation(other, "f6").say("3000").text == "留个手机号？"
