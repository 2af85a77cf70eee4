"""王老师 runs union events at the staff desk: places added move the waitlist up, a cancelled event tells
everyone signed up, the signup list shows who waits in which place."""

from __future__ import annotations

import pytest

from bot.app import Services
from intents.staff import Refusal
from intents.staff import events as event_desk
from storage.events import EventDraft
from tests.intents.staff.conftest import DeskFor, outbox_to
from tests.support.conversation import Conversation
from tests.support.events import add_event, at


def _sign_up(services: Services, user: str, name: str, phone: str) -> None:
    worker = Conversation(services, user)
    first = worker.say("报名午间瑜伽")
    if "排候补" in [button.label for button in first.buttons]:  # a full event offers the waitlist first
        worker.tap("排候补")
    for answer in (name, phone, "月坛科技", "同意"):
        worker.say(answer)


def test_more_places_move_the_waitlist_up_and_tell_the_worker(staffed: Services, desk_of: DeskFor) -> None:
    add_event(staffed, "yoga", "午间瑜伽", at(12, 8, 12), capacity=1)
    _sign_up(staffed, "first", "张三", "13812345670")
    _sign_up(staffed, "second", "李四", "13812345671")
    with desk_of("wang") as desk:
        event, rows = event_desk.roster(desk, key="yoga")
        assert [(row.name, row.status_label) for row in rows] == [("张三", "报名成功"), ("李四", "候补第1位")]
        draft = EventDraft(key="yoga", title="午间瑜伽", starts_at=event.starts_at, capacity=2)
        summary = event_desk.store_drafts(desk, drafts=[draft], weeks_ahead=4)
    assert (summary.created, summary.updated, summary.promoted) == (0, 1, 1)
    [told] = [row for row in outbox_to(staffed, "second") if row.reason == "waitlist_promoted"]
    assert "午间瑜伽" in told.text
    with desk_of("wang") as desk:
        [row] = event_desk.list_events(desk)
    assert (row.taken, row.capacity, row.waitlist, row.status_label) == (2, 2, 0, "报名中")


def test_calling_an_event_off_tells_everyone_signed_up(staffed: Services, desk_of: DeskFor) -> None:
    add_event(staffed, "yoga", "午间瑜伽", at(12, 8, 12), capacity=1)
    _sign_up(staffed, "first", "张三", "13812345670")
    _sign_up(staffed, "second", "李四", "13812345671")
    with desk_of("wang") as desk:
        done = event_desk.cancel_event(desk, key="yoga", reason="场地维修")
    assert done.told == 2
    for worker in ("first", "second"):
        [notice] = [row for row in outbox_to(staffed, worker) if row.reason == "event_cancelled"]
        assert "场地维修" in notice.text
    with desk_of("wang") as desk, pytest.raises(Refusal) as refused:
        event_desk.close_event(desk, key="swim")
    assert refused.value.key == "staff_event_unknown"
