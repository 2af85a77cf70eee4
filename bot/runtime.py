"""What every channel of one server shares: the services, the metrics, the pipeline's calls and the sender's bell.

Adapters reach the pipeline through here (or `bot.pipeline` directly, inside a worker thread) and never the
database: the pipeline owns every transaction.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from bot import pipeline
from bot.app import Services
from bot.metrics import Metrics
from bot.pipeline import Processed
from intents import Inbound

T = TypeVar("T")


def _nothing() -> None:
    return None


def _database_threads(services: Services) -> ThreadPoolExecutor:
    # SQLite has one writer: one thread runs the turns one after the other, where threads queued on SQLite's
    # busy handler would sleep and poll. PostgreSQL takes as many turns at once as the pool has connections.
    # A request waiting for its turn is a suspended coroutine and an item in the executor's queue, not a
    # thread: 1,000 waiting WeChat requests cost no thread each. A thread that finishes a turn takes the next
    # queued one itself, without a round trip through the event loop (what a limiter in front of a thread
    # pool costs: two thread wake-ups per turn, each a scheduling delay on a busy machine).
    sqlite = services.engine.dialect.name == "sqlite"
    workers = 1 if sqlite else services.settings.database.pool_size
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="database")


@dataclass(slots=True)
class Runtime:
    """The services, the metrics and a way to wake the sender, shared by the channels of one server."""

    services: Services
    metrics: Metrics
    wake_sender: Callable[[], None] = field(default=_nothing)
    _threads: ThreadPoolExecutor | None = None

    async def run_sync(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run a database-bound synchronous call in a worker thread, as many at once as the database takes."""
        if self._threads is None:
            self._threads = _database_threads(self.services)
        call = functools.partial(function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._threads, call)

    def close(self) -> None:
        """Let the database threads finish what they run and end (the server's shutdown)."""
        if self._threads is not None:
            self._threads.shutdown(wait=True)
            self._threads = None

    async def turn(self, inbound: Inbound, started: float | None = None) -> Processed:
        """Run the pipeline in a worker thread (it is synchronous) and count the message."""
        started = time.perf_counter() if started is None else started
        processed = await self.run_sync(pipeline.process, self.services, inbound)
        self.metrics.observe(inbound.channel, processed.reply, time.perf_counter() - started)
        if processed.queued:
            self.wake_sender()
        return processed

    async def claim_answer(
        self,
        *,
        channel: str,
        recipient: str,
        message_id: str,
        text: str,
        late: bool = False,
        confirm: bool = False,
    ) -> int | None:
        """`pipeline.claim_answer` in a worker thread."""
        return await self.run_sync(
            pipeline.claim_answer,
            self.services,
            channel=channel,
            recipient=recipient,
            message_id=message_id,
            text=text,
            late=late,
            confirm=confirm,
        )

    async def answer_sent(self, row_id: int) -> None:
        """`pipeline.answer_sent` in a worker thread."""
        await self.run_sync(pipeline.answer_sent, self.services, row_id)

    async def answer_not_sent(
        self, row_id: int, *, retry: bool, retry_after: float | None, error: str
    ) -> None:
        """`pipeline.answer_not_sent` in a worker thread."""
        await self.run_sync(
            pipeline.answer_not_sent,
            self.services,
            row_id,
            retry=retry,
            retry_after=retry_after,
            error=error,
        )

    async def conversation(self, *, channel: str, user_id: str) -> pipeline.ConversationView:
        """`pipeline.conversation` in a worker thread."""
        return await self.run_sync(pipeline.conversation, self.services, channel=channel, user_id=user_id)

    async def active_form(self, *, channel: str, user_id: str) -> str | None:
        """`pipeline.active_form` in a worker thread."""
        return await self.run_sync(pipeline.active_form, self.services, channel=channel, user_id=user_id)

    async def waiting_for(self, *, channel: str, recipient: str) -> list[str]:
        """`pipeline.waiting_for` in a worker thread."""
        return await self.run_sync(pipeline.waiting_for, self.services, channel=channel, recipient=recipient)
