"""The channel-agnostic contract of one turn: what comes in, what goes back, what is sent later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from intents.ids import IntentId

InboundKind = Literal["text", "button", "subscribe", "unsubscribe", "menu"]


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a user, as every channel adapter hands it over."""

    channel: str  # "console" | "web" | "telegram" | "wechat"
    user_id: str  # the platform's own id, as text
    text: str  # already size-limited by the adapter
    message_id: str  # the platform's id: the dedup key (console/web mint one)
    received_at: datetime  # timezone-aware
    kind: InboundKind = "text"
    payload: str | None = None  # button or menu payload: typed, never packed into text


@dataclass(frozen=True, slots=True)
class Button:
    """A choice the worker can tap; channels without buttons show it as a numbered line."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers, with the intent ID it answers as and how sure it is (0–1)."""

    text: str
    intent: IntentId
    confidence: float
    buttons: tuple[Button, ...] = ()
    answered: bool = True  # False when the bot did not understand (the knowledge base's to-do list)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A message for someone else or for later, stored in the turn's transaction and sent by the outbox."""

    channel: str  # "staff" addresses a staff member by their id in config.toml
    user_id: str
    text: str
    reason: str  # "staff_alert", "crisis_alert", "waitlist_promoted", "reminder" …
    not_before: datetime | None = None
    dedup_key: str | None = None  # a second item with the same key is never written (a job run twice sends once)
    coalesce_key: str | None = None  # joins a still-waiting row of the same key and recipient (follow-ups)


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of handling one inbound message."""

    reply: Reply
    outbox: tuple[OutboxItem, ...] = ()
