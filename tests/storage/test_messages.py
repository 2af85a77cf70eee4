"""The message log: a message is stored once however often the platform retries it, and read back in order."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage import messages, session_scope, users
from storage.messages import Recorded
from tests.support.clock import SHANGHAI

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)


def _record(engine: Engine, message_id: str, text: str, *, channel: str = "wechat", at: int = 0) -> Recorded:
    with session_scope(engine) as session:
        user_id = users.lock_user(session=session, channel=channel, external_id="o-1", now=NOW)
        return messages.record_inbound(
            session=session,
            channel=channel,
            message_id=message_id,
            user_id=user_id,
            text=text,
            kind="text",
            payload=None,
            received_at=NOW + timedelta(seconds=at),
        )


def _answer(engine: Engine, inbound: Recorded, text: str) -> None:
    with session_scope(engine) as session:
        messages.record_reply(
            session=session,
            inbound=inbound,
            text=text,
            buttons=[{"label": "详细说明", "payload": "detail:x"}],
            intent="labor_law",
            confidence=0.9,
            answered=True,
            now=NOW,
        )


def test_a_retried_message_is_stored_once_and_gets_the_stored_reply(engine: Engine) -> None:
    first = _record(engine, "msg-1", "加班费怎么算")
    _answer(engine, first, "平时加班，支付不低于工资的百分之一百五十。")
    retry = _record(engine, "msg-1", "加班费怎么算")
    assert first.is_new and not retry.is_new
    assert retry.id == first.id and retry.user_id == first.user_id
    with session_scope(engine) as session:
        stored = messages.reply_for(session=session, inbound=retry)
        assert stored is not None
        assert stored.text == "平时加班，支付不低于工资的百分之一百五十。"
        assert stored.buttons == [{"label": "详细说明", "payload": "detail:x"}]


def test_a_message_not_yet_answered_has_no_stored_reply(engine: Engine) -> None:
    recorded = _record(engine, "msg-2", "你好")
    with session_scope(engine) as session:
        assert messages.reply_for(session=session, inbound=recorded) is None


def test_the_same_id_on_another_channel_is_another_message(engine: Engine) -> None:
    wechat = _record(engine, "42", "你好", channel="wechat")
    telegram = _record(engine, "42", "你好", channel="telegram")
    assert wechat.is_new and telegram.is_new
    assert wechat.id != telegram.id


def test_history_reads_each_message_then_its_reply_oldest_first(engine: Engine) -> None:
    first = _record(engine, "h-1", "我想入会", at=0)
    _answer(engine, first, "欢迎入会。")
    _record(engine, "h-2", "还有一个问题", at=60)  # not answered (yet)
    with session_scope(engine) as session:
        user = users.get_or_create_user(session=session, channel="wechat", external_id="o-1", now=NOW)
        lines = messages.history(session=session, user=user)
    assert [(line.direction, line.text) for line in lines] == [
        ("in", "我想入会"),
        ("out", "欢迎入会。"),
        ("in", "还有一个问题"),
    ]
    assert lines[0].at.astimezone(SHANGHAI) == NOW.astimezone(SHANGHAI)
    assert lines[1].intent == "labor_law" and lines[1].confidence == 0.9
