"""带薪年休假: days by cumulative years worked (《职工带薪年休假条例》第三条) and pay for untaken days
(第五条; 《企业职工带薪年休假实施办法》第十条、第十一条: 300 % of the daily wage, the normal 100 % included)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from intents.calculators.money import cents, daily_wage, share
from intents.calculators.rules import Rules


def leave_days(years_worked: Decimal, rules: Rules) -> int:
    """Days of paid annual leave a year after `years_worked` cumulative years (under a year: none)."""
    if years_worked < 0:
        raise ValueError("years cannot be negative")
    if years_worked >= rules.leave_long_years:
        return int(rules.leave_long_days)
    if years_worked >= rules.leave_middle_years:
        return int(rules.leave_middle_days)
    if years_worked >= rules.leave_min_years:
        return int(rules.leave_short_days)
    return 0


@dataclass(frozen=True, slots=True)
class LeavePay:
    """Pay for untaken leave: the whole 300 % and the part still owed beyond the normal wage already paid."""

    days: Decimal
    daily: Decimal  # rounded for showing
    total: Decimal  # days × daily × 300 %
    still_owed: Decimal  # days × daily × (300 % − 100 %)


def untaken_leave_pay(days: Decimal, monthly_wage: Decimal, rules: Rules) -> LeavePay:
    """Pay for `days` untaken days at a `monthly_wage` (the twelve-month average without overtime pay).

    Raises:
        ValueError: negative days or wage.
    """
    if days < 0 or monthly_wage < 0:
        raise ValueError("days and wage cannot be negative")
    daily = daily_wage(monthly_wage, rules.pay_days_per_month)
    total = days * daily * share(rules.untaken_leave_percent)
    owed = days * daily * share(rules.untaken_leave_percent - rules.leave_normal_pay_percent)
    return LeavePay(days, cents(daily), cents(total), cents(owed))
