"""The WeChat client whose access token (kept in the database by `bot.token_store`) is refreshed by one process."""

from __future__ import annotations

import time
from typing import Any

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.token_store import DatabaseTokenStorage, StoredToken


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
