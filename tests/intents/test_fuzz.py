"""Arbitrary text never crashes the dialogue and always gets a non-empty reply."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation

_users = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_gets_a_reply(services: Services, text: str) -> None:
    reply = Conversation(services, user=f"fuzz-{next(_users)}").say(text)
    assert reply.text.strip()
    assert isinstance(reply.intent, IntentId)


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
        assert worker.say(text).text.strip()
