"""Logging set-up for the process: one stderr handler, every record's secrets and personal data masked, the
chatty HTTP clients quiet (httpx logs every request URL at INFO, a bot token included)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.masking import MaskingFormatter

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler.executors")


def setup_logging(
    level: int = logging.INFO, *, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Log to stderr (or `stream`) with `secrets` and personal data masked; replaces any handler set up before."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets=secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
