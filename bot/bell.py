"""When the sender next looks for due rows: at once when rung, otherwise after an idle wait that backs off.

An idle service must not hammer its database: after an empty round the sender waits `first` seconds, then
twice that, up to `longest`, so a quiet night costs one query every `longest` seconds. Whatever queues a
row rings: a turn in this process, a late WeChat answer, and on PostgreSQL the NOTIFY of any process
(storage/notify.py); rows that only become due with time (a retry's back-off, a delayed reminder) are found
by the next idle look.
"""

from __future__ import annotations

import asyncio


class Bell:
    """The sender's wait between rounds: rung by whoever queued a row, or timed with back-off."""

    def __init__(self, first: float, longest: float) -> None:
        self.first = first
        self.longest = max(longest, first)
        self._wait = first
        self._rung = asyncio.Event()

    def ring(self) -> None:
        """Look for due rows now (call from the event loop's thread)."""
        self._rung.set()

    async def wait(self, stop: asyncio.Event, *, busy: bool) -> None:
        """Return when the next round should run: at once after a busy round; otherwise when rung, when
        `stop` is set, or after the idle wait, which doubles for each idle round in a row."""
        if busy:
            self._wait = self.first
            return
        waiters = [asyncio.ensure_future(self._rung.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if self._rung.is_set():
            self._rung.clear()
            self._wait = self.first
        else:
            self._wait = min(self._wait * 2, self.longest)
