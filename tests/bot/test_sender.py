from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from sqlmodel import select

from bot.app import Services
from bot.channels import Delivery, OutboxRow
from bot.config import StaffMember
from bot.metrics import Metrics
from bot.sender import Sender
from storage import outbox, session_scope
from storage.models import Outbox
from tests.support.services import with_settings


class RecordingChannel:
    """A push channel that answers each send with the next scripted Delivery (then "sent")."""

    name: ClassVar[str] = "telegram"
    push: ClassVar[bool] = True
    min_interval: ClassVar[float] = 0.0

    def __init__(self, script: Sequence[Delivery] = ()) -> None:
        self.script = list(script)
        self.sent: list[OutboxRow] = []

    def routes(self) -> list[object]:
        return []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, item: OutboxRow) -> Delivery:
        delivery = self.script.pop(0) if self.script else Delivery("sent")
        if delivery.status == "sent":
            self.sent.append(item)
        return delivery


def _enqueue(services: Services, channel: str, recipient: str, text: str = "提醒") -> None:
    with session_scope(services.engine) as session:
        outbox.enqueue(
            session=session,
            channel=channel,
            recipient=recipient,
            text=text,
            reason="test",
            now=services.clock.now(),
        )


def _rows(services: Services) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox)).all())


def _round(services: Services, channels: Sequence[object]) -> int:
    sender = Sender(services, channels, Metrics())  # type: ignore[arg-type]
    return asyncio.run(sender.deliver_due())


def test_a_staff_row_goes_to_the_staff_members_telegram(services: Services) -> None:
    staff = [StaffMember(id="wang", name="王老师", telegram="777"), StaffMember(id="li", name="李老师")]
    services = with_settings(services, staff=staff)
    channel = RecordingChannel()
    _enqueue(services, "staff", "wang", "有新的欠薪案件")
    _enqueue(services, "staff", "li", "有新的欠薪案件")
    _round(services, [channel])
    assert [(item.channel, item.recipient, item.text) for item in channel.sent] == [
        ("telegram", "777", "有新的欠薪案件")
    ]
    unreachable = next(row for row in _rows(services) if row.recipient == "li")
    assert unreachable.status == "pending" and "no reachable account" in (unreachable.last_error or "")


def test_failures_back_off_then_give_up(services: Services) -> None:
    channel = RecordingChannel([Delivery("retry", detail="network")] * 20)
    _enqueue(services, "telegram", "5001")
    first_try = services.clock.now()
    _round(services, [channel])
    (row,) = _rows(services)
    assert row.status == "pending" and row.attempts == 1
    assert (row.not_before - first_try).total_seconds() == services.settings.outbox.backoff_seconds
    assert _round(services, [channel]) == 0  # not due yet
    for _ in range(services.settings.outbox.max_attempts):
        services.clock.advance(hours=2)  # type: ignore[attr-defined]
        _round(services, [channel])
    (row,) = _rows(services)
    assert row.status == "dead" and row.attempts == services.settings.outbox.max_attempts


def test_flood_control_waits_exactly_retry_after(services: Services) -> None:
    channel = RecordingChannel([Delivery("retry", retry_after=30.0, detail="flood control")])
    _enqueue(services, "telegram", "5001")
    start = services.clock.now()
    _round(services, [channel])
    (row,) = _rows(services)
    assert (row.not_before - start).total_seconds() == 30.0
    services.clock.advance(seconds=31)  # type: ignore[attr-defined]
    _round(services, [RecordingChannel()])
    assert _rows(services)[0].status == "sent"


def test_a_refused_row_is_dead_at_once(services: Services) -> None:
    _enqueue(services, "telegram", "5001")
    _round(services, [RecordingChannel([Delivery("dead", detail="Forbidden: bot was blocked")])])
    (row,) = _rows(services)
    assert row.status == "dead" and row.attempts == 1


def test_a_held_row_waits_for_the_users_next_message(services: Services) -> None:
    from tests.support.conversation import Conversation

    class Wechat(RecordingChannel):
        name: ClassVar[str] = "wechat"

    _enqueue(services, "wechat", "o-away")
    _round(services, [Wechat([Delivery("hold", detail="errcode 45015")])])
    assert _rows(services)[0].status == "held"
    services.clock.advance(days=3)  # type: ignore[attr-defined]
    assert _round(services, [Wechat()]) == 0  # never retried blindly
    services.clock.advance(seconds=1)  # type: ignore[attr-defined]
    Conversation(services, user="o-away", channel="wechat").say("你好")
    channel = Wechat()
    _round(services, [channel])
    assert [item.recipient for item in channel.sent] == ["o-away"]
    assert _rows(services)[0].status == "sent"


def test_danger_to_life_goes_first_and_follow_ups_on_a_ticket_make_one_alert(any_services: Services) -> None:
    staff = [StaffMember(id="wang", name="王老师", telegram="777")]
    services = with_settings(any_services, staff=staff)
    now = services.clock.now()
    with session_scope(services.engine) as session:
        for n in range(30):  # a busy hour of worker messages on an open ticket
            outbox.enqueue(
                session=session,
                channel="staff",
                recipient="wang",
                text=f"工单 T-001 的职工又发来：第{n}句",
                reason="ticket_followup",
                now=now,
                coalesce_key="followup:T-001",
            )
        outbox.enqueue(session=session, channel="staff", recipient="wang", text="有人说不想活了", reason="ticket_alert", now=now)
        outbox.enqueue(session=session, channel="staff", recipient="wang", text="危及生命", reason="crisis_alert", now=now)
    channel = RecordingChannel()
    _round(services, [channel])
    texts = [item.text for item in channel.sent]
    assert texts[0] == "危及生命" and texts[1] == "有人说不想活了"
    assert len(texts) == 3  # thirty follow-ups, one alert
    assert texts[2].count("T-001") == 30 and "第29句" in texts[2]


def test_a_staff_alert_falls_back_to_wechat_when_telegram_refuses(services: Services) -> None:
    class WechatRecorder(RecordingChannel):
        name: ClassVar[str] = "wechat"

    services = with_settings(services, staff=[StaffMember(id="wang", name="王老师", telegram="777", wechat="o-wang")])
    telegram = RecordingChannel([Delivery("dead", detail="Forbidden: bot was blocked by the user")])
    wechat = WechatRecorder()
    _enqueue(services, "staff", "wang", "新的欠薪案件")
    _round(services, [telegram, wechat])  # Telegram refuses
    _round(services, [telegram, wechat])  # at once, WeChat
    assert [item.recipient for item in wechat.sent] == ["o-wang"]
    assert [row.status for row in _rows(services)] == ["sent"]
