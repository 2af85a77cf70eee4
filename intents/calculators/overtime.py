"""加班费: 《劳动法》第四十四条 at 150 / 200 / 300 %, on the 21.75-day month of the 2008 ministry notice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from intents.calculators.money import cents, daily_wage, share
from intents.calculators.rules import Rules


class OvertimeKind(StrEnum):
    """When the extra work was done."""

    WEEKDAY = "weekday"  # longer hours on a working day
    REST_DAY = "rest_day"  # a rest day without time off in lieu
    HOLIDAY = "holiday"  # a statutory holiday


@dataclass(frozen=True, slots=True)
class Overtime:
    """Overtime pay and the numbers of its formula."""

    kind: OvertimeKind
    quantity: Decimal
    unit: str  # "day" or "hour"
    rate_percent: Decimal
    unit_wage: Decimal  # daily or hourly wage, rounded for showing
    amount: Decimal


def rate(kind: OvertimeKind, rules: Rules) -> Decimal:
    """The statutory minimum rate for this kind of overtime, in percent."""
    return {
        OvertimeKind.WEEKDAY: rules.overtime_weekday_percent,
        OvertimeKind.REST_DAY: rules.overtime_rest_day_percent,
        OvertimeKind.HOLIDAY: rules.overtime_holiday_percent,
    }[kind]


def overtime(kind: OvertimeKind, quantity: Decimal, unit: str, monthly_wage: Decimal, rules: Rules) -> Overtime:
    """Overtime pay for `quantity` days or hours (`unit` "day" / "hour") at a `monthly_wage` (yuan).

    Raises:
        ValueError: a negative quantity or wage, or an unknown unit.
    """
    if quantity < 0 or monthly_wage < 0:
        raise ValueError("quantity and wage cannot be negative")
    if unit not in ("day", "hour"):
        raise ValueError(f"unit {unit!r} is not day or hour")
    per_unit = daily_wage(monthly_wage, rules.pay_days_per_month)
    if unit == "hour":
        per_unit /= rules.hours_per_day
    percent = rate(kind, rules)
    return Overtime(kind, quantity, unit, percent, cents(per_unit), cents(quantity * per_unit * share(percent)))
