"""Money arithmetic shared by the calculators: exact decimals, rounded to the fen only at the end."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded half up to the fen (0.01 yuan), as a payslip shows it."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def share(percent: Decimal) -> Decimal:
    """A percentage as a factor (150 → 1.5)."""
    return percent / HUNDRED


def daily_wage(monthly_wage: Decimal, pay_days_per_month: Decimal) -> Decimal:
    """日工资 = 月工资收入 ÷ 月计薪天数 (unrounded; the notice's 21.75-day month)."""
    return monthly_wage / pay_days_per_month
