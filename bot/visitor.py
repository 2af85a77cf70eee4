"""The web visitor's identity: a cookie the server issues and signs (HMAC), HttpOnly and SameSite.

A value the server did not sign is ignored, so a visitor is whoever holds a cookie we issued, never whatever
id a client chooses to send. `visitor_of(request, key)` is the one way to learn who a web request is from.
The signing key comes from UNIONBOT_SERVER_COOKIE_SECRET, else one is made once and kept in the database so
every process (and every restart) shares it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response

from storage import session_scope, tokens

COOKIE = "unionbot_visitor"
COOKIE_MAX_AGE = 365 * 24 * 3600
KEY_NAME = "web:cookie-key"
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _mac(key: bytes, visitor: str) -> str:
    digest = hmac.new(key, f"visitor:{visitor}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def signed(visitor: str, key: bytes) -> str:
    """The cookie value for `visitor`: the id and its signature."""
    return f"{visitor}.{_mac(key, visitor)}"


def verified(value: str, key: bytes) -> str | None:
    """The visitor id in a cookie value when the server signed it; None for anything else."""
    visitor, _, mac = value.rpartition(".")
    if not _VISITOR.match(visitor) or not hmac.compare_digest(mac.encode(), _mac(key, visitor).encode()):
        return None
    return visitor


def visitor_of(request: Request, key: bytes) -> str | None:
    """The verified visitor id of a web request, or None (no cookie, or one the server did not issue)."""
    return verified(request.cookies.get(COOKIE, ""), key)


def new_visitor() -> str:
    """A fresh visitor id (unguessable)."""
    return secrets.token_urlsafe(18)


def set_cookie(response: Response, visitor: str, key: bytes, *, secure: bool) -> None:
    """Issue the signed visitor cookie on `response`."""
    response.set_cookie(
        COOKIE,
        signed(visitor, key),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def cookie_key(engine: Engine, configured: str, now: datetime) -> bytes:
    """The signing key: the configured secret, else the one kept in the database (made on first use)."""
    if configured:
        return configured.encode()
    with session_scope(engine) as session:
        stored = tokens.get_or_put(session=session, key=KEY_NAME, value=secrets.token_urlsafe(32), now=now)
    return stored.encode()
