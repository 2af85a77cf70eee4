"""The replay store for signed platform requests, shared by every process through the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.db import insert_ignore
from storage.models import RequestNonce

Seen = Literal["new", "retry", "replay"]


def remember(*, session: Session, key: str, body_sha256: str, now: datetime, keep: timedelta) -> Seen:
    """Record a signed request under `key` (its nonce, timestamp and signature) and say whether it is known.

    Returns:
        "new" the first time; "retry" when the same key came before with the same body (the platform
        retrying: the message's own dedup answers it); "replay" when it came with another body (refuse).
    Rows older than `keep` (the timestamp window, twice) are dropped on the way: a request that old is
    refused by its timestamp before it gets here.
    """
    session.execute(delete(RequestNonce).where(col(RequestNonce.seen_at) < now - keep))
    if insert_ignore(session, RequestNonce, key=key, body_sha256=body_sha256, seen_at=now) is not None:
        return "new"
    stored = session.exec(select(RequestNonce.body_sha256).where(RequestNonce.key == key)).first()
    return "retry" if stored == body_sha256 else "replay"
