"""Event administration at the staff desk: import or add events (moving waitlists up where places were added,
telling the workers who moved up), create or edit one from the console's form (with its checks), list them,
stop signups, call one off (telling everyone signed up), the signup list, and opening the sessions of weekly
series ahead.

Reading an events file (TOML) is the command line's business (bot/cli_events.py); here start drafts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from intents.event_text import EventText
from intents.staff.desk import Desk, Refusal
from storage import events, signups
from storage.events import EventDraft
from storage.models import Event, User

MAX_REASON = 200  # a cancellation reason goes to every worker signed up: a sentence, not an essay


def _text(desk: Desk) -> EventText:
    return EventText(desk.kb, desk.policy, desk.now)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What storing drafts did."""

    created: int
    updated: int
    occurrences: int  # weekly sessions opened ahead
    promoted: int  # workers moved up from a waitlist (each told through the outbox)


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as a staff list shows it (times local)."""

    key: str
    title: str
    starts_at: datetime
    when: str  # 12月4日（周六）09:00
    capacity: int
    taken: int
    waitlist: int
    status: str  # open | closed | cancelled
    status_label: str
    place: str = ""
    weekly: bool = False  # the definition of a weekly series


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One signup of an event's list: who, how to reach them, when, how it stands, the member answer."""

    name: str
    phone: str
    unit: str
    signed_up_at: datetime
    status_label: str  # 报名成功, 候补第2位, 已取消, 活动已取消
    member: bool | None
    status: str = ""  # confirmed | waitlisted | cancelled (storage.signups)


@dataclass(frozen=True, slots=True)
class EventChanged:
    """An event closed or called off; `told` workers were sent a message through the outbox."""

    key: str
    title: str
    taken: int
    told: int


def find_event(desk: Desk, *, key: str) -> Event:
    """The event with this key.

    Raises:
        Refusal: ("staff_event_unknown") there is no such event.
    """
    event = events.by_key(session=desk.session, key=key)
    if event is None:
        raise Refusal("staff_event_unknown", code=key)
    return event


def store_drafts(desk: Desk, *, drafts: Sequence[EventDraft], weeks_ahead: int) -> ImportSummary:
    """Create or update each event by key (never dropping a signup); move waitlists up where places were
    added, telling each worker who moved up; open the weekly series `weeks_ahead` weeks ahead."""
    text = _text(desk)
    created = updated = promoted = 0
    for draft in drafts:
        result = events.upsert(session=desk.session, draft=draft, now=desk.now)
        created += result.created
        updated += not result.created
        assert result.event.id is not None
        moved = signups.fill_places(session=desk.session, event_id=result.event.id, now=desk.now)
        promoted += len(moved)
        workers = [desk.session.get(User, signup.user_id) for signup in moved]
        desk.send(text.promoted(result.event, worker) for worker in workers if worker is not None)
    opened = open_series(desk, weeks=weeks_ahead)
    return ImportSummary(created, updated, len(opened), promoted)


def new_key(desk: Desk) -> str:
    """A key for an event created in the console: its date and a few random letters (ev-20261205-3f2a)."""
    return f"ev-{desk.local(desk.now):%Y%m%d}-{secrets.token_hex(2)}"


def save_event(desk: Desk, *, draft: EventDraft, weeks_ahead: int, new: bool) -> ImportSummary:
    """Create an event (`new`) or edit an existing one from a form, after the checks a person typing needs.

    Raises:
        Refusal: ("staff_event_unknown") an edit of an event that does not exist; (staff_event_…) no title,
            an end before the start, a deadline after the start, a new event in the past, or an event that
            was called off.
    """
    existing = None if new else find_event(desk, key=draft.key)
    if not draft.title:
        raise Refusal("staff_event_no_title")
    if draft.ends_at is not None and draft.ends_at < draft.starts_at:
        raise Refusal("staff_event_ends_early")
    if draft.signup_deadline is not None and draft.signup_deadline > draft.starts_at:
        raise Refusal("staff_event_late_deadline")
    if existing is None and draft.starts_at <= desk.now:
        raise Refusal("staff_event_past")
    if existing is not None and existing.status == events.EVENT_CANCELLED:
        raise Refusal("staff_event_is_cancelled")
    return store_drafts(desk, drafts=[draft], weeks_ahead=weeks_ahead)


def open_series(desk: Desk, *, weeks: int) -> list[str]:
    """Open the sessions of every weekly series starting within `weeks` weeks; returns the new keys."""
    created = events.extend_series(
        session=desk.session, now=desk.now, ahead=timedelta(weeks=weeks), tz=desk.policy.timezone
    )
    return [event.key for event in created]


def list_events(desk: Desk, *, include_past: bool = False) -> list[EventRow]:
    """Events not over yet (all with `include_past`), soonest first, with places taken and the waitlist."""
    found = events.all_events(session=desk.session, since=None if include_past else desk.now)
    waiting = signups.waitlist_counts(
        session=desk.session, event_ids=[event.id for event in found if event.id]
    )
    text = _text(desk)
    return [
        EventRow(
            key=event.key,
            title=event.title,
            starts_at=desk.local(event.starts_at),
            when=text.when(event),
            capacity=event.capacity,
            taken=event.taken,
            waitlist=waiting.get(event.id or 0, 0),
            status=event.status,
            status_label=desk.say(f"event_status_{event.status}"),
            place=event.place,
            weekly=event.repeat_weekly,
        )
        for event in found
    ]


def close_event(desk: Desk, *, key: str) -> EventChanged:
    """Stop signups; everyone signed up keeps their place or waitlist position.

    Raises:
        Refusal: ("staff_event_unknown"), or ("staff_event_is_cancelled") it was called off.
    """
    event = find_event(desk, key=key)
    if event.status == events.EVENT_CANCELLED:
        raise Refusal("staff_event_is_cancelled")
    events.close(session=desk.session, event=event, now=desk.now)
    return EventChanged(event.key, event.title, event.taken, 0)


def cancel_event(desk: Desk, *, key: str, reason: str) -> EventChanged:
    """Call the event off and tell everyone signed up (confirmed or waiting) why.

    Raises:
        Refusal: ("staff_event_unknown"); ("staff_event_no_reason"), ("staff_event_is_cancelled").
    """
    event = find_event(desk, key=key)
    reason = " ".join(reason.split())[:MAX_REASON].rstrip("。.")
    if not reason:
        raise Refusal("staff_event_no_reason")
    if event.status == events.EVENT_CANCELLED:
        raise Refusal("staff_event_is_cancelled")
    affected = events.cancel(session=desk.session, event=event, reason=reason, now=desk.now)
    text = _text(desk)
    told = desk.send(text.cancelled(event, user, reason) for _, user in affected)
    return EventChanged(event.key, event.title, event.taken, told)


def roster(desk: Desk, *, key: str) -> tuple[Event, list[RosterRow]]:
    """The event and its signup list in signup order (cancelled signups included, with their status).

    Raises:
        Refusal: ("staff_event_unknown").
    """
    event = find_event(desk, key=key)
    assert event.id is not None
    rows: list[RosterRow] = []
    waiting = 0
    for signup, user in signups.roster(session=desk.session, event_id=event.id):
        if event.status == events.EVENT_CANCELLED:
            status = desk.say("signup_status_event_cancelled")
        elif signup.status == signups.WAITLISTED:
            waiting += 1
            status = desk.say("signup_status_waitlisted", position=waiting)
        else:
            status = desk.say(f"signup_status_{signup.status}")
        rows.append(
            RosterRow(
                desk.say("deleted_person") if user.deleted_at else user.name or "",
                user.phone or "",
                user.work_unit or "",
                desk.local(signup.signed_up_at),
                status,
                signup.member,
                signup.status,
            )
        )
    return event, rows


# ---- rendering for chat ------------------------------------------------------------------------------------


def event_line(desk: Desk, row: EventRow) -> str:
    """One event on one line: key, title, time, places taken, waitlist, status."""
    return desk.say(
        "staff_event_line",
        code=row.key,
        title=row.title,
        when=row.when,
        taken=row.taken,
        capacity=row.capacity,
        waiting=row.waitlist,
        status=row.status_label,
    )


def events_text(desk: Desk) -> str:
    """Every event not over yet, one line each, under a header."""
    rows = list_events(desk)
    if not rows:
        return desk.say("staff_events_none")
    return "\n".join([desk.say("staff_events_intro"), *(event_line(desk, row) for row in rows)])


def roster_text(desk: Desk, *, key: str) -> str:
    """The signup list of one event for chat: name, phone, unit, signup time, status.

    Raises:
        Refusal: ("staff_event_unknown").
    """
    event, rows = roster(desk, key=key)
    if not rows:
        return desk.say("staff_export_empty", title=event.title)
    unknown = desk.say("unknown_value")
    lines = [
        desk.say(
            "staff_export_line",
            number=number,
            name=row.name or unknown,
            phone=row.phone or unknown,
            unit=row.unit or unknown,
            at=row.signed_up_at.strftime("%m-%d %H:%M"),
            status=row.status_label,
        )
        for number, row in enumerate(rows, start=1)
    ]
    return "\n".join([desk.say("staff_export_header", title=event.title, count=len(rows)), *lines])
