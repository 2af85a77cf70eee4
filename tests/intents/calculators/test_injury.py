from decimal import Decimal

import pytest

from intents.calculators import LocalFigures, Rules, injury_grant


@pytest.mark.parametrize(
    ("level", "months"), [(1, 27), (2, 25), (3, 23), (4, 21), (5, 18), (6, 16), (7, 13), (8, 11), (9, 9), (10, 7)]
)
def test_months_by_level(rules: Rules, no_local: LocalFigures, level: int, months: int) -> None:
    result = injury_grant(level, Decimal(5000), rules, no_local)
    assert result.months == months
    assert result.amount == Decimal(5000 * months)


def test_wage_bounded_by_local_average(rules: Rules, beijing_like: LocalFigures) -> None:
    low = injury_grant(9, Decimal(3000), rules, beijing_like)
    assert (low.wage_adjusted, low.wage_counted, low.amount) == ("floor", Decimal(6000), Decimal(54000))
    high = injury_grant(9, Decimal(40000), rules, beijing_like)
    assert (high.wage_adjusted, high.wage_counted) == ("cap", Decimal(30000))


def test_level_out_of_range(rules: Rules, no_local: LocalFigures) -> None:
    with pytest.raises(ValueError, match="level"):
        injury_grant(11, Decimal(5000), rules, no_local)
