"""李老师 answers a worker's hand-off ticket at the staff desk; the worker hears it through the outbox."""

from __future__ import annotations

import pytest

from bot.app import Services
from intents.staff import Refusal
from intents.staff import tickets as ticket_desk
from tests.intents.staff.conftest import DeskFor, outbox_to
from tests.support.conversation import Conversation


def test_a_ticket_is_listed_answered_and_closed(staffed: Services, desk_of: DeskFor) -> None:
    worker = Conversation(staffed, "asker")
    worker.say("加班费怎么算")
    worker.say("转人工")
    worker.say("我在朝阳区一家饭店上班")
    with desk_of("li") as desk:
        [summary] = ticket_desk.list_tickets(desk)
        assert (summary.number, summary.status, summary.reason_label) == ("T-001", "open", "职工要求转人工")
        assert summary.last_worker_words == "我在朝阳区一家饭店上班"
        answered = ticket_desk.reply_to_ticket(desk, number="t1", text="您好，饭店加班按1.5倍算")
    assert (answered.number, answered.worker_told) == ("T-001", True)
    [answer] = [row for row in outbox_to(staffed, "asker") if row.reason == "ticket_reply"]
    assert answer.text.startswith("工作人员李老师回复您") and "1.5倍" in answer.text
    with desk_of("li") as desk:
        thread = ticket_desk.ticket_thread(desk, number="T-001")
        assert [line.author_name for line in thread.lines][-1] == "李老师"
        assert "李老师：您好，饭店加班按1.5倍算" in ticket_desk.thread_text(desk, thread)
        ticket_desk.close_ticket(desk, number="T-001")
    with desk_of("li") as desk:
        assert ticket_desk.list_tickets(desk) == []
        assert [s.status for s in ticket_desk.list_tickets(desk, include_closed=True)] == ["closed"]
    assert any(row.reason == "ticket_closed" for row in outbox_to(staffed, "asker"))


def test_a_ticket_that_is_not_there_is_refused_and_nothing_is_sent(desk_of: DeskFor) -> None:
    with desk_of("li") as desk, pytest.raises(Refusal) as refused:
        ticket_desk.reply_to_ticket(desk, number="T-099", text="您好")
    assert refused.value.key == "staff_ticket_not_found" and refused.value.values == {"ticket": "T-099"}
    with desk_of("li") as desk:
        assert ticket_desk.list_tickets(desk, include_closed=True) == []
