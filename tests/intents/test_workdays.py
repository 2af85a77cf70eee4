from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.plan import load_calendar
from intents.workdays import WorkdayCalendar


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 9, 20), True),  # Sunday, make-up working day (调休) for National Day
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 5), False),  # a Monday inside the National Day holiday
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),  # back to work
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 11, 25), True),  # an ordinary Wednesday
    ],
)
def test_official_calendar(day: date, worked: bool) -> None:
    assert WorkdayCalendar().is_workday(day) is worked


def test_holiday_names() -> None:
    calendar = WorkdayCalendar()
    assert calendar.holiday_name(date(2026, 10, 3)) == "national_day"
    assert calendar.holiday_name(date(2026, 10, 10)) is None
    assert calendar.holiday_name(date(2026, 10, 11)) is None


def test_a_year_the_package_does_not_know_falls_back_to_weekdays() -> None:
    calendar = WorkdayCalendar()
    assert not calendar.official(2099)
    assert not calendar.covers(2099)
    assert calendar.is_workday(date(2099, 1, 1))  # a Thursday: no holiday data, so worked
    assert not calendar.is_workday(date(2099, 1, 3))  # Saturday


def test_overrides_correct_the_fallback_and_cover_the_year(tmp_path: Path) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text('workdays = [2099-01-03]\nholidays = ["2099-01-01"]\n', encoding="utf-8")
    calendar = load_calendar(path)
    assert calendar.is_workday(date(2099, 1, 3))
    assert not calendar.is_workday(date(2099, 1, 1))
    assert calendar.holiday_name(date(2099, 1, 1)) == "holiday"
    assert calendar.covers(2099)


def test_overrides_win_over_the_package(tmp_path: Path) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text("holidays = [2026-11-25]\n", encoding="utf-8")
    assert not load_calendar(path).is_workday(date(2026, 11, 25))


def test_missing_override_file_is_no_overrides(tmp_path: Path) -> None:
    assert load_calendar(tmp_path / "none.toml") == WorkdayCalendar()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("workdays = [2027-13-01]", "cannot read"),
        ('workdays = ["soon"]', "soon"),
        ("days = []", "unknown key"),
        ("workdays = [2027-01-04]\nholidays = [2027-01-04]", "both"),
    ],
)
def test_bad_override_file_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_calendar(path)


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        # 《全国年节及纪念日放假办法》 as amended on 2024-11-10, in force 2025-01-01: 除夕 and 5月2日 are holidays.
        (date(2025, 1, 28), False),  # 除夕 2025, a Tuesday
        (date(2025, 5, 2), False),  # 5月2日 2025, a Friday
        (date(2026, 2, 16), False),  # 除夕 2026, a Monday
        (date(2026, 5, 2), False),
        (date(2025, 1, 26), True),  # Sunday worked for the Spring Festival break
        (date(2025, 2, 8), True),  # Saturday worked for the Spring Festival break
        (date(2026, 2, 14), True),
    ],
)
def test_the_2024_holiday_amendment_is_in_the_calendar(day: date, worked: bool) -> None:
    calendar = WorkdayCalendar()
    assert calendar.is_workday(day) is worked
    if not worked:
        assert calendar.holiday_name(day) in {"spring_festival", "labour_day"}
