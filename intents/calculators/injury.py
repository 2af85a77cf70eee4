"""工伤一次性伤残补助金: months of 本人工资 by disability level (《工伤保险条例》第三十五条至第三十七条),
本人工资 kept between 60 % and 300 % of the local average wage (第六十四条)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from intents.calculators.money import cents, share
from intents.calculators.rules import LocalFigures, Rules


@dataclass(frozen=True, slots=True)
class InjuryGrant:
    """The one-off disability grant and the numbers of its formula."""

    level: int
    months: Decimal
    wage_counted: Decimal
    wage_adjusted: str  # "" | "floor" | "cap": how 第六十四条 changed the wage
    amount: Decimal


def injury_grant(level: int, monthly_wage: Decimal, rules: Rules, local: LocalFigures) -> InjuryGrant:
    """The grant for disability `level` (1 = most severe … 10) at a twelve-month average `monthly_wage`.

    Raises:
        ValueError: a level outside 1–10 or a negative wage.
    """
    if monthly_wage < 0:
        raise ValueError("the wage cannot be negative")
    months = rules.injury_grant_months(level)
    wage, adjusted = monthly_wage, ""
    average = local.average_monthly_wage
    if average.known:
        floor = average.value * share(rules.injury_wage_floor_percent)
        cap = average.value * share(rules.injury_wage_cap_percent)
        if wage < floor:
            wage, adjusted = floor, "floor"
        elif wage > cap:
            wage, adjusted = cap, "cap"
    return InjuryGrant(level, months, cents(wage), adjusted, cents(months * wage))
