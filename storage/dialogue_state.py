"""Dialogue state per user: the active form, its slots and expiry, pending choices, the last topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from storage.models import DialogueState, table


def load_state(*, session: Session, user_id: int, now: datetime) -> DialogueState:
    """The user's state (a fresh one when none is stored). An expired form is not cleared here:
    the caller sees `expires_at` in the past and can tell the worker."""
    state = session.get(DialogueState, user_id)
    if state is None:
        state = DialogueState(user_id=user_id, slots={}, updated_at=now)
    return state


def snapshot(state: DialogueState) -> tuple[Any, ...]:
    """What a turn may change in the state, to tell afterwards whether it needs writing."""
    return (state.form, dict(state.slots), state.expires_at, state.last_entry, state.misses)


def save_state(*, session: Session, state: DialogueState, now: datetime) -> None:
    """Store the state in the caller's transaction."""
    state.updated_at = now
    session.add(state)


def start_form(
    *,
    session: Session,
    state: DialogueState,
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


def clear_form(*, session: Session, state: DialogueState, now: datetime) -> None:
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
