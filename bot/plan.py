"""Reading the staff's working-day override file and the routines of config.toml into the pure calendar and
routine plan (intents/workdays.py, intents/staff/routines.py). bot/app.py calls these once per process."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from bot.config import RoutineSettings, Settings
from bot.errors import ConfigError
from intents.staff.routines import Plan, Routine, parse_rule
from intents.workdays import WorkdayCalendar


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


def workday_calendar(settings: Settings) -> WorkdayCalendar:
    """The calendar with the override file `[scheduler] workday_overrides` (relative to config.toml's folder).

    Raises:
        ConfigError: the override file is unreadable or malformed.
    """
    overrides = settings.scheduler.workday_overrides
    return load_calendar(overrides if overrides.is_absolute() else settings.base_dir / overrides)


def routine(item: RoutineSettings, staff_ids: Sequence[str]) -> Routine:
    """A routine from its settings; attendees ["all"] means every staff member."""
    attendees = tuple(staff_ids) if "all" in item.attendees else tuple(item.attendees)
    repeat = timedelta(minutes=item.repeat_after_minutes) if item.repeat_after_minutes else None
    return Routine(
        key=item.key,
        title=item.title,
        rule=parse_rule(item.rule, item.key),
        at=item.time,
        place=item.place,
        attendees=attendees,
        remind_before=timedelta(minutes=item.remind_before_minutes),
        repeat_after=repeat,
        with_figures=item.with_figures,
    )


def routine_plan(settings: Settings, calendar: WorkdayCalendar) -> Plan:
    """The routines of config.toml, computed with `calendar` in the station's time zone."""
    staff_ids = [member.id for member in settings.staff]
    return Plan(
        routines=tuple(routine(item, staff_ids) for item in settings.routines), calendar=calendar, tz=settings.tz
    )
