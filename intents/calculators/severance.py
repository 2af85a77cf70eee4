"""经济补偿 (N), 赔偿金 (2N) and 代通知金 (N+1): 《劳动合同法》第四十七条、第四十条、第八十七条.

Years worked count by the six-month rule (a remainder of six months or more is a whole year, less is half a
month's pay); the monthly wage is the average of the last twelve months, at least the local minimum wage
(《劳动合同法实施条例》第二十七条); above three times the local average monthly wage, the wage counted is three
times that average and at most twelve years are paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from intents.calculators.money import cents, share
from intents.calculators.rules import LocalFigures, Rules

MONTHS_PER_YEAR = 12


class Termination(StrEnum):
    """How the contract ended, which decides N, N+1 or 2N."""

    LAWFUL = "lawful"  # lawful termination that owes compensation: N
    NO_NOTICE = "no_notice"  # 第四十条 without thirty days' written notice: N + one month's wage
    UNLAWFUL = "unlawful"  # unlawful dismissal: 2N (第八十七条)
    UNKNOWN = "unknown"  # the worker does not know yet: all three are shown


@dataclass(frozen=True, slots=True)
class Severance:
    """The result and every number its one-line formula shows."""

    months_worked: int
    pay_months: Decimal  # N, in months of wage, after the twelve-year cap
    wage_counted: Decimal  # the monthly wage N is paid at
    raised_to_minimum: bool  # the average was below the local minimum wage
    capped: bool  # the high-earner cap applied (wage and years)
    cap_unchecked: bool  # the local average wage is not filled in: the cap could not be checked
    compensation: Decimal  # N × wage counted
    notice_pay: Decimal  # one month's wage (代通知金)
    damages: Decimal  # 2N

    def amount(self, termination: Termination) -> Decimal:
        """What the termination owes: N, N+1 or 2N (UNKNOWN: N, the least)."""
        if termination is Termination.UNLAWFUL:
            return self.damages
        if termination is Termination.NO_NOTICE:
            return cents(self.compensation + self.notice_pay)
        return self.compensation


def pay_months(months_worked: int, rules: Rules) -> Decimal:
    """N before any cap: a month's wage per full year, the remainder by the six-month rule."""
    if months_worked < 0:
        raise ValueError("months worked cannot be negative")
    years, remainder = divmod(months_worked, MONTHS_PER_YEAR)
    months = years * rules.severance_months_per_year
    if remainder >= rules.severance_round_up_months:
        months += rules.severance_months_per_year
    elif remainder > 0:
        months += rules.severance_short_months
    return months


def months_before_law(months_worked: int, today: date, rules: Rules) -> int:
    """How many of `months_worked` months back from `today` fell before 1 January of the law's first year.

    A calculator must not price them with today's formula (see `reaches_before_law`).
    """
    months_since = (today.year - int(rules.severance_law_since_year)) * MONTHS_PER_YEAR + today.month - 1
    return max(0, months_worked - max(0, months_since))


def reaches_before_law(months_worked: int, today: date, rules: Rules) -> bool:
    """True when `months_worked` months back from `today` start before 1 January of the law's first year.

    《劳动合同法》第九十七条: 经济补偿 for the years before the law took effect (第九十八条) follows the rules of
    that time, so N (and N+1) computed over the whole service may be wrong for them; 赔偿金 counts every year
    (《劳动合同法实施条例》第二十五条).
    """
    return months_before_law(months_worked, today, rules) > 0


def severance(months_worked: int, monthly_wage: Decimal, rules: Rules, local: LocalFigures) -> Severance:
    """Compute N, N+1 and 2N for `months_worked` months at an average `monthly_wage` (yuan).

    Raises:
        ValueError: a negative number of months or wage.
    """
    if monthly_wage < 0:
        raise ValueError("the wage cannot be negative")
    months = pay_months(months_worked, rules)
    wage = monthly_wage
    raised = local.minimum_monthly_wage.known and wage < local.minimum_monthly_wage.value
    if raised:
        wage = local.minimum_monthly_wage.value
    capped = False
    average = local.average_monthly_wage
    if average.known:
        cap_wage = average.value * share(rules.severance_cap_wage_percent)
        if wage > cap_wage:
            capped = True
            wage = cap_wage
            months = min(months, rules.severance_cap_years * rules.severance_months_per_year)
    compensation = cents(months * wage)
    return Severance(
        months_worked=months_worked,
        pay_months=months,
        wage_counted=cents(wage),
        raised_to_minimum=raised,
        capped=capped,
        cap_unchecked=not average.known,
        compensation=compensation,
        notice_pay=cents(monthly_wage * rules.notice_pay_months),
        damages=cents(months * wage * share(rules.unlawful_termination_percent)),
    )
