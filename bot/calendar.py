"""China's official working days: the chinese-calendar package, a staff-editable override file, weekdays last.

The State Council publishes each year's holidays and make-up working days (调休) in late November; the
package only knows the years it shipped with and raises NotImplementedError for the others. For such a
year the calendar falls back to Monday–Friday, corrected by the override file (`data/workdays.toml`):

    workdays = [2027-02-20]          # make-up working days (a Saturday or Sunday that is worked)
    holidays = [2027-01-01]          # days off that fall on a weekday

The override file also wins over the package, so staff can correct a day without waiting for an upgrade.
Pure: no scheduler, no database; `WorkdayCalendar.is_workday` is all the rules need.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import chinese_calendar

from bot.errors import ConfigError


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


def _dates(values: object, path: Path, key: str) -> Iterable[date]:
    if not isinstance(values, list):
        raise ConfigError(f"{path}: {key} must be a list of dates like 2027-02-20")
    for value in values:
        if isinstance(value, date):
            yield value
        elif isinstance(value, str):
            try:
                yield date.fromisoformat(value)
            except ValueError as error:
                raise ConfigError(f"{path}: {key}: {value!r} is not a date like 2027-02-20") from error
        else:
            raise ConfigError(f"{path}: {key}: {value!r} is not a date like 2027-02-20")


def load_calendar(path: Path | None) -> WorkdayCalendar:
    """The calendar with the override file at `path`; a missing file means no overrides.

    Raises:
        ConfigError: the file is not valid TOML or a date is malformed; the message names file and key.
    """
    if path is None or not path.is_file():
        return WorkdayCalendar()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read workday overrides {path}: {error}") from error
    unknown = sorted(set(data) - {"workdays", "holidays"})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; use workdays and holidays")
    workdays = frozenset(_dates(data.get("workdays", []), path, "workdays"))
    holidays = frozenset(_dates(data.get("holidays", []), path, "holidays"))
    both = sorted(workdays & holidays)
    if both:
        raise ConfigError(f"{path}: {both[0].isoformat()} is in both workdays and holidays")
    return WorkdayCalendar(workdays, holidays)
