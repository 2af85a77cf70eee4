"""Calculators for the worker's own numbers: compensation, double wages, overtime, leave, injury, maternity.

Pure arithmetic over Decimal, no storage and no text: the law's constants come in as `Rules` (built from
knowledge/calculators.toml, proved by `kb check`), local figures as `LocalFigures` (config.toml [region]).
Reading facts from Chinese text is in `intents.calculators.reading`; the dialogue side is in
`intents.forms.calculation` and `intents.calculate`.
"""

from intents.calculators.annual_leave import LeavePay, leave_days, untaken_leave_pay
from intents.calculators.double_wage import DoubleWage, double_wage
from intents.calculators.injury import InjuryGrant, injury_grant
from intents.calculators.maternity import MaternityLeave, maternity_leave
from intents.calculators.overtime import Overtime, OvertimeKind, overtime
from intents.calculators.rules import RULE_KEYS, LocalFigure, LocalFigures, Rules
from intents.calculators.severance import (
    Severance,
    Termination,
    months_before_law,
    pay_months,
    reaches_before_law,
    severance,
)

__all__ = [
    "RULE_KEYS",
    "DoubleWage",
    "InjuryGrant",
    "LeavePay",
    "LocalFigure",
    "LocalFigures",
    "MaternityLeave",
    "Overtime",
    "OvertimeKind",
    "Rules",
    "Severance",
    "Termination",
    "double_wage",
    "injury_grant",
    "leave_days",
    "maternity_leave",
    "months_before_law",
    "overtime",
    "pay_months",
    "reaches_before_law",
    "severance",
    "untaken_leave_pay",
]
