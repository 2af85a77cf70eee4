from decimal import Decimal

import pytest

from intents.calculators import Rules, double_wage


@pytest.mark.parametrize(
    ("months", "owed"),
    [(0, 0), (1, 0), (2, 1), (8, 7), (12, 11), (13, 11), (40, 11)],
)
def test_from_the_second_month_at_most_eleven(rules: Rules, months: int, owed: int) -> None:
    assert double_wage(months, Decimal(6000), rules).months_owed == owed


def test_eight_months_at_six_thousand(rules: Rules) -> None:
    result = double_wage(8, Decimal(6000), rules)
    assert result.amount == Decimal(42000)
    assert result.max_months == 11
    assert not result.open_ended


def test_a_year_without_contract_is_open_ended(rules: Rules) -> None:
    assert double_wage(12, Decimal(5000), rules).open_ended
    assert double_wage(12, Decimal(5000), rules).amount == Decimal(55000)
