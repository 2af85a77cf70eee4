"""Numbers in what workers type: amounts (两万三 → 23000, 1.5万 → 15000) and head counts (二十多个人 → 20)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from intents.normalize import normalize
from knowledge.numerals import AMOUNT_PATTERN, CHINESE_NUMBER, COUNT_PATTERN, TEN_THOUSAND, THOUSAND

_AMOUNT = re.compile(AMOUNT_PATTERN)
_LONGEST_BARE_AMOUNT = 6  # seven or more bare digits are a phone or ID number, not money
_COUNT = re.compile(COUNT_PATTERN)


@lru_cache(maxsize=1)
def _cn2an() -> Any:
    import cn2an

    return cn2an


def _to_arabic(text: str) -> str:
    """Chinese numerals in `text` rewritten as Arabic digits (cn2an, smart mode: 两万三 → 23000)."""
    if not any(char in CHINESE_NUMBER for char in text):
        return text
    try:
        return str(_cn2an().transform(text, "cn2an"))
    except (ValueError, KeyError):
        return text


def parse_amount(text: str) -> int | None:
    """The largest money amount in `text` in yuan (两万三 → 23000, 1.5万 → 15000, 8000元 → 8000), or None."""
    folded = _to_arabic(normalize(text).replace(" ", ""))
    amounts = []
    for match in _AMOUNT.finditer(folded):
        unit = match.group(2)
        if unit is None and match.group(3) is None and len(match.group(1)) > _LONGEST_BARE_AMOUNT:
            continue
        value = float(match.group(1))
        if unit in TEN_THOUSAND:
            value *= 10000
        elif unit in THOUSAND:
            value *= 1000
        amounts.append(round(value))
    positive = [amount for amount in amounts if amount > 0]
    return max(positive) if positive else None


def parse_count(text: str) -> int | None:
    """A head count stated in `text` (二十多个人 → 20, 12名工友 → 12), or None."""
    folded = _to_arabic(normalize(text).replace(" ", ""))
    match = _COUNT.search(folded)
    return int(match.group(1)) if match else None
