"""Staff-desk fixtures: 王老师 and 李老师 on Telegram, a worker's case opened through the chat, a desk for 李老师."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime

import pytest
from sqlmodel import select

from bot.app import Services
from intents.staff import Desk
from storage import session_scope
from storage.models import Case, Outbox
from tests.intents.forms.test_wage_arrears import ANSWERS
from tests.support.conversation import Conversation

DeskFor = Callable[..., AbstractContextManager[Desk]]


@pytest.fixture
def staffed(any_services: Services) -> Services:
    """王老师 and 李老师 reachable on Telegram as 9001 and 9002."""
    accounts = {("telegram", "9001"): "wang", ("telegram", "9002"): "li"}
    return replace(any_services, policy=replace(any_services.policy, staff_accounts=accounts))


def open_case(services: Services, user: str = "zhang") -> tuple[Conversation, str]:
    """A worker applies for wage-arrears mediation in chat; returns their conversation and the case number."""
    worker = Conversation(services, user)
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    worker.say("确认")
    with session_scope(services.engine) as session:
        numbers = list(session.exec(select(Case.number).order_by(Case.id)).all())  # type: ignore[arg-type]
    return worker, numbers[-1]


def outbox_to(services: Services, recipient: str) -> list[Outbox]:
    """Every outbox row to `recipient` (a worker's channel id or a staff id)."""
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.recipient == recipient)).all())


@pytest.fixture
def desk_of(staffed: Services) -> DeskFor:
    """`with desk_of("li") as desk:` one committed staff request by 李老师 at the fixed clock's time."""

    @contextmanager
    def open_desk(staff: str, now: datetime | None = None) -> Iterator[Desk]:
        with session_scope(staffed.engine) as session:
            yield Desk.for_staff(
                session=session,
                kb=staffed.kb,
                policy=staffed.policy,
                now=now or staffed.clock.now(),
                staff=staff,
            )

    return open_desk
