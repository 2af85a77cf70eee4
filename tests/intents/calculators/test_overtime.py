from decimal import Decimal

import pytest

from intents.calculators import OvertimeKind, Rules, overtime


def test_four_rest_days_at_eight_thousand(rules: Rules) -> None:
    result = overtime(OvertimeKind.REST_DAY, Decimal(4), "day", Decimal(8000), rules)
    assert result.unit_wage == Decimal("367.82")  # 8000 ÷ 21.75
    assert result.amount == Decimal("2942.53")  # exact, rounded once at the end


@pytest.mark.parametrize(
    ("kind", "percent"),
    [(OvertimeKind.WEEKDAY, 150), (OvertimeKind.REST_DAY, 200), (OvertimeKind.HOLIDAY, 300)],
)
def test_statutory_rates(rules: Rules, kind: OvertimeKind, percent: int) -> None:
    result = overtime(kind, Decimal(1), "day", Decimal("21.75") * 100, rules)  # a daily wage of exactly 100
    assert result.rate_percent == percent
    assert result.amount == Decimal(percent)


def test_hours_use_eight_hour_days(rules: Rules) -> None:
    result = overtime(OvertimeKind.WEEKDAY, Decimal(20), "hour", Decimal(8700), rules)
    assert result.unit_wage == Decimal(50)  # 8700 ÷ 21.75 ÷ 8
    assert result.amount == Decimal(1500)  # 20 × 50 × 150 %


def test_unknown_unit_is_refused(rules: Rules) -> None:
    with pytest.raises(ValueError, match="unit"):
        overtime(OvertimeKind.WEEKDAY, Decimal(1), "week", Decimal(8000), rules)
