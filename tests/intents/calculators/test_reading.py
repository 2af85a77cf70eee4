from datetime import date
from decimal import Decimal

import pytest

from intents.calculators.reading import (
    ContractGap,
    Duration,
    babies,
    contract_gap,
    disability_level,
    duration,
    quantity,
    wage,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我干了五年零三个月", Duration(63)),
        ("5年3个月", Duration(63)),
        ("三年半", Duration(42)),
        ("八个月", Duration(8)),
        ("半年", Duration(6)),
        ("一年零六个月", Duration(18)),
        ("工作20年了", Duration(240)),
        ("五年多", Duration(60, vague=True)),
        ("2019年3月入职", Duration(86)),  # to May 2026
    ],
)
def test_durations(text: str, expected: Duration) -> None:
    assert duration(text, date(2026, 5, 1)) == expected


@pytest.mark.parametrize("text", ["2019年", "3月份", "你好"])
def test_no_duration(text: str) -> None:
    assert duration(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("月薪八千", 8000), ("两万三一个月", 23000), ("工资8000", 8000), ("月薪1.2万", 12000), ("我干了五年，月薪八千", 8000)],
)
def test_wages_in_sentences(text: str, expected: int) -> None:
    assert wage(text) == Decimal(expected)


def test_bare_wage_only_when_answering_the_wage_question() -> None:
    assert wage("八千") is None
    assert wage("八千", bare=True) == Decimal(8000)
    assert wage("两万三", bare=True) == Decimal(23000)
    assert wage("干了三年", bare=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4天", (Decimal(4), "day")), ("周末加了四天班", (Decimal(4), "day")), ("二十个小时", (Decimal(20), "hour")), ("半天", (Decimal("0.5"), "day"))],
)
def test_quantities(text: str, expected: tuple[Decimal, str]) -> None:
    assert quantity(text) == expected


def test_a_daily_rate_is_not_a_total() -> None:
    assert quantity("每天加班3小时") is None


def test_levels_and_babies() -> None:
    assert disability_level("九级伤残") == 9
    assert disability_level("伤残十级") == 10
    assert disability_level("评了7级") == 7
    assert babies("生了双胞胎") == 2
    assert babies("一个", bare=True) == 1
    assert babies("一个") is None  # "一个" alone in a first message may count anything


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我是顺产一个孩子", 1),
        ("顺产，单胎", 1),
        ("老婆生了一个男孩", 1),
        ("一胎生了两个", 2),
        ("龙凤胎", 2),
        ("三胞胎", 3),
        ("生二胎了", None),  # the second child, not twins
        ("第三胎", None),
    ],
)
def test_births_in_a_first_message(text: str, expected: int | None) -> None:
    assert babies(text) == expected


def test_an_answer_naming_the_birth_order_is_no_count() -> None:
    assert babies("二胎", bare=True) is None
    assert babies("2", bare=True) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年3月入职，2023年11月才签合同", ContractGap(8, signed=True)),
        ("3月入职，11月才签的合同", ContractGap(8, signed=True)),
        ("去年10月进厂，今年3月才签", ContractGap(5, signed=True)),
        ("干了八个月才补签合同", ContractGap(8, signed=True)),
        ("入职八个月了还没签合同", ContractGap(8, signed=False)),
        ("2025年9月入职，一直没签", ContractGap(8, signed=False)),  # to May 2026
    ],
)
def test_months_without_a_contract(text: str, expected: ContractGap) -> None:
    assert contract_gap(text, date(2026, 5, 1)) == expected


def test_a_start_year_alone_is_a_vague_length() -> None:
    assert duration("我2005年入职的", date(2026, 5, 1)) == Duration(256, vague=True)


def test_a_wage_stops_at_the_pause_before_the_next_number() -> None:
    assert wage("工资6000，二倍工资能要多少") == Decimal(6000)
    assert wage("月薪两万三，干了三年") == Decimal(23000)
