"""The one path for every channel: record the inbound message (dedup) → dialogue → reply log + outbox, one transaction.

Besides the turn, the pipeline offers the adapters the little they need of the outbox, so that no adapter opens
a transaction: claiming the one answer to a message (`claim_answer`), putting an answer that could not be sent
back to the sender (`answer_not_sent`), and the rows waiting for a visitor without push (`waiting_for`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from bot.app import Services
from intents import Button, Inbound, IntentId, Reply, TurnContext, handle, payloads
from intents.context import render
from intents.forms import FORMS, describe_active
from intents.outbox import write as write_outbox
from storage import dialogue_state, messages, nonces, outbox, session_scope, users
from storage.models import ReplyLog, User

log = logging.getLogger(__name__)

MAX_STORED_CHARS = 4000


def _stored_reply(row: ReplyLog) -> Reply:
    buttons = tuple(Button(item["label"], item["payload"]) for item in row.buttons)
    return Reply(row.text, IntentId(row.intent), row.confidence, buttons, row.answered)


@dataclass(frozen=True, slots=True)
class Processed:
    """A turn's reply, and whether this call answered it (False: a retry got the stored reply)."""

    reply: Reply
    is_new: bool


def process(services: Services, inbound: Inbound) -> Processed:
    """Handle one inbound message exactly once and return the reply the user sees.

    The inbound row, the dialogue state, the reply log and the outbox rows are written in one transaction
    under the user's lock. A retry of a message already answered gets the stored reply and changes nothing.
    A failure inside the dialogue rolls the turn back, then stores the message with a polite apology.
    """
    try:
        return _turn(services, inbound)
    except OperationalError:
        # The database is locked or unreachable: nothing was stored. The caller tries again (WeChat's late path)
        # or refuses with 503 so the platform sends the message again; an apology now would be the only answer.
        raise
    except (SQLAlchemyError, LookupError, ValueError, TypeError, AttributeError) as error:
        # A bug or a database hiccup in one turn must not lose the message or show a traceback.
        log.exception("turn failed for %s/%s: %s", inbound.channel, inbound.user_id, type(error).__name__)
        apology = Reply(
            render(services.kb.reply("internal_error"), services.policy.facts),
            IntentId.OUT_OF_SCOPE,
            0.0,
            answered=False,
        )
        return _turn(services, inbound, fixed_reply=apology)


def _as_typed_button(session: Session, inbound: Inbound, recorded: messages.Recorded) -> Inbound:
    """A short text that is the label of a button on the user's last reply is that button's tap.

    WeChat shows buttons as lines to send back; the worker who types "排候补" means the button.
    """
    if inbound.kind != "text" or len(inbound.text) > payloads.TYPED_LABEL_MAX:
        return inbound
    buttons = messages.last_buttons(session=session, user_id=recorded.user_id, before_id=recorded.id)
    payload = payloads.typed_button(inbound.text, buttons)
    return inbound if payload is None else replace(inbound, kind="button", payload=payload)


def _turn(services: Services, inbound: Inbound, fixed_reply: Reply | None = None) -> Processed:
    now = inbound.received_at
    with session_scope(services.engine) as session:
        user = users.get_or_create_user(
            session=session, channel=inbound.channel, external_id=inbound.user_id, now=now
        )
        recorded = messages.record_inbound(
            session=session,
            channel=inbound.channel,
            message_id=inbound.message_id,
            user=user,
            text=inbound.text[:MAX_STORED_CHARS],
            kind=inbound.kind,
            payload=inbound.payload,
            received_at=now,
        )
        if not recorded.is_new:
            stored = messages.reply_for(session=session, inbound=recorded)
            if stored is not None:
                return Processed(_stored_reply(stored), is_new=False)
        if fixed_reply is not None:
            reply = fixed_reply
        else:
            inbound = _as_typed_button(session, inbound, recorded)
            state = dialogue_state.load_state(session=session, user_id=recorded.user_id, now=now)
            kb, matcher = services.knowledge.current()  # one build for the whole turn, even mid-reload
            ctx = TurnContext(
                session=session,
                kb=kb,
                matcher=matcher,
                policy=services.policy,
                inbound=inbound,
                user=user,
                state=state,
                now=now,
            )
            before = dialogue_state.snapshot(state)
            turn = handle(ctx)
            if dialogue_state.snapshot(state) != before:
                dialogue_state.save_state(session=session, state=state, now=now)
            write_outbox(session=session, items=turn.outbox, now=now)
            reply = turn.reply
        messages.record_reply(
            session=session,
            inbound=recorded,
            text=reply.text,
            buttons=[{"label": button.label, "payload": button.payload} for button in reply.buttons],
            intent=reply.intent.value,
            confidence=reply.confidence,
            answered=reply.answered,
            now=services.clock.now(),
        )
    return Processed(reply, is_new=True)


def claim_answer(
    services: Services,
    *,
    channel: str,
    recipient: str,
    message_id: str,
    text: str,
    late: bool = False,
    confirm: bool = False,
) -> int | None:
    """Claim the one answer to the inbound message `message_id`: a row for the first caller only.

    Not `late`: the adapter gives the answer itself (WeChat's passive reply), recorded as sent so a retry or a
    second process never sends it again. `confirm`: the adapter sends it right away (Telegram's sendMessage)
    and reports with `answer_sent` / `answer_not_sent`; until then the row is claimed ("sending"), so if the
    process dies in between the sender takes it up after `outbox.claim_seconds`. `late`: the answer is queued
    for the sender (WeChat's customer-service API after the 4 s budget); with no text it is recorded as
    answered, nothing to send.

    Returns:
        The new row's id, or None when another path already answered this message.
    """
    status = "pending" if late and text else "sending" if confirm and text else "sent"
    with session_scope(services.engine) as session:
        return outbox.record_answer(
            session=session,
            channel=channel,
            recipient=recipient,
            text=text,
            reason="late_reply" if late else "reply",
            dedup_key=f"{channel}:{message_id}",
            now=services.clock.now(),
            status=status,
            claim_seconds=services.settings.outbox.claim_seconds,
        )


def answer_sent(services: Services, row_id: int) -> None:
    """The platform confirmed an answer claimed with `confirm`: it is sent."""
    with session_scope(services.engine) as session:
        outbox.mark_sent(session=session, row_id=row_id, now=services.clock.now())


def answer_not_sent(
    services: Services, row_id: int, *, retry: bool, retry_after: float | None, error: str
) -> None:
    """An answer claimed with `claim_answer` did not leave: the sender retries it (after `retry_after`
    seconds when the platform said so), or, when it may have been delivered or never can be, gives it up."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if retry:
            not_before = now + timedelta(seconds=retry_after or 0)
            outbox.mark_retry(session=session, row_id=row_id, not_before=not_before, error=error)
        else:
            outbox.mark_dead(session=session, row_id=row_id, error=error)


def waiting_for(services: Services, *, channel: str, recipient: str) -> list[str]:
    """The texts of the rows waiting for one recipient of a channel without push, marked shown."""
    with session_scope(services.engine) as session:
        rows = outbox.take_for_recipient(
            session=session, channel=channel, recipient=recipient, now=services.clock.now()
        )
        return [row.text for row in rows]


@dataclass(frozen=True, slots=True)
class ConversationView:
    """What a reloaded chat page shows: the visitor's own conversation and the form they are filling in."""

    lines: list[messages.HistoryLine]
    active_form: str | None  # "您正在填写欠薪调解登记。…" with the question waiting, or None


def _active_form(services: Services, session: Session, user: User, now: datetime) -> str | None:
    state = dialogue_state.load_state(session=session, user_id=user.id or 0, now=now)
    if state.form is None:
        return None
    kb, matcher = services.knowledge.current()
    view = Inbound(user.channel, user.external_id, "", f"view:{now.timestamp()}", now, "menu")
    ctx = TurnContext(
        session=session, kb=kb, matcher=matcher, policy=services.policy, inbound=view, user=user, state=state, now=now
    )
    return describe_active(ctx, FORMS)


def active_form(services: Services, *, channel: str, user_id: str) -> str | None:
    """"您正在填写…" for the form the user is filling in, or None."""
    with session_scope(services.engine) as session:
        user = users.find_user(session=session, channel=channel, external_id=user_id)
        return _active_form(services, session, user, services.clock.now()) if user is not None else None


def conversation(services: Services, *, channel: str, user_id: str, limit: int = 60) -> ConversationView:
    """The conversation of one user of a channel (theirs only), oldest first, and their active form.

    Only the last reply's buttons are offered again: an older message's buttons were answered already.
    """
    with session_scope(services.engine) as session:
        user = users.find_user(session=session, channel=channel, external_id=user_id)
        if user is None:
            return ConversationView([], None)
        lines = [line for line in messages.history(session=session, user=user, limit=limit) if line.text]
        for index, line in enumerate(lines[:-1]):
            if line.buttons:
                lines[index] = replace(line, buttons=())
        return ConversationView(lines, _active_form(services, session, user, services.clock.now()))


def remember_request(services: Services, *, key: str, body_sha256: str, keep: timedelta) -> nonces.Seen:
    """Record a signed platform request in the replay store every process shares (see storage.nonces)."""
    with session_scope(services.engine) as session:
        return nonces.remember(
            session=session, key=key, body_sha256=body_sha256, now=services.clock.now(), keep=keep
        )
