"""What a turn may use: the database session, the knowledge base, the matcher, the user, the time, the policy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from intents.calculators.rules import LocalFigures
from intents.matcher import Matcher
from intents.turn import Inbound
from intents.workdays import WorkdayCalendar
from knowledge import KnowledgeBase
from storage.dialogue_state import State
from storage.models import User


@dataclass(frozen=True, slots=True)
class AidTier:
    """Hardship aid for serious illness: a yearly self-paid cost from which a one-off grant is paid."""

    min_self_paid: int
    grant: int


@dataclass(frozen=True, slots=True)
class DutyShift:
    """A staff member on duty on these ISO weekdays (1 = Monday) between start and end."""

    staff: str
    weekdays: frozenset[int]
    start: time
    end: time

    def covers(self, moment: datetime) -> bool:
        """True when `moment` (local time) falls in this shift."""
        return moment.isoweekday() in self.weekdays and self.start <= moment.time() < self.end


@dataclass(frozen=True, slots=True)
class Bookable:
    """A service workers book a time for (config.toml [[appointments]])."""

    key: str
    name: str
    words: tuple[str, ...]
    place: str
    minutes: int
    weekly: tuple[tuple[int, time], ...] = ()  # (ISO weekday, local time)
    days_ahead: int = 14


@dataclass(frozen=True, slots=True)
class DialoguePolicy:
    """The slice of the settings the dialogue needs, built once by bot/app.py from config.toml."""

    threshold: float = 0.38
    floor: float = 0.25
    margin: float = 0.02
    intent_vote: float = 0.3
    intent_thresholds: Mapping[str, float] = field(default_factory=dict)  # intent → its own threshold
    second_topic: float = 0.85  # a second entry scoring this share of the answered one comes as a button
    choices: int = 3
    max_message_chars: int = 500
    form_idle: timedelta = timedelta(minutes=30)
    # A form answer that does not fit, or reads as a question, is answered as a new question when the
    # matcher is this sure of it (interrupt_question: it does not fit AND reads as a question).
    interrupt_score: float = 0.7
    interrupt_question: float = 0.5
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    office_open: time = time(8, 30)
    office_close: time = time(17, 30)
    facts: Mapping[str, str] = field(default_factory=dict)  # {placeholders} answers may use
    aid_tiers: tuple[AidTier, ...] = ()
    staff_ids: tuple[str, ...] = ()
    staff_names: Mapping[str, str] = field(default_factory=dict)  # staff id → name workers see
    staff_accounts: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (channel, user id) → staff id
    duty: tuple[DutyShift, ...] = ()
    reachable_staff: frozenset[str] | None = None  # staff alerts can reach (None: not known, assume all)
    followup_coalesce: timedelta = timedelta(minutes=2)  # ticket follow-ups wait this long, joined into one alert
    urgent_workers: int = 10
    urgent_amount: int = 100_000
    overdue_days: int = 15
    bookable: tuple[Bookable, ...] = ()
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)  # official working days and overrides
    region: LocalFigures = field(default_factory=LocalFigures)  # local figures the calculators use

    def can_alert(self, staff: Iterable[str]) -> bool:
        """True when at least one of these staff members can be reached by an alert."""
        return any(self.reachable_staff is None or member in self.reachable_staff for member in staff)

    def threshold_for(self, intent: str) -> float:
        """The score an answer of `intent` needs to be given directly."""
        return self.intent_thresholds.get(intent, self.threshold)

    def staff_id(self, channel: str, user_id: str) -> str | None:
        """The staff id of this chat account, or None for a worker."""
        return self.staff_accounts.get((channel, user_id))

    def on_duty(self, moment: datetime) -> tuple[str, ...]:
        """Staff on duty at `moment` (local time); outside every shift, those of the next shift to start."""
        now_on = tuple(dict.fromkeys(shift.staff for shift in self.duty if shift.covers(moment)))
        if now_on or not self.duty:
            return now_on or self.staff_ids
        for days_ahead in range(8):
            day = moment.date() + timedelta(days=days_ahead)
            starts = sorted(
                (shift.start, shift.staff)
                for shift in self.duty
                if day.isoweekday() in shift.weekdays and (days_ahead > 0 or shift.start > moment.time())
            )
            if starts:
                first = starts[0][0]
                return tuple(dict.fromkeys(staff for start, staff in starts if start == first))
        return self.staff_ids


class Speaks:
    """The one `say`: a replies/*.toml sentence filled with the local facts and `values`.

    Mixed into whatever holds the knowledge base and the dialogue policy (a turn, the staff desk, event texts),
    so every sentence a worker or staff member reads is filled the same way.
    """

    __slots__ = ()
    kb: KnowledgeBase
    policy: DialoguePolicy

    def say(self, key: str, **values: object) -> str:
        """The fixed sentence `key` from replies/*.toml, filled with local facts and `values`."""
        return render(self.kb.reply(key), self.policy.facts, **values)


@dataclass(slots=True)
class TurnContext(Speaks):
    """Everything one turn works with. `session` belongs to the caller, who commits once per turn."""

    session: Session
    kb: KnowledgeBase
    matcher: Matcher
    policy: DialoguePolicy
    inbound: Inbound
    user_pk: int  # the user's database id (their row is locked for the turn)
    state: State
    now: datetime
    # The worker's own account of their problem when this turn acts on a choice offered for it earlier
    # (a menu picked after "我们工地三十多个工人被拖欠工资半年了"): the facts in it are not asked again.
    story: str = ""

    @property
    def words(self) -> str:
        """What the worker has said on the matter: the kept story and this message."""
        return "\n".join(part for part in (self.story, self.inbound.text) if part)

    @property
    def user(self) -> User:
        """The user's row (name, phone, consent), read only by the turns that use it.

        Most turns never need it: the session's identity map keeps it once loaded.
        """
        user = self.session.get(User, self.user_pk)
        assert user is not None
        return user

    def local_now(self) -> datetime:
        """The current time in the station's time zone."""
        return self.now.astimezone(self.policy.timezone)


_NESTED = re.compile(r"（([^（）]*)（([^（）]*)））")


def render(template: str, facts: Mapping[str, str], **values: object) -> str:
    """Fill `{placeholders}` from the local facts and the given values; the result is stripped.

    A fact ending in brackets placed at the end of a sentence's own brackets reads as one bracket on a phone:
    "（周一至周五 8:30-17:30（法定节假日休息））" becomes "（周一至周五 8:30-17:30，法定节假日休息）".
    """
    text = template.format_map({**facts, **values}).strip()
    while True:
        flattened = _NESTED.sub(lambda m: f"（{m.group(1)}，{m.group(2)}）", text)
        if flattened == text:
            return text
        text = flattened
