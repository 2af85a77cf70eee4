"""Numbers in what workers type: amounts (两万三 → 23000, 1.5万 → 15000) and head counts (二十多个人 → 20)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from intents.normalize import normalize

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万|千|k|w)?(块钱|块|元|人民币)?")
_LONGEST_BARE_AMOUNT = 6  # seven or more bare digits are a phone or ID number, not money
_COUNT = re.compile(r"(\d+)\s*(?:多|几|来)?\s*(?:个)?\s*(?:人|名|位|工友|兄弟|职工|工人)")
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_CN_AMOUNT = re.compile(rf"[{_CN_DIGITS}]+(?:\d+)?")


@lru_cache(maxsize=1)
def _cn2an() -> Any:
    import cn2an

    return cn2an


def _to_arabic(text: str) -> str:
    """Chinese numerals in `text` rewritten as Arabic digits (cn2an, smart mode: 两万三 → 23000)."""
    if not any(char in _CN_DIGITS for char in text):
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
        if unit in ("万", "w"):
            value *= 10000
        elif unit in ("千", "k"):
            value *= 1000
        amounts.append(round(value))
    positive = [amount for amount in amounts if amount > 0]
    return max(positive) if positive else None


def parse_count(text: str) -> int | None:
    """A head count stated in `text` (二十多个人 → 20, 12名工友 → 12), or None."""
    folded = _to_arabic(normalize(text).replace(" ", ""))
    match = _COUNT.search(folded)
    return int(match.group(1)) if match else None
