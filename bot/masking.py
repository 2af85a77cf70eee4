"""Masking personal data (mobile phones, ID-card numbers, bank cards, names) and secrets in logs, and personal
data in history and lists shown to staff.

`bot.logs` formats every log line with `MaskingFormatter`, which masks the whole formatted record — message,
exception text and traceback alike — so a phone in an SQL parameter of a traceback or a bot token in a URL never
reaches the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from knowledge.personal import NAME_INTRO_PATTERN

_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# A name the writer introduces: 我叫张三, 本人王小明, 姓名：李四 (the surname stays, the rest is hidden).
_NAME_INTRO = re.compile(NAME_INTRO_PATTERN)

_BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")  # Telegram's <bot id>:<secret>
_SECRET_PARAM = re.compile(
    r"(?i)\b(access_token|appsecret|secret|secret_token|token|password|msg_signature|signature|key)=([^&\s'\"]+)"
)
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):([^@\s]+)@")
HIDDEN = "***"


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
