"""Dialogue state per user: the active form, its slots and expiry, pending choices, the last topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from storage.db import core, dialect_name, upsert_statement
from storage.models import DialogueState, table

_states = table(DialogueState)
_COLUMNS = tuple(_states.c.keys())


@dataclass(slots=True)
class State:
    """One user's row of `dialogue_state`, as a turn reads and changes it.

    A plain object, not tracked by the ORM: it is read with one statement (storage/turn.py) and written with
    one upsert, only when the turn changed it (`changed`). `open_ticket` is read with it and never written
    here: the id of the user's open hand-off ticket when the turn began.
    """

    user_id: int
    updated_at: datetime
    form: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None
    last_entry: str | None = None
    misses: int = 0
    open_ticket: int | None = None
    _stored: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def fresh(cls, user_id: int, now: datetime, open_ticket: int | None = None) -> State:
        """The state of a user without a stored row (left as it is, it needs none)."""
        return cls.stored(user_id=user_id, updated_at=now, open_ticket=open_ticket)

    @classmethod
    def stored(cls, **values: Any) -> State:
        """The state as read from its row."""
        state = cls(**values)
        state._stored = state._snapshot()
        return state

    def _snapshot(self) -> tuple[Any, ...]:
        return (self.form, dict(self.slots), self.expires_at, self.last_entry, self.misses)


def changed(state: State) -> bool:
    """True when the state differs from what was loaded or last saved: the turn must write it."""
    return state._stored != state._snapshot()


def save_state(*, session: Session, state: State, now: datetime) -> None:
    """Store the state in the caller's transaction (one upsert)."""
    state.updated_at = now
    values = {column: getattr(state, column) for column in _COLUMNS}
    core(session).execute(upsert_statement(dialect_name(session), DialogueState, "user_id"), values)
    state._stored = state._snapshot()


def start_form(
    *,
    session: Session,
    state: State,
    form: str,
    slots: dict[str, Any],
    expires_at: datetime,
    now: datetime,
) -> None:
    """Make `form` the user's active form with these slots."""
    state.form = form
    state.slots = dict(slots)
    state.expires_at = expires_at
    save_state(session=session, state=state, now=now)


def clear_form(*, session: Session, state: State, now: datetime) -> None:
    """Leave the active form; nothing of it is kept."""
    state.form = None
    state.slots = {}
    state.expires_at = None
    save_state(session=session, state=state, now=now)


def expire_abandoned(*, session: Session, before: datetime, now: datetime) -> int:
    """Clear every form that expired before `before`, with the personal data in its slots; returns how many.

    Only forms abandoned well past their expiry are cleared: a worker who comes back just after expiry is
    still told that the form lapsed (dialogue.py sees `expires_at` in the past).
    """
    states = table(DialogueState)
    result = session.execute(
        update(states)
        .where(states.c.form.is_not(None), states.c.expires_at.is_not(None), states.c.expires_at < before)
        .values(form=None, slots={}, expires_at=None, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
