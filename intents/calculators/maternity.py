"""产假: 98 days, 15 more for a difficult birth, 15 more per extra baby (《女职工劳动保护特别规定》第七条),
plus the days local rules add (config.toml [region])."""

from __future__ import annotations

from dataclasses import dataclass

from intents.calculators.rules import LocalFigures, Rules


@dataclass(frozen=True, slots=True)
class MaternityLeave:
    """Days of maternity leave, split as the reply explains them."""

    national: int  # 98 + difficult birth + extra babies
    difficult_days: int
    extra_baby_days: int
    local_days: int  # 0 when the station has not filled in the local extra days
    total: int


def maternity_leave(*, difficult: bool, babies: int, rules: Rules, local: LocalFigures) -> MaternityLeave:
    """Maternity leave for one birth of `babies` babies (1 or more).

    Raises:
        ValueError: fewer than one baby.
    """
    if babies < 1:
        raise ValueError("a birth has at least one baby")
    difficult_days = int(rules.maternity_difficult_birth_days) if difficult else 0
    extra_days = int(rules.maternity_extra_baby_days) * (babies - 1)
    national = int(rules.maternity_days) + difficult_days + extra_days
    extra_local = int(local.maternity_extra_days.value) if local.maternity_extra_days.known else 0
    return MaternityLeave(national, difficult_days, extra_days, extra_local, national + extra_local)
