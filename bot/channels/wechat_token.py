"""The WeChat access token kept in the database: shared by every process, refreshed by one at a time."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from bot.clock import Clock
from storage import session_scope, tokens
from storage.tokens import StoredToken

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


class SharedTokenClient(WeChatClient):  # type: ignore[misc]
    """wechatpy's client whose token refresh is done by one process at a time, at a configurable API base.

    A process that needs a new token (expired, or 40001/42001 from the API) takes the lease; the others wait
    for the token it stores instead of fetching their own, which would invalidate each other's.
    """

    LEASE_SECONDS = 15.0
    WAIT_SECONDS = 20.0
    POLL_SECONDS = 0.1

    def __init__(self, appid: str, secret: str, *, storage: DatabaseTokenStorage, api_base_url: str) -> None:
        super().__init__(appid, secret, session=storage, timeout=5)
        self.API_BASE_URL = api_base_url
        self.storage = storage

    @property
    def access_token(self) -> str | None:
        """The shared token; refreshed (by this process or another) when there is no valid one."""
        seen = self.storage.stored(self.access_token_key)
        if self.storage.valid(seen):
            return seen.value if seen else None
        self._refresh(seen)
        token: str | None = self.storage.get(self.access_token_key)
        return token

    def fetch_access_token(self) -> dict[str, Any]:
        """Refresh the stored token (wechatpy calls this on 40001/42001), or wait for the process refreshing it.

        Raises:
            WeChatClientException: the API refused, or no token appeared in time.
        """
        return self._refresh(self.storage.stored(self.access_token_key))

    def _refresh(self, seen: StoredToken | None) -> dict[str, Any]:
        key = self.access_token_key
        deadline = time.monotonic() + self.WAIT_SECONDS
        while True:
            if self.storage.take_lease(key, self.LEASE_SECONDS):
                current = self.storage.stored(key)
                if _newer(current, seen):  # refreshed by another process just before the lease was ours
                    self.storage.release_lease(key)
                    return {"access_token": current.value if current else None}
                try:
                    result: dict[str, Any] = self._fetch_access_token(
                        url=f"{self.API_BASE_URL}token",
                        params={
                            "grant_type": "client_credential",
                            "appid": self.appid,
                            "secret": self.secret,
                        },
                    )
                except Exception:
                    self.storage.release_lease(key)
                    raise
                return result
            time.sleep(self.POLL_SECONDS)
            current = self.storage.stored(key)
            if _newer(current, seen):
                return {"access_token": current.value if current else None}
            if time.monotonic() > deadline:
                raise WeChatClientException(None, "access token refresh by another process timed out")


def _newer(current: StoredToken | None, seen: StoredToken | None) -> bool:
    if current is None or current.value is None:
        return False
    # Tokens differ on every refresh: a value other than the one this process saw is another's new token.
    return seen is None or current.value != seen.value
