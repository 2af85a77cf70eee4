"""Logging set-up for the process: one stderr handler, every record's personal data masked (bot.masking)."""

from __future__ import annotations

import logging

from bot.masking import MaskingFilter


def setup_logging(level: int = logging.INFO) -> None:
    """Log to stderr with personal data masked; replaces any handler set up before."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
