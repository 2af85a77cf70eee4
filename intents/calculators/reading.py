"""Reading a calculator's facts from what a worker types: 五年零三个月, 八千, 两万三, 4天, 九级伤残.

Pure functions over text, no storage. Each returns None when the fact is not there (or too vague to use, as
"五年多" is for compensation, where six months more or less changes the result), so the caller asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from intents.forms.numbers import parse_amount
from intents.normalize import normalize
from knowledge.numerals import parse_chinese

_NUM = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+"
_DURATION = re.compile(
    rf"(?:(?P<years>{_NUM}|半)\s*(?:个)?(?:整)?(?:周)?年(?P<half>半)?(?P<more>多)?"
    rf"(?:\s*(?:零|又)?\s*(?P<ymonths>{_NUM})\s*个?(?:多)?月(?P<ymore>多)?)?)"
    rf"|(?:(?P<months>{_NUM}|半)\s*个\s*(?P<mmore>多)?\s*月(?:多)?)"
)
_START_DATE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月")
_WAGE_BEFORE = re.compile(
    r"(?:月薪|月工资|工资|薪水|薪资|每个?月|一个月|一月|月入|底薪|收入|到手|税前|税后)"
    r"(?:是|有|才|就|大概|差不多|约|大约|税前|税后|能拿|拿|都是|[：:，, ])*"
    r"(?P<amount>(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?:万|千|k|K|w|W)?\s*[零〇一二两三四五六七八九\d]*)"
)
_WAGE_AFTER = re.compile(
    r"(?P<amount>(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?:万|千|k|K|w|W)?\s*(?:块钱|块|元)?)"
    r"\s*(?:一个月|每月|/月|一月|每个月)"
)
_QUANTITY = re.compile(rf"(?P<value>{_NUM}|半)\s*(?:个)?\s*(?P<unit>天|日|小时|钟头|钟)")
_LEVEL = re.compile(r"(?P<level>十|[一二三四五六七八九]|10|[1-9])\s*级")
_LEVEL_AFTER = re.compile(r"伤残\s*(?P<level>十|[一二三四五六七八九]|10|[1-9])\s*级?")
_BABIES = {"双胞胎": 2, "龙凤胎": 2, "双胎": 2, "三胞胎": 3, "四胞胎": 4}
MAX_MONTHS = 600  # fifty years: longer is not a working life, it is a typo


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of service in whole months; `vague` when the worker said "五年多" (months unknown)."""

    months: int
    vague: bool = False


def number(token: str) -> Decimal | None:
    """A number written in digits or Chinese numerals (八 → 8, 二十 → 20, 3.5 → 3.5, 半 → 0.5)."""
    token = token.strip()
    if token == "半":
        return Decimal("0.5")
    try:
        return Decimal(token)
    except InvalidOperation:
        parsed = parse_chinese(token)
        return None if parsed is None else Decimal(parsed)


def _clean(text: str) -> str:
    return normalize(text).replace(" ", "")


def duration(text: str, today: date | None = None) -> Duration | None:
    """How long someone has worked: "五年零三个月" → 63 months, "三年半" → 42, "八个月" → 8, "五年多" → vague 60.

    With `today`, a start date "2019年3月入职" also counts (whole months since). None when no length is stated.
    """
    folded = _clean(text)
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
            return Duration(max(whole, 0), vague)
    if today is not None:
        start = _START_DATE.search(folded)
        if start is not None:
            month = number(start.group("month"))
            if month is not None and 1 <= month <= 12:
                months_since = (today.year - int(start.group("year"))) * 12 + today.month - int(month)
                if 0 <= months_since <= MAX_MONTHS:
                    return Duration(months_since)
    return None


def wage(text: str, *, bare: bool = False) -> Decimal | None:
    """A monthly wage: "月薪八千" → 8000, "两万三一个月" → 23000.

    `bare` (an answer to "月工资多少?") takes any amount in the text; otherwise the amount must be worded
    as a wage, so "干了五年" or "三个月" in the same message are not read as money.
    """
    folded = _clean(text)
    found = _WAGE_BEFORE.search(folded) or _WAGE_AFTER.search(folded)
    if found is not None:
        amount = parse_amount(found.group("amount"))
    elif bare and duration(folded) is None:
        amount = parse_amount(folded)
    else:
        amount = None
    return Decimal(amount) if amount is not None and amount > 0 else None


def quantity(text: str) -> tuple[Decimal, str] | None:
    """Days or hours: "4天" → (4, "day"), "二十个小时" → (20, "hour"), "半天" → (0.5, "day")."""
    folded = _clean(text)
    for match in _QUANTITY.finditer(folded):
        if "每" in folded[max(0, match.start() - 4) : match.start()]:
            continue  # "每天3小时" is a rate, not how much in all
        value = number(match.group("value"))
        if value is not None and value > 0:
            return value, ("day" if match.group("unit") in ("天", "日") else "hour")
    return None


def disability_level(text: str) -> int | None:
    """A disability level 1–10: "九级伤残" → 9, "伤残十级" → 10."""
    folded = _clean(text)
    match = _LEVEL.search(folded) or _LEVEL_AFTER.search(folded)
    if match is None:
        return None
    value = number(match.group("level"))
    return int(value) if value is not None and 1 <= value <= 10 else None


def babies(text: str) -> int | None:
    """How many babies one birth brought: 双胞胎 → 2; "一个" / "一胎" → 1."""
    folded = _clean(text)
    for word, count in _BABIES.items():
        if word in folded:
            return count
    match = re.search(rf"(?P<n>{_NUM})\s*(?:个|胎)", folded)
    if match is not None:
        value = number(match.group("n"))
        if value is not None and 1 <= value <= 9 and value == int(value):
            return int(value)
    return None


def whole_number(text: str) -> Decimal | None:
    """The first plain number in an answer ("5" / "五天" / "还有3天没休" → 5 / 5 / 3)."""
    match = re.search(rf"{_NUM}|半", _clean(text))
    return None if match is None else number(match.group(0))
