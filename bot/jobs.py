"""The scheduler's timed work, each job a plain method: one transaction, idempotent, writing outbox rows only.

Every job is idempotent, so a double fire, a take-over or a catch-up run sends nothing twice:

- routine reminders: a row per (routine, meeting, staff member), unique, written with the outbox row in one
  transaction; the outbox row carries the dedup key `reminder:<routine>:<meeting UTC>:<staff>` too;
- event reminders: the outbox dedup key of intents.event_text.queue_reminders;
- overdue cases: a case is marked overdue once (intents.staff.cases.flag_overdue);
- the December calendar warning: one outbox dedup key per staff member, year and ISO week.

What the reminders say is intents.staff.routine_text's; when jobs run is bot/scheduler.py's.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.app import Services
from bot.report import build_report, previous_month
from intents.event_text import queue_reminders
from intents.outbox import write as write_outbox
from intents.skills.appointments import queue_reminders as queue_appointment_reminders
from intents.staff.cases import flag_overdue
from intents.staff.desk import SYSTEM, Desk
from intents.staff.events import open_series
from intents.staff.report import render_pack
from intents.staff.routine_text import RoutineText
from intents.staff.routines import Occurrence, Plan
from intents.turn import OutboxItem
from storage import dialogue_state, meetings, reminders, session_scope

STAFF = "staff"  # outbox rows to a staff member by id; the sender finds their account (bot/sender.py)
REASON_ROUTINE = "routine_reminder"
REASON_REPEAT = "routine_repeat"
REASON_CALENDAR = "calendar_missing"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminder_key(routine: str, meeting_at: datetime, staff_id: str, *, repeat: bool = False) -> str:
    """The outbox dedup key of one routine reminder (or of its one repeat)."""
    return f"{'reminder-again' if repeat else 'reminder'}:{routine}:{_stamp(meeting_at)}:{staff_id}"


class Jobs:
    """The jobs over the services, on the services' clock; the command line and tests call them directly."""

    def __init__(self, services: Services, *, plan: Plan | None = None) -> None:
        self.services = services
        self.settings = services.settings.scheduler
        self.plan = plan or services.plan
        self.text = RoutineText(services.kb, services.policy)
        self.runner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def now(self) -> datetime:
        """The services' clock (a fixed one in tests)."""
        return self.services.clock.now()

    def send_routine_reminders(self) -> str:
        """Remind every attendee of each meeting whose reminder time has come; repeat unacknowledged ones."""
        now = self.now()
        start, end = self.plan.window(now)
        with session_scope(self.services.engine) as session:
            moves = meetings.moves_between(session=session, start=start, end=end)
        due = self.plan.due(now, moves)
        packs = {
            item.key: self._pack(item) for item in due if item.routine.with_figures and self._unsent(item)
        }
        sent = repeated = 0
        with session_scope(self.services.engine) as session:
            for item in due:
                routine = item.routine
                repeat_at = item.remind_at + routine.repeat_after if routine.repeat_after else None
                for staff in routine.attendees:
                    claimed = reminders.claim(
                        session=session,
                        routine=routine.key,
                        meeting_at=item.meeting_at,
                        staff_id=staff,
                        title=routine.title,
                        now=now,
                        repeat_after=repeat_at
                        if repeat_at is not None and repeat_at < item.meeting_at
                        else None,
                    )
                    if claimed is None:
                        continue
                    text = self.text.reminder(item, staff, packs.get(item.key))
                    key = reminder_key(routine.key, item.meeting_at, staff)
                    write_outbox(
                        session=session,
                        items=[OutboxItem(STAFF, staff, text, REASON_ROUTINE, dedup_key=key)],
                        now=now,
                    )
                    sent += 1
            for row in reminders.due_repeats(session=session, now=now):
                assert row.id is not None
                if reminders.mark_repeated(session=session, reminder_id=row.id, now=now):
                    key = reminder_key(row.routine, row.meeting_at, row.staff_id, repeat=True)
                    words = self.text.repeat(row.title, row.meeting_at, self.plan.routine(row.routine))
                    repeat = OutboxItem(STAFF, row.staff_id, words, REASON_REPEAT, dedup_key=key)
                    write_outbox(session=session, items=[repeat], now=now)
                    repeated += 1
        return f"{sent} reminder(s), {repeated} repeat(s)"

    def send_event_reminders(self) -> str:
        """Queue the day-before reminder of every confirmed signup (storage dedup keys send each once)."""
        return f"{self._queue_day_before(queue_reminders)} event reminder(s)"

    def send_appointment_reminders(self) -> str:
        """Queue the day-before reminder of every booked appointment (dedup keys send each once)."""
        return f"{self._queue_day_before(queue_appointment_reminders)} appointment reminder(s)"

    def _queue_day_before(self, queue: Callable[..., int]) -> int:
        """Run one reminder queue over `[events] remind_before_hours` in its own transaction."""
        services = self.services
        ahead = timedelta(hours=services.settings.events.remind_before_hours)
        with session_scope(services.engine) as session:
            return queue(session=session, kb=services.kb, policy=services.policy, now=self.now(), remind_before=ahead)

    def flag_overdue_cases(self) -> str:
        """Flag mediation cases past the window and tell staff and workers (each case once)."""
        services = self.services
        now = self.now()
        with session_scope(services.engine) as session:
            desk = Desk.for_operator(
                session=session, kb=services.kb, policy=services.policy, now=now, staff=SYSTEM
            )
            flagged = flag_overdue(desk)
        return f"{len(flagged)} case(s) flagged overdue"

    def expire_abandoned_forms(self) -> str:
        """Clear forms abandoned long past their expiry, and the personal data in their slots."""
        now = self.now()
        before = now - timedelta(hours=self.settings.abandoned_form_hours)
        with session_scope(self.services.engine) as session:
            cleared = dialogue_state.expire_abandoned(session=session, before=before, now=now)
        return f"{cleared} form(s) cleared"

    def extend_event_series(self) -> str:
        """Open the sessions of weekly event series ahead (running it twice creates nothing new)."""
        services = self.services
        with session_scope(services.engine) as session:
            desk = Desk.for_operator(
                session=session, kb=services.kb, policy=services.policy, now=self.now(), staff=SYSTEM
            )
            opened = open_series(desk, weeks=services.settings.events.series_weeks_ahead)
        return f"{len(opened)} session(s) opened"

    def check_calendar(self) -> str:
        """In December (or whenever this year is unknown), tell staff once a week that a calendar is missing."""
        now = self.now()
        local = now.astimezone(self.plan.tz)
        calendar = self.plan.calendar
        missing = [year for year in (local.year, local.year + 1) if not calendar.covers(year)]
        if local.month != 12:
            missing = [year for year in missing if year == local.year]
        if not missing:
            return "calendar complete"
        services = self.services
        week = local.isocalendar().week
        path = self.settings.workday_overrides
        queued = 0
        with session_scope(services.engine) as session:
            for year in missing:
                for staff in services.policy.staff_ids:
                    text = self.text.calendar_missing(staff, year, path)
                    key = f"calendar:{year}:{local.year}w{week:02d}:{staff}"
                    item = OutboxItem(STAFF, staff, text, REASON_CALENDAR, dedup_key=key)
                    queued += write_outbox(session=session, items=[item], now=now)
        return f"calendar missing for {', '.join(map(str, missing))}: {queued} warning(s)"

    def _unsent(self, item: Occurrence) -> bool:
        with session_scope(self.services.engine) as session:
            sent = reminders.for_meeting(session=session, routine=item.key, meeting_at=item.meeting_at)
        return len(sent) < len(item.routine.attendees)

    def _pack(self, item: Occurrence) -> str:
        """Last month's figures for this meeting (built before the job's own transaction: SQLite has one writer)."""
        services = self.services
        year, month = previous_month(item.meeting_at.astimezone(self.plan.tz).date())
        report = build_report(
            services.engine, services.policy, year, month, self.now(), services.matcher.prepare
        )
        return render_pack(report, services.kb, services.policy)
