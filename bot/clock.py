"""Time as a seam: the system clock in production, a fixed clock in tests."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Tells the current time, timezone-aware."""

    def now(self) -> datetime:
        """The current time."""
        ...


class SystemClock:
    """The machine's clock in the station's time zone."""

    def __init__(self, tz: tzinfo) -> None:
        self._tz = tz

    def now(self) -> datetime:
        """The current time in the station's time zone."""
        return datetime.now(self._tz)
