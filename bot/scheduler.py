"""APScheduler set-up, leader election, and the timed jobs — which only write outbox rows, never call a channel.

Exactly one scheduler runs. With PostgreSQL every `serve` (or `schedule run`) process starts a `Scheduler`;
each tries `pg_try_advisory_lock` on a connection of its own, held for as long as the process leads. The
one that gets it runs the jobs; the others stand by and try again every `standby_seconds`, so when the
leader dies (its connection closes, the lock goes with it) another takes over. With SQLite there is one
process, and it leads.

Every job is idempotent, so a double fire, a take-over or a catch-up run sends nothing twice:

- routine reminders: a row per (routine, meeting, staff member), unique, written with the outbox row in one
  transaction; the outbox row carries the dedup key `reminder:<routine>:<meeting UTC>:<staff>` too;
- event reminders: the outbox dedup key of intents.event_text.queue_reminders;
- overdue cases: a case is marked overdue once (intents.casework.flag_overdue);
- the December calendar warning: one outbox dedup key per staff member, year and ISO week.

Jobs read rows, not pickled callables, so nothing is lost on restart (state lives in the database: the
reminder rows and `scheduler_jobs`); on taking the lead every job runs once at once to catch up.
Outbox delivery and its retries are the sender's (bot/sender.py), which runs in every `serve` process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.app import Services
from bot.report import build_report, previous_month, render_pack
from bot.routines import Occurrence, Plan, load_plan
from intents.casework import StaffDesk, flag_overdue
from intents.context import render
from intents.event_text import queue_reminders
from intents.outbox import write as write_outbox
from intents.turn import OutboxItem
from storage import dialogue_state, events, meetings, reminders, session_scope
from storage.models import RoutineReminder

log = logging.getLogger(__name__)

STAFF = "staff"  # outbox rows to a staff member by id; the sender finds their account (bot/sender.py)
LOCK_KEY = int.from_bytes(b"unionbot", "big")  # the advisory lock's key (fits PostgreSQL's bigint)
REASON_ROUTINE = "routine_reminder"
REASON_REPEAT = "routine_repeat"
REASON_CALENDAR = "calendar_missing"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminder_key(routine: str, meeting_at: datetime, staff_id: str, *, repeat: bool = False) -> str:
    """The outbox dedup key of one routine reminder (or of its one repeat)."""
    return f"{'reminder-again' if repeat else 'reminder'}:{routine}:{_stamp(meeting_at)}:{staff_id}"


# --- leader election ---------------------------------------------------------------------------------------


class LeaderLock(Protocol):
    """Who may run the scheduler: taken once, held until released or the process dies."""

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it now."""
        ...

    def still_held(self) -> bool:
        """True while the lock is still this process's (its connection alive)."""
        ...

    def release(self) -> None:
        """Give the lock up (and its connection)."""
        ...


class AlwaysLeader:
    """SQLite: one process serves, and it runs the scheduler."""

    def try_acquire(self) -> bool:
        """Always True."""
        return True

    def still_held(self) -> bool:
        """Always True."""
        return True

    def release(self) -> None:
        """Nothing to release."""


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a dedicated connection kept for the process's lifetime.

    The lock belongs to the database session: if the process dies, its connection closes and the lock is
    free for the next process. Each statement is committed at once so the connection never sits idle in a
    transaction.
    """

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None
        self._held = False

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it."""
        if self._held:
            return self.still_held()
        if self._connection is None:
            self._connection = self.engine.connect()
        try:
            got = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar()
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            raise
        self._held = bool(got)
        return self._held

    def still_held(self) -> bool:
        """True while the lock's connection answers; a dead connection means the lock is gone."""
        if not self._held or self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Unlock and close the connection."""
        if self._connection is not None and self._held:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            except SQLAlchemyError:
                log.warning("could not unlock the scheduler lock; closing its connection frees it")
        self._drop()

    def _drop(self) -> None:
        self._held = False
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except SQLAlchemyError:
                log.debug("closing a broken scheduler-lock connection failed", exc_info=True)
            self._connection = None


def leader_lock(engine: Engine) -> LeaderLock:
    """The advisory lock on PostgreSQL; on SQLite the one process leads."""
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else AlwaysLeader()


# --- the jobs ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Job:
    """A job: a stable id (APScheduler's and the `scheduler_jobs` row's), its work and when it runs."""

    id: str
    run: Callable[[], str]  # returns a one-line result for the job's record
    trigger: BaseTrigger


class Scheduler:
    """The timed work of the service, run by whichever process holds the leader lock.

    `start()` begins standing by (a thread); `stop()` steps down and releases the lock. Each job is also
    a plain method, so the command line and tests can run it directly with the services' clock.
    """

    def __init__(
        self, services: Services, *, lock: LeaderLock | None = None, plan: Plan | None = None
    ) -> None:
        self.services = services
        self.settings = services.settings.scheduler
        self.plan = plan or load_plan(services.settings)
        self.lock = lock or leader_lock(services.engine)
        self.runner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.leading = threading.Event()
        self._scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()
        tz = services.settings.tz
        self.jobs: dict[str, Job] = {
            job.id: job
            for job in (
                Job(
                    "routine_reminders",
                    self.send_routine_reminders,
                    IntervalTrigger(seconds=self.settings.poll_seconds, timezone=tz),
                ),
                Job("event_reminders", self.send_event_reminders, IntervalTrigger(minutes=5, timezone=tz)),
                Job("overdue_cases", self.flag_overdue_cases, CronTrigger(hour=9, minute=0, timezone=tz)),
                Job("abandoned_forms", self.expire_abandoned_forms, IntervalTrigger(hours=1, timezone=tz)),
                Job("event_series", self.extend_event_series, CronTrigger(hour=3, minute=0, timezone=tz)),
                Job("calendar_check", self.check_calendar, CronTrigger(hour=9, minute=30, timezone=tz)),
            )
        }

    def now(self) -> datetime:
        """The services' clock (a fixed one in tests)."""
        return self.services.clock.now()

    # The jobs. Each is one transaction and idempotent.

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
                    text = self._reminder_text(item, staff, packs.get(item.key))
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
                    repeat = OutboxItem(STAFF, row.staff_id, self._repeat_text(row), REASON_REPEAT, dedup_key=key)
                    write_outbox(session=session, items=[repeat], now=now)
                    repeated += 1
        return f"{sent} reminder(s), {repeated} repeat(s)"

    def send_event_reminders(self) -> str:
        """Queue the day-before reminder of every confirmed signup (storage dedup keys send each once)."""
        services = self.services
        ahead = timedelta(hours=services.settings.events.remind_before_hours)
        with session_scope(services.engine) as session:
            queued = queue_reminders(
                session=session, kb=services.kb, policy=services.policy, now=self.now(), remind_before=ahead
            )
        return f"{queued} event reminder(s)"

    def flag_overdue_cases(self) -> str:
        """Flag mediation cases past the window and tell staff and workers (each case once)."""
        services = self.services
        now = self.now()
        with session_scope(services.engine) as session:
            items = flag_overdue(StaffDesk(session, services.kb, services.policy, now))
            write_outbox(session=session, items=items, now=now)
        return f"{len(items)} overdue message(s)"

    def expire_abandoned_forms(self) -> str:
        """Clear forms abandoned long past their expiry, and the personal data in their slots."""
        now = self.now()
        before = now - timedelta(hours=self.settings.abandoned_form_hours)
        with session_scope(self.services.engine) as session:
            cleared = dialogue_state.expire_abandoned(session=session, before=before, now=now)
        return f"{cleared} form(s) cleared"

    def extend_event_series(self) -> str:
        """Open the sessions of weekly event series ahead (running it twice creates nothing new)."""
        settings = self.services.settings
        with session_scope(self.services.engine) as session:
            created = events.extend_series(
                session=session,
                now=self.now(),
                ahead=timedelta(weeks=settings.events.series_weeks_ahead),
                tz=settings.tz,
            )
        return f"{len(created)} session(s) opened"

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
                    name = services.policy.staff_names.get(staff, staff)
                    text = self._say("calendar_missing", name=name, year=year, path=path)
                    key = f"calendar:{year}:{local.year}w{week:02d}:{staff}"
                    item = OutboxItem(STAFF, staff, text, REASON_CALENDAR, dedup_key=key)
                    queued += write_outbox(session=session, items=[item], now=now)
        return f"calendar missing for {', '.join(map(str, missing))}: {queued} warning(s)"

    def run(self, job_id: str) -> str:
        """Run one job now and record the run (and any error) in `scheduler_jobs`."""
        job = self.jobs[job_id]
        started = self.now()
        try:
            result = job.run()
        except Exception as error:  # recorded here, then re-raised for APScheduler's error event and log
            self._record(job_id, started, error=f"{type(error).__name__}: {error}")
            raise
        self._record(job_id, started, result=result)
        return result

    # Text.

    def _say(self, key: str, **values: object) -> str:
        return render(self.services.kb.reply(key), self.services.policy.facts, **values)

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.plan.tz)
        weekday = self.services.kb.words["weekdays"][local.weekday()]
        return self._say(
            "routine_when", month=local.month, day=local.day, weekday=weekday, time=local.strftime("%H:%M")
        )

    def _reminder_text(self, item: Occurrence, staff: str, pack: str | None) -> str:
        routine = item.routine
        notes = []
        if item.delay_reason is not None:
            local = item.meeting_at.astimezone(self.plan.tz)
            holiday = self._say(f"holiday_{item.delay_reason}")
            day = self._say("routine_date", month=local.month, day=local.day)
            notes.append(self._say("routine_delayed", holiday=holiday, date=day))
        if item.moved_from is not None:
            notes.append(self._say("routine_moved", usual=self._when(item.moved_from), reason=item.move_reason))
        if pack:
            notes.append(pack)
        return self._say(
            "routine_reminder",
            name=self.services.policy.staff_names.get(staff, staff),
            when=self._when(item.meeting_at),
            title=routine.title,
            place=self._say("routine_place", place=routine.place) if routine.place else "",
            note="".join("\n" + note for note in notes),
        )

    def _repeat_text(self, row: RoutineReminder) -> str:
        routine = self.plan.routine(row.routine)
        place = routine.place if routine is not None else ""
        return self._say(
            "routine_repeat",
            when=self._when(row.meeting_at),
            title=row.title,
            place=self._say("routine_place", place=place) if place else "",
        )

    def _unsent(self, item: Occurrence) -> bool:
        with session_scope(self.services.engine) as session:
            sent = reminders.for_meeting(session=session, routine=item.key, meeting_at=item.meeting_at)
        return len(sent) < len(item.routine.attendees)

    def _pack(self, item: Occurrence) -> str:
        """Last month's figures for this meeting (built before the job's own transaction: SQLite has one writer)."""
        services = self.services
        year, month = previous_month(item.meeting_at.astimezone(self.plan.tz).date())
        report = build_report(
            services.engine, services.policy, year, month, self.now(), services.matcher.question_core
        )
        return render_pack(report, services.kb, services.policy)

    def _record(self, job_id: str, started: datetime, result: str = "", error: str | None = None) -> None:
        try:
            with session_scope(self.services.engine) as session:
                reminders.record_run(
                    session=session,
                    job_id=job_id,
                    runner=self.runner,
                    started=started,
                    finished=self.now(),
                    result=result,
                    error=error,
                )
        except SQLAlchemyError:
            log.warning("could not record the run of job %s", job_id, exc_info=True)

    # Leadership.

    def start(self) -> None:
        """Stand by for the leader lock in a background thread; lead while holding it."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._standby, name="scheduler-standby", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Step down, release the lock and end the standby thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def is_leader(self) -> bool:
        """True while this process runs the jobs."""
        return self.leading.is_set()

    def _standby(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if not self.is_leader:
                        if self.lock.try_acquire():
                            self._lead()
                    elif not self.lock.still_held():
                        log.warning("scheduler lock lost (database connection gone): standing by")
                        self._step_down()
                except SQLAlchemyError as error:
                    log.warning("scheduler standby: database unavailable (%s)", type(error).__name__)
                    self._step_down()
                self._stop.wait(self.settings.standby_seconds)
        finally:
            self._step_down()
            self.lock.release()

    def _lead(self) -> None:
        with self._guard:
            scheduler = BackgroundScheduler(
                timezone=self.plan.tz,
                job_defaults={
                    "coalesce": True,
                    "misfire_grace_time": self.settings.misfire_grace_seconds,
                    "max_instances": 1,
                },
            )
            scheduler.add_listener(self._on_problem, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
            first_run = datetime.now(self.plan.tz)  # APScheduler runs on the real clock; catch up at once
            for job in self.jobs.values():
                scheduler.add_job(
                    self.run,
                    trigger=job.trigger,
                    args=[job.id],
                    id=job.id,
                    name=job.id,
                    replace_existing=True,
                    next_run_time=first_run,
                )
            scheduler.start()
            self._scheduler = scheduler
            self.leading.set()
        log.info("this process runs the scheduler (%s)", self.runner)

    def _step_down(self) -> None:
        with self._guard:
            scheduler, self._scheduler = self._scheduler, None
            self.leading.clear()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
            log.info("scheduler stopped in this process (%s)", self.runner)

    def _on_problem(self, event: Any) -> None:
        if isinstance(event, JobExecutionEvent) and event.exception is not None:
            log.error("scheduled job %s failed: %s", event.job_id, type(event.exception).__name__)
        else:
            log.warning("scheduled job %s missed its time", getattr(event, "job_id", "?"))
