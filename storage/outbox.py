"""The outbox: messages to be sent later or to someone else, written in the transaction that caused them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import Outbox, table


def enqueue(
    *,
    session: Session,
    channel: str,
    recipient: str,
    text: str,
    reason: str,
    now: datetime,
    not_before: datetime | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Add one message to the outbox; with a `dedup_key` a second enqueue of the same key is ignored.

    Returns:
        True when a row was added, False when `dedup_key` was already there.
    """
    values = {
        "channel": channel,
        "recipient": recipient,
        "text": text,
        "reason": reason,
        "status": "pending",
        "attempts": 0,
        "not_before": not_before or now,
        "created_at": now,
        "dedup_key": dedup_key,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table(Outbox)).values(**values).on_conflict_do_nothing().returning(table(Outbox).c.id)
    result = session.execute(statement)
    return result.scalar() is not None


def pending(*, session: Session, channel: str | None = None, limit: int = 100) -> list[Outbox]:
    """Rows not yet delivered, oldest first (optionally for one channel)."""
    statement = select(Outbox).where(Outbox.status == "pending")
    if channel is not None:
        statement = statement.where(Outbox.channel == channel)
    return list(session.exec(statement.order_by(col(Outbox.id)).limit(limit)).all())
