"""A time named in words ("周三下午三点", "9号两点半", "下周三14:00") matched against offered times.

Workers pick a time the way they would say it on the phone, not by its number in a list. The marks that
make a weekday, a day, an hour or the afternoon are word lists in knowledge/replies/appointments.toml
([words] time_*), so this module holds the grammar only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from intents.context import TurnContext
from intents.normalize import clean
from knowledge.numerals import CHINESE_NUMBER, parse_chinese

_NUMBER = rf"[0-9{CHINESE_NUMBER}]{{1,3}}"
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:\uff1a](\d{2})(?!\d)")  # 14:00, 14：00
AFTERNOON_FROM = 12  # "下午三点" is 15:00; "下午一点" 13:00


@dataclass(frozen=True, slots=True)
class NamedTime:
    """What the worker said of a time; None where they said nothing of it."""

    weekday: int | None = None  # 0 = Monday, as datetime.weekday()
    day: int | None = None
    hour: int | None = None
    minute: int | None = None

    def fits(self, moment: datetime) -> bool:
        """True when `moment` (local time) agrees with everything the worker said."""
        return (
            (self.weekday is None or moment.weekday() == self.weekday)
            and (self.day is None or moment.day == self.day)
            and (self.hour is None or moment.hour == self.hour)
            and (self.minute is None or moment.minute == self.minute)
        )


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else parse_chinese(text)


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) or "(?!)"


@lru_cache(maxsize=4)
def _patterns(
    weekday_marks: tuple[str, ...], sunday: tuple[str, ...], day_marks: tuple[str, ...], hour_marks: tuple[str, ...],
    half: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    weekday = re.compile(rf"(?:{_alternation(weekday_marks)})([1-7{CHINESE_NUMBER}]|{_alternation(sunday)})")
    day = re.compile(rf"({_NUMBER})(?:{_alternation(day_marks)})")
    hour = re.compile(rf"({_NUMBER})(?:{_alternation(hour_marks)})((?:{_alternation(half)})|{_NUMBER})?")
    return weekday, day, hour


def named_time(text: str, ctx: TurnContext) -> NamedTime | None:
    """The weekday, day of the month and time of day a message names, or None when it names none."""
    words = ctx.kb.words
    sunday = tuple(words.get("time_sunday", ()))
    weekday_re, day_re, hour_re = _patterns(
        tuple(words.get("time_weekday_marks", ())),
        sunday,
        tuple(words.get("time_day_marks", ())),
        tuple(words.get("time_hour_marks", ())),
        tuple(words.get("time_half", ())),
    )
    value = clean(text).replace(" ", "")
    weekday = day = hour = minute = None
    if found := weekday_re.search(value):
        mark = found.group(1)
        number = 7 if mark in sunday else _number(mark)
        weekday = number - 1 if number is not None and 1 <= number <= 7 else None
    if found := day_re.search(value):
        day = _number(found.group(1))
    if found := _CLOCK.search(value):
        hour, minute = int(found.group(1)), int(found.group(2))
    elif found := hour_re.search(value):
        hour = _number(found.group(1))
        rest = found.group(2) or ""
        minute = 30 if rest in words.get("time_half", ()) else (_number(rest) if rest else 0)
    afternoon = any(word in value for word in words.get("time_afternoon", ()))
    if hour is not None and afternoon and hour < AFTERNOON_FROM:
        hour += AFTERNOON_FROM
    if weekday is None and day is None and hour is None:
        return None
    return NamedTime(weekday, day, hour, minute)
