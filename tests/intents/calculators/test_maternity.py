from intents.calculators import LocalFigures, Rules, maternity_leave


def test_national_days(rules: Rules, no_local: LocalFigures) -> None:
    assert maternity_leave(difficult=False, babies=1, rules=rules, local=no_local).total == 98
    assert maternity_leave(difficult=True, babies=1, rules=rules, local=no_local).total == 113
    assert maternity_leave(difficult=False, babies=2, rules=rules, local=no_local).total == 113
    assert maternity_leave(difficult=True, babies=3, rules=rules, local=no_local).total == 143


def test_local_extra_days_from_config(rules: Rules, beijing_like: LocalFigures) -> None:
    result = maternity_leave(difficult=False, babies=1, rules=rules, local=beijing_like)
    assert (result.national, result.local_days, result.total) == (98, 60, 158)
