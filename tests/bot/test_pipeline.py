"""The one path every channel uses: stored before processed, retries answered once, one transaction per turn."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import func, select

from bot.app import Services
from bot.pipeline import process
from intents import Inbound, IntentId
from storage import session_scope
from storage.models import DialogueState, InboundMessage, ReplyLog, User
from tests.support.conversation import Conversation


def _count(services: Services, model: type) -> int:
    with session_scope(services.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _inbound(services: Services, text: str, message_id: str, user: str = "w1") -> Inbound:
    return Inbound("wechat", user, text, message_id, services.clock.now())


def test_a_retry_gets_the_stored_reply_and_is_processed_once(any_services: Services) -> None:
    first = process(any_services, _inbound(any_services, "加班费怎么算", "msg-1"))
    again = process(any_services, _inbound(any_services, "加班费怎么算", "msg-1"))
    assert again.reply == first.reply
    assert first.is_new and not again.is_new
    assert _count(any_services, InboundMessage) == 1
    assert _count(any_services, ReplyLog) == 1


def test_concurrent_retries_of_one_message_store_it_once(any_services: Services) -> None:
    replies = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            replies.append(process(any_services, _inbound(any_services, "我想找律师", "msg-dup")).reply)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({reply.text for reply in replies}) == 1
    assert _count(any_services, InboundMessage) == 1
    assert _count(any_services, ReplyLog) == 1


def test_concurrent_messages_of_one_user_are_all_answered(any_services: Services) -> None:
    texts = ["你好", "加班费怎么算", "工会法第三条", "我想找律师", "谢谢"]
    errors: list[BaseException] = []

    def deliver(number: int, text: str) -> None:
        try:
            process(any_services, _inbound(any_services, text, f"m-{number}", user="same"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=pair) for pair in enumerate(texts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(any_services, User) == 1
    assert _count(any_services, ReplyLog) == len(texts)
    assert _count(any_services, DialogueState) == 1


def test_a_failing_turn_still_stores_the_message_and_answers_politely(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise LookupError("simulated bug")

    monkeypatch.setattr("bot.pipeline.handle", broken)
    reply = Conversation(services).say("加班费怎么算")
    assert reply.intent == IntentId.OUT_OF_SCOPE
    assert services.settings.station.union_hotline in reply.text
    assert "simulated" not in reply.text
    assert _count(services, InboundMessage) == 1
    assert _count(services, ReplyLog) == 1


def test_the_conversation_log_records_intent_and_confidence(any_services: Services) -> None:
    Conversation(any_services, user="log").say("产假有多少天")
    with session_scope(any_services.engine) as session:
        row = session.exec(select(ReplyLog)).one()
    assert row.intent == "labor_law"
    assert 0 < row.confidence <= 1
    assert row.answered
