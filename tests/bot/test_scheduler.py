"""The scheduler's jobs on a fixed clock, the real APScheduler on SQLite, and two schedulers on one PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
import time as walltime
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import Services
from bot.config import Settings
from bot.leader import AdvisoryLock
from bot.scheduler import Scheduler
from intents import Matcher
from intents.staff.routines import Plan
from intents.workdays import WorkdayCalendar
from knowledge import KnowledgeBase
from storage import make_engine, session_scope
from storage.cases import CaseFacts, open_case
from storage.models import DialogueState, Outbox, RoutineReminder, SchedulerJob
from storage.signups import sign_up
from storage.users import get_or_create_user
from tests.conftest import PG_URL, _reset_postgres, make_services
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.conversation import Conversation
from tests.support.events import add_event

TUESDAY_DEC_1 = datetime(2026, 12, 1, 8, 31, tzinfo=SHANGHAI)  # the monthly meeting's and the study's day


def _rows(services: Services, reason: str | None = None) -> list[Outbox]:
    with session_scope(services.engine) as session:
        rows = list(session.exec(select(Outbox).order_by(Outbox.id)).all())  # type: ignore[arg-type]
    return [row for row in rows if reason is None or row.reason == reason]


def _with_staff_account(services: Services) -> Services:
    policy = dataclasses.replace(services.policy, staff_accounts={("web", "wang-web"): "wang"})
    return dataclasses.replace(services, policy=policy)


def _quick(services: Services) -> Services:
    settings = services.settings
    scheduler = settings.scheduler.model_copy(update={"standby_seconds": 0.05})
    return dataclasses.replace(services, settings=settings.model_copy(update={"scheduler": scheduler}))


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = walltime.monotonic() + timeout
    while walltime.monotonic() < deadline:
        if condition():
            return True
        walltime.sleep(0.02)
    return condition()


def test_morning_meeting_reminder_goes_to_every_attendee_once(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 2, 8, 31, tzinfo=SHANGHAI))
    scheduler = Scheduler(services)
    assert scheduler.send_routine_reminders() == "2 reminder(s), 0 repeat(s)"
    assert scheduler.send_routine_reminders() == "0 reminder(s), 0 repeat(s)"  # a double fire sends nothing
    rows = _rows(services, "routine_reminder")
    assert sorted((row.channel, row.recipient) for row in rows) == [("staff", "li"), ("staff", "wang")]
    wang = next(row for row in rows if row.recipient == "wang")
    assert "王老师" in wang.text and "晨会" in wang.text and "12月2日（周三）08:45" in wang.text
    assert "服务站办公室" in wang.text and "收到" in wang.text
    assert wang.dedup_key == "reminder:morning_meeting:20261202T0045Z:wang"


def test_no_reminder_before_its_time_or_after_the_meeting_began(
    services: Services, clock: FixedClock
) -> None:
    scheduler = Scheduler(services)
    clock.set(datetime(2026, 12, 2, 8, 29, tzinfo=SHANGHAI))
    scheduler.send_routine_reminders()
    clock.set(datetime(2026, 12, 2, 8, 45, tzinfo=SHANGHAI))
    scheduler.send_routine_reminders()
    assert _rows(services) == []
    clock.set(datetime(2026, 12, 5, 8, 31, tzinfo=SHANGHAI))  # Saturday: no meeting
    scheduler.send_routine_reminders()
    assert _rows(services) == []


def test_a_late_scheduler_still_reminds_before_the_meeting(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 2, 8, 44, tzinfo=SHANGHAI))  # down at 08:30, back at 08:44
    Scheduler(services).send_routine_reminders()
    assert len(_rows(services, "routine_reminder")) == 2


def test_make_up_saturday_gets_the_morning_meeting(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 10, 8, 31, tzinfo=SHANGHAI))
    Scheduler(services).send_routine_reminders()
    assert {row.recipient for row in _rows(services, "routine_reminder")} == {"wang", "li"}


def _november_traffic(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI))
    worker = Conversation(services, user="w-nov", channel="web")
    worker.say("加班费怎么算")
    worker.say("老板拖欠工资三个月了怎么办")
    for message in ("小区停车位怎么划分归属", "小区停车位怎样划分", "楼上漏水物业不管"):
        Conversation(services, user=f"w-{message[:2]}", channel="wechat").say(message)


def test_monthly_meeting_carries_last_months_figures_and_repeats_once(
    services: Services, clock: FixedClock
) -> None:
    _november_traffic(services, clock)
    clock.set(TUESDAY_DEC_1)
    scheduler = Scheduler(services)
    scheduler.send_routine_reminders()
    monthly = [row for row in _rows(services, "routine_reminder") if "月例会" in row.text]
    assert len(monthly) == 2
    text = monthly[0].text
    assert "12月1日（周二）14:00" in text and "上个月的数据" in text and "咨询5条" in text
    assert "--month 2026-11" in text
    clock.set(TUESDAY_DEC_1 + timedelta(minutes=118))
    scheduler.send_routine_reminders()
    assert _rows(services, "routine_repeat") == []
    clock.set(TUESDAY_DEC_1 + timedelta(minutes=121))
    scheduler.send_routine_reminders()
    scheduler.send_routine_reminders()
    repeats = _rows(services, "routine_repeat")
    assert sorted(row.recipient for row in repeats) == ["li", "wang"]
    assert "再提醒一次" in repeats[0].text and "月例会" in repeats[0].text
    assert all(row.reason != "routine_repeat" or "晨会" not in row.text for row in _rows(services))


def test_acknowledged_reminder_is_not_repeated(services: Services, clock: FixedClock) -> None:
    services = _with_staff_account(services)
    clock.set(TUESDAY_DEC_1)
    scheduler = Scheduler(services)
    scheduler.send_routine_reminders()
    clock.advance(minutes=5)
    reply = Conversation(services, user="wang-web", channel="web").say("收到")
    assert "月例会" in reply.text and "确认" in reply.text
    clock.set(TUESDAY_DEC_1 + timedelta(hours=3))
    scheduler.send_routine_reminders()
    assert [row.recipient for row in _rows(services, "routine_repeat")] == ["li"]
    with session_scope(services.engine) as session:
        acked = session.exec(select(RoutineReminder).where(RoutineReminder.staff_id == "wang")).all()
    assert [row.routine for row in acked if row.acknowledged_at is not None] == ["monthly_meeting"]


def test_delayed_monthly_meeting_says_why(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 8, 8, 31, tzinfo=SHANGHAI))
    Scheduler(services).send_routine_reminders()
    monthly = [row.text for row in _rows(services, "routine_reminder") if "月例会" in row.text]
    assert monthly and "因国庆节放假，本月例会顺延到10月8日" in monthly[0]


def test_event_reminders_the_day_before_once(services: Services, clock: FixedClock) -> None:
    event = add_event(services, "walk", "职工健步走", datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    with session_scope(services.engine) as session:
        user = get_or_create_user(session=session, channel="web", external_id="w1", now=clock.now())
        assert user.id is not None and event.id is not None
        sign_up(session=session, event_id=event.id, user_id=user.id, now=clock.now())
    scheduler = Scheduler(services)
    assert scheduler.send_event_reminders() == "1 event reminder(s)"
    assert scheduler.send_event_reminders() == "0 event reminder(s)"
    assert [row.recipient for row in _rows(services, "event_reminder")] == ["w1"]


def test_overdue_cases_are_flagged_once(services: Services, clock: FixedClock) -> None:
    facts = CaseFacts("某公司", "某地", "张三", "13800000000", 5000, "三个月", 1, False, "无", "在职", "无")
    opened = clock.now() - timedelta(days=16)
    with session_scope(services.engine) as session:
        user = get_or_create_user(session=session, channel="web", external_id="w1", now=opened)
        assert user.id is not None
        open_case(
            session=session, user_id=user.id, facts=facts, urgent=False, local_day=opened.date(), now=opened
        )
    scheduler = Scheduler(services)
    assert scheduler.flag_overdue_cases() == "1 case(s) flagged overdue"
    assert scheduler.flag_overdue_cases() == "0 case(s) flagged overdue"
    assert {row.channel for row in _rows(services, "case_overdue")} == {"staff", "web"}


def test_abandoned_forms_are_cleared_with_their_data(services: Services, clock: FixedClock) -> None:
    now = clock.now()
    with session_scope(services.engine) as session:
        for external, expired in (("old", now - timedelta(hours=30)), ("recent", now - timedelta(hours=1))):
            user = get_or_create_user(session=session, channel="web", external_id=external, now=now)
            assert user.id is not None
            session.add(
                DialogueState(
                    user_id=user.id,
                    form="wage_arrears",
                    slots={"phone": "13800000000"},
                    expires_at=expired,
                    updated_at=now,
                )
            )
    assert Scheduler(services).expire_abandoned_forms() == "1 form(s) cleared"
    with session_scope(services.engine) as session:
        states = {state.form: state.slots for state in session.exec(select(DialogueState)).all()}
    assert states == {None: {}, "wage_arrears": {"phone": "13800000000"}}


class _KnownUntil2026(WorkdayCalendar):
    __slots__ = ()

    def official(self, year: int) -> bool:
        return year <= 2026


def test_staff_are_warned_in_december_when_next_years_calendar_is_missing(
    services: Services, clock: FixedClock
) -> None:
    plan = services.plan
    scheduler = Scheduler(services, plan=Plan(plan.routines, _KnownUntil2026(), plan.tz))
    assert scheduler.check_calendar() == "calendar complete"  # November
    clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI))
    assert scheduler.check_calendar() == "calendar missing for 2027: 2 warning(s)"
    assert scheduler.check_calendar() == "calendar missing for 2027: 0 warning(s)"  # once a week
    clock.advance(days=7)
    assert scheduler.check_calendar() == "calendar missing for 2027: 2 warning(s)"
    rows = _rows(services, "calendar_missing")
    assert len(rows) == 4 and "2027年" in rows[0].text and "workdays.toml" in rows[0].text


def test_job_runs_are_recorded(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 2, 8, 31, tzinfo=SHANGHAI))
    scheduler = Scheduler(services)
    scheduler.run("routine_reminders")
    scheduler.run("routine_reminders")
    with session_scope(services.engine) as session:
        job = session.get(SchedulerJob, "routine_reminders")
        assert job is not None
        assert job.runs == 2 and job.last_result == "0 reminder(s), 0 repeat(s)" and job.last_error is None


def test_apscheduler_runs_the_jobs_at_once_on_sqlite(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 2, 8, 31, tzinfo=SHANGHAI))
    scheduler = Scheduler(_quick(services))
    scheduler.start()
    try:
        assert _wait(scheduler.leading.is_set)
        assert _wait(lambda: len(_rows(services, "routine_reminder")) == 2)
        assert _wait(lambda: _job_count(services) == len(scheduler.jobs))
    finally:
        scheduler.stop()
    assert not scheduler.is_leader


def _job_count(services: Services) -> int:
    with session_scope(services.engine) as session:
        return len(session.exec(select(SchedulerJob)).all())


# --- two schedulers, one PostgreSQL database ---------------------------------------------------------------


@pytest.fixture
def pg_pair(
    settings: Settings, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Iterator[tuple[Services, Services]]:
    if not PG_URL:
        pytest.skip("UNIONBOT_TEST_PG_URL not set")
    from storage import ensure_schema

    _reset_postgres(PG_URL).dispose()
    first, second = make_engine(PG_URL), make_engine(PG_URL)  # two processes: two engines, two pools
    ensure_schema(first)
    yield (
        _quick(make_services(settings, first, kb, matcher, clock)),
        _quick(make_services(settings, second, kb, matcher, clock)),
    )
    first.dispose()
    second.dispose()


def _once_each(services: Services) -> list[str]:
    keys = [row.dedup_key or "" for row in _rows(services) if row.reason == "routine_reminder"]
    assert len(keys) == len(set(keys))
    return keys


def test_two_schedulers_send_each_reminder_once_and_the_second_takes_over(
    pg_pair: tuple[Services, Services], clock: FixedClock
) -> None:
    one, two = pg_pair
    clock.set(datetime(2026, 12, 2, 8, 31, tzinfo=SHANGHAI))
    first, second = Scheduler(one), Scheduler(two)
    first.start()
    try:
        assert _wait(first.leading.is_set)
        second.start()
        assert _wait(lambda: len(_once_each(one)) == 2)
        walltime.sleep(0.3)  # several standby rounds
        assert not second.is_leader

        # A double fire from both processes at once still sends each reminder once.
        threads = [
            threading.Thread(target=scheduler.send_routine_reminders)
            for scheduler in (first, second, first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(_once_each(one)) == 2

        clock.set(datetime(2026, 12, 3, 8, 31, tzinfo=SHANGHAI))
        first.stop()
        assert not first.is_leader
        assert _wait(second.leading.is_set)
        assert _wait(lambda: len(_once_each(two)) == 4)  # the new leader catches up at once
        walltime.sleep(0.3)
        assert len(_once_each(two)) == 4
        assert {key.split(":")[2] for key in _once_each(two)} == {"20261202T0045Z", "20261203T0045Z"}
    finally:
        first.stop()
        second.stop()


def test_standby_takes_over_when_the_leaders_connection_dies(
    pg_pair: tuple[Services, Services], clock: FixedClock
) -> None:
    one, two = pg_pair
    clock.set(datetime(2026, 12, 2, 8, 31, tzinfo=SHANGHAI))
    first, second = Scheduler(one), Scheduler(two)
    first.start()
    try:
        assert _wait(first.leading.is_set)
        second.start()
        walltime.sleep(0.2)
        assert not second.is_leader
        assert isinstance(first.lock, AdvisoryLock)
        with two.engine.connect() as connection:  # the leader's database session is killed, as if it died
            holder = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM ({holder}) AS leader"))
        assert _wait(second.leading.is_set)
        assert _wait(lambda: not first.is_leader)
        assert len(_once_each(one)) == 2
    finally:
        first.stop()
        second.stop()


def test_reminder_dates_come_from_the_plan(services: Services) -> None:
    plan = services.plan
    assert plan.upcoming(date(2026, 12, 1), 1)[0].key == "morning_meeting"
