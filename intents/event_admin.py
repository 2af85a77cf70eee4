"""Event administration for the staff console: create or edit an event (a weekly series too), stop signups,
call it off (telling everyone signed up), and its signup list with the waitlist.

Pure over storage: the caller owns the transaction and writes the returned outbox items with it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from intents.casework import StaffDesk
from intents.drafts import DraftRefused
from intents.event_text import EventText
from intents.turn import OutboxItem
from storage import events, signups
from storage.events import EventDraft
from storage.models import Event, User

MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as the staff list shows it."""

    event: Event
    when: str  # 12月4日（周六）09:00
    waitlist: int
    status_label: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One signup: who, how to reach them, when, how it stands (报名成功, 候补第2位 …), the member answer."""

    name: str
    phone: str
    unit: str
    signed_up_at: datetime
    status: str
    status_label: str
    member: bool | None


@dataclass(frozen=True, slots=True)
class Saved:
    """The stored event, whether it is new, and the messages to workers who moved up from the waitlist."""

    event: Event
    created: bool
    outbox: tuple[OutboxItem, ...]


def new_key(desk: StaffDesk) -> str:
    """A key for an event created in the console: its date and a few random letters (ev-20261205-3f2a)."""
    return f"ev-{desk.local(desk.now):%Y%m%d}-{secrets.token_hex(2)}"


def find_event(desk: StaffDesk, key: str) -> Event:
    """The event with this key.

    Raises:
        DraftRefused: ("console_not_found") no such event.
    """
    event = events.by_key(session=desk.session, key=key)
    if event is None:
        raise DraftRefused("console_not_found")
    return event


def list_events(desk: StaffDesk, *, include_past: bool = False) -> list[EventRow]:
    """Events not over yet (all with `include_past`), soonest first, with the waitlist."""
    found = events.all_events(session=desk.session, since=None if include_past else desk.now)
    waiting = signups.waitlist_counts(session=desk.session, event_ids=[event.id for event in found if event.id])
    text = EventText(desk.kb, desk.policy)
    return [
        EventRow(event, text.when(event), waiting.get(event.id or 0, 0), desk.say(f"event_status_{event.status}"))
        for event in found
    ]


def save_event(desk: StaffDesk, draft: EventDraft, *, weeks_ahead: int) -> Saved:
    """Create the event or update it by key; signups are kept, added places go to the waitlist in order (each
    worker moved up is told), and a weekly series opens its sessions `weeks_ahead` weeks ahead.

    Raises:
        DraftRefused: (console_event_…) no title, an end before the start, a deadline
            after the start, a new event in the past, or an event already called off.
    """
    existing = events.by_key(session=desk.session, key=draft.key)
    if not draft.title:
        raise DraftRefused("console_event_no_title")
    if draft.ends_at is not None and draft.ends_at < draft.starts_at:
        raise DraftRefused("console_event_ends_early")
    if draft.signup_deadline is not None and draft.signup_deadline > draft.starts_at:
        raise DraftRefused("console_event_late_deadline")
    if existing is None and draft.starts_at <= desk.now:
        raise DraftRefused("console_event_past")
    if existing is not None and existing.status == events.EVENT_CANCELLED:
        raise DraftRefused("console_event_is_cancelled")
    result = events.upsert(session=desk.session, draft=draft, now=desk.now)
    assert result.event.id is not None
    moved = signups.fill_places(session=desk.session, event_id=result.event.id, now=desk.now)
    text = EventText(desk.kb, desk.policy)
    workers = [desk.session.get(User, signup.user_id) for signup in moved]
    outbox = tuple(text.promoted(result.event, worker) for worker in workers if worker is not None)
    if draft.repeat_weekly:
        events.extend_series(
            session=desk.session, now=desk.now, ahead=timedelta(weeks=weeks_ahead), tz=desk.policy.timezone
        )
    return Saved(result.event, result.created, outbox)


def close_event(desk: StaffDesk, key: str) -> Event:
    """Stop signups; everyone signed up keeps their place or waitlist position.

    Raises:
        DraftRefused: no such event, or it was called off.
    """
    event = find_event(desk, key)
    if event.status == events.EVENT_CANCELLED:
        raise DraftRefused("console_event_is_cancelled")
    events.close(session=desk.session, event=event, now=desk.now)
    return event


def cancel_event(desk: StaffDesk, key: str, reason: str) -> tuple[OutboxItem, ...]:
    """Call the event off; returns the message to everyone signed up (confirmed or waiting), with the reason.

    Raises:
        DraftRefused: no such event, no reason given, or it was called off already.
    """
    event = find_event(desk, key)
    reason = " ".join(reason.split())[:MAX_REASON].rstrip("。.")
    if not reason:
        raise DraftRefused("console_event_no_reason")
    if event.status == events.EVENT_CANCELLED:
        raise DraftRefused("console_event_is_cancelled")
    affected = events.cancel(session=desk.session, event=event, reason=reason, now=desk.now)
    text = EventText(desk.kb, desk.policy)
    return tuple(text.cancelled(event, user, reason) for _, user in affected)


def roster(desk: StaffDesk, key: str) -> tuple[Event, list[RosterRow]]:
    """The event and its signup list in signup order, waitlisted workers with their position.

    Raises:
        DraftRefused: no such event.
    """
    event = find_event(desk, key)
    assert event.id is not None
    rows: list[RosterRow] = []
    waiting = 0
    for signup, user in signups.roster(session=desk.session, event_id=event.id):
        if event.status == events.EVENT_CANCELLED and signup.status in signups.ACTIVE:
            label = desk.say("signup_status_event_cancelled")
        elif signup.status == signups.WAITLISTED:
            waiting += 1
            label = desk.say("signup_status_waitlisted", position=waiting)
        else:
            label = desk.say(f"signup_status_{signup.status}")
        rows.append(
            RosterRow(user.name or "", user.phone or "", user.work_unit or "", desk.local(signup.signed_up_at),
                      signup.status, label, signup.member)
        )
    return event, rows
