"""The replay store for signed platform requests, shared by every process through the database.

Asked on every WeChat request, so its statements are built once and run on Core (see storage/db.py), and
the old rows are dropped on one request in `PRUNE_EVERY`, not on each: a row past `keep` does no harm, a
request that old is refused by its timestamp before it gets here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, delete, select
from sqlmodel import Session

from storage.db import core, insert_ignore
from storage.models import RequestNonce, table

Seen = Literal["new", "retry", "replay"]

PRUNE_EVERY = 32
_nonces = table(RequestNonce)
_PRUNE = delete(_nonces).where(_nonces.c.seen_at < bindparam("before"))
_BODY = select(_nonces.c.body_sha256).where(_nonces.c.key == bindparam("key"))


def remember(*, session: Session, key: str, body_sha256: str, now: datetime, keep: timedelta) -> Seen:
    """Record a signed request under `key` (its nonce, timestamp and signature) and say whether it is known.

    Returns:
        "new" the first time; "retry" when the same key came before with the same body (the platform
        retrying: the message's own dedup answers it); "replay" when it came with another body (refuse).
    Rows older than `keep` (the timestamp window, twice) are dropped now and then on the way.
    """
    if hash(key) % PRUNE_EVERY == 0:
        core(session).execute(_PRUNE, {"before": now - keep})
    if insert_ignore(session, RequestNonce, key=key, body_sha256=body_sha256, seen_at=now) is not None:
        return "new"
    stored = core(session).execute(_BODY, {"key": key}).scalar()
    return "retry" if stored == body_sha256 else "replay"
