"""Reading a calculator's facts from what a worker types: 五年零三个月, 八千, 两万三, 4天, 九级伤残.

Pure functions over text, no storage. Each returns None when the fact is not there (or too vague to use, as
"五年多" is for compensation, where six months more or less changes the result), so the caller asks. The
Chinese grammar (the patterns and words) lives in knowledge/numerals.py; this module only applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from intents.forms.numbers import parse_amount
from intents.normalize import normalize
from knowledge.numerals import (
    BABY_COUNT_PATTERN,
    BIRTH_ORDER,
    DAY_UNITS,
    DISABILITY_LEVEL_PATTERN,
    DURATION_PATTERN,
    HALF,
    MONTH_DATE_PATTERN,
    MULTIPLE_BIRTHS,
    NUMBER_TOKEN,
    RATE_MARK,
    RELATIVE_YEARS,
    SIGNED_AFTER_DATE,
    SIGNED_AFTER_LENGTH,
    SINGLE_BIRTH_PATTERN,
    STARTED_AFTER_DATE,
    WAGE_AFTER_PATTERN,
    WAGE_BEFORE_PATTERN,
    WORK_QUANTITY_PATTERN,
    YEAR_ONLY_PATTERN,
    parse_chinese,
)

_DURATION = re.compile(DURATION_PATTERN)
_MONTH_DATE = re.compile(MONTH_DATE_PATTERN)
_YEAR_ONLY = re.compile(YEAR_ONLY_PATTERN)
_SIGNED_AFTER_DATE = re.compile(SIGNED_AFTER_DATE)
_STARTED_AFTER_DATE = re.compile(STARTED_AFTER_DATE)
_SIGNED_AFTER_LENGTH = re.compile(SIGNED_AFTER_LENGTH)
_WAGE_BEFORE = re.compile(WAGE_BEFORE_PATTERN)
_WAGE_AFTER = re.compile(WAGE_AFTER_PATTERN)
_QUANTITY = re.compile(WORK_QUANTITY_PATTERN)
_LEVEL = re.compile(DISABILITY_LEVEL_PATTERN)
_SINGLE_BIRTH = re.compile(SINGLE_BIRTH_PATTERN)
_BABY_COUNT = re.compile(BABY_COUNT_PATTERN)
_NUMBER = re.compile(NUMBER_TOKEN)
MAX_MONTHS = 600  # fifty years: longer is not a working life, it is a typo
MAX_BABIES = 9
_LOOKAHEAD = 8  # characters after a date or a length that may say what happened then
_CENTURY = 2000
_SEPARATOR = ","  # what a pause (comma, space) becomes, so "工资6000，二倍工资" stays two numbers


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of service in whole months; `vague` when the worker said "五年多" (months unknown)."""

    months: int
    vague: bool = False


@dataclass(frozen=True, slots=True)
class ContractGap:
    """How long someone worked without a written contract, and whether one was signed in the end."""

    months: int
    signed: bool


def number(token: str) -> Decimal | None:
    """A number written in digits or Chinese numerals (八 → 8, 二十 → 20, 3.5 → 3.5, 半 → 0.5)."""
    token = token.strip()
    if token == HALF:
        return Decimal("0.5")
    try:
        return Decimal(token)
    except InvalidOperation:
        parsed = parse_chinese(token)
        return None if parsed is None else Decimal(parsed)


def _clean(text: str) -> str:
    return re.sub(r"\s+", _SEPARATOR, normalize(text))


def _lengths(folded: str) -> list[tuple[Duration, int]]:
    """Every length of service stated, with where it ends in `folded`."""
    found = []
    for match in _DURATION.finditer(folded):
        if match.group("years") is not None:
            years = number(match.group("years"))  # 半年 → 0.5
            if years is None or years >= 100:  # 2019年 is a calendar year, not a length
                continue
            months = years * 12
            if match.group("half"):
                months += 6
            extra = number(match.group("ymonths")) if match.group("ymonths") else None
            if extra is not None:
                months += extra
            vague = bool(match.group("more") and extra is None) or bool(match.group("ymore"))
        else:
            value = number(match.group("months"))
            if value is None:
                continue
            months, vague = value, bool(match.group("mmore"))
        whole = int(months)
        if 0 < whole <= MAX_MONTHS or (whole == 0 and months > 0):
            found.append((Duration(max(whole, 0), vague), match.end()))
    return found


def _dates(folded: str, today: date | None) -> list[tuple[int, int, int]]:
    """Every calendar month stated, as (year, month, end offset).

    A date without a year takes the year of the date before it (the next year when its month is earlier:
    "10月入职，3月才签"); the first one, the latest year that month has passed by `today` ("3月份进厂的").
    Without `today`, such years are 0 and only the months between dates count.
    """
    found: list[tuple[int, int, int]] = []
    for match in _MONTH_DATE.finditer(folded):
        month = number(match.group("month"))
        if month is None or not 1 <= month <= 12:
            continue
        if match.group("year") is not None:
            year = int(match.group("year"))
            year += _CENTURY if year < 100 else 0
        elif match.group("relative") is not None and today is not None:
            year = today.year - RELATIVE_YEARS[match.group("relative")]
        elif found:
            year = found[-1][0] + (1 if month < found[-1][1] else 0)
        elif today is not None:
            year = today.year if month <= today.month else today.year - 1
        else:
            year = 0
        found.append((year, int(month), match.end()))
    return found


def _months_between(start: tuple[int, int], end: tuple[int, int]) -> int:
    return (end[0] - start[0]) * 12 + end[1] - start[1]


def _start_date(folded: str, today: date | None) -> tuple[int, int] | None:
    """When the work began: the first dated start ("2019年3月入职"), else the first date not a signing."""
    dates = _dates(folded, today)
    started = [(y, m) for y, m, end in dates if _STARTED_AFTER_DATE.search(folded[end : end + _LOOKAHEAD])]
    if started:
        return started[0]
    unsigned = [(y, m) for y, m, end in dates if not _SIGNED_AFTER_DATE.search(folded[end : end + _LOOKAHEAD])]
    return unsigned[0] if unsigned else None


def duration(text: str, today: date | None = None) -> Duration | None:
    """How long someone has worked: "五年零三个月" → 63 months, "三年半" → 42, "八个月" → 8, "五年多" → vague 60.

    With `today`, a start date "2019年3月入职" also counts (whole months since), and a start year alone
    ("2005年入职") counts as a vague length. None when no length is stated.
    """
    folded = _clean(text)
    lengths = _lengths(folded)
    if lengths:
        return lengths[0][0]
    if today is None:
        return None
    start = _start_date(folded, today)
    if start is not None:
        months_since = _months_between(start, (today.year, today.month))
        return Duration(months_since) if 0 <= months_since <= MAX_MONTHS else None
    year = _YEAR_ONLY.search(folded)
    if year is not None:
        months_since = _months_between((int(year.group("year")), 1), (today.year, today.month))
        return Duration(months_since, vague=True) if 0 < months_since <= MAX_MONTHS else None
    return None


def contract_gap(text: str, today: date | None = None) -> ContractGap | None:
    """Months worked before a written contract: "3月入职，11月才签" → 8 signed; "干了八个月才补签" → 8 signed;
    "入职八个月了还没签" → 8, not signed (so far). None when no length or start is stated.
    """
    folded = _clean(text)
    signings = [
        (y, m) for y, m, end in _dates(folded, today) if _SIGNED_AFTER_DATE.search(folded[end : end + _LOOKAHEAD])
    ]
    start = _start_date(folded, today)
    if signings and start is not None:
        months = _months_between(start, signings[0])
        if 0 <= months <= MAX_MONTHS:
            return ContractGap(months, signed=True)
    for length, end in _lengths(folded):
        if _SIGNED_AFTER_LENGTH.search(folded[end : end + _LOOKAHEAD]):
            return ContractGap(length.months, signed=True)
    found = duration(text, today)
    return None if found is None or found.vague else ContractGap(found.months, signed=False)


def wage(text: str, *, bare: bool = False) -> Decimal | None:
    """A monthly wage: "月薪八千" → 8000, "两万三一个月" → 23000.

    `bare` (an answer to "月工资多少?") takes any amount in the text; otherwise the amount must be worded
    as a wage, so "干了五年" or "三个月" in the same message are not read as money.
    """
    folded = _clean(text)
    found = _WAGE_BEFORE.search(folded) or _WAGE_AFTER.search(folded)
    if found is not None:
        amount = parse_amount(found.group("amount"))
    elif bare and not _lengths(folded):
        amount = parse_amount(folded)
    else:
        amount = None
    return Decimal(amount) if amount is not None and amount > 0 else None


def quantity(text: str) -> tuple[Decimal, str] | None:
    """Days or hours: "4天" → (4, "day"), "二十个小时" → (20, "hour"), "半天" → (0.5, "day")."""
    folded = _clean(text)
    for match in _QUANTITY.finditer(folded):
        if RATE_MARK in folded[max(0, match.start() - 4) : match.start()]:
            continue
        value = number(match.group("value"))
        if value is not None and value > 0:
            return value, ("day" if match.group("unit") in DAY_UNITS else "hour")
    return None


def disability_level(text: str) -> int | None:
    """A disability level 1–10: "九级伤残" → 9, "伤残十级" → 10."""
    match = _LEVEL.search(_clean(text))
    if match is None:
        return None
    value = number(match.group("level") or match.group("after"))
    return int(value) if value is not None and 1 <= value <= 10 else None


def babies(text: str, *, bare: bool = False) -> int | None:
    """How many babies one birth brought: 双胞胎 → 2, "顺产一个孩子" / 单胎 → 1, "一胎生了两个" → 2.

    "二胎" is a second child, not twins, so "N胎" is no count. `bare` (an answer to "生了几个?") also
    takes a plain number ("一个", "2").
    """
    folded = _clean(text)
    for word, count in MULTIPLE_BIRTHS.items():
        if word in folded:
            return count
    counted = _BABY_COUNT.search(folded)
    if counted is not None:
        value = number(counted.group("n"))
        if value is not None and 1 <= value <= MAX_BABIES and value == int(value):
            return int(value)
    if _SINGLE_BIRTH.search(folded):
        return 1
    if bare and BIRTH_ORDER not in folded:
        value = whole_number(folded)
        if value is not None and 1 <= value <= MAX_BABIES and value == int(value):
            return int(value)
    return None


def whole_number(text: str) -> Decimal | None:
    """The first plain number in an answer ("5" / "五天" / "还有3天没休" → 5 / 5 / 3)."""
    match = _NUMBER.search(_clean(text))
    return None if match is None else number(match.group(0))
