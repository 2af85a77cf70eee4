"""The message log: inbound messages stored before processing (dedup on (channel, message_id)) and replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert as core_insert
from sqlmodel import Session, col, select

from storage.db import core, insert_ignore
from storage.models import InboundMessage, ReplyLog, User, table

_INSERT_REPLY = core_insert(table(ReplyLog))  # built once: the values come as parameters


@dataclass(frozen=True, slots=True)
class Recorded:
    """The stored inbound row's id and whether this call stored it (False: a retry of a known message)."""

    id: int
    user_id: int
    is_new: bool


def record_inbound(
    *,
    session: Session,
    channel: str,
    message_id: str,
    user_id: int,
    text: str,
    kind: str,
    payload: str | None,
    received_at: datetime,
) -> Recorded:
    """Store an inbound message unless (channel, message_id) is already stored.

    Insert-first, so a retry that arrives while the first delivery is still being processed waits on the
    unique key (PostgreSQL) or the write lock (SQLite) and then finds the stored row instead of a gap.
    """
    values = {
        "channel": channel,
        "message_id": message_id,
        "user_id": user_id,
        "text": text,
        "kind": kind,
        "payload": payload,
        "received_at": received_at,
    }
    new_id = insert_ignore(session, InboundMessage, **values)
    if new_id is not None:
        return Recorded(id=new_id, user_id=user_id, is_new=True)
    statement = select(InboundMessage).where(
        InboundMessage.channel == channel, InboundMessage.message_id == message_id
    )
    message = session.exec(statement).one()
    assert message.id is not None
    return Recorded(id=message.id, user_id=message.user_id, is_new=False)


def record_reply(
    *,
    session: Session,
    inbound: Recorded,
    text: str,
    buttons: list[dict[str, str]],
    intent: str,
    confidence: float,
    answered: bool,
    now: datetime,
) -> None:
    """Store the reply given to one inbound message."""
    core(session).execute(
        _INSERT_REPLY,
        {
            "inbound_id": inbound.id,
            "user_id": inbound.user_id,
            "text": text,
            "buttons": buttons,
            "intent": intent,
            "confidence": confidence,
            "answered": answered,
            "created_at": now,
        },
    )


def last_buttons(*, session: Session, user_id: int, before_id: int) -> tuple[tuple[str, str], ...]:
    """(label, payload) of the buttons on the user's latest reply before inbound message `before_id`."""
    statement = (
        select(ReplyLog.buttons)
        .join(InboundMessage, col(ReplyLog.inbound_id) == col(InboundMessage.id))
        .where(InboundMessage.user_id == user_id, col(InboundMessage.id) < before_id)
        .order_by(col(InboundMessage.id).desc())
        .limit(1)
    )
    buttons = session.exec(statement).first() or []
    return tuple((str(item["label"]), str(item["payload"])) for item in buttons)


def reply_for(*, session: Session, inbound: Recorded) -> ReplyLog | None:
    """The reply already given to this inbound message (what a retry gets back), or None."""
    return session.exec(select(ReplyLog).where(ReplyLog.inbound_id == inbound.id)).first()


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One line of a conversation as staff read it."""

    direction: str  # "in" | "out"
    text: str
    intent: str | None
    confidence: float | None
    at: datetime
    buttons: tuple[tuple[str, str], ...] = ()  # (label, payload) of a reply's buttons


def history(*, session: Session, user: User, limit: int = 200) -> list[HistoryLine]:
    """The user's conversation, oldest first: each inbound message followed by its reply."""
    rows = session.exec(
        select(InboundMessage, ReplyLog)
        .join(ReplyLog, col(ReplyLog.inbound_id) == col(InboundMessage.id), isouter=True)
        .where(InboundMessage.user_id == user.id)
        .order_by(col(InboundMessage.received_at).desc(), col(InboundMessage.id).desc())
        .limit(limit)
    ).all()
    lines: list[HistoryLine] = []
    for inbound, reply in reversed(rows):
        lines.append(HistoryLine("in", inbound.text, None, None, inbound.received_at))
        if reply is not None:
            buttons = tuple((item["label"], item["payload"]) for item in reply.buttons)
            lines.append(
                HistoryLine("out", reply.text, reply.intent, reply.confidence, reply.created_at, buttons)
            )
    return lines


def last_words(*, session: Session, user: User, since: datetime, exclude_message_id: str) -> str:
    """The worker's latest typed message since `since` other than the current one ("" when none).

    A menu tap carries no words of its own: what the worker typed just before it is the story it is about.
    """
    statement = (
        select(InboundMessage.text)
        .where(
            InboundMessage.user_id == user.id,
            InboundMessage.kind == "text",
            InboundMessage.message_id != exclude_message_id,
            col(InboundMessage.received_at) >= since,
        )
        .order_by(col(InboundMessage.received_at).desc(), col(InboundMessage.id).desc())
        .limit(1)
    )
    return session.exec(statement).first() or ""
