"""Users: find or create by (channel, external id) under a row lock, record contact, delete personal data."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, update

from storage.db import insert_ignore
from storage.models import InboundMessage, ReplyLog, User


def get_or_create_user(*, session: Session, channel: str, external_id: str, now: datetime) -> User:
    """The user for (channel, external_id), created on first contact, locked for the rest of the transaction.

    When a user last wrote is not kept here: it is the newest inbound message, so the hot path writes one
    row less per turn.

    On PostgreSQL the row is taken FOR UPDATE, so two turns of one user run one after the other in any
    number of processes; on SQLite every transaction already holds the write lock (see db.py).
    """
    if session.get_bind().dialect.name == "postgresql":
        insert_ignore(session, User, channel=channel, external_id=external_id, created_at=now)
        statement = (
            select(User)
            .where(User.channel == channel, User.external_id == external_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        user = session.exec(statement).one()
    else:
        user_or_none = session.exec(
            select(User).where(User.channel == channel, User.external_id == external_id)
        ).first()
        if user_or_none is None:
            user_or_none = User(channel=channel, external_id=external_id, created_at=now)
            session.add(user_or_none)
            session.flush()
        user = user_or_none
    return user


def find_user(*, session: Session, channel: str, external_id: str) -> User | None:
    """The user for (channel, external_id), or None when they never wrote."""
    return session.exec(select(User).where(User.channel == channel, User.external_id == external_id)).first()


def set_contact(
    *,
    session: Session,
    user: User,
    now: datetime,
    name: str | None = None,
    phone: str | None = None,
    work_unit: str | None = None,
) -> None:
    """Record contact details the worker gave with consent (the consent time is kept)."""
    if name is not None:
        user.name = name
    if phone is not None:
        user.phone = phone
    if work_unit is not None:
        user.work_unit = work_unit
    user.consent_at = now
    session.add(user)


def delete_personal_data(*, session: Session, user: User, now: datetime) -> None:
    """Erase the worker's name, phone, unit and the text of every message they sent or received.

    The rows stay (with empty text) so counts in monthly figures remain right; nothing left names the worker.
    """
    user.name = None
    user.phone = None
    user.work_unit = None
    user.consent_at = None
    user.deleted_at = now
    session.add(user)
    session.execute(
        update(InboundMessage).where(col(InboundMessage.user_id) == user.id).values(text="", payload=None)
    )
    session.execute(update(ReplyLog).where(col(ReplyLog.user_id) == user.id).values(text="", buttons=[]))
    # The dialogue state is left to the caller, who clears the form that asked for this deletion.
