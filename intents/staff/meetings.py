"""The routine meetings as staff see them: the next weeks on the working-day calendar (调休 days marked), who
was reminded and who acknowledged, and moving one occurrence with a reason (the reminders then follow it).

The console's 例会 page renders these; the scheduler (bot/jobs.py) reads the same moves through `Plan.due`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from intents.staff.desk import Desk, Refusal
from intents.staff.routine_text import RoutineText
from intents.staff.routines import Occurrence, Plan
from intents.turn import OutboxItem
from storage import meetings, reminders
from storage.models import MeetingMove

STAFF = "staff"  # outbox rows to a staff member by id (bot/sender.py finds their account)
REASON_MOVED = "routine_moved"
MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class Meeting:
    """One occurrence with its reminders: who acknowledged, who was reminded and has not, who is yet to be."""

    occurrence: Occurrence
    acknowledged: tuple[str, ...]
    waiting: tuple[str, ...]
    not_reminded: tuple[str, ...]

    @property
    def usual_at(self) -> datetime:
        """The time the rules give this occurrence (what a move is keyed by)."""
        return self.occurrence.moved_from or self.occurrence.meeting_at


@dataclass(frozen=True, slots=True)
class Day:
    """One calendar day: worked or not, whether it is a 调休 (make-up working day or weekday off), its meetings."""

    day: date
    workday: bool
    makeup: bool  # a Saturday or Sunday that is worked (调休上班)
    holiday: str | None  # the holiday slug when the day is off for one
    meetings: list[Meeting] = field(default_factory=list)


def _moves(desk: Desk, plan: Plan, first: date, last: date) -> list[MeetingMove]:
    start = datetime.combine(first, time(0, 0), tzinfo=plan.tz)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=plan.tz)
    return meetings.moves_between(session=desk.session, start=start, end=end)


def meeting_of(desk: Desk, item: Occurrence) -> Meeting:
    """An occurrence with the state of its reminders."""
    sent = reminders.for_meeting(session=desk.session, routine=item.key, meeting_at=item.meeting_at)
    reminded = {row.staff_id for row in sent}
    return Meeting(
        item,
        tuple(row.staff_id for row in sent if row.acknowledged_at is not None),
        tuple(row.staff_id for row in sent if row.acknowledged_at is None),
        tuple(staff for staff in item.routine.attendees if staff not in reminded),
    )


def upcoming_meetings(desk: Desk, plan: Plan, *, days: int) -> list[Meeting]:
    """The meetings of the `days` days from today, where staff moved them, with their reminders."""
    first = desk.local(desk.now).date()
    last = first + timedelta(days=days - 1)
    return [meeting_of(desk, item) for item in plan.upcoming(first, days, _moves(desk, plan, first, last))]


def calendar(desk: Desk, plan: Plan, *, weeks: int = 4) -> list[Day]:
    """The next `weeks` weeks from today: every day with a meeting or a 调休, each meeting with its reminders."""
    first = desk.local(desk.now).date()
    last = first + timedelta(weeks=weeks, days=-1)
    found = upcoming_meetings(desk, plan, days=weeks * 7)
    days: list[Day] = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        workday = plan.calendar.is_workday(day)
        makeup = workday and day.weekday() >= 5
        holiday = plan.calendar.holiday_name(day) if not workday else None
        todays = [meeting for meeting in found if meeting.occurrence.meeting_at.astimezone(plan.tz).date() == day]
        if todays or makeup or (holiday is not None and day.weekday() < 5):
            days.append(Day(day, workday, makeup, holiday, todays))
    return days


def move_meeting(
    desk: Desk, plan: Plan, *, routine: str, usual_at: datetime, moved_to: datetime, reason: str
) -> int:
    """Move one occurrence of a routine to `moved_to`; the reminders follow it and carry `reason`.

    Attendees already reminded of the time it had are told at once (outbox); returns how many.

    Raises:
        Refusal: (staff_meeting_…) unknown meeting, no reason, or a time past.
    """
    found = plan.routine(routine)
    reason = " ".join(reason.split())[:MAX_REASON].rstrip("。.")
    if found is None:
        raise Refusal("staff_meeting_unknown")
    usual_day = usual_at.astimezone(plan.tz).date()
    if usual_at not in {item.meeting_at for item in plan.upcoming(usual_day, 1) if item.key == routine}:
        raise Refusal("staff_meeting_unknown")
    if not reason:
        raise Refusal("staff_meeting_no_reason")
    if moved_to <= desk.now:
        raise Refusal("staff_meeting_past")
    current = next(
        (move.moved_to for move in _moves(desk, plan, usual_day, usual_day)
         if move.routine == routine and move.original_at == usual_at),
        usual_at,
    )
    meetings.move(session=desk.session, routine=routine, original_at=usual_at, moved_to=moved_to, reason=reason,
                  staff=desk.staff, now=desk.now)
    told = reminders.for_meeting(session=desk.session, routine=routine, meeting_at=current)
    item = Occurrence(found, desk.local(moved_to), moved_to - found.remind_before, None, desk.local(usual_at), reason)
    text = RoutineText(desk.kb, desk.policy)
    return desk.send(OutboxItem(STAFF, row.staff_id, text.moved(item, row.staff_id), REASON_MOVED) for row in told)
