"""The channel contract: a Channel mounts routes and delivers outbox rows; Delivery says how it went.

This module is what an adapter and the sender agree on; it knows nothing of the pipeline or the database.

ChannelError (a BotError)
├── SignatureError     the request is not from the platform (bad signature / secret token) → 403
├── BadPayload         the body cannot be parsed, or is unsafe XML (entities, DTD) → 400
└── PayloadTooLarge    the body is over the configured size → 413
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol

from starlette.routing import BaseRoute

from bot.errors import BotError
from intents import Reply
from knowledge import KnowledgeBase

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
    staff: bool = False  # addressed to a staff member (WeChat may then use a template message)


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
