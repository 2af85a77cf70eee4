"""How routine-meeting reminders read to staff: the reminder (with a holiday delay and last month's figures
when there are), its one repeat, and December's warning that next year's calendar is missing.

Every sentence is a reply (knowledge/replies/scheduler.toml); the scheduler only decides when to send.
"""

from __future__ import annotations

from datetime import datetime

from intents.context import DialoguePolicy, Speaks
from intents.staff.routines import Occurrence, Routine
from knowledge import KnowledgeBase


class RoutineText(Speaks):
    """Renders reminders with the station's replies, local facts, staff names and time zone."""

    __slots__ = ("kb", "policy")

    def __init__(self, kb: KnowledgeBase, policy: DialoguePolicy) -> None:
        self.kb = kb
        self.policy = policy

    def when(self, moment: datetime) -> str:
        """12月2日（周三）08:30, local time."""
        local = moment.astimezone(self.policy.timezone)
        weekday = self.kb.words["weekdays"][local.weekday()]
        return self.say(
            "routine_when", month=local.month, day=local.day, weekday=weekday, time=local.strftime("%H:%M")
        )

    def _place(self, routine: Routine | None) -> str:
        return self.say("routine_place", place=routine.place) if routine is not None and routine.place else ""

    def reminder(self, item: Occurrence, staff: str, pack: str | None = None) -> str:
        """The reminder to one attendee; says why the monthly meeting is late or why staff moved this one, and
        carries `pack` (figures)."""
        notes = []
        if item.delay_reason is not None:
            local = item.meeting_at.astimezone(self.policy.timezone)
            holiday = self.say(f"holiday_{item.delay_reason}")
            day = self.say("routine_date", month=local.month, day=local.day)
            notes.append(self.say("routine_delayed", holiday=holiday, date=day))
        if item.moved_from is not None:
            notes.append(self.say("routine_moved", usual=self.when(item.moved_from), reason=item.move_reason))
        if pack:
            notes.append(pack)
        return self.say(
            "routine_reminder",
            name=self.policy.staff_names.get(staff, staff),
            when=self.when(item.meeting_at),
            title=item.routine.title,
            place=self._place(item.routine),
            note="".join("\n" + note for note in notes),
        )

    def repeat(self, title: str, meeting_at: datetime, routine: Routine | None) -> str:
        """The one repeat of an unacknowledged reminder (`routine` None when it is no longer configured)."""
        return self.say("routine_repeat", when=self.when(meeting_at), title=title, place=self._place(routine))

    def moved(self, item: Occurrence, staff: str) -> str:
        """The notice to an attendee already reminded of the usual time that this occurrence was moved."""
        assert item.moved_from is not None
        return self.say(
            "routine_moved_notice",
            name=self.policy.staff_names.get(staff, staff),
            title=item.routine.title,
            usual=self.when(item.moved_from),
            when=self.when(item.meeting_at),
            place=self._place(item.routine),
            reason=item.move_reason,
        )

    def calendar_missing(self, staff: str, year: int, path: object) -> str:
        """The warning that `year`'s official holidays are not in the calendar, with where to enter them."""
        return self.say("calendar_missing", name=self.policy.staff_names.get(staff, staff), year=year, path=path)
