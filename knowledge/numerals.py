"""Chinese numerals: article numbers (第八十二条 ↔ 82) and quantities stated in law texts and answers."""

from __future__ import annotations

import re
import unicodedata

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
    come from the articles it cites. Full-width digits and signs (２０％, in some law texts) count as ASCII.
    """
    text = _ARTICLE_NUMBER.sub(" ", unicodedata.normalize("NFKC", text))
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


# --- How workers state a calculator's facts (intents/calculators/reading.py) ---
# Lengths of service, dates, wages, days and hours, disability levels and births, as workers type them.
# Patterns run on normalised text with spaces removed. Named groups are what reading.py reads.
HALF = "半"
NUMBER_TOKEN = rf"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+|{HALF}"
DURATION_PATTERN = (  # 五年零三个月, 三年半, 五年多, 八个月, 一年又两个多月
    rf"(?:(?P<years>{NUMBER_TOKEN})(?:个)?(?:整)?(?:周)?年(?P<half>半)?(?P<more>多)?"
    rf"(?:(?:零|又)?(?P<ymonths>{NUMBER_TOKEN})个?(?:多)?月(?P<ymore>多)?)?)"
    rf"|(?:(?P<months>{NUMBER_TOKEN})个(?P<mmore>多)?月(?:多)?)"
)
# A calendar month: 2019年3月, 19年3月, 3月份 (the year may be left out: the same year as the date before it).
RELATIVE_YEARS = {"今年": 0, "去年": 1, "前年": 2}  # years back from today
MONTH_DATE_PATTERN = (
    r"(?:(?P<year>(?:19|20)?\d{2})年|(?P<relative>今年|去年|前年))?(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
)
YEAR_ONLY_PATTERN = r"(?P<year>(?:19|20)\d{2})年(?=入职|进厂|进的|进公司|来|开始|参加工作|上班|就在|就进)"
# A date followed by these is when the contract was signed; by these, when the work began.
SIGNED_AFTER_DATE = r"^(?:份)?(?:的时候|时|才|又|就|那会儿|底|初|中旬)?(?:补签|签|订立|订)"
STARTED_AFTER_DATE = r"^(?:份)?(?:的时候|时|就)?(?:入职|进厂|进的|进公司|来的|来|开始|上班|参加工作|到岗)"
# "干了八个月才补签": a length of service followed by a late signing.
SIGNED_AFTER_LENGTH = r"^(?:的时候|时|后|以后|之后)?(?:才|又|就|公司才|老板才|单位才)?(?:补签|签)"
WAGE_BEFORE_PATTERN = (  # 月薪八千, 工资是6000, 每个月到手两万三
    r"(?:月薪|月工资|工资|薪水|薪资|每个?月|一个月|一月|月入|底薪|收入|到手|税前|税后)"
    r"(?:是|有|才|就|大概|差不多|约|大约|税前|税后|能拿|拿|都是|[：:])*"
    r"(?P<amount>(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)(?:万|千|k|K|w|W)?"
    r"(?:(?<=[万千kKwW])[零〇一二两三四五六七八九\d])?)"
)
WAGE_AFTER_PATTERN = (  # 两万三一个月, 8000元每月
    r"(?P<amount>(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)(?:万|千|k|K|w|W)?(?:块钱|块|元)?)"
    r"(?:一个月|每月|/月|一月|每个月)"
)
WORK_QUANTITY_PATTERN = rf"(?P<value>{NUMBER_TOKEN})(?:个)?(?P<unit>天|日|小时|钟头|钟)"
DAY_UNITS = frozenset({"天", "日"})
RATE_MARK = "每"  # "每天3小时" is a rate, not how much in all
DISABILITY_LEVEL_PATTERN = r"(?P<level>十|[一二三四五六七八九]|10|[1-9])级|伤残(?P<after>十|[一二三四五六七八九]|10|[1-9])级?"
# Births: named multiple births, and the words that say one baby. "二胎" is a second child, not twins.
MULTIPLE_BIRTHS = {"双胞胎": 2, "龙凤胎": 2, "双胎": 2, "双生": 2, "三胞胎": 3, "四胞胎": 4}
SINGLE_BIRTH_PATTERN = (
    r"单胎|一胎(?!生了?[两二三四2-4])|(?<![第二三四五六七八九十\d])一个(?:孩子|宝宝|宝贝|小孩|孩|娃|男孩|女孩|儿子|女儿|闺女|小子|婴儿|男宝|女宝)"
    r"|(?:孩子|宝宝|小孩|娃)(?:是|就|只有|只)一个"
)
BIRTH_ORDER = "胎"  # 二胎: the second child
BABY_COUNT_PATTERN = rf"(?:生了?|生下|一胎|一次|怀了)(?P<n>{NUMBER_TOKEN})个"
