"""Access tokens kept in the database: shared by every process, refreshed by one at a time (WeChat's today)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from wechatpy.session import SessionStorage

from bot.clock import Clock
from storage import session_scope, tokens
from storage.tokens import StoredToken

__all__ = ["EXPIRY_MARGIN", "DatabaseTokenStorage", "StoredToken"]

EXPIRY_MARGIN = timedelta(seconds=60)  # a token this close to its end is treated as gone


class DatabaseTokenStorage(SessionStorage):  # type: ignore[misc]
    """wechatpy's SessionStorage over the kv_tokens table (wechatpy's own memory storage is per process)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def stored(self, key: str) -> StoredToken | None:
        """The row as stored, expired or not."""
        with session_scope(self.engine) as session:
            return tokens.get_token(session=session, key=key)

    def get(self, key: str, default: Any = None) -> Any:
        """The token under `key` while it is valid (with a minute to spare), else `default`."""
        found = self.stored(key)
        return found.value if found is not None and self.valid(found) else default

    def valid(self, found: StoredToken | None) -> bool:
        """True when `found` holds a token that is not about to expire."""
        if found is None or found.value is None:
            return False
        return found.expires_at is None or found.expires_at - EXPIRY_MARGIN > self.clock.now()

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        """Store `value` for `ttl` seconds (no expiry without one); releases the refresh lease."""
        now = self.clock.now()
        expires_at = now + timedelta(seconds=ttl) if ttl else None
        with session_scope(self.engine) as session:
            tokens.put_token(session=session, key=key, value=str(value), expires_at=expires_at, now=now)

    def delete(self, key: str) -> None:
        """Forget the token under `key`."""
        with session_scope(self.engine) as session:
            tokens.put_token(session=session, key=key, value=None, expires_at=None, now=self.clock.now())

    def __getitem__(self, key: str) -> Any:
        # wechatpy's base class forgets the `return` here.
        return self.get(key)

    def take_lease(self, key: str, seconds: float) -> bool:
        """Become the one refresher of `key` for `seconds`, or learn that another process is."""
        with session_scope(self.engine) as session:
            return tokens.take_lease(session=session, key=key, now=self.clock.now(), seconds=seconds)

    def release_lease(self, key: str) -> None:
        """Give the lease back after a failed refresh."""
        with session_scope(self.engine) as session:
            tokens.release_lease(session=session, key=key)
