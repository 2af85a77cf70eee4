"""The signup form: name, phone and work unit once (kept, with consent, for next time), union membership for
members-only events, then a place or a waitlist position from storage.signups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from intents import payloads
from intents.context import TurnContext
from intents.event_text import EventText
from intents.forms.answers import looks_like_question, parse_name, parse_phone
from intents.forms.engine import Slot, start_form
from intents.forms.profile_delete import parse_yes_no
from intents.ids import IntentId
from intents.normalize import clean, fold, fold_all
from intents.turn import Button, Reply, Turn
from storage import events, signups, users
from storage.models import Event

FORM_NAME = "event_signup"
_QUESTION = re.compile(r"[?\uff1f]")  # question words (吗, 呢 …) are in words.name_excluded


def parse_unit(text: str, ctx: TurnContext) -> str | None:
    """The work unit's name as written (2–64 characters), not a question."""
    value = clean(text)
    if looks_like_question(value, ctx) or _QUESTION.search(value[-1:]):
        return None
    return value if 2 <= len(value) <= 64 else None


def parse_member(text: str, ctx: TurnContext) -> bool | None:
    """Yes / no to "are you a union member" (是会员, 还不是 … as well as the plain yes and no words)."""
    folded = fold(text)
    if folded in fold_all(ctx.kb.words.get("member_no", ())):
        return False
    if folded in fold_all(ctx.kb.words.get("member_yes", ())):
        return True
    return parse_yes_no(text, ctx)


def _contact_summary(values: Mapping[str, Any], _ctx: TurnContext) -> Mapping[str, object]:
    return {"name": values.get("name", ""), "phone": values.get("phone", ""), "unit": values.get("unit", "")}


class EventSignupForm:
    """Collects what a signup needs; slots already known (kept contact, the event) are never asked."""

    name: ClassVar[str] = FORM_NAME
    intent: ClassVar[IntentId] = IntentId.EVENT_SIGNUP
    title_key: ClassVar[str] = "event_form_title"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("name", "event_ask_name", parse_name, problem_key="event_name_invalid"),
        Slot(
            "phone",
            "event_ask_phone",
            parse_phone,
            extract=parse_phone,
            problem_key="event_phone_invalid",
        ),
        Slot("unit", "event_ask_unit", parse_unit, problem_key="event_unit_invalid"),
        Slot("member", "event_ask_member", parse_member, problem_key="event_member_unclear"),
        # Asked last, so the worker sees what is kept before agreeing; "no" keeps nothing.
        Slot(
            "consent",
            "event_ask_consent",
            parse_yes_no,
            problem_key="event_consent_unclear",
            describe=_contact_summary,
        ),
    )
    idle_expiry: ClassVar[timedelta] = timedelta(minutes=30)
    cancel_key: ClassVar[str] = "event_signup_cancelled"

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Keep the contact (with consent), then take a place or join the waitlist."""
        if not values.get("consent"):
            return Turn(Reply(ctx.say("event_no_consent"), self.intent, 1.0))
        event = events.get(session=ctx.session, event_id=int(values["event_id"]))
        if event is None:
            return Turn(Reply(ctx.say("event_gone"), self.intent, 1.0))
        refusal = refusal_text(event, ctx)
        if refusal is not None:  # the deadline may have passed while the form was filled in
            return Turn(Reply(refusal, self.intent, 1.0))
        user = ctx.user
        contact = (values.get("name"), values.get("phone"), values.get("unit"))
        if user.consent_at is None or contact != (user.name, user.phone, user.work_unit):
            users.set_contact(
                session=ctx.session,
                user=user,
                now=ctx.now,
                name=values.get("name"),
                phone=values.get("phone"),
                work_unit=values.get("unit"),
            )
        assert event.id is not None
        member = values.get("member")
        result = signups.sign_up(
            session=ctx.session, event_id=event.id, user_id=ctx.user_pk, now=ctx.now, member=member
        )
        event = events.get(session=ctx.session, event_id=event.id) or event
        return Turn(Reply(result_text(event, result, ctx, member), self.intent, 1.0))


def refusal_text(event: Event, ctx: TurnContext) -> str | None:
    """Why the worker cannot sign up for the event now (cancelled, closed, past the deadline), or None."""
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    if event.status == events.EVENT_CANCELLED:
        return ctx.say("event_refused_cancelled", title=event.title, reason=event.cancel_reason or "")
    if event.status == events.EVENT_CLOSED:
        return ctx.say("event_refused_closed", title=event.title)
    closes = events.signup_closes_at(event)
    if closes <= ctx.now:
        return ctx.say("event_refused_deadline", title=event.title, deadline=text.moment(closes))
    return None


def result_text(event: Event, result: signups.SignupResult, ctx: TurnContext, member: bool | None) -> str:
    """报名成功 with time, place and notes; 已进入候补，第N位; or that the worker is already signed up."""
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    facts = text.facts(event)
    if result.outcome == "confirmed":
        reply = ctx.say("event_confirmed", **facts)
    elif result.outcome == "waitlisted":
        reply = ctx.say("event_waitlisted", title=event.title, position=result.position)
    elif result.signup.status == signups.WAITLISTED:
        return ctx.say("event_already_waitlisted", title=event.title, position=result.position)
    else:
        return ctx.say("event_already_confirmed", title=event.title, when=facts["when"], place=event.place)
    if event.members_only and member is False:
        reply = f"{reply}\n{ctx.say('event_member_note')}"
    return reply


def begin_signup(event: Event, ctx: TurnContext, confidence: float = 1.0, *, waitlist_ok: bool = False) -> Turn:
    """Sign the worker up for `event`, asking only what is not known yet; refuse with the reason if closed.

    A full event says so first and offers the waitlist; details are asked only once the worker wants it
    (`waitlist_ok`).
    """
    intent = IntentId.EVENT_SIGNUP
    refusal = refusal_text(event, ctx)
    if refusal is not None:
        return Turn(Reply(refusal, intent, confidence))
    assert event.id is not None
    existing = signups.find(session=ctx.session, event_id=event.id, user_id=ctx.user_pk)
    if existing is not None and existing.status in signups.ACTIVE:
        position = signups.position(session=ctx.session, signup=existing)
        already = signups.SignupResult("already", existing, position)
        return Turn(Reply(result_text(event, already, ctx, existing.member), intent, confidence))
    if event.taken >= event.capacity and not waitlist_ok:
        when = EventText(ctx.kb, ctx.policy, ctx.now).when(event)
        buttons = (
            Button(ctx.say("event_waitlist_button"), payloads.event("waitlist", event.id)),
            Button(ctx.say("event_other_button"), payloads.menu(ctx.say("event_other_question"))),
        )
        return Turn(Reply(ctx.say("event_full_first", title=event.title, when=when), intent, confidence, buttons))
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    initial: dict[str, Any] = {"event_id": event.id}
    user = ctx.user
    lead = [ctx.say("event_signup_start", title=event.title, when=text.when(event), place=event.place)]
    if user.consent_at is not None and user.name and user.phone and user.work_unit:
        initial.update(name=user.name, phone=user.phone, unit=user.work_unit, consent=True)
    else:
        lead.append(ctx.say("event_first_time"))
    if not event.members_only:
        initial["member"] = None
    elif signups.last_member_answer(session=ctx.session, user_id=ctx.user_pk) is True:
        initial["member"] = True
    return start_form(EventSignupForm(), ctx, ctx.inbound.text, lead="\n".join(lead), initial=initial)
