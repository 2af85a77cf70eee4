"""The one outbox writer: a turn's, a command's or a job's OutboxItems become rows in the caller's transaction.

Every message for someone else or for later goes through `write` — the pipeline (Turn.outbox), staff commands,
the scheduler's jobs —, so the rules of the outbox (a dedup key sends once, `not_before` delays) hold for all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from intents.turn import OutboxItem
from storage import notify, outbox


def write(*, session: Session, items: Iterable[OutboxItem | None], now: datetime) -> int:
    """One outbox row per item (None items are skipped); the sender delivers them later.

    Returns:
        How many rows were added: an item whose `dedup_key` is already in the outbox adds none.
    """
    added = 0
    for item in items:
        if item is None:
            continue
        added += outbox.enqueue(
            session=session,
            channel=item.channel,
            recipient=item.user_id,
            text=item.text,
            reason=item.reason,
            now=now,
            not_before=item.not_before,
            dedup_key=item.dedup_key,
            coalesce_key=item.coalesce_key,
        )
    if added:
        notify.announce(session=session)
    return added
