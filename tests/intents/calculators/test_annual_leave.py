from decimal import Decimal

import pytest

from intents.calculators import Rules, leave_days, untaken_leave_pay


@pytest.mark.parametrize(
    ("years", "days"),
    [("0", 0), ("0.9", 0), ("1", 5), ("8", 5), ("9.99", 5), ("10", 10), ("19.9", 10), ("20", 15), ("35", 15)],
)
def test_days_by_cumulative_years(rules: Rules, years: str, days: int) -> None:
    assert leave_days(Decimal(years), rules) == days


def test_pay_for_five_untaken_days(rules: Rules) -> None:
    result = untaken_leave_pay(Decimal(5), Decimal(10000), rules)
    assert result.daily == Decimal("459.77")
    assert result.total == Decimal("6896.55")  # 300 %, the normal wage included
    assert result.still_owed == Decimal("4597.70")  # the 200 % beyond the normal wage already paid
