"""Users: find or create by (channel, external id) under a row lock, record contact, delete personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select, update

from storage.db import core, insert_ignore
from storage.models import InboundMessage, ReplyLog, User, table

_users = table(User)
# FOR UPDATE on PostgreSQL; SQLite's compiler leaves it out (there the transaction holds the write lock).
_LOCK_USER = (
    select(_users.c.id)
    .where(_users.c.channel == bindparam("channel"), _users.c.external_id == bindparam("external_id"))
    .with_for_update()
)


def lock_user(*, session: Session, channel: str, external_id: str, now: datetime) -> int:
    """The id of the user (channel, external_id), created on first contact, locked for the rest of the
    transaction: two turns of one user run one after the other in any number of processes.

    The hot path: one statement for a known user. Nothing else of the user is read; a turn that needs the
    name or phone loads them (TurnContext.user). When a user last wrote is not kept here either: it is the
    newest inbound message, so a turn writes one row less.
    """
    params = {"channel": channel, "external_id": external_id}
    connection = core(session)
    found = connection.execute(_LOCK_USER, params).scalar()
    if found is None:
        # First contact. A concurrent first message of the same user inserts nothing here and waits on the
        # unique key, then finds (and locks) the row the other one committed.
        found = insert_ignore(session, User, channel=channel, external_id=external_id, created_at=now)
        if found is None:
            found = connection.execute(_LOCK_USER, params).scalar_one()
    return int(found)


def get_or_create_user(*, session: Session, channel: str, external_id: str, now: datetime) -> User:
    """The user for (channel, external_id) as a row object, created on first contact and locked (see lock_user)."""
    user_id = lock_user(session=session, channel=channel, external_id=external_id, now=now)
    user = session.get(User, user_id, populate_existing=True)
    assert user is not None
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
