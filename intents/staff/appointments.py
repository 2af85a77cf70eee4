"""Appointments for staff: /slot publishes one more time for a service, /slots shows the coming two weeks, free
or booked (with the worker's name and phone: staff handle the booking)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from intents.event_text import EventText
from intents.skills.appointments import publish_standing, service_of, slot_facts
from intents.staff.desk import Desk
from storage import appointments

AHEAD = timedelta(days=14)


def publish_slot(desk: Desk, args: Sequence[str]) -> str:
    """/slot SERVICE YYYY-MM-DD HH:MM: offer one more time for a service (publishing it twice changes nothing)."""
    keys = desk.kb.reply("list_joiner").join(f"{service.key}（{service.name}）" for service in desk.policy.bookable)
    service = service_of(desk.policy, args[0]) if args else None
    if service is None or len(args) < 3:
        return desk.say("staff_slot_help", services=keys)
    try:
        day = datetime.fromisoformat(args[1]).date()
        clock = time.fromisoformat(args[2])
    except ValueError:
        return desk.say("staff_slot_help", services=keys)
    starts = datetime.combine(day, clock, tzinfo=desk.policy.timezone)
    if starts <= desk.now:
        return desk.say("staff_slot_past")
    added = appointments.publish(
        session=desk.session,
        service=service.key,
        starts_at=starts.astimezone(UTC),
        minutes=service.minutes,
        place=service.place,
        now=desk.now,
        published_by=desk.staff,
    )
    when = EventText(desk.kb, desk.policy, desk.now).moment(starts)
    return desk.say("staff_slot_added" if added else "staff_slot_exists", name=service.name, when=when)


def slots_text(desk: Desk) -> str:
    """/slots: the published times of the coming two weeks, free or booked (with who booked)."""
    publish_standing(session=desk.session, policy=desk.policy, now=desk.now)
    until = desk.now + AHEAD
    slots = [slot for slot in appointments.all_slots(session=desk.session, after=desk.now) if slot.starts_at <= until]
    if not slots:
        return desk.say("staff_slots_none")
    booked = {slot.id: user for _, slot, user in appointments.bookings(session=desk.session, after=desk.now)}
    unknown = desk.say("unknown_value")
    text = EventText(desk.kb, desk.policy, desk.now)
    lines = [desk.say("staff_slots_intro")]
    for slot in slots:
        user = booked.get(slot.id)
        status = (
            desk.say("staff_slot_booked", who=user.name or unknown, phone=user.phone or unknown)
            if user is not None
            else desk.say("staff_slot_free")
        )
        lines.append(desk.say("staff_slots_line", status=status, **slot_facts(slot, text)))
    return "\n".join(lines)
