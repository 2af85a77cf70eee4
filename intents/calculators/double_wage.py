"""未签书面劳动合同的二倍工资: 《劳动合同法》第八十二条, 《劳动合同法实施条例》第六条、第七条.

Owed from the day after the first month of work to the day before a written contract is signed, at most up
to the day before the first anniversary: eleven months. The worker has had one wage for those months; the
claim is the other one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from intents.calculators.money import cents, share
from intents.calculators.rules import Rules
from intents.calculators.severance import MONTHS_PER_YEAR


@dataclass(frozen=True, slots=True)
class DoubleWage:
    """The extra wage owed and the months it covers."""

    months_without_contract: int
    months_owed: int
    max_months: int
    extra_share: Decimal  # the part of the double wage not yet paid (200 % − 100 % = 1)
    amount: Decimal
    open_ended: bool  # a full year without a contract: treated as an open-ended contract (第七条)


def double_wage(months_without_contract: int, monthly_wage: Decimal, rules: Rules) -> DoubleWage:
    """The unpaid second wage for `months_without_contract` whole months worked without a written contract.

    Raises:
        ValueError: negative months or wage.
    """
    if months_without_contract < 0 or monthly_wage < 0:
        raise ValueError("months and wage cannot be negative")
    grace = int(rules.double_wage_grace_months)
    max_months = int(rules.double_wage_until_years) * MONTHS_PER_YEAR - grace
    owed = max(0, min(months_without_contract - grace, max_months))
    extra = share(rules.double_wage_percent) - 1
    return DoubleWage(
        months_without_contract=months_without_contract,
        months_owed=owed,
        max_months=max_months,
        extra_share=extra,
        amount=cents(monthly_wage * owed * extra),
        open_ended=months_without_contract >= int(rules.double_wage_until_years) * MONTHS_PER_YEAR,
    )
