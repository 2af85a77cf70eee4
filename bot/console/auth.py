"""Who is signed in to the staff console: Argon2 passwords, the wrong-password lock, signed session cookies
kept in the database (so signing out ends them everywhere), and CSRF tokens bound to the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from bot.config import ConsoleSettings, StaffMember
from storage import session_scope, staff_accounts, tokens

COOKIE = "unionbot_staff"
SIGNIN_COOKIE = "unionbot_signin"  # the sign-in form's CSRF value (double submit: no session yet)
KEY_NAME = "console_signing_key"
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified against when the staff id is unknown, so a wrong id takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """The Argon2id hash stored for a password."""
    return _hasher.hash(password)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What the database keeps of a session token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class Signer:
    """HMAC-SHA256 signatures of cookie values: a cookie not made by this server is refused unread."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, value: str) -> str:
        digest = hmac.new(self._key, value.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, value: str) -> str:
        """`value.signature`."""
        return f"{value}.{self._mac(value)}"

    def unsign(self, signed: str) -> str | None:
        """The value of a signed string, or None when the signature does not match."""
        value, _, mac = signed.rpartition(".")
        if not value or not hmac.compare_digest(mac, self._mac(value)):
            return None
        return value

    def token_for(self, purpose: str, value: str) -> str:
        """A value derived from `value` for one purpose (the CSRF token of a session)."""
        return self._mac(f"{purpose}:{value}")


def signing_key(engine: Engine, settings: ConsoleSettings, now: datetime) -> bytes:
    """UNIONBOT_CONSOLE_SECRET, or a random key made once and shared by every process through the database."""
    if settings.secret:
        return settings.secret.encode()
    with session_scope(engine) as session:
        stored = tokens.get_token(session=session, key=KEY_NAME)
        if stored is None or not stored.value:
            tokens.put_token(session=session, key=KEY_NAME, value=secrets.token_hex(32), expires_at=None, now=now)
    with session_scope(engine) as session:  # read back: another process may have won the first write
        stored = tokens.get_token(session=session, key=KEY_NAME)
        assert stored is not None and stored.value
        return stored.value.encode()


@dataclass(frozen=True, slots=True)
class SignInResult:
    """How a sign-in went: `token` for the cookie, or why not ("wrong" / "locked" until `locked_until`)."""

    token: str | None = None
    refusal: str = ""
    locked_until: datetime | None = None


def find_member(staff: list[StaffMember], name: str) -> StaffMember | None:
    """The [[staff]] entry with this id or name (people type either)."""
    name = name.strip()
    return next((member for member in staff if name and name in (member.id, member.name)), None)


def sign_in(
    engine: Engine, settings: ConsoleSettings, member: StaffMember | None, password: str, now: datetime
) -> SignInResult:
    """Check the password; count wrong ones (`max_failures` in a row lock for `lockout_minutes`); audit both.

    A locked account is refused without looking at the password, so guessing on during the lock is useless.
    """
    with session_scope(engine) as session:
        account = staff_accounts.lock_account(session=session, staff_id=member.id, now=now) if member else None
        if member is None or account is None:
            _password_matches(_DUMMY_HASH, password)
            return SignInResult(refusal="wrong")
        if account.locked_until is not None and account.locked_until > now:
            staff_accounts.audit(session=session, staff_id=member.id, action="sign_in_locked", now=now)
            return SignInResult(refusal="locked", locked_until=account.locked_until)
        if not _password_matches(account.password_hash, password):
            until = now + timedelta(minutes=settings.lockout_minutes)
            locked = staff_accounts.record_failure(
                session=session, account=account, limit=settings.max_failures, lock_until=until
            )
            staff_accounts.audit(session=session, staff_id=member.id, action="sign_in_failed", now=now)
            if locked:
                return SignInResult(refusal="locked", locked_until=until)
            return SignInResult(refusal="wrong")
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        staff_accounts.record_success(session=session, account=account, now=now)
        token = secrets.token_urlsafe(32)
        staff_accounts.open_session(
            session=session,
            staff_id=member.id,
            token_hash=token_hash(token),
            now=now,
            expires_at=now + timedelta(hours=settings.session_hours),
        )
        staff_accounts.audit(session=session, staff_id=member.id, action="sign_in", now=now)
        return SignInResult(token=token)


def session_staff(engine: Engine, token: str, now: datetime) -> str | None:
    """The staff id of a live session token, or None."""
    with session_scope(engine) as session:
        row = staff_accounts.live_session(session=session, token_hash=token_hash(token), now=now)
        return row.staff_id if row is not None else None


def sign_out(engine: Engine, token: str, staff_id: str, now: datetime) -> None:
    """End the session and audit it."""
    with session_scope(engine) as session:
        staff_accounts.end_session(session=session, token_hash=token_hash(token), now=now)
        staff_accounts.audit(session=session, staff_id=staff_id, action="sign_out", now=now)


def set_password(engine: Engine, staff_id: str, password: str, now: datetime) -> None:
    """Store a new password (ends the member's sessions) and audit it as done from the command line."""
    with session_scope(engine) as session:
        staff_accounts.set_password(
            session=session, staff_id=staff_id, password_hash=hash_password(password), now=now
        )
        staff_accounts.audit(session=session, staff_id=staff_id, action="password_set", detail="cli", now=now)
