from __future__ import annotations

import pytest

from intents.forms.numbers import parse_amount, parse_count


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("两万三", 23000),
        ("一万二", 12000),
        ("老板欠我8000元", 8000),
        ("欠了1.5万", 15000),
        ("自费花了四万医药费", 40000),
        ("３０００块", 3000),
        ("三千五百块钱", 3500),
    ],
)
def test_amounts_in_chinese_and_arabic(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


def test_no_amount_is_none() -> None:
    assert parse_amount("老板不给钱") is None


@pytest.mark.parametrize(("text", "count"), [("我们二十多个人", 20), ("12名工友", 12), ("就我一个人", 1)])
def test_head_counts(text: str, count: int) -> None:
    assert parse_count(text) == count
