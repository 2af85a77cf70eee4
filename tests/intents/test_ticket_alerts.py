"""One alert per ticket event, however the ticket was reached, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import select

from bot.app import Services
from storage import session_scope
from storage.models import Outbox
from tests.support.conversation import Conversation


def _alerts(services: Services, reason: str) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.reason == reason)).all())


def test_asking_for_a_person_twice_alerts_once(any_services: Services) -> None:
    worker = Conversation(any_services, "twice")
    first = worker.say("转人工")
    second = worker.say("我要投诉")
    alerts = _alerts(any_services, "ticket_alert")
    assert len(alerts) == len({row.recipient for row in alerts}) >= 1
    number = alerts[0].text.split("T-")[1][:3]
    assert f"T-{number}" in first.text and f"T-{number}" in second.text
    # The second request reached the staff as what it is: the worker's new words on the same ticket.
    [follow_up] = {row.text for row in _alerts(any_services, "ticket_followup")}
    assert "我要投诉" in follow_up


def test_misunderstandings_open_one_ticket_with_one_alert(any_services: Services) -> None:
    worker = Conversation(any_services, "confused")
    for text in ("啊啊啊", "嗯嗯嗯嗯", "哦哦哦哦", "呃呃呃呃"):
        worker.say(text)
    alerts = _alerts(any_services, "ticket_alert")
    assert len(alerts) == len({row.recipient for row in alerts}) >= 1


def test_danger_to_life_on_an_open_ticket_still_alerts_everyone(any_services: Services) -> None:
    worker = Conversation(any_services, "danger")
    worker.say("转人工")
    worker.say("我不想活了")
    crisis = _alerts(any_services, "crisis_alert")
    assert sorted(row.recipient for row in crisis) == sorted(any_services.policy.staff_ids)
