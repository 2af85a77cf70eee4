"""Shared credentials (the WeChat access token): read, store, and a lease so one process refreshes at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, update

from storage.db import dialect_insert, insert_ignore
from storage.models import KvToken


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A credential as stored: its value (None when deleted), expiry and when it was last written."""

    value: str | None
    expires_at: datetime | None
    updated_at: datetime


def get_token(*, session: Session, key: str) -> StoredToken | None:
    """The stored credential under `key`, expired or not, or None when never stored."""
    row = session.get(KvToken, key, populate_existing=True)
    if row is None:
        return None
    return StoredToken(row.value, row.expires_at, row.updated_at)


def put_token(
    *, session: Session, key: str, value: str | None, expires_at: datetime | None, now: datetime
) -> None:
    """Store (or clear, with value None) the credential under `key` and release any refresh lease."""
    values = {"key": key, "value": value, "expires_at": expires_at, "updated_at": now, "lease_until": None}
    statement = dialect_insert(session, KvToken).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"value": value, "expires_at": expires_at, "updated_at": now, "lease_until": None},
    )
    session.execute(statement)


def take_lease(*, session: Session, key: str, now: datetime, seconds: float) -> bool:
    """Try to become the one refresher of `key` for `seconds`; False when another process holds the lease.

    One conditional UPDATE decides, so two processes can never both win (the row is created first if new).
    """
    insert_ignore(session, KvToken, key=key, value=None, expires_at=None, updated_at=now, lease_until=None)
    result = session.execute(
        update(KvToken)
        .where(col(KvToken.key) == key)
        .where(or_(col(KvToken.lease_until).is_(None), col(KvToken.lease_until) <= now))
        .values(lease_until=now + timedelta(seconds=seconds))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release_lease(*, session: Session, key: str) -> None:
    """Give the refresh lease back without storing a value (the refresh failed)."""
    session.execute(update(KvToken).where(col(KvToken.key) == key).values(lease_until=None))

