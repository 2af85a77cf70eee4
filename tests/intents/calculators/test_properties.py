"""Properties the arithmetic must keep for any input: never negative, monotonic, the caps hold."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from intents.calculators import (
    LocalFigure,
    LocalFigures,
    OvertimeKind,
    Rules,
    Termination,
    double_wage,
    leave_days,
    overtime,
    severance,
)
from knowledge import load_knowledge

RULES = Rules.from_constants(load_knowledge().constants)
LOCAL = LocalFigures(
    region="测试市",
    average_monthly_wage=LocalFigure(Decimal(10000), 2024, "测试"),
    minimum_monthly_wage=LocalFigure(Decimal(2000), 2024, "测试"),
)
months = st.integers(min_value=0, max_value=600)
wages = st.integers(min_value=0, max_value=200_000).map(Decimal)
locals_ = st.sampled_from([LocalFigures(), LOCAL])


@given(months, months, wages, locals_)
def test_severance_grows_with_years(a: int, b: int, wage: Decimal, local: LocalFigures) -> None:
    low, high = sorted((a, b))
    for termination in Termination:
        assert severance(low, wage, RULES, local).amount(termination) <= severance(high, wage, RULES, local).amount(
            termination
        )


@given(months, wages, wages)
def test_severance_grows_with_wage_on_either_side_of_the_cap(service: int, a: Decimal, b: Decimal) -> None:
    # Across the cap a long-serving high earner can get less (twelve years at most): the law's own cliff.
    low, high = sorted((a, b))
    cap = Decimal(30000)
    if service > 144 and low <= cap < high:
        return
    for local in (LocalFigures(), LOCAL):
        assert severance(service, low, RULES, local).compensation <= severance(service, high, RULES, local).compensation


@given(months, wages, locals_)
def test_severance_never_negative_and_cap_holds(service: int, wage: Decimal, local: LocalFigures) -> None:
    result = severance(service, wage, RULES, local)
    assert result.compensation >= 0
    assert result.damages == 2 * result.compensation or abs(result.damages - 2 * result.compensation) <= Decimal("0.01")
    if local.average_monthly_wage.known and wage > 3 * local.average_monthly_wage.value:
        assert result.wage_counted == 3 * local.average_monthly_wage.value
        assert result.compensation <= 12 * 3 * local.average_monthly_wage.value


@given(st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600), wages)
def test_double_wage_monotonic_and_at_most_eleven_months(a: int, b: int, wage: Decimal) -> None:
    low, high = sorted((a, b))
    assert 0 <= double_wage(low, wage, RULES).amount <= double_wage(high, wage, RULES).amount
    assert double_wage(high, wage, RULES).months_owed <= 11


@given(st.decimals(min_value=0, max_value=60, places=2), st.decimals(min_value=0, max_value=60, places=2))
def test_leave_days_monotonic_in_years(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert 0 <= leave_days(low, RULES) <= leave_days(high, RULES) <= 15


@given(st.sampled_from(list(OvertimeKind)), st.integers(min_value=0, max_value=400).map(Decimal), wages, wages)
def test_overtime_monotonic_in_wage(kind: OvertimeKind, quantity: Decimal, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert 0 <= overtime(kind, quantity, "hour", low, RULES).amount <= overtime(kind, quantity, "hour", high, RULES).amount
