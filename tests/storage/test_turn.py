from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import select

from bot.app import Services
from storage import session_scope
from storage.models import DialogueState
from tests.support.conversation import Conversation


@contextmanager
def _statements(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        statement = str(args[2])
        if not statement.startswith("BEGIN"):
            seen.append(statement.split()[0] + " " + statement.split()[2 if statement.startswith("INSERT") else 1])

    event.listen(services.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(services.engine, "before_cursor_execute", record)


def test_a_known_workers_question_costs_five_statements(any_services: Services) -> None:
    worker = Conversation(any_services, "w-hot")
    worker.say("你好")
    with _statements(any_services) as seen:
        reply = worker.say("我们厂里周末让加班，也不给调休，请问加班费到底应该怎么算")
    assert "加班" in reply.text
    # lock the user, store the message, read state + open ticket, write the state (the topic), log the reply
    assert len(seen) <= 5, seen
    assert not any("replies.buttons" in statement for statement in seen)  # too long to be a button's label


def test_a_short_text_costs_one_more_read_to_be_checked_against_the_last_buttons(any_services: Services) -> None:
    worker = Conversation(any_services, "w-short")
    worker.say("你好")
    with _statements(any_services) as seen:
        reply = worker.say("加班费怎么算")
    assert "加班" in reply.text
    # as above, and the buttons of the last reply: "排候补" typed on WeChat is that button's tap
    assert len(seen) <= 6, seen
    assert sum("replies.buttons" in statement for statement in seen) == 1


def test_a_turn_that_changes_nothing_in_the_state_does_not_write_it(any_services: Services) -> None:
    worker = Conversation(any_services, "w-same")
    worker.say("加班费怎么算")
    with _statements(any_services) as seen:
        worker.say("加班费怎么算")  # same topic again: the state is as it was
    assert not any("dialogue_state" in statement for statement in seen if statement.startswith("INSERT"))


def test_the_state_a_turn_wrote_is_what_the_next_turn_reads(any_services: Services) -> None:
    worker = Conversation(any_services, "w-form")
    worker.say("我要申请欠薪调解")
    with session_scope(any_services.engine) as session:
        [state] = session.exec(select(DialogueState)).all()
    assert state.form is not None
    reply = worker.say("算了")
    assert "已经取消" in reply.text
    with session_scope(any_services.engine) as session:
        [state] = session.exec(select(DialogueState)).all()
    assert state.form is None and state.slots == {}
