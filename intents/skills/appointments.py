"""Appointments in chat: a worker books a time with the station's mediator, lawyer or counsellor, sees, moves
or cancels it; staff publish single times with /slot and see the week with /slots; the day-before reminder.

Standing times come from config.toml [[appointments]] and are opened `days_ahead` days ahead whenever a
worker looks (publishing is idempotent: (service, starts_at) is unique). Taps carry "appt:<action>:<ids>".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from sqlmodel import Session

from intents import payloads
from intents.clarify import offer_choices
from intents.context import Bookable, DialoguePolicy, TurnContext
from intents.event_text import EventText
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.normalize import fold
from intents.outbox import write as write_outbox
from intents.turn import Button, OutboxItem, Reply, Turn
from knowledge import KnowledgeBase
from storage import appointments
from storage.models import Appointment, AppointmentSlot

BOOK, MINE, CANCEL, MOVE = "appointment_book", "appointment_mine", "appointment_cancel", "appointment_move"
ACTIONS = frozenset({BOOK, MINE, CANCEL, MOVE})
INTENT = IntentId.LEGAL_AID
TIMES_SHOWN = 6
REMINDER_REASON = "appointment_reminder"


def service_of(policy: DialoguePolicy, key: str) -> Bookable | None:
    """The bookable service with this key (config.toml [[appointments]]), or None."""
    return next((service for service in policy.bookable if service.key == key), None)


def _service(ctx: TurnContext, key: str) -> Bookable | None:
    return service_of(ctx.policy, key)


def _named_service(text: str, ctx: TurnContext) -> Bookable | None:
    folded = fold(text)
    for service in ctx.policy.bookable:
        if any(fold(word) in folded for word in service.words):
            return service
    return None


def publish_standing(*, session: Session, policy: DialoguePolicy, now: datetime) -> int:
    """Open every service's standing weekly times for the coming `days_ahead` days; returns how many are new."""
    tz = policy.timezone
    today = now.astimezone(tz).date()
    added = 0
    for service in policy.bookable:
        for offset in range(service.days_ahead + 1):
            day = today + timedelta(days=offset)
            for weekday, clock in service.weekly:
                if day.isoweekday() != weekday:
                    continue
                starts = datetime.combine(day, clock, tzinfo=tz)
                if starts <= now:
                    continue
                added += appointments.publish(
                    session=session,
                    service=service.key,
                    starts_at=starts.astimezone(UTC),
                    minutes=service.minutes,
                    place=service.place,
                    now=now,
                )
    return added


def slot_facts(slot: AppointmentSlot, text: EventText) -> dict[str, object]:
    """The placeholders of appointment sentences: service name, time (as events read), place, length."""
    service = service_of(text.policy, slot.service)
    return {
        "name": service.name if service else slot.service,
        "when": text.moment(slot.starts_at),
        "place": slot.place,
        "minutes": slot.minutes,
    }


def _when(slot: AppointmentSlot, ctx: TurnContext) -> str:
    return EventText(ctx.kb, ctx.policy, ctx.now).moment(slot.starts_at)


def _facts(slot: AppointmentSlot, ctx: TurnContext) -> dict[str, object]:
    return slot_facts(slot, EventText(ctx.kb, ctx.policy, ctx.now))


def _mine(ctx: TurnContext) -> list[tuple[Appointment, AppointmentSlot]]:
    return appointments.for_user(session=ctx.session, user_id=ctx.user_pk, after=ctx.now)


def _pick_service(ctx: TurnContext, action: str = "service") -> Turn:
    services = ctx.policy.bookable
    if not services:
        return Turn(Reply(ctx.say("appt_no_services"), INTENT, 1.0))
    lines = [
        ctx.say("appt_service_line", number=number, name=service.name, place=service.place)
        for number, service in enumerate(services, start=1)
    ]
    buttons = [Button(service.name, payloads.appointment(action, service.key)) for service in services]
    return offer_choices(ctx, "\n".join([ctx.say("appt_pick_service"), *lines]), buttons, INTENT)


def _times(service: Bookable, ctx: TurnContext, action: str, lead: str = "", moving: int | None = None) -> Turn:
    publish_standing(session=ctx.session, policy=ctx.policy, now=ctx.now)
    free = appointments.free_slots(session=ctx.session, service=service.key, after=ctx.now, limit=TIMES_SHOWN)
    if not free:
        return Turn(Reply(lead + ctx.say("appt_none_free", name=service.name), INTENT, 1.0))
    lines = [
        ctx.say("appt_time_line", number=number, when=_when(slot, ctx))
        for number, slot in enumerate(free, start=1)
    ]
    ids = (moving,) if moving is not None else ()
    buttons = [Button(_when(slot, ctx), payloads.appointment(action, *ids, slot.id)) for slot in free]
    intro = ctx.say("appt_pick_time", name=service.name, minutes=service.minutes, place=service.place)
    return offer_choices(ctx, lead + "\n".join([intro, *lines]), buttons, INTENT)


def _already(pair: tuple[Appointment, AppointmentSlot], ctx: TurnContext) -> Turn:
    appointment, slot = pair
    buttons = (
        Button(ctx.say("appt_button_move"), payloads.appointment("moving", appointment.id)),
        Button(ctx.say("appt_button_cancel"), payloads.appointment("cancel", appointment.id)),
    )
    return Turn(Reply(ctx.say("appt_already", **_facts(slot, ctx)), INTENT, 1.0, buttons))


def start_booking(ctx: TurnContext, text: str) -> Turn:
    """"我想预约律师": the service's free times (or the choice of service); an existing booking is shown."""
    service = _named_service(text, ctx)
    if service is None:
        return _pick_service(ctx)
    held = [pair for pair in _mine(ctx) if pair[1].service == service.key]
    if held:
        return _already(held[0], ctx)
    # A service may say what it is first (replies: appt_about_<key>), e.g. that the union's lawyer is free.
    about = ctx.kb.replies.get(f"appt_about_{service.key}")
    return _times(service, ctx, "book", lead=ctx.say(f"appt_about_{service.key}") + "\n" if about else "")


def _list_mine(ctx: TurnContext) -> Turn:
    mine = _mine(ctx)
    if not mine:
        return Turn(Reply(ctx.say("appt_mine_none"), INTENT, 1.0))
    lines = [
        ctx.say("appt_mine_line", number=number, **_facts(slot, ctx))
        for number, (_, slot) in enumerate(mine, start=1)
    ]
    return Turn(Reply("\n".join([ctx.say("appt_mine_intro"), *lines, ctx.say("appt_mine_footer")]), INTENT, 1.0))


def _choose_booking(ctx: TurnContext, action: str, intro_key: str) -> Turn:
    mine = _mine(ctx)
    if not mine:
        return Turn(Reply(ctx.say("appt_mine_none"), INTENT, 1.0))
    named = _named_service(ctx.inbound.text, ctx)
    if named is not None:
        mine = [pair for pair in mine if pair[1].service == named.key] or mine
    if len(mine) == 1:
        return appointment_payload(f"{action}:{mine[0][0].id}", ctx)
    lines = [
        ctx.say("appt_mine_line", number=number, **_facts(slot, ctx))
        for number, (_, slot) in enumerate(mine, start=1)
    ]
    buttons = [Button(_when(slot, ctx), payloads.appointment(action, appointment.id)) for appointment, slot in mine]
    return offer_choices(ctx, "\n".join([ctx.say(intro_key), *lines]), buttons, INTENT)


class AppointmentSkill:
    """Book, list, cancel or move an appointment, by the matched entry's action."""

    intent: ClassVar[IntentId] = INTENT

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Act on the entry's action; the reply reports the entry's intent."""
        action = match.entry.action
        if action == MINE:
            turn = _list_mine(ctx)
        elif action == CANCEL:
            turn = _choose_booking(ctx, "cancel", "appt_cancel_pick")
        elif action == MOVE:
            turn = _choose_booking(ctx, "moving", "appt_move_pick")
        else:
            turn = start_booking(ctx, ctx.inbound.text)
        reply = turn.reply
        intent = IntentId(match.entry.intent)
        return Turn(Reply(reply.text, intent, match.score, reply.buttons, reply.answered), turn.outbox)


def _own(ctx: TurnContext, appointment_id: int) -> tuple[Appointment, AppointmentSlot] | None:
    return next((pair for pair in _mine(ctx) if pair[0].id == appointment_id), None)


def appointment_payload(value: str, ctx: TurnContext) -> Turn:
    """A tapped (or numbered) appointment button: service, book, cancel, moving (pick the new time), move."""
    action, _, rest = value.partition(":")
    ids = [int(part) for part in rest.split(":") if part.isdigit()]
    if action == "service":
        service = _service(ctx, rest)
        return start_booking(ctx, service.words[0]) if service else _pick_service(ctx)
    if action == "book" and ids:
        return _book(ids[0], ctx)
    if action in ("cancel", "moving", "move") and ids:
        pair = _own(ctx, ids[0])
        if pair is None:
            return Turn(Reply(ctx.say("appt_mine_none"), INTENT, 1.0))
        appointment, slot = pair
        service = _service(ctx, slot.service)
        if action == "cancel":
            assert appointment.id is not None
            appointments.cancel(session=ctx.session, appointment_id=appointment.id, now=ctx.now)
            return Turn(Reply(ctx.say("appt_cancelled", **_facts(slot, ctx)), INTENT, 1.0))
        if action == "moving" and service is not None:
            return _times(service, ctx, "move", moving=appointment.id)
        if action == "move" and len(ids) == 2:
            return _move(appointment, slot, ids[1], ctx)
    return Turn(Reply(ctx.say("form_button_stale"), INTENT, 1.0))


def _book(slot_id: int, ctx: TurnContext) -> Turn:
    slot = appointments.get_slot(session=ctx.session, slot_id=slot_id)
    service = _service(ctx, slot.service) if slot is not None else None
    if slot is None or service is None or slot.starts_at <= ctx.now:
        return Turn(Reply(ctx.say("appt_gone"), INTENT, 1.0))
    held = [pair for pair in _mine(ctx) if pair[1].service == service.key and pair[1].id != slot_id]
    if held:
        return _already(held[0], ctx)
    result = appointments.book(session=ctx.session, slot_id=slot_id, user_id=ctx.user_pk, now=ctx.now)
    if result.outcome == "taken":
        return _times(service, ctx, "book", lead=ctx.say("appt_taken", when=_when(slot, ctx)) + "\n")
    return Turn(Reply(ctx.say("appt_booked", **_facts(slot, ctx)), INTENT, 1.0))


def _move(appointment: Appointment, old: AppointmentSlot, slot_id: int, ctx: TurnContext) -> Turn:
    slot = appointments.get_slot(session=ctx.session, slot_id=slot_id)
    service = _service(ctx, old.service)
    if slot is None or service is None or slot.service != old.service or slot.starts_at <= ctx.now:
        return Turn(Reply(ctx.say("appt_gone"), INTENT, 1.0))
    assert appointment.id is not None
    result = appointments.move(session=ctx.session, appointment_id=appointment.id, slot_id=slot_id, now=ctx.now)
    if result.outcome == "taken":
        lead = ctx.say("appt_taken", when=_when(slot, ctx)) + "\n"
        return _times(service, ctx, "move", lead=lead, moving=appointment.id)
    return Turn(Reply(ctx.say("appt_moved", old=_when(old, ctx), **_facts(slot, ctx)), INTENT, 1.0))


# ---- reminders and staff -------------------------------------------------------------------------------


def reminder_key(appointment_id: int, starts_at: datetime) -> str:
    """The outbox dedup key of one reminder: one per (booking, start time)."""
    return f"{REMINDER_REASON}:{appointment_id}:{starts_at.astimezone(UTC).strftime('%Y%m%dT%H%MZ')}"


def queue_reminders(
    *, session: Session, kb: KnowledgeBase, policy: DialoguePolicy, now: datetime, remind_before: timedelta
) -> int:
    """Queue the day-before reminder of every booking starting within `remind_before`; each is sent once."""
    text = EventText(kb, policy, now)
    items = [
        OutboxItem(
            user.channel,
            user.external_id,
            text.say("appt_reminder_notice", **slot_facts(slot, text)),
            REMINDER_REASON,
            dedup_key=reminder_key(appointment.id, slot.starts_at),
        )
        for appointment, slot, user in appointments.due_reminders(
            session=session, now=now, remind_before=remind_before
        )
        if appointment.id is not None
    ]
    return write_outbox(session=session, items=items, now=now)
