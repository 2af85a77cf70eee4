"""Writing a turn's (or a command's) OutboxItems as outbox rows, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from intents.turn import OutboxItem
from storage import outbox


def write(*, session: Session, items: Iterable[OutboxItem | None], now: datetime) -> None:
    """One outbox row per item (None items are skipped); the outbox sender delivers them later."""
    for item in items:
        if item is None:
            continue
        outbox.enqueue(
            session=session,
            channel=item.channel,
            recipient=item.user_id,
            text=item.text,
            reason=item.reason,
            now=now,
            not_before=item.not_before,
        )
