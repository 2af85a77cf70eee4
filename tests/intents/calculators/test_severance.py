from datetime import date
from decimal import Decimal

import pytest

from intents.calculators import LocalFigures, Rules, Termination, pay_months, reaches_before_law, severance


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0, Decimal(0)),
        (3, Decimal("0.5")),  # under six months: half a month's wage
        (5, Decimal("0.5")),
        (6, Decimal(1)),  # exactly six months counts as a year
        (12, Decimal(1)),
        (63, Decimal("5.5")),  # 五年零三个月
        (66, Decimal(6)),  # 五年零六个月
        (71, Decimal(6)),
    ],
)
def test_six_month_rule(rules: Rules, months: int, expected: Decimal) -> None:
    assert pay_months(months, rules) == expected


def test_five_years_three_months_at_eight_thousand(rules: Rules, no_local: LocalFigures) -> None:
    result = severance(63, Decimal(8000), rules, no_local)
    assert result.compensation == Decimal(44000)  # 5.5 × 8000
    assert result.amount(Termination.LAWFUL) == Decimal(44000)
    assert result.amount(Termination.NO_NOTICE) == Decimal(52000)  # N + 1
    assert result.amount(Termination.UNLAWFUL) == Decimal(88000)  # 2N
    assert result.cap_unchecked


def test_high_earner_is_capped_at_three_times_and_twelve_years(rules: Rules, beijing_like: LocalFigures) -> None:
    result = severance(20 * 12, Decimal(50000), rules, beijing_like)
    assert result.capped
    assert result.wage_counted == Decimal(30000)
    assert result.pay_months == Decimal(12)
    assert result.compensation == Decimal(360000)
    assert result.damages == Decimal(720000)


def test_wage_exactly_three_times_is_not_capped(rules: Rules, beijing_like: LocalFigures) -> None:
    result = severance(20 * 12, Decimal(30000), rules, beijing_like)
    assert not result.capped
    assert result.pay_months == Decimal(20)


def test_twelve_year_cap_only_for_high_earners(rules: Rules, beijing_like: LocalFigures) -> None:
    assert severance(15 * 12, Decimal(8000), rules, beijing_like).pay_months == Decimal(15)


def test_below_minimum_wage_counts_as_minimum(rules: Rules, beijing_like: LocalFigures) -> None:
    result = severance(24, Decimal(1500), rules, beijing_like)
    assert result.raised_to_minimum
    assert result.compensation == Decimal(4000)


def test_notice_pay_is_the_wage_not_the_capped_wage(rules: Rules, beijing_like: LocalFigures) -> None:
    result = severance(12, Decimal(40000), rules, beijing_like)
    assert result.amount(Termination.NO_NOTICE) == Decimal(30000 + 40000)


def test_negative_input_is_refused(rules: Rules, no_local: LocalFigures) -> None:
    with pytest.raises(ValueError, match="negative"):
        severance(-1, Decimal(8000), rules, no_local)
    with pytest.raises(ValueError, match="negative"):
        severance(12, Decimal(-1), rules, no_local)


@pytest.mark.parametrize(
    ("months", "today", "expected"),
    [
        (226, date(2026, 11, 25), False),  # started in January 2008: the law already applied
        (227, date(2026, 11, 25), True),  # started in December 2007
        (5 * 12, date(2026, 11, 25), False),
        (1, date(2008, 1, 20), True),  # started in December 2007
        (0, date(2008, 1, 20), False),
        (2, date(2008, 2, 20), True),
    ],
)
def test_service_reaching_before_2008_is_flagged(rules: Rules, months: int, today: date, expected: bool) -> None:
    assert reaches_before_law(months, today, rules) is expected
