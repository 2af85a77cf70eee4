"""Every table of the service, as sqlmodel classes. Times are stored as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Table, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every database: stored in UTC, always read back aware.

    PostgreSQL keeps the zone itself (timestamptz); SQLite has no zone, so the UTC value is stored bare
    and the zone put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """To UTC; bare on SQLite. A naive datetime is a bug and is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Aware UTC, whatever the database returned."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _aware() -> Any:
    return Column(AwareDateTime(), nullable=False)


def _aware_nullable() -> Any:
    return Column(AwareDateTime(), nullable=True)


class User(SQLModel, table=True):
    """A worker or staff member as one channel knows them; personal fields are optional and deletable."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_external"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    name: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    work_unit: str | None = Field(default=None, max_length=128)
    consent_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    created_at: datetime = Field(sa_column=_aware())
    deleted_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class InboundMessage(SQLModel, table=True):
    """Every message a user sent, stored before it is processed; (channel, message_id) dedups retries."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id", name="uq_inbound_channel_message"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_id: str = Field(max_length=128)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(default="text", max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    payload: str | None = Field(default=None, max_length=256)
    received_at: datetime = Field(sa_column=_aware())


class ReplyLog(SQLModel, table=True):
    """The bot's reply to one inbound message, with the intent and confidence it answered with."""

    __tablename__ = "replies"

    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_messages.id", unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    buttons: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    intent: str = Field(max_length=32, index=True)
    confidence: float
    answered: bool
    created_at: datetime = Field(sa_column=_aware())


class DialogueState(SQLModel, table=True):
    """Where one user's conversation stands: the active form and its slots, pending choices, last topic."""

    __tablename__ = "dialogue_state"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    form: str | None = Field(default=None, max_length=32)
    slots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_entry: str | None = Field(default=None, max_length=64)
    misses: int = 0
    updated_at: datetime = Field(sa_column=_aware())


class Outbox(SQLModel, table=True):
    """A message to send later or to someone else, written in the same transaction as its cause."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16, index=True)
    recipient: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(max_length=32)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    not_before: datetime = Field(sa_column=_aware())
    created_at: datetime = Field(sa_column=_aware())
    sent_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_error: str | None = Field(default=None, max_length=500)
    dedup_key: str | None = Field(default=None, max_length=128, unique=True)


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for statements the ORM would only slow down (inserts on the hot path)."""
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found
