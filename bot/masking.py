"""Masking personal data (mobile phones, ID-card numbers, bank cards) in logs and in history shown to staff.

`bot.logs` puts the MaskingFilter on the process's log handler."""

from __future__ import annotations

import logging
import re

_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_personal(text: str) -> str:
    """`text` with ID-card numbers, bank cards and mobile numbers partly hidden (138****5678)."""
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _BANK_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskingFilter(logging.Filter):
    """Masks personal data in every log record's final message, whatever the logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with personal data masked; never drops a record."""
        record.msg = mask_personal(record.getMessage())
        record.args = None
        return True
