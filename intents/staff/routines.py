"""Routine meetings ("three meetings" and the like): a small closed set of rules, and their occurrences.

A rule is one of:

    workday                    every working day (the morning meeting)
    weekly:<day>               every <day> (mon … sun) that is a working day (Tuesday's study)
    monthly:first_workday      the month's first working day (the monthly meeting, "before the 5th")
    monthly:last_workday       the month's last working day
    halfyearly:last_workday    the last working day of June and of December (the half-year review)
    yearly:last_workday        the last working day of December (the year-end enlarged committee meeting)

Pure: everything is computed from the rule, a WorkdayCalendar and the time zone, with the occurrences staff
moved (storage.meetings rows, read by the caller) laid over them; no scheduler, no database access.
bot/app.py builds the Plan once from config.toml (bot/plan.py reads it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intents.workdays import WorkdayCalendar
from storage.models import MeetingMove

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHLY_DEADLINE_DAY = 5  # the monthly meeting is held "before the 5th"; later than that needs a reason
_PERIODIC = {"monthly": range(1, 13), "halfyearly": (6, 12), "yearly": (12,)}
_WHICH = ("first_workday", "last_workday")


class RuleError(ValueError):
    """A routine's rule is not one of the known forms; the message names the routine."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed rule: `kind` is workday | weekly | monthly | halfyearly | yearly."""

    kind: str
    weekday: int | None = None  # weekly: 0 = Monday
    which: str | None = None  # periodic: first_workday | last_workday

    def days(self, start: date, end: date, calendar: WorkdayCalendar) -> Iterator[date]:
        """The days in [start, end] (inclusive) on which the routine takes place, in order."""
        if self.kind in _PERIODIC:
            months = _PERIODIC[self.kind]
            year, month = start.year, start.month
            while date(year, month, 1) <= end:
                if month in months:
                    day = _in_month(year, month, self.which or "first_workday", calendar)
                    if day is not None and start <= day <= end:
                        yield day
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return
        day = start
        while day <= end:
            if calendar.is_workday(day) and (self.weekday is None or day.weekday() == self.weekday):
                yield day
            day += timedelta(days=1)


def _in_month(year: int, month: int, which: str, calendar: WorkdayCalendar) -> date | None:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    days = [first + timedelta(days=offset) for offset in range((following - first).days)]
    if which == "last_workday":
        days.reverse()
    return next((day for day in days if calendar.is_workday(day)), None)


def parse_rule(text: str, routine: str = "?") -> Rule:
    """Parse a rule string.

    Raises:
        RuleError: not one of the forms in this module's docstring; the message names the routine.
    """
    kind, _, arg = text.strip().lower().partition(":")
    if kind == "workday" and not arg:
        return Rule("workday")
    if kind == "weekly" and arg in WEEKDAYS:
        return Rule("weekly", weekday=WEEKDAYS.index(arg))
    if kind in _PERIODIC and arg in _WHICH:
        return Rule(kind, which=arg)
    known = "workday, weekly:<mon…sun>, monthly:first_workday, monthly:last_workday, "
    known += "halfyearly:last_workday, yearly:last_workday"
    raise RuleError(f"routine {routine}: unknown rule {text!r}; use one of {known}")


@dataclass(frozen=True, slots=True)
class Routine:
    """A recurring meeting as config.toml describes it, with its rule parsed and attendees resolved (staff ids)."""

    key: str
    title: str
    rule: Rule
    at: time
    place: str
    attendees: tuple[str, ...]  # staff ids
    remind_before: timedelta
    repeat_after: timedelta | None = None  # repeat an unacknowledged reminder once, this long after it
    with_figures: bool = False  # the reminder carries last month's figures (the monthly meeting)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting of a routine: when it is, when to remind, and why it is later than usual (if it is)."""

    routine: Routine
    meeting_at: datetime
    remind_at: datetime
    delay_reason: str | None = None  # monthly meeting after the 5th: the holiday slug ("national_day")
    moved_from: datetime | None = None  # a staff member moved this occurrence from its usual time …
    move_reason: str = ""  # … for this reason (it goes into the reminder)

    @property
    def key(self) -> str:
        """The routine's key."""
        return self.routine.key


def occurrences(
    routine: Routine, start: date, end: date, calendar: WorkdayCalendar, tz: ZoneInfo
) -> list[Occurrence]:
    """The routine's meetings on days in [start, end], in order; times are aware, in `tz`."""
    found = []
    for day in routine.rule.days(start, end, calendar):
        meeting_at = datetime.combine(day, routine.at, tzinfo=tz)
        reason = None
        if routine.rule.which == "first_workday" and day.day > MONTHLY_DEADLINE_DAY:
            reason = _delay_reason(day, calendar)
        found.append(Occurrence(routine, meeting_at, meeting_at - routine.remind_before, reason))
    return found


def _delay_reason(day: date, calendar: WorkdayCalendar) -> str:
    for offset in range(1, day.day):
        name = calendar.holiday_name(day.replace(day=offset))
        if name is not None:
            return name
    return "holiday"


def upcoming(
    routines: Sequence[Routine],
    start: date,
    end: date,
    calendar: WorkdayCalendar,
    tz: ZoneInfo,
    moves: Sequence[MeetingMove] = (),
) -> list[Occurrence]:
    """Every routine's meetings in [start, end], by meeting time then routine order.

    A moved occurrence leaves its usual day and appears on its new one (if that is in the span), carrying
    where it came from and why.
    """
    order = {routine.key: index for index, routine in enumerate(routines)}
    moved = {(move.routine, move.original_at) for move in moves}
    found = [
        item
        for routine in routines
        for item in occurrences(routine, start, end, calendar, tz)
        if (item.key, item.meeting_at) not in moved
    ]
    by_key = {routine.key: routine for routine in routines}
    for move in moves:
        routine = by_key.get(move.routine)
        if routine is not None and start <= move.moved_to.astimezone(tz).date() <= end:
            meeting_at = move.moved_to.astimezone(tz)
            found.append(
                Occurrence(routine, meeting_at, meeting_at - routine.remind_before, None,
                           move.original_at.astimezone(tz), move.reason)
            )
    return sorted(found, key=lambda item: (item.meeting_at, order[item.key]))


CLASH_WINDOW = timedelta(hours=1)  # two meetings of the same people closer than this cannot both be attended


def clashes(items: Sequence[Occurrence], window: timedelta = CLASH_WINDOW) -> dict[int, list[Occurrence]]:
    """For each meeting (by index) the others that share an attendee and start less than `window` apart.

    Meetings have no end time in config.toml; an hour is what a routine meeting takes.
    """
    found: dict[int, list[Occurrence]] = {}
    for index, item in enumerate(items):
        for other in items:
            if other is item or abs(other.meeting_at - item.meeting_at) >= window:
                continue
            if set(item.routine.attendees) & set(other.routine.attendees):
                found.setdefault(index, []).append(other)
    return found


def reminder_window(routines: Sequence[Routine], now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """The days whose meetings can have a reminder due at `now` (the moves to read cover these)."""
    local = now.astimezone(tz)
    longest = max((routine.remind_before for routine in routines), default=timedelta(0))
    return (local - timedelta(days=1)).date(), (local + longest + timedelta(days=1)).date()


def due_reminders(
    routines: Sequence[Routine],
    now: datetime,
    calendar: WorkdayCalendar,
    tz: ZoneInfo,
    moves: Sequence[MeetingMove] = (),
) -> list[Occurrence]:
    """Occurrences whose reminder time has come and whose meeting has not started yet.

    A reminder is due from `remind_at` until the meeting starts, so a scheduler that was down at
    `remind_at` (a restart, a take-over) still sends it late rather than never; after the start it is moot.
    """
    start, end = reminder_window(routines, now, tz)
    return [
        item
        for item in upcoming(routines, start, end, calendar, tz, moves)
        if item.remind_at <= now < item.meeting_at
    ]


@dataclass(frozen=True, slots=True)
class Plan:
    """The configured routines with the working-day calendar and time zone they are computed in."""

    routines: tuple[Routine, ...]
    calendar: WorkdayCalendar
    tz: ZoneInfo

    def upcoming(self, start: date, days: int, moves: Sequence[MeetingMove] = ()) -> list[Occurrence]:
        """Every meeting on the `days` days from `start`, with the moved ones where staff moved them."""
        return upcoming(self.routines, start, start + timedelta(days=days - 1), self.calendar, self.tz, moves)

    def due(self, now: datetime, moves: Sequence[MeetingMove] = ()) -> list[Occurrence]:
        """Meetings whose reminder is due at `now` (see `due_reminders`)."""
        return due_reminders(self.routines, now, self.calendar, self.tz, moves)

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The span [start, end) whose moved meetings `due` must be given at `now`."""
        first, last = reminder_window(self.routines, now, self.tz)
        start = datetime.combine(first, time(0, 0), tzinfo=self.tz)
        return start, datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=self.tz)

    def coming(self, now: datetime, days: int, start: date | None = None) -> list[Occurrence]:
        """The meetings of `days` days from `start`; without `start`, from `now` on (past ones left out)."""
        if start is not None:
            return self.upcoming(start, days)
        first = now.astimezone(self.tz).date()
        return [item for item in self.upcoming(first, days) if item.meeting_at >= now]

    def routine(self, key: str) -> Routine | None:
        """The routine with this key, if it is still configured."""
        return next((routine for routine in self.routines if routine.key == key), None)
