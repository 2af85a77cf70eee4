"""What a turn reads first: the user's row, locked; then their dialogue state and open ticket in one statement.

A turn on PostgreSQL costs a network round trip per statement, so the reads every turn makes are two: the
lock (users.lock_user: two turns of one user run one after the other in any number of processes), then their
`dialogue_state` row (outer join: there is none until a turn changes it) with the id of their open hand-off
ticket. The read must come after the lock, in a statement of its own: a statement that waited for the lock
still sees the other rows as they were when it started (PostgreSQL's READ COMMITTED re-reads only the locked
row), and would miss what the turn before it just wrote.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from storage import users
from storage.db import core
from storage.dialogue_state import State
from storage.models import DialogueState, Ticket, User, table

_users, _states, _tickets = table(User), table(DialogueState), table(Ticket)
_OPEN_TICKET = (
    select(_tickets.c.id)
    .where(_tickets.c.user_id == _users.c.id, _tickets.c.status == "open")
    .order_by(_tickets.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_READ_STATE = (
    select(*(column for column in _states.c if column.name != "user_id"), _OPEN_TICKET.label("open_ticket"))
    .select_from(_users.outerjoin(_states, _states.c.user_id == _users.c.id))
    .where(_users.c.id == bindparam("user_id"))
)


def open_turn(*, session: Session, channel: str, external_id: str, now: datetime) -> State:
    """The user's state for this turn, their row locked until the transaction ends; the user is created on
    first contact."""
    user_id = users.lock_user(session=session, channel=channel, external_id=external_id, now=now)
    return read_state(session=session, user_id=user_id, now=now)


def read_state(*, session: Session, user_id: int, now: datetime) -> State:
    """The user's dialogue state and open ticket, without a lock: for a turn after `open_turn`'s lock, or for
    a view that only reads (a reloaded chat page's "您正在填写…")."""
    row = core(session).execute(_READ_STATE, {"user_id": user_id}).one()
    if row.updated_at is None:  # no dialogue_state row yet
        return State.fresh(user_id, now, open_ticket=row.open_ticket)
    return State.stored(
        user_id=user_id,
        form=row.form,
        slots=row.slots,
        expires_at=row.expires_at,
        last_entry=row.last_entry,
        misses=row.misses,
        updated_at=row.updated_at,
        open_ticket=row.open_ticket,
    )
