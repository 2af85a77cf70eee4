"""Chinese numerals: article numbers (第八十二条 ↔ 82) and quantities stated in law texts and answers."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMBER = "零〇一二两三四五六七八九十百千万"

# How workers write quantities in free text, for intents/forms/numbers.py and the matcher. The grammar of
# Chinese numbers lives here with the numerals, so code elsewhere holds no Chinese.
# A word made only of these is a number, not a topic (月: "三个月" is a length).
NUMBER_CHARS = frozenset("0123456789.%" + CHINESE_NUMBER + "多几个半余来块元月")
AMOUNT_PATTERN = r"(\d+(?:\.\d+)?)(万|千|k|w)?(块钱|块|元|人民币)?"  # 1.5万, 8000元, 3k
TEN_THOUSAND = frozenset({"万", "w"})
THOUSAND = frozenset({"千", "k"})
COUNT_PATTERN = r"(\d+)\s*(?:多|几|来)?\s*(?:个)?\s*(?:人|名|位|工友|兄弟|职工|工人)"  # 20多个人, 十几个工人, 12名工友
PERIOD_PATTERN = (  # 3月到5月, 三个多月, 半年
    r"(\d{1,4}年)?\d{1,2}月(?:份)?(?:到|至|-|~)\d{1,2}月(?:份)?|[一二两三四五六七八九十半\d]+个?多?(?:个月|月|年)(?:的工资)?|"
    r"半年|一年多|一整年|全年"
)


def parse_chinese(text: str) -> int | None:
    """Parse a Chinese or Arabic whole number below 100,000,000 (八十二 → 82, 一百零三 → 103, 2万 → 20000).

    Returns None when `text` is not a number. Small and exact on purpose: article numbers and law
    quantities are whole numbers; amounts in free text go through cn2an in the intents layer.
    """
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = parse_chinese(high) if high else 1
        low_value = parse_chinese(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    total = 0
    current: int | None = None
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (1 if current is None else current) * _UNITS[char]
            current = None
        else:
            return None
    return total + (current or 0)


def to_chinese(number: int) -> str:
    """Write a whole number 0–9999 the way Chinese law numbers articles (44 → 四十四, 103 → 一百零三)."""
    if number == 0:
        return "零"
    names = "零一二三四五六七八九"
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit_value % 10
        if digit == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(names[digit] + unit_name)
    text = "".join(parts)
    if text.startswith("一十"):
        text = text[1:]
    return text


_UNIT_CLASSES = {
    "天": "day",
    "日": "day",
    "工作日": "day",
    "个工作日": "day",
    "个月": "month",
    "月": "month",
    "年": "year",
    "周岁": "age",
    "岁": "age",
    "小时": "hour",
    "倍": "times",
    "%": "percent",
}
_NUMBER = rf"(\d+(?:\.\d+)?|[{CHINESE_NUMBER}]+)"
_QUANTITY = re.compile(rf"百分之{_NUMBER}|{_NUMBER}\s*(个工作日|工作日|个月|周岁|小时|天|日|月|年|岁|倍|%)")
_ARTICLE_NUMBER = re.compile(rf"第[{CHINESE_NUMBER}\d]+[条款项章节]")


def _value(token: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    parsed = parse_chinese(token)
    return None if parsed is None else float(parsed)


def quantities(text: str) -> set[tuple[float, str]]:
    """The quantities a text states, as (value, unit class): 1.5倍 and 百分之一百五十 both give (150, percent).

    Article numbers (第四十四条) are not quantities. Used by `kb check` to prove an answer's numbers
    come from the articles it cites.
    """
    text = _ARTICLE_NUMBER.sub(" ", text)
    found: set[tuple[float, str]] = set()
    for match in _QUANTITY.finditer(text):
        if match.group(1) is not None:
            value = _value(match.group(1))
            if value is not None:
                found.add((value, "percent"))
            continue
        value = _value(match.group(2))
        if value is None:
            continue
        unit = _UNIT_CLASSES[match.group(3)]
        if unit == "times":
            found.add((value * 100, "percent"))
        else:
            found.add((value, unit))
    return found
