from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.plan import routine_plan, workday_calendar
from intents.staff.routines import Plan, Routine, RuleError, occurrences, parse_rule
from intents.workdays import WorkdayCalendar
from storage.models import MeetingMove
from tests.support.clock import SHANGHAI

CAL = WorkdayCalendar()


def _routine(rule: str, at: time = time(8, 45), before: int = 15) -> Routine:
    return Routine(
        key="r",
        title="t",
        rule=parse_rule(rule, "r"),
        at=at,
        place="",
        attendees=("wang",),
        remind_before=timedelta(minutes=before),
    )


def _days(rule: str, start: date, end: date) -> list[date]:
    return [item.meeting_at.date() for item in occurrences(_routine(rule), start, end, CAL, SHANGHAI)]


def test_morning_meeting_on_every_working_day_including_make_up_days() -> None:
    days = _days("workday", date(2026, 9, 19), date(2026, 10, 11))
    assert date(2026, 9, 20) in days  # Sunday 调休
    assert date(2026, 10, 10) in days  # Saturday 调休
    assert not [day for day in days if date(2026, 10, 1) <= day <= date(2026, 10, 7)]
    assert date(2026, 9, 19) not in days and date(2026, 10, 11) not in days
    assert date(2026, 9, 25) not in days  # Mid-autumn Festival
    assert len(days) == 1 + 4 + 3 + 3  # 9-20; 9-21..24; 9-28..30; 10-08..10


def test_weekly_study_on_tuesdays_that_are_working_days() -> None:
    days = _days("weekly:tue", date(2026, 9, 28), date(2026, 10, 20))
    assert days == [date(2026, 9, 29), date(2026, 10, 13), date(2026, 10, 20)]  # 10-06 is National Day


def test_monthly_meeting_on_the_first_working_day() -> None:
    routine = _routine("monthly:first_workday", time(14, 0))
    found = occurrences(routine, date(2026, 1, 1), date(2026, 12, 31), CAL, SHANGHAI)
    by_month = {item.meeting_at.month: item for item in found}
    assert len(found) == 12
    assert by_month[1].meeting_at.date() == date(2026, 1, 4)  # New Year 1-3, Sunday 1-4 is worked
    assert by_month[12].meeting_at.date() == date(2026, 12, 1)
    assert all(item.delay_reason is None for month, item in by_month.items() if month not in (5, 10))
    assert by_month[5].meeting_at.date() == date(2026, 5, 6)
    assert by_month[5].delay_reason == "labour_day"
    october = by_month[10]
    assert october.meeting_at == datetime(2026, 10, 8, 14, 0, tzinfo=SHANGHAI)
    assert october.delay_reason == "national_day"  # 1st–5th without a working day: the reason goes along


def test_half_year_and_year_end() -> None:
    assert _days("halfyearly:last_workday", date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 6, 30),
        date(2026, 12, 31),
    ]
    assert _days("yearly:last_workday", date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 12, 31)]
    assert _days("monthly:last_workday", date(2026, 10, 1), date(2026, 10, 31)) == [date(2026, 10, 30)]


def test_remind_at_and_due_window() -> None:
    routine = _routine("workday", time(8, 45), before=15)
    item = occurrences(routine, date(2026, 12, 1), date(2026, 12, 1), CAL, SHANGHAI)[0]
    assert item.remind_at == datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize("rule", ["daily", "weekly:tues", "monthly:first", "monthly", "workday:mon", ""])
def test_unknown_rule_names_the_routine(rule: str) -> None:
    with pytest.raises(RuleError, match="routine monthly_meeting"):
        parse_rule(rule, "monthly_meeting")


def test_config_rejects_a_bad_rule_or_unknown_attendee(tmp_path: Path) -> None:
    from bot.config import load_settings

    base = (Path(__file__).resolve().parents[3] / "config.toml").read_text(encoding="utf-8")
    bad = tmp_path / "config.toml"
    bad.write_text(base.replace('rule = "weekly:tue"', 'rule = "weekly:tuesday"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="routine weekly_study"):
        load_settings(bad)
    study = 'rule = "weekly:tue"\ntime = "14:30"\nplace = "服务站会议室"\nattendees = ["all"]'
    assert study in base
    bad.write_text(base.replace(study, study.replace('"all"', '"zhao"')), encoding="utf-8")
    with pytest.raises(ConfigError, match="zhao"):
        load_settings(bad)


def test_shipped_plan(settings: Settings) -> None:
    plan = routine_plan(settings, workday_calendar(settings))
    assert [routine.key for routine in plan.routines] == [
        "morning_meeting",
        "weekly_study",
        "monthly_meeting",
    ]
    monthly = plan.routine("monthly_meeting")
    assert monthly is not None and monthly.with_figures and monthly.repeat_after == timedelta(minutes=120)
    assert monthly.attendees == ("wang", "li")
    week = plan.upcoming(date(2026, 11, 30), 2)  # Monday and Tuesday
    assert [(item.key, item.meeting_at.day) for item in week] == [
        ("morning_meeting", 30),
        ("morning_meeting", 1),
        ("monthly_meeting", 1),
        ("weekly_study", 1),
    ]
    assert [item.key for item in plan.due(datetime(2026, 12, 1, 8, 40, tzinfo=SHANGHAI))] == [
        "morning_meeting",
        "monthly_meeting",
    ]


def test_the_list_starts_from_now_and_flags_meetings_too_close_together(settings: Settings) -> None:
    from intents.staff.routines import clashes

    plan = routine_plan(settings, workday_calendar(settings))
    # Tuesday 1 December 2026, 10:00: the morning meeting is over; the monthly meeting (14:00, first
    # working day) and the weekly study (14:30, Tuesday) fall on the same afternoon.
    now = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
    items = plan.coming(now, days=1)
    assert [item.key for item in items] == ["monthly_meeting", "weekly_study"]
    found = clashes(items)
    assert [other.key for other in found[0]] == ["weekly_study"]
    assert [other.key for other in found[1]] == ["monthly_meeting"]
    assert clashes(plan.coming(now, days=1, start=date(2026, 12, 2))) == {}


def test_a_moved_occurrence_leaves_its_day_and_is_due_at_its_new_time() -> None:
    study = _routine("weekly:tue", time(14, 30), before=60)
    plan = Plan((study,), CAL, SHANGHAI)
    usual = datetime(2026, 12, 1, 14, 30, tzinfo=SHANGHAI)
    move = MeetingMove(routine="r", original_at=usual, moved_to=datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI),
                       reason="区里开会", moved_by="wang", moved_at=usual - timedelta(days=3))
    week = plan.upcoming(date(2026, 11, 30), 7, [move])
    assert [(item.meeting_at.day, item.moved_from) for item in week] == [(3, usual)]
    assert week[0].move_reason == "区里开会" and week[0].remind_at == datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI)
    assert plan.due(usual - timedelta(minutes=30), [move]) == []
    assert [item.moved_from for item in plan.due(datetime(2026, 12, 3, 8, 10, tzinfo=SHANGHAI), [move])] == [usual]
    start, end = plan.window(usual)
    assert start <= usual < end
