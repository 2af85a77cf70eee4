"""The outbox: messages to be sent later or to someone else, written in the transaction that caused them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select, update

from storage.db import insert_ignore
from storage.models import InboundMessage, Outbox, User

# The sender takes due rows most urgent first: danger to life, then urgent cases and answers a worker is waiting
# for, then new cases, tickets and everything else, then ticket follow-ups (coalesced) and routine notices.
PRIORITY = {
    "crisis_alert": 0,
    "case_urgent": 1,
    "reply": 1,
    "late_reply": 1,
    "delivery_failed": 1,
    "ticket_followup": 3,
    "calendar_missing": 3,
}
DEFAULT_PRIORITY = 2
MAX_COALESCED_CHARS = 3500  # a coalesced alert stays one message on every platform


def priority_of(reason: str) -> int:
    """The row's priority by its reason: 0 is the most urgent."""
    return PRIORITY.get(reason, DEFAULT_PRIORITY)


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
    coalesce_key: str | None = None,
) -> bool:
    """Add one message to the outbox; with a `dedup_key` a second enqueue of the same key is ignored.

    With a `coalesce_key`, a message for the same recipient while a row of that key still waits (pending) joins
    that row as a new line instead of becoming a row of its own (ticket follow-ups: one alert per few minutes).

    Returns:
        True when a row was added or joined, False when `dedup_key` was already there.
    """
    if coalesce_key is not None:
        waiting = select(Outbox).where(
            col(Outbox.coalesce_key) == coalesce_key,
            col(Outbox.channel) == channel,
            col(Outbox.recipient) == recipient,
            col(Outbox.status) == "pending",
        )
        if session.get_bind().dialect.name == "postgresql":
            waiting = waiting.with_for_update()
        row = session.exec(waiting.order_by(col(Outbox.id).desc())).first()
        if row is not None and len(row.text) + len(text) < MAX_COALESCED_CHARS:
            row.text = f"{row.text}\n{text}"
            session.add(row)
            session.flush()
            return True
    row_id = insert_ignore(
        session,
        Outbox,
        channel=channel,
        recipient=recipient,
        text=text,
        reason=reason,
        status="pending",
        attempts=0,
        not_before=not_before or now,
        created_at=now,
        dedup_key=dedup_key,
        priority=priority_of(reason),
        coalesce_key=coalesce_key,
    )
    return row_id is not None


# Delivery, for the sender (bot/sender.py). Status moves: pending → sending (claimed) → sent | pending (retry)
# | held (WeChat's 48-hour window closed: wait for the user's next message) | dead (given up).
UNDELIVERED = ("pending", "sending", "held")


def claim_due(
    *, session: Session, channels: Collection[str], now: datetime, limit: int, claim_seconds: float
) -> list[Outbox]:
    """Take up to `limit` rows due for these channels, most urgent first (then oldest), for one sender.

    Due: pending (or claimed by a sender that died) with `not_before` passed, or held while the recipient has
    written since (WeChat's 48-hour window is open again). A claimed row is "sending" until
    `now + claim_seconds`. PostgreSQL skips rows another sender holds (SKIP LOCKED); on SQLite the
    transaction holds the write lock.
    """
    wrote_since = (
        select(col(InboundMessage.id))
        .join(User, col(User.id) == col(InboundMessage.user_id))
        .where(col(User.channel) == col(Outbox.channel), col(User.external_id) == col(Outbox.recipient))
        .where(col(InboundMessage.received_at) > col(Outbox.not_before))
        .exists()
    )
    statement = (
        select(Outbox)
        .where(col(Outbox.channel).in_(list(channels)))
        .where(
            or_(
                and_(col(Outbox.status).in_(["pending", "sending"]), col(Outbox.not_before) <= now),
                and_(col(Outbox.status) == "held", wrote_since),
            )
        )
        .order_by(col(Outbox.priority), col(Outbox.not_before), col(Outbox.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=Outbox, skip_locked=True)
    rows = list(session.exec(statement).all())
    until = now + timedelta(seconds=claim_seconds)
    for row in rows:
        row.status = "sending"
        row.attempts += 1
        row.not_before = until
        session.add(row)
    session.flush()
    return rows


def _set(session: Session, row_id: int, **values: object) -> None:
    session.execute(update(Outbox).where(col(Outbox.id) == row_id).values(**values))


def mark_sent(*, session: Session, row_id: int, now: datetime) -> None:
    """The row was delivered."""
    _set(session, row_id, status="sent", sent_at=now, last_error=None)


def mark_retry(
    *, session: Session, row_id: int, not_before: datetime, error: str, tried: str | None = None
) -> None:
    """Delivery failed: try again from `not_before` (a staff row: `tried` lists the channels given up on)."""
    values: dict[str, object] = {"status": "pending", "not_before": not_before, "last_error": error[:500]}
    if tried is not None:
        values["tried"] = tried
    _set(session, row_id, **values)


def mark_held(*, session: Session, row_id: int, error: str, now: datetime) -> None:
    """Keep the row until the recipient writes after `now` (WeChat 45015); never retried blindly."""
    _set(session, row_id, status="held", not_before=now, last_error=error[:500])


def readdress(*, session: Session, row_id: int, channel: str, recipient: str, now: datetime) -> None:
    """Send the row on another channel to another address (a staff row to the staff member's account)."""
    _set(session, row_id, channel=channel, recipient=recipient, status="pending", not_before=now)


def mark_dead(*, session: Session, row_id: int, error: str) -> None:
    """Give the row up (refused for good, or too many attempts); it stays for staff to see."""
    _set(session, row_id, status="dead", last_error=error[:500])


def take_for_recipient(*, session: Session, channel: str, recipient: str, now: datetime) -> list[Outbox]:
    """Due rows for one recipient of a channel without push (web, console), marked sent: shown on their turn."""
    rows = list(
        session.exec(
            select(Outbox)
            .where(col(Outbox.channel) == channel, col(Outbox.recipient) == recipient)
            .where(col(Outbox.status).in_(["pending", "held"]))
            .where(or_(col(Outbox.not_before) <= now, col(Outbox.status) == "held"))
            .order_by(col(Outbox.id))
        ).all()
    )
    for row in rows:
        row.status = "sent"
        row.sent_at = now
        row.attempts += 1
        session.add(row)
    session.flush()
    return rows


def record_answer(
    *,
    session: Session,
    channel: str,
    recipient: str,
    text: str,
    reason: str,
    dedup_key: str,
    now: datetime,
    status: str,
    claim_seconds: float = 60.0,
) -> int | None:
    """Claim the one answer to an inbound message under `dedup_key`: a row for the first caller only.

    `status`: "sent" records an answer given in the HTTP response (WeChat's passive reply) so a later path
    does not send it again; "sending" an answer the caller sends now and confirms (claimed until
    `now + claim_seconds`, then the sender's if unconfirmed); "pending" queues it for the sender.

    Returns:
        The new row's id, or None when another path already answered.
    """
    return insert_ignore(
        session,
        Outbox,
        channel=channel,
        recipient=recipient,
        text=text,
        reason=reason,
        status=status,
        attempts=0 if status == "pending" else 1,
        not_before=now + timedelta(seconds=claim_seconds) if status == "sending" else now,
        created_at=now,
        sent_at=now if status == "sent" else None,
        dedup_key=dedup_key,
        priority=priority_of(reason),
    )


def backlog(*, session: Session) -> dict[tuple[str, str], int]:
    """Undelivered rows by (channel, status): pending, sending and held."""
    rows = session.execute(
        select(Outbox.channel, Outbox.status, func.count())
        .where(col(Outbox.status).in_(list(UNDELIVERED)))
        .group_by(col(Outbox.channel), col(Outbox.status))
    ).all()
    return {(channel, status): int(count) for channel, status, count in rows}
