"""The channel contract: a Channel mounts routes and delivers outbox rows; Delivery says how it went.

ChannelError (a BotError)
├── SignatureError     the request is not from the platform (bad signature / secret token) → 403
├── BadPayload         the body cannot be parsed, or is unsafe XML (entities, DTD) → 400
└── PayloadTooLarge    the body is over the configured size → 413
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol, TypeVar

import anyio
import anyio.to_thread
from starlette.routing import BaseRoute

from bot.app import Services
from bot.errors import BotError
from bot.metrics import Metrics
from bot.pipeline import Processed, process_once
from intents import Inbound, Reply
from knowledge import KnowledgeBase
from storage.models import Outbox

T = TypeVar("T")

MAX_TEXT_CHARS = 4000  # an inbound text is cut here before it is stored


class ChannelError(BotError):
    """A request a channel refuses; `status` is the HTTP status the server answers with."""

    status: ClassVar[int] = 400


class SignatureError(ChannelError):
    """The request does not carry the platform's signature or secret token."""

    status = 403


class BadPayload(ChannelError):
    """The body is malformed or unsafe."""

    status = 400


class PayloadTooLarge(ChannelError):
    """The body is larger than `server.max_body_bytes`."""

    status = 413


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One outbox row as a channel sends it; `recipient` is already the channel's own address."""

    id: int
    channel: str
    recipient: str
    text: str
    reason: str
    attempts: int

    @classmethod
    def of(cls, row: Outbox, *, channel: str | None = None, recipient: str | None = None) -> OutboxRow:
        """From a stored row, optionally re-addressed (a staff row goes to a staff member's account)."""
        assert row.id is not None
        return cls(
            row.id, channel or row.channel, recipient or row.recipient, row.text, row.reason, row.attempts
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """What came of one send.

    sent: delivered. retry: failed before the message left; try again (after `retry_after` seconds when the
    platform said so). hold: WeChat's 48-hour window is closed; keep the row until the user writes again.
    dead: refused for good (blocked bot, unknown chat); never retried.
    """

    status: Literal["sent", "retry", "hold", "dead"]
    retry_after: float | None = None
    detail: str = ""


class Channel(Protocol):
    """A platform adapter as the server and the sender see it."""

    name: ClassVar[str]
    push: ClassVar[bool]  # False: the channel cannot send by itself; rows are shown on the user's next turn

    def routes(self) -> Sequence[BaseRoute]:
        """The Starlette routes this channel serves."""
        ...

    async def send(self, item: OutboxRow) -> Delivery:
        """Deliver one row; a platform refusal is a Delivery, never an exception."""
        ...

    async def start(self) -> None:
        """Open clients, register webhooks (called once when the server starts)."""
        ...

    async def stop(self) -> None:
        """Close clients."""
        ...


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8)


def storable(text: str) -> str:
    """`text` without the characters no database can store: NUL and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def cut(text: str) -> str:
    """Inbound text as stored: storable, stripped and cut to MAX_TEXT_CHARS."""
    return storable(text).strip()[:MAX_TEXT_CHARS]


def parse_json(body: bytes) -> object:
    """A request body as JSON.

    Raises:
        BadPayload: not UTF-8 JSON, or nested deeper than the parser goes (a hostile body).
    """
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BadPayload(f"body is not JSON: {type(error).__name__}") from error


def button_lines(reply: Reply, kb: KnowledgeBase) -> str:
    """The reply's text with its buttons as lines to send back, for platforms without buttons.

    A button whose label already ends a line of the text (numbered choices) is not repeated.
    """
    shown = [line.strip() for line in reply.text.splitlines()]
    extra = [button for button in reply.buttons if not any(line.endswith(button.label) for line in shown)]
    if not extra:
        return reply.text
    lines = [reply.text, kb.reply("wechat_buttons_hint")]
    lines += [kb.reply("wechat_button_line").format(label=button.label) for button in extra]
    return "\n".join(line for line in lines if line)


def _nothing() -> None:
    return None


def _limiter(services: Services) -> anyio.CapacityLimiter:
    # SQLite has one writer: turns queued here wake at once, where threads queued on SQLite's busy handler
    # sleep and poll. PostgreSQL takes as many turns at once as the pool has connections.
    sqlite = services.engine.dialect.name == "sqlite"
    return anyio.CapacityLimiter(1 if sqlite else 16)


@dataclass(slots=True)
class Runtime:
    """What every channel of one server shares: the services, the metrics, a way to wake the sender."""

    services: Services
    metrics: Metrics
    wake_sender: Callable[[], None] = field(default=_nothing)
    _turns: anyio.CapacityLimiter | None = None

    async def run_sync(self, function: Callable[..., T], *args: object) -> T:
        """Run a database-bound synchronous call in a worker thread, as many at once as the database takes."""
        if self._turns is None:
            self._turns = _limiter(self.services)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._turns)

    async def turn(self, inbound: Inbound, started: float | None = None) -> Processed:
        """Run the pipeline in a worker thread (it is synchronous) and count the message."""
        started = time.perf_counter() if started is None else started
        processed = await self.run_sync(process_once, self.services, inbound)
        self.metrics.observe(inbound.channel, processed.reply, time.perf_counter() - started)
        return processed
