"""How events read to a worker (dates, names, places left) and the messages sent to them outside their own turn.

The messages — promotion from the waitlist, cancellation of an event, the reminder before it starts — are
outbox rows written in the transaction of their cause; the skills, the `events` commands and the scheduler
all build them here, so a worker reads the same sentence whoever triggered it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from intents.context import DialoguePolicy, Speaks
from intents.outbox import write as write_outbox
from intents.turn import OutboxItem
from knowledge import KnowledgeBase
from storage import signups
from storage.models import Event, User

REMINDER_REASON = "event_reminder"
PROMOTED_REASON = "waitlist_promoted"
CANCELLED_REASON = "event_cancelled"


class EventText(Speaks):
    """Renders event facts with the station's replies, local facts and time zone.

    With `now`, a date in another year than now's carries its year (2027年12月1日); without, never.
    """

    def __init__(self, kb: KnowledgeBase, policy: DialoguePolicy, now: datetime | None = None) -> None:
        self.kb = kb
        self.policy = policy
        self.year = now.astimezone(policy.timezone).year if now is not None else None

    def moment(self, at: datetime, *, with_time: bool = True) -> str:
        """A time as a worker reads it: 12月4日（周六）09:00 (local time)."""
        local = at.astimezone(self.policy.timezone)
        weekday = self.kb.words["weekdays"][local.weekday()]
        year = self.say("event_year", year=local.year) if self.year not in (None, local.year) else ""
        if not with_time:
            return self.say("event_date", year=year, month=local.month, day=local.day, weekday=weekday)
        return self.say(
            "event_when",
            year=year,
            month=local.month,
            day=local.day,
            weekday=weekday,
            time=local.strftime("%H:%M"),
        )

    def when(self, event: Event) -> str:
        """The event's time: its start, or the span of days for an event running over several days."""
        tz = self.policy.timezone
        if (
            event.ends_at is not None
            and event.ends_at.astimezone(tz).date() != event.starts_at.astimezone(tz).date()
        ):
            start = self.moment(event.starts_at, with_time=False)
            return self.say("event_span", start=start, end=self.moment(event.ends_at, with_time=False))
        return self.moment(event.starts_at)

    @staticmethod
    def short(event: Event) -> str:
        """What a worker calls the event: its first alias, else its title."""
        return event.aliases[0] if event.aliases else event.title

    def note(self, event: Event) -> str:
        """The event's notes (what to bring) as an extra line, or nothing."""
        return "\n" + self.say("event_note", description=event.description) if event.description else ""

    def places_left(self, event: Event) -> str:
        """还剩N个名额, or that it is full and a waitlist place is possible."""
        left = event.capacity - event.taken
        return self.say("event_places_left", count=left) if left > 0 else self.say("event_places_full")

    def facts(self, event: Event) -> dict[str, object]:
        """The placeholders most event sentences use."""
        return {
            "title": event.title,
            "when": self.when(event),
            "place": event.place,
            "short": self.short(event),
            "note": self.note(event),
        }

    def promoted(self, event: Event, user: User) -> OutboxItem:
        """The message to a worker who moved up from the waitlist."""
        text = self.say("event_promoted_notice", **self.facts(event))
        return OutboxItem(user.channel, user.external_id, text, PROMOTED_REASON)

    def cancelled(self, event: Event, user: User, reason: str) -> OutboxItem:
        """The message to a worker whose event was called off."""
        text = self.say("event_cancelled_notice", title=event.title, when=self.when(event), reason=reason)
        return OutboxItem(user.channel, user.external_id, text, CANCELLED_REASON)


def cancel_all_signups(
    *, session: Session, kb: KnowledgeBase, policy: DialoguePolicy, user_id: int, now: datetime
) -> tuple[int, list[OutboxItem]]:
    """Cancel every signup of the worker for events not over yet (their data is being deleted).

    Places are released and the first on each waitlist moves up and is told. Returns how many signups were
    cancelled and the messages to the workers who moved up.
    """
    text = EventText(kb, policy, now)
    cancelled = 0
    messages: list[OutboxItem] = []
    for signup, event in signups.for_user(session=session, user_id=user_id, active_only=True):
        if (event.ends_at or event.starts_at) <= now:
            continue
        assert signup.id is not None
        result = signups.cancel(session=session, signup_id=signup.id, now=now)
        cancelled += 1
        if result.promoted is not None:
            promoted_user = session.get(User, result.promoted.user_id)
            if promoted_user is not None:
                messages.append(text.promoted(event, promoted_user))
    return cancelled, messages


def reminder_key(signup_id: int, starts_at: datetime) -> str:
    """The outbox dedup key of one reminder: one per (signup, occurrence start)."""
    return f"{REMINDER_REASON}:{signup_id}:{starts_at.astimezone(UTC).strftime('%Y%m%dT%H%MZ')}"


def queue_reminders(
    *,
    session: Session,
    kb: KnowledgeBase,
    policy: DialoguePolicy,
    now: datetime,
    remind_before: timedelta,
) -> int:
    """Queue the reminder for every confirmed worker whose event starts within `remind_before`.

    Idempotent: each (signup, start time) has its own outbox dedup key, so the scheduler may run this as
    often as it likes and a double run sends once; an event moved to another time is reminded again.

    Returns:
        How many reminders were newly queued.
    """
    text = EventText(kb, policy, now)
    items = [
        OutboxItem(
            user.channel,
            user.external_id,
            text.say("event_reminder_notice", **text.facts(event)),
            REMINDER_REASON,
            dedup_key=reminder_key(signup.id, event.starts_at),
        )
        for signup, event, user in signups.due_reminders(session=session, now=now, remind_before=remind_before)
        if signup.id is not None
    ]
    return write_outbox(session=session, items=items, now=now)
