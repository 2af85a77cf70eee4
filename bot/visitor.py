"""The web visitor's identity: a cookie the server issues and signs (HMAC), HttpOnly and SameSite.

A value the server did not sign is ignored, so a visitor is whoever holds a cookie we issued, never whatever id
a client chooses to send. `VisitorCookies.visitor_of(request)` is the one way to learn who a web request is
from. The key is the console's signing key (UNIONBOT_CONSOLE_SECRET, else one kept in the database and shared
by every process), derived for this one purpose so a console cookie is never a visitor cookie.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

from bot.app import Services
from bot.console.auth import Signer, signing_key

COOKIE = "unionbot_visitor"
COOKIE_MAX_AGE = 365 * 24 * 3600
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class VisitorCookies:
    """Issues and reads the signed visitor cookie."""

    def __init__(self, key: bytes) -> None:
        self._signer = Signer(hashlib.sha256(b"web-visitor:" + key).digest())

    @classmethod
    def for_services(cls, services: Services) -> VisitorCookies:
        """With the deployment's signing key."""
        settings = services.settings.console
        return cls(signing_key(services.engine, settings, services.clock.now()))

    def visitor_of(self, request: Request) -> str | None:
        """The verified visitor id of a web request, or None (no cookie, or one the server did not issue)."""
        visitor = self._signer.unsign(request.cookies.get(COOKIE, ""))
        return visitor if visitor is not None and _VISITOR.match(visitor) else None

    def issue(self, response: Response, visitor: str, *, secure: bool) -> None:
        """Set the signed cookie for `visitor` on `response`."""
        response.set_cookie(
            COOKIE,
            self._signer.sign(visitor),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=secure,
        )


def new_visitor() -> str:
    """A fresh visitor id (unguessable)."""
    return secrets.token_urlsafe(18)
