"""Staff console accounts, signed-in sessions and the audit log of staff actions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, update

from storage.models import StaffAccount, StaffAudit, StaffSession


def get_account(*, session: Session, staff_id: str) -> StaffAccount | None:
    """The console account of this staff member, or None when no password was ever set."""
    return session.get(StaffAccount, staff_id)


def set_password(*, session: Session, staff_id: str, password_hash: str, now: datetime) -> None:
    """Store a new password hash, lift any lock and end every session signed in with the old password."""
    account = session.get(StaffAccount, staff_id)
    if account is None:
        account = StaffAccount(staff_id=staff_id, password_hash=password_hash, password_set_at=now)
    account.password_hash = password_hash
    account.password_set_at = now
    account.failed_attempts = 0
    account.locked_until = None
    session.add(account)
    end_sessions(session=session, staff_id=staff_id, now=now)


def lock_account(*, session: Session, staff_id: str, now: datetime) -> StaffAccount | None:
    """The account row, locked for update (PostgreSQL) so two wrong passwords at once both count."""
    statement = select(StaffAccount).where(StaffAccount.staff_id == staff_id).with_for_update()
    account = session.exec(statement).first()
    if account is not None and account.locked_until is not None and account.locked_until <= now:
        account.locked_until = None  # the lock has run out: a fresh count starts
        account.failed_attempts = 0
    return account


def record_failure(*, session: Session, account: StaffAccount, limit: int, lock_until: datetime) -> bool:
    """Count a wrong password; at `limit` in a row the account locks until `lock_until`. True when it locked."""
    account.failed_attempts += 1
    locked = account.failed_attempts >= limit
    if locked:
        account.locked_until = lock_until
    session.add(account)
    return locked


def record_success(*, session: Session, account: StaffAccount, now: datetime) -> None:
    """A right password: the count of wrong ones starts again."""
    account.failed_attempts = 0
    account.locked_until = None
    account.last_sign_in_at = now
    session.add(account)


def open_session(
    *, session: Session, staff_id: str, token_hash: str, now: datetime, expires_at: datetime
) -> StaffSession:
    """Record a signed-in browser."""
    row = StaffSession(token_hash=token_hash, staff_id=staff_id, created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def live_session(*, session: Session, token_hash: str, now: datetime) -> StaffSession | None:
    """The session with this token, unless it has ended or expired."""
    statement = select(StaffSession).where(
        StaffSession.token_hash == token_hash,
        col(StaffSession.ended_at).is_(None),
        col(StaffSession.expires_at) > now,
    )
    return session.exec(statement).first()


def end_session(*, session: Session, token_hash: str, now: datetime) -> None:
    """Sign one browser out."""
    session.execute(
        update(StaffSession)
        .where(col(StaffSession.token_hash) == token_hash, col(StaffSession.ended_at).is_(None))
        .values(ended_at=now)
    )


def end_sessions(*, session: Session, staff_id: str, now: datetime) -> None:
    """Sign every browser of this staff member out (a new password)."""
    session.execute(
        update(StaffSession)
        .where(col(StaffSession.staff_id) == staff_id, col(StaffSession.ended_at).is_(None))
        .values(ended_at=now)
    )


def audit(*, session: Session, staff_id: str, action: str, target: str = "", detail: str = "", now: datetime) -> None:
    """Write one line of the audit log (in the caller's transaction, beside the action itself)."""
    session.add(StaffAudit(at=now, staff_id=staff_id, action=action, target=target[:64], detail=detail))


def audit_log(*, session: Session, limit: int = 100, staff_id: str | None = None) -> list[StaffAudit]:
    """The latest audit lines, newest first."""
    statement = select(StaffAudit)
    if staff_id is not None:
        statement = statement.where(StaffAudit.staff_id == staff_id)
    return list(session.exec(statement.order_by(col(StaffAudit.id).desc()).limit(limit)))
