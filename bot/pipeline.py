"""The one path for every channel: record the inbound message (dedup) → dialogue → reply log + outbox, one transaction.

Besides the turn, the pipeline offers the adapters the little they need of the outbox, so that no adapter opens
a transaction: claiming the one answer to a message (`claim_answer`), putting an answer that could not be sent
back to the sender (`answer_not_sent`), and the rows waiting for a visitor without push (`waiting_for`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from bot.app import Services
from bot.errors import BotError
from intents import Button, Inbound, IntentId, Reply, TurnContext, handle, payloads
from intents.context import render
from intents.forms import FORMS, describe_active
from intents.outbox import write as write_outbox
from storage import dialogue_state, messages, nonces, outbox, session_scope, users
from storage.models import ReplyLog, User
from storage.turn import open_turn, read_state

log = logging.getLogger(__name__)

MAX_STORED_CHARS = 4000


def _stored_reply(row: ReplyLog) -> Reply:
    buttons = tuple(Button(item["label"], item["payload"]) for item in row.buttons)
    return Reply(row.text, IntentId(row.intent), row.confidence, buttons, row.answered)


@dataclass(frozen=True, slots=True)
class Processed:
    """A turn's reply, whether this call answered it (False: a retry got the stored reply), and, with an
    AnswerClaim, whether this call holds the one answer and gives it in its own response."""

    reply: Reply
    is_new: bool
    answer_here: bool = False
    queued: int = 0  # outbox rows the turn added: the caller rings its sender


@dataclass(frozen=True, slots=True)
class AnswerClaim:
    """For an adapter that answers in its own HTTP response (WeChat's passive reply): claim the one answer
    to the message in the turn's own transaction, so a turn is one commit and WeChat's retries of the
    message, in this process or another, find it answered.

    `text` is the answer as the platform shows it; `late()` is asked just before the claim: True when the
    adapter's deadline passed and the answer must go through the sender (the customer-service API).
    """

    text: Callable[[Reply], str]
    late: Callable[[], bool]


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A signed platform request to record in the shared replay store (storage.nonces) in the turn's own
    transaction: one commit for the request and its turn, instead of one each."""

    key: str
    body_sha256: str
    keep: timedelta


class Replayed(BotError):
    """The signed request was seen before with another body: refused, and nothing of it was stored."""


def process(
    services: Services,
    inbound: Inbound,
    answer: AnswerClaim | None = None,
    request: SignedRequest | None = None,
) -> Processed:
    """Handle one inbound message exactly once and return the reply the user sees.

    The inbound row, the dialogue state, the reply log and the outbox rows (and, with `answer`, the claim
    on the one answer) are written in one transaction under the user's lock. A retry of a message already
    answered gets the stored reply and changes nothing. A failure inside the dialogue rolls the turn back,
    then stores the message with a polite apology.

    Raises:
        Replayed: `request` is a replay (the turn did not run).
    """
    try:
        return _turn(services, inbound, answer, request)
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
        return _turn(services, inbound, answer, request, fixed_reply=apology)


def _as_typed_button(session: Session, inbound: Inbound, recorded: messages.Recorded) -> Inbound:
    """A short text that is the label of a button on the user's last reply is that button's tap.

    WeChat shows buttons as lines to send back; the worker who types "排候补" means the button.
    """
    if inbound.kind != "text" or len(inbound.text) > payloads.TYPED_LABEL_MAX:
        return inbound
    buttons = messages.last_buttons(session=session, user_id=recorded.user_id, before_id=recorded.id)
    payload = payloads.typed_button(inbound.text, buttons)
    return inbound if payload is None else replace(inbound, kind="button", payload=payload)


def _turn(
    services: Services,
    inbound: Inbound,
    answer: AnswerClaim | None,
    request: SignedRequest | None,
    fixed_reply: Reply | None = None,
) -> Processed:
    now = inbound.received_at
    with session_scope(services.engine) as session:
        if request is not None and _remember(session, services, request) == "replay":
            raise Replayed("nonce and signature already used with another body")
        # The user's row locked for the turn; their dialogue state and open ticket (two statements).
        state = open_turn(session=session, channel=inbound.channel, external_id=inbound.user_id, now=now)
        recorded = messages.record_inbound(
            session=session,
            channel=inbound.channel,
            message_id=inbound.message_id,
            user_id=state.user_id,
            text=inbound.text[:MAX_STORED_CHARS],
            kind=inbound.kind,
            payload=inbound.payload,
            received_at=now,
        )
        if not recorded.is_new:
            stored = messages.reply_for(session=session, inbound=recorded)
            if stored is not None:
                reply = _stored_reply(stored)
                return Processed(reply, False, _claim(services, session, inbound, reply, answer))
        queued = 0
        if fixed_reply is not None:
            reply = fixed_reply
        else:
            inbound = _as_typed_button(session, inbound, recorded)
            turn = handle(_context(services, session, inbound, state, now))
            if dialogue_state.changed(state):
                dialogue_state.save_state(session=session, state=state, now=now)
            queued = write_outbox(session=session, items=turn.outbox, now=now)
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
        answer_here = _claim(services, session, inbound, reply, answer)
    return Processed(reply, True, answer_here, queued)


def _claim(
    services: Services, session: Session, inbound: Inbound, reply: Reply, answer: AnswerClaim | None
) -> bool:
    """Claim the one answer in the turn's transaction (see AnswerClaim); True when this call gives it."""
    if answer is None:
        return False
    late = answer.late()
    claimed = _answer_row(
        session,
        services,
        channel=inbound.channel,
        recipient=inbound.user_id,
        message_id=inbound.message_id,
        text=answer.text(reply) if reply.text else "",
        late=late,
    )
    return not late and claimed is not None


def _answer_row(
    session: Session,
    services: Services,
    *,
    channel: str,
    recipient: str,
    message_id: str,
    text: str,
    late: bool,
    confirm: bool = False,
) -> int | None:
    return outbox.record_answer(
        session=session,
        channel=channel,
        recipient=recipient,
        text=text,
        reason="late_reply" if late else "reply",
        dedup_key=f"{channel}:{message_id}",
        now=services.clock.now(),
        status="pending" if late and text else "sending" if confirm and text else "sent",
        claim_seconds=services.settings.outbox.claim_seconds,
    )


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
    with session_scope(services.engine) as session:
        return _answer_row(
            session,
            services,
            channel=channel,
            recipient=recipient,
            message_id=message_id,
            text=text,
            late=late,
            confirm=confirm,
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


def _context(
    services: Services, session: Session, inbound: Inbound, state: dialogue_state.State, now: datetime
) -> TurnContext:
    """The dialogue's context for one turn (or one look at the user's state), on one knowledge build."""
    kb, matcher = services.knowledge.current()  # one build for the whole turn, even mid-reload
    return TurnContext(
        session=session,
        kb=kb,
        matcher=matcher,
        policy=services.policy,
        inbound=inbound,
        user_pk=state.user_id,
        state=state,
        now=now,
    )


def _active_form(services: Services, session: Session, user: User, now: datetime) -> str | None:
    """The active form described as a turn would describe it, read without locking the user's row."""
    assert user.id is not None
    state = read_state(session=session, user_id=user.id, now=now)
    if state.form is None:
        return None
    view = Inbound(user.channel, user.external_id, "", f"view:{now.timestamp()}", now, "menu")
    return describe_active(_context(services, session, view, state, now), FORMS)


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


def remember_request(services: Services, request: SignedRequest) -> nonces.Seen:
    """Record a signed platform request in the replay store every process shares (see storage.nonces), for a
    request without a turn (an event with nothing to answer)."""
    with session_scope(services.engine) as session:
        return _remember(session, services, request)


def _remember(session: Session, services: Services, request: SignedRequest) -> nonces.Seen:
    return nonces.remember(
        session=session,
        key=request.key,
        body_sha256=request.body_sha256,
        now=services.clock.now(),
        keep=request.keep,
    )
