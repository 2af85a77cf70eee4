"""Arbitrary text never crashes the dialogue and always gets a reply the bot has a source for."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Services
from intents import IntentId, Reply
from tests.support.conversation import Conversation
from tests.support.kinds import reply_kind

_users = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_gets_a_reply(services: Services, text: str) -> None:
    reply = Conversation(services, user=f"fuzz-{next(_users)}").say(text)
    assert isinstance(reply.intent, IntentId)
    assert reply_kind(reply, services.kb) is not None, reply.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.text(alphabet=st.sampled_from("工会法加班费欠薪算了取消确认删除12一二三？！ "), max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_any_conversation_gets_replies(services: Services, texts: list[str]) -> None:
    worker = Conversation(services, user=f"fuzz-conv-{next(_users)}")
    for text in texts:
        reply = worker.say(text)
        assert reply_kind(reply, services.kb) is not None, reply.text


def test_the_kind_check_knows_the_bots_sentences_and_nothing_else(services: Services) -> None:
    kb = services.kb
    said = Conversation(services, user="fuzz-check").say("你好")
    assert reply_kind(said, kb) is not None
    for stray in ("Traceback (most recent call last):", "你好", "{union_hotline}", "None", "请"):
        assert reply_kind(Reply(stray, IntentId.OUT_OF_SCOPE, 0.0), kb) is None, stray
