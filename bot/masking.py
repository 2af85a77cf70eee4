"""Masking personal data (mobile phones, ID-card numbers, bank cards) and secrets in logs, and personal data in
history shown to staff.

`bot.logs` formats every log line with `MaskingFormatter`, which masks the whole formatted record — message,
exception text and traceback alike — so a phone in an SQL parameter of a traceback or a bot token in a URL never
reaches the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")  # Telegram's <bot id>:<secret>
_SECRET_PARAM = re.compile(
    r"(?i)\b(access_token|appsecret|secret|secret_token|token|password|msg_signature|signature|key)=([^&\s'\"]+)"
)
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):([^@\s]+)@")
HIDDEN = "***"


def mask_personal(text: str) -> str:
    """`text` with ID-card numbers, bank cards and mobile numbers partly hidden (138****5678)."""
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _BANK_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_secrets(text: str, known: Iterable[str] = ()) -> str:
    """`text` with credentials hidden: bot tokens, `token=`/`secret=`-style URL parameters, URL passwords,
    and any of the `known` secret values wherever they appear."""
    for secret in known:
        if secret:
            text = text.replace(secret, HIDDEN)
    text = _BOT_TOKEN.sub(HIDDEN, text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={HIDDEN}", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{HIDDEN}@", text)


class MaskingFormatter(logging.Formatter):
    """Formats a record as usual, then masks secrets and personal data in all of it, traceback included."""

    def __init__(self, fmt: str | None = None, *, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        # Longest first, so a secret containing another is hidden whole; very short values would mask noise.
        self.secrets = sorted({value for value in secrets if len(value) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The record's full text (message, exception, stack), masked."""
        return mask_personal(mask_secrets(super().format(record), self.secrets))
