"""The numbers the calculators use: the law's constants (from knowledge/calculators.toml) and local figures.

The arithmetic never holds a legal number of its own: `Rules` is built from the constants `kb check` has
proved against their articles, and `LocalFigures` from config.toml [region] with each figure's year and source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from knowledge import Constant

INJURY_LEVELS = range(1, 11)


@dataclass(frozen=True, slots=True)
class Rules:
    """The law's constants by name; field names are the keys in knowledge/calculators.toml."""

    severance_months_per_year: Decimal
    severance_round_up_months: Decimal
    severance_short_months: Decimal
    severance_cap_wage_percent: Decimal
    severance_cap_years: Decimal
    severance_wage_months: Decimal
    unlawful_termination_percent: Decimal
    notice_days: Decimal
    notice_pay_months: Decimal
    severance_law_since_year: Decimal
    double_wage_percent: Decimal
    double_wage_grace_months: Decimal
    double_wage_until_years: Decimal
    overtime_weekday_percent: Decimal
    overtime_rest_day_percent: Decimal
    overtime_holiday_percent: Decimal
    pay_days_per_month: Decimal
    hours_per_day: Decimal
    leave_min_years: Decimal
    leave_short_days: Decimal
    leave_middle_years: Decimal
    leave_middle_days: Decimal
    leave_long_years: Decimal
    leave_long_days: Decimal
    untaken_leave_percent: Decimal
    leave_normal_pay_percent: Decimal
    injury_grant_months_1: Decimal
    injury_grant_months_2: Decimal
    injury_grant_months_3: Decimal
    injury_grant_months_4: Decimal
    injury_grant_months_5: Decimal
    injury_grant_months_6: Decimal
    injury_grant_months_7: Decimal
    injury_grant_months_8: Decimal
    injury_grant_months_9: Decimal
    injury_grant_months_10: Decimal
    injury_wage_floor_percent: Decimal
    injury_wage_cap_percent: Decimal
    injury_employer_deadline_days: Decimal
    injury_worker_deadline_years: Decimal
    maternity_days: Decimal
    maternity_difficult_birth_days: Decimal
    maternity_extra_baby_days: Decimal

    @classmethod
    def from_constants(cls, constants: Mapping[str, Constant]) -> Rules:
        """Build from the knowledge base's constants.

        Raises:
            KeyError: a constant the calculators need is not declared (`kb check` reports it first).
        """
        return cls(**{name: Decimal(str(constants[name].value)) for name in RULE_KEYS})

    def injury_grant_months(self, level: int) -> Decimal:
        """Months of 本人工资 paid as the one-off disability grant for this level (1 to 10)."""
        if level not in INJURY_LEVELS:
            raise ValueError(f"disability level {level} is not 1 to 10")
        value: Decimal = getattr(self, f"injury_grant_months_{level}")
        return value


RULE_KEYS: tuple[str, ...] = tuple(item.name for item in fields(Rules))


@dataclass(frozen=True, slots=True)
class LocalFigure:
    """A local figure with the year it applies to and where it was published; value 0 means not filled in."""

    value: Decimal = Decimal(0)
    year: int = 0
    source: str = ""

    @property
    def known(self) -> bool:
        """True when the station has filled in this figure."""
        return self.value > 0


@dataclass(frozen=True, slots=True)
class LocalFigures:
    """The region's figures the calculators need, from config.toml [region]."""

    region: str = ""
    average_monthly_wage: LocalFigure = field(default_factory=LocalFigure)  # 上年度职工月平均工资
    minimum_monthly_wage: LocalFigure = field(default_factory=LocalFigure)  # 月最低工资标准
    maternity_extra_days: LocalFigure = field(default_factory=LocalFigure)  # 地方延长的生育假
