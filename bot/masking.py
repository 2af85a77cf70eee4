"""Masking personal data (mobile phones, ID-card numbers, bank cards, names) in logs and in lists shown to staff.

`bot.logs` puts the MaskingFilter on the process's log handler."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# A name the writer introduces: 我叫张三, 本人王小明, 姓名：李四 (the surname stays, the rest is hidden).
_NAME_INTRO = re.compile(r"(我叫|本人叫|本人|姓名[:：]?|名字叫|名字是)([\u4e00-\u9fff])([\u4e00-\u9fff]{1,2})")


def _hide(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


def mask_personal(text: str) -> str:
    """`text` with ID-card numbers, bank cards and mobile numbers partly hidden (138****5678)."""
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _BANK_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _NAME_INTRO.sub(lambda m: f"{m.group(1)}{m.group(2)}{'*' * len(m.group(3))}", text)


def mask_names(text: str, names: Iterable[str]) -> str:
    """`text` with each of these known names (two characters or more) shown as its surname and stars (张*)."""
    for name in sorted({name for name in names if len(name) >= 2}, key=len, reverse=True):
        text = text.replace(name, _hide(name))
    return text


class MaskingFilter(logging.Filter):
    """Masks personal data in every log record's final message, whatever the logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with personal data masked; never drops a record."""
        record.msg = mask_personal(record.getMessage())
        record.args = None
        return True
