"""SKILLS: which skill answers each intent — the only registry, visible in one place."""

from __future__ import annotations

from typing import Protocol

from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.skills.aid import HardshipAidSkill
from intents.skills.appointments import ACTIONS as APPOINTMENT_ACTIONS
from intents.skills.appointments import AppointmentSkill
from intents.skills.cases import ADD_INFO, OPEN_CASE, WITHDRAW, CaseStatusSkill, WageArrearsSkill
from intents.skills.events import EventCancelSkill, EventListSkill, EventSignupSkill, MySignupsSkill
from intents.skills.faq import FaqSkill
from intents.skills.handoff import HandoffSkill
from intents.skills.profile import ProfileDeleteSkill
from intents.skills.smalltalk import MenuSkill
from intents.turn import Turn
from knowledge import FaqEntry


class Skill(Protocol):
    """Turns a matched entry into the turn's reply and outbox rows."""

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Answer the worker."""
        ...


_faq = FaqSkill()
_menu = MenuSkill()

SKILLS: dict[IntentId, Skill] = {
    IntentId.GREETING: _menu,
    IntentId.HELP: _menu,
    IntentId.THANKS: _faq,
    IntentId.UNION_LAW: _faq,
    IntentId.LABOR_LAW: _faq,
    IntentId.WAGE_ARREARS: WageArrearsSkill(),
    IntentId.CASE_STATUS: CaseStatusSkill(),
    IntentId.JOIN_UNION: _faq,
    IntentId.FOUND_UNION: _faq,
    IntentId.HARDSHIP_AID: HardshipAidSkill(),
    IntentId.MUTUAL_AID: _faq,
    IntentId.LEGAL_AID: _faq,
    IntentId.EVENT_LIST: EventListSkill(),
    IntentId.EVENT_SIGNUP: EventSignupSkill(),
    IntentId.EVENT_CANCEL: EventCancelSkill(),
    IntentId.MY_SIGNUPS: MySignupsSkill(),
    IntentId.HANDOFF: HandoffSkill(),
    IntentId.CONTACT: _faq,
    IntentId.PROFILE_DELETE: ProfileDeleteSkill(),
    IntentId.OUT_OF_SCOPE: _faq,
}

# Entries whose action is a skill of its own, whatever their intent (booking a lawyer reports legal_aid,
# booking the mediator wage_arrears).
_appointments = AppointmentSkill()
ACTION_SKILLS: dict[str, Skill] = dict.fromkeys(APPOINTMENT_ACTIONS, _appointments)

# The `action` values FAQ entries may carry (kb check refuses any other): what a skill does besides answering.
ACTIONS = frozenset({OPEN_CASE, ADD_INFO, WITHDRAW}) | APPOINTMENT_ACTIONS


def skill_for(entry: FaqEntry) -> Skill:
    """The skill that answers this entry: its action's skill, else its intent's."""
    return ACTION_SKILLS.get(entry.action) or SKILLS[IntentId(entry.intent)]


__all__ = ["ACTIONS", "SKILLS", "Skill", "skill_for"]
