"""When the jobs run: APScheduler set-up in the process that leads (bot/leader.py); the jobs themselves
(bot/jobs.py) only write outbox rows, never call a channel.

Jobs read rows, not pickled callables, so nothing is lost on restart (state lives in the database: the
reminder rows and `scheduler_jobs`); on taking the lead every job runs once at once to catch up.
Outbox delivery and its retries are the sender's (bot/sender.py), which runs in every `serve` process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from bot.app import Services
from bot.jobs import Jobs
from bot.leader import LeaderLock, Standby, leader_lock
from intents.staff.routines import Plan
from storage import reminders, session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """A job: a stable id (APScheduler's and the `scheduler_jobs` row's), its work and when it runs."""

    id: str
    run: Callable[[], str]  # returns a one-line result for the job's record
    trigger: BaseTrigger


class Scheduler(Jobs):
    """The timed work of the service, run by whichever process holds the leader lock.

    `start()` begins standing by (a thread); `stop()` steps down and releases the lock. Each job is also
    a plain method (bot/jobs.py), so the command line and tests can run it directly with the services' clock.
    """

    def __init__(
        self, services: Services, *, lock: LeaderLock | None = None, plan: Plan | None = None
    ) -> None:
        super().__init__(services, plan=plan)
        self.lock = lock or leader_lock(services.engine)
        self.standby = Standby(
            self.lock, every=self.settings.standby_seconds, on_lead=self._lead, on_step_down=self._step_down
        )
        self._scheduler: BackgroundScheduler | None = None
        self.jobs: dict[str, Job] = {job.id: job for job in self._job_table()}

    def _job_table(self) -> tuple[Job, ...]:
        tz = self.services.settings.tz
        return (
            Job(
                "routine_reminders",
                self.send_routine_reminders,
                IntervalTrigger(seconds=self.settings.poll_seconds, timezone=tz),
            ),
            Job("event_reminders", self.send_event_reminders, IntervalTrigger(minutes=5, timezone=tz)),
            Job(
                "appointment_reminders",
                self.send_appointment_reminders,
                IntervalTrigger(minutes=5, timezone=tz),
            ),
            Job("overdue_cases", self.flag_overdue_cases, CronTrigger(hour=9, minute=0, timezone=tz)),
            Job("abandoned_forms", self.expire_abandoned_forms, IntervalTrigger(hours=1, timezone=tz)),
            Job("event_series", self.extend_event_series, CronTrigger(hour=3, minute=0, timezone=tz)),
            Job("calendar_check", self.check_calendar, CronTrigger(hour=9, minute=30, timezone=tz)),
        )

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

    @property
    def leading(self) -> threading.Event:
        """Set while this process runs the jobs."""
        return self.standby.leading

    @property
    def is_leader(self) -> bool:
        """True while this process runs the jobs."""
        return self.standby.leading.is_set()

    def start(self) -> None:
        """Stand by for the leader lock in a background thread; lead while holding it."""
        self.standby.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Step down, release the lock and end the standby thread."""
        self.standby.stop(timeout)

    def _lead(self) -> None:
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
        log.info("this process runs the scheduler (%s)", self.runner)

    def _step_down(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
            log.info("scheduler stopped in this process (%s)", self.runner)

    def _on_problem(self, event: Any) -> None:
        if isinstance(event, JobExecutionEvent) and event.exception is not None:
            log.error("scheduled job %s failed: %s", event.job_id, type(event.exception).__name__)
        else:
            log.warning("scheduled job %s missed its time", getattr(event, "job_id", "?"))
