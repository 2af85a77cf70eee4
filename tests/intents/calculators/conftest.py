"""Fixtures for the calculators: the law's rules from the shipped constants, local figures with and without data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intents.calculators import LocalFigure, LocalFigures, Rules
from knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def rules(kb: KnowledgeBase) -> Rules:
    return Rules.from_constants(kb.constants)


@pytest.fixture
def no_local() -> LocalFigures:
    return LocalFigures()


@pytest.fixture
def beijing_like() -> LocalFigures:
    """Round test figures (not real ones): average 10,000 a month, minimum 2,000, 60 extra maternity days."""
    return LocalFigures(
        region="测试市",
        average_monthly_wage=LocalFigure(Decimal(10000), 2024, "测试公告"),
        minimum_monthly_wage=LocalFigure(Decimal(2000), 2024, "测试公告"),
        maternity_extra_days=LocalFigure(Decimal(60), 2024, "测试条例"),
    )
