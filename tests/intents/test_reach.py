"""A worker is never told staff were notified when no alert can reach anyone: they get the numbers instead."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from bot.app import Services
from storage import session_scope
from storage.models import Outbox
from tests.support.conversation import Conversation


@pytest.fixture
def nobody_reachable(services: Services) -> Services:
    return dataclasses.replace(services, policy=dataclasses.replace(services.policy, reachable_staff=frozenset()))


@pytest.fixture
def wang_reachable(services: Services) -> Services:
    return dataclasses.replace(
        services, policy=dataclasses.replace(services.policy, reachable_staff=frozenset({"wang"}))
    )


def _alerts(services: Services, reason: str) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.reason == reason)).all())


def test_danger_to_life_with_nobody_reachable_gives_the_numbers_not_a_promise(nobody_reachable: Services) -> None:
    reply = Conversation(nobody_reachable, "w1").say("我不想活了")
    assert "通知了" not in reply.text
    assert "12356" in reply.text and "110" in reply.text and "12351" in reply.text and "010-6801-2351" in reply.text
    assert len(_alerts(nobody_reachable, "crisis_alert")) == 2  # kept for whoever signs in or is added next


def test_danger_to_life_with_someone_reachable_says_staff_were_told(wang_reachable: Services) -> None:
    reply = Conversation(wang_reachable, "w1").say("我不想活了")
    assert "我已经通知了工会的工作人员" in reply.text


def test_asking_for_a_person_with_nobody_reachable_says_to_call(nobody_reachable: Services) -> None:
    reply = Conversation(nobody_reachable, "w1").say("我要转人工")
    assert "T-001" in reply.text and "010-6801-2351" in reply.text
    assert "尽快在这里回复" not in reply.text
