"""China's official working days: the chinese-calendar package, a staff-editable override file, weekdays last.

The State Council publishes each year's holidays and make-up working days (调休) in late November; the
package only knows the years it shipped with and raises NotImplementedError for the others. For such a
year the calendar falls back to Monday–Friday, corrected by the override file (`data/workdays.toml`):

    workdays = [2027-02-20]          # make-up working days (a Saturday or Sunday that is worked)
    holidays = [2027-01-01]          # days off that fall on a weekday

The override file also wins over the package, so staff can correct a day without waiting for an upgrade.
Pure: no scheduler, no database, no file (bot/app.py reads the override file and builds the calendar once);
`WorkdayCalendar.is_workday` is all the routines and the hand-off's "next working morning" need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True, slots=True)
class WorkdayCalendar:
    """Working days by the official calendar, with the staff's overrides on top."""

    workdays: frozenset[date] = field(default_factory=frozenset)  # worked although the package says off
    holidays: frozenset[date] = field(default_factory=frozenset)  # off although the package says worked

    def is_workday(self, day: date) -> bool:
        """True when staff work on `day`: overrides, else the official calendar, else Monday–Friday."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The public holiday `day` belongs to as a slug ("national_day"), "holiday" for an override, or None."""
        if day in self.holidays:
            return "holiday"
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return None
        if not on_holiday or not name:
            return None
        try:
            return str(chinese_calendar.Holiday(name).name)
        except ValueError:
            return "holiday"

    def official(self, year: int) -> bool:
        """True when the package has the State Council's calendar for `year`."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def covers(self, year: int) -> bool:
        """True when `year` is known: from the package, or because staff entered days of it in the override file."""
        return self.official(year) or any(day.year == year for day in self.workdays | self.holidays)

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day
