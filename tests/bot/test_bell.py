from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from sqlalchemy import event

from bot.app import Services
from bot.bell import Bell
from bot.channels import Delivery, OutboxRow
from bot.config import OutboxSettings
from bot.metrics import Metrics
from bot.runtime import Runtime
from bot.sender import Sender
from intents import Inbound
from intents.outbox import write
from intents.turn import OutboxItem
from storage import session_scope
from tests.bot.test_sender import RecordingChannel
from tests.support.services import with_settings


class StaffPhone(RecordingChannel):
    """A staff member's Telegram: what reached it, and when."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[tuple[float, str]] = []
        self.reached = asyncio.Event()

    async def send(self, item: OutboxRow) -> Delivery:
        delivery = await super().send(item)
        self.arrived.append((time.monotonic(), item.text))
        self.reached.set()
        return delivery


def test_a_bell_rung_while_the_round_ran_is_not_lost() -> None:
    async def scenario() -> float:
        bell = Bell(first=5.0, longest=5.0)
        bell.ring()
        began = time.monotonic()
        await bell.wait(asyncio.Event(), busy=False)
        return time.monotonic() - began

    assert asyncio.run(scenario()) < 1.0


def test_idle_waits_double_up_to_the_longest() -> None:
    async def scenario() -> list[float]:
        bell = Bell(first=0.02, longest=0.08)
        waits = []
        for _ in range(5):
            began = time.monotonic()
            await bell.wait(asyncio.Event(), busy=False)
            waits.append(time.monotonic() - began)
        return waits

    waits = asyncio.run(scenario())
    assert waits[0] < waits[2] and all(wait < 0.5 for wait in waits)
    assert waits[3] >= 0.07 and waits[4] >= 0.07


def _sender(services: Services, channel: StaffPhone, first: float, longest: float) -> Sender:
    settings = OutboxSettings(poll_seconds=first, idle_poll_seconds=longest)
    return Sender(services, [channel], Metrics(), settings)  # type: ignore[list-item]


def test_an_idle_sender_asks_the_database_less_and_less_often(any_services: Services) -> None:
    claims: list[float] = []

    def count(*args: object) -> None:
        if "FROM outbox" in str(args[2]):
            claims.append(time.monotonic())

    sender = _sender(any_services, StaffPhone(), first=0.05, longest=0.4)
    event.listen(any_services.engine, "before_cursor_execute", count)

    async def idle_for(seconds: float) -> None:
        stop = asyncio.Event()
        running = asyncio.ensure_future(sender.run(stop))
        await asyncio.sleep(seconds)
        stop.set()
        await running

    asyncio.run(idle_for(2.0))
    event.remove(any_services.engine, "before_cursor_execute", count)
    # A fixed 0.05 s poll would ask 40 times; backing off to 0.4 s asks about a dozen.
    assert 3 <= len(claims) <= 14, len(claims)


def _reachable_staff(services: Services) -> Services:
    staff = [member.model_copy(update={"telegram": f"tg-{member.id}"}) for member in services.settings.staff]
    return with_settings(services, staff=staff)


def test_a_turn_that_alerts_staff_wakes_the_sender_at_once(any_services: Services) -> None:
    services = _reachable_staff(any_services)
    phone = StaffPhone()
    sender = _sender(services, phone, first=30.0, longest=30.0)  # only a ring can deliver in time
    runtime = Runtime(services, Metrics())
    runtime.wake_sender = sender.wake

    async def scenario() -> float:
        stop = asyncio.Event()
        running = asyncio.ensure_future(sender.run(stop))
        await asyncio.sleep(0.2)  # the first, empty round is done: the sender now waits 30 s
        began = time.monotonic()
        inbound = Inbound("web", "visitor-1", "转人工", "m-handoff", services.clock.now())
        await runtime.turn(inbound)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(phone.reached.wait(), timeout=10)
        stop.set()
        await running
        runtime.close()
        return phone.arrived[0][0] - began if phone.arrived else 99.0

    assert asyncio.run(scenario()) < 5.0
    assert "T-" in phone.arrived[0][1]


def test_rows_queued_by_another_process_wake_the_sender_on_postgresql(any_services: Services) -> None:
    if any_services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no NOTIFY: another process's rows are found by the idle poll")
    services = _reachable_staff(any_services)
    phone = StaffPhone()
    sender = _sender(services, phone, first=30.0, longest=30.0)

    def queue_elsewhere() -> None:
        with session_scope(services.engine) as session:
            write(
                session=session,
                items=[OutboxItem("staff", "wang", "有新的欠薪案件", "case_opened")],
                now=services.clock.now(),
            )

    async def scenario() -> float:
        stop = asyncio.Event()
        running = asyncio.ensure_future(sender.run(stop))
        await asyncio.sleep(1.0)  # listening, first empty round done
        began = time.monotonic()
        await asyncio.to_thread(queue_elsewhere)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(phone.reached.wait(), timeout=10)
        stop.set()
        await running
        return phone.arrived[0][0] - began if phone.arrived else 99.0

    assert asyncio.run(scenario()) < 5.0
