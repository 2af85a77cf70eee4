"""Knowledge drafts at the staff desk: one person drafts, another approves, and only what passes `kb check`."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.app import Services
from intents.staff.desk import Desk, Refusal
from intents.staff.drafts import approve, approved_amendments, draft_entry, draft_phrasings, reject
from storage import session_scope

PARKING = ["服务站能停车吗", "开车去停哪", "车停在哪里", "服务站有停车位吗"]


def _desk(session: Session, services: Services, staff: str) -> Desk:
    return Desk.for_staff(session=session, kb=services.kb, policy=services.policy, now=services.clock.now(), staff=staff)


def test_the_author_cannot_approve_their_own_draft_and_a_colleague_can(any_services: Services) -> None:
    with session_scope(any_services.engine) as session:
        change = draft_phrasings(_desk(session, any_services, "wang"), entry_id="contact_address",
                                 phrasings=["工会的门朝哪开", "工会的门朝哪开！", " "])
        assert change.phrasings == ["工会的门朝哪开"] and change.drafted_by == "wang"
        assert change.id is not None
        with pytest.raises(Refusal) as own:
            approve(_desk(session, any_services, "wang"), change_id=change.id)
        assert own.value.key == "console_kb_own_draft"
        approve(_desk(session, any_services, "li"), change_id=change.id)
        assert [amendment.entry_id for amendment in approved_amendments(session=session)] == ["contact_address"]
        with pytest.raises(Refusal):
            reject(_desk(session, any_services, "wang"), change_id=change.id, note="晚了")


def test_a_new_answer_that_breaks_a_kb_check_rule_is_not_approved(any_services: Services) -> None:
    with session_scope(any_services.engine) as session:
        change = draft_entry(_desk(session, any_services, "wang"), entry_id="contact_parking", intent="contact",
                             answer="服务站门口不能停车。", refs=[], phrasings=PARKING[:2])
        assert change.id is not None
        with pytest.raises(Refusal) as problems:
            approve(_desk(session, any_services, "li"), change_id=change.id)
        assert problems.value.key == "console_kb_problems" and "4" in str(problems.value.values["problems"])
        reject(_desk(session, any_services, "li"), change_id=change.id, note="问法太少")
        assert approved_amendments(session=session) == []


@pytest.mark.parametrize(
    ("entry_id", "intent", "answer", "key"),
    [
        ("Parking!", "contact", "答案", "console_kb_bad_id"),
        ("contact_address", "contact", "答案", "console_kb_id_taken"),
        ("contact_parking", "no_such_intent", "答案", "console_kb_bad_intent"),
        ("contact_parking", "contact", "  ", "console_kb_no_answer"),
    ],
)
def test_a_bad_new_answer_is_refused_with_what_to_fix(
    services: Services, entry_id: str, intent: str, answer: str, key: str
) -> None:
    with session_scope(services.engine) as session, pytest.raises(Refusal) as refused:
        draft_entry(_desk(session, services, "wang"), entry_id=entry_id, intent=intent, answer=answer, refs=[],
                    phrasings=PARKING)
    assert refused.value.key == key
