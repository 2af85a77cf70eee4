"""WeChat official account: /wechat (signature on every request; plaintext, compatible and safe modes).

Passive reply within the budget (4 s); a dialogue not done by then is answered "success" and its reply goes
through the customer-service API from the outbox. A retried message (same MsgId, or FromUserName +
CreateTime for events) is stored and answered once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import struct
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar
from xml.etree.ElementTree import ParseError

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import BaseEvent
from wechatpy.exceptions import InvalidSignatureException, WeChatClientException, WeChatException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot import pipeline
from bot.channels.base import BadPayload, Delivery, OutboxRow, SignatureError, button_lines, cut, payload_of
from bot.channels.wechat_token import SharedTokenClient
from bot.config import WechatSettings
from bot.pipeline import Processed
from bot.runtime import Runtime
from bot.token_store import DatabaseTokenStorage
from intents import Inbound, IntentId, Reply
from knowledge import KnowledgeBase

log = logging.getLogger(__name__)

SUCCESS = "success"  # tells WeChat "received, no passive reply" and stops its retries
WINDOW_CLOSED = {45015, 45047}  # 48-hour window over / reply quota used: wait for the worker's next message
GONE = {40003, 43004, 43019}  # unknown openid, unfollowed, blocked: never deliverable
_EVENT_KINDS = {"subscribe": "subscribe", "subscribe_scan": "subscribe", "unsubscribe": "unsubscribe"}


def safe_xml(body: bytes | str) -> None:
    """Refuse XML with a DTD or entities (XXE, billion laughs) before any other parser sees it.

    Raises:
        BadPayload: the body is not well-formed XML, or declares a DTD or entities.
    """
    try:
        safe_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as error:
        raise BadPayload(f"unsafe or malformed XML: {type(error).__name__}") from error


def message_key(msg: BaseMessage) -> str:
    """The dedup key: MsgId for messages; FromUserName + CreateTime for events (they have no MsgId).

    The event's type is added, so a menu click in the second of the follow is not taken for its retry.
    """
    if isinstance(msg, BaseEvent) or not msg.id:
        created = int(msg.time.timestamp()) if isinstance(msg.time, datetime) else msg.time
        return f"evt-{msg.source}-{created}-{str(getattr(msg, 'event', msg.type)).lower()}"[:128]
    return f"msg-{msg.id}"


def to_inbound(msg: BaseMessage, now: datetime) -> Inbound | None:
    """The pipeline's Inbound for one WeChat message or event; None when there is nothing to answer.

    Text; voice by its speech Recognition (None without it); follow, unfollow and menu clicks as typed kinds.

    Raises:
        ValueError: no sender, or a CreateTime or MsgId that is not a number (WeChat never sends such).
    """
    if not isinstance(msg.source, str) or not msg.source or not isinstance(msg.time, int | datetime):
        raise ValueError("a WeChat message names its sender and its time")
    key, user = message_key(msg), msg.source
    if msg.type == "text":
        return Inbound("wechat", user, cut(str(msg.content or "")), key, now)
    if msg.type == "voice":
        recognised = cut(str(msg.recognition or ""))
        return Inbound("wechat", user, recognised, key, now) if recognised else None
    if msg.type == "event":
        event = str(getattr(msg, "event", "")).lower()
        if event in _EVENT_KINDS:
            return Inbound(
                "wechat", user, "", key, now, "subscribe" if event != "unsubscribe" else "unsubscribe"
            )
        if event == "click":
            return Inbound("wechat", user, "", key, now, "menu", payload_of(str(msg.key or "")))
    return None


def render(reply: Reply, msg: BaseMessage, kb: KnowledgeBase) -> str:
    """The passive reply XML; "success" when there is nothing to say. Buttons become lines to send back."""
    text = button_lines(reply, kb) if reply.text else ""
    if not text:
        return SUCCESS
    rendered: str = TextReply(message=msg, content=text).render()
    return rendered


def delivery_of(error: Exception) -> Delivery:
    """How the sender treats a customer-service API failure: 45015/45047 → hold until the worker writes (never
    a blind retry); unfollowed or unknown user → dead; network errors, time-outs, 5xx, other errcodes → retry
    with back-off up to outbox.max_attempts."""
    if isinstance(error, WeChatClientException) and error.errcode is not None:
        code = int(error.errcode)
        if code in WINDOW_CLOSED:
            return Delivery("hold", detail=f"errcode {code}: wait for the worker's next message")
        if code in GONE:
            return Delivery("dead", detail=f"errcode {code}")
        return Delivery("retry", detail=f"errcode {code}")
    if isinstance(error, requests.ConnectionError | requests.ConnectTimeout):
        return Delivery("retry", detail=f"{type(error).__name__}: not sent")
    # A read time-out may have delivered the message; retried all the same (twice is better than never).
    return Delivery("retry", detail=type(error).__name__)


class WechatChannel:
    """The official account's server side."""

    name: ClassVar[str] = "wechat"
    push: ClassVar[bool] = True
    min_interval: ClassVar[float] = 0.0

    def __init__(self, runtime: Runtime, settings: WechatSettings, *, passive_seconds: float) -> None:
        self.runtime = runtime
        self.settings = settings
        self.passive_seconds = passive_seconds
        self.crypto = (
            WeChatCrypto(settings.token, settings.aes_key, settings.appid) if settings.aes_key else None
        )
        services = runtime.services
        self.client = SharedTokenClient(
            settings.appid,
            settings.secret,
            storage=DatabaseTokenStorage(services.engine, services.clock),
            api_base_url=settings.api_base_url,
        )
        self._late: set[asyncio.Future[tuple[Processed, bool]]] = set()
        self.wall: Callable[[], float] = time.time  # real time for the timestamp window (tests may move it)

    def routes(self) -> Sequence[BaseRoute]:
        """GET (URL verification) and POST (messages) on /wechat."""
        return [
            Route("/wechat", self.verify, methods=["GET"]),
            Route("/wechat", self.receive, methods=["POST"]),
        ]

    async def start(self) -> None:
        """Nothing to open: the token is fetched when first needed."""

    async def stop(self) -> None:
        """Wait for late answers still running, so none is lost on shutdown."""
        if self._late:
            await asyncio.gather(*self._late, return_exceptions=True)

    def _check(self, request: Request) -> None:
        """The query's `signature` (token, timestamp, nonce) and its timestamp within the window."""
        query = request.query_params
        timestamp = query.get("timestamp", "")
        try:
            check_signature(self.settings.token, query.get("signature", ""), timestamp, query.get("nonce", ""))
        except InvalidSignatureException as error:
            raise SignatureError("bad signature") from error
        if not timestamp.isdigit() or abs(self.wall() - int(timestamp)) > self.settings.timestamp_window_seconds:
            raise SignatureError("timestamp outside the window")

    async def verify(self, request: Request) -> Response:
        """URL verification: echo `echostr` when the signature is right."""
        self._check(request)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    async def receive(self, request: Request) -> Response:
        """One message or event: answer passively in time, otherwise "success" and the outbox.

        Refused (403): a bad signature, a timestamp outside the window, a plaintext request while an AES key
        is configured, a known nonce and signature with another body (a replay). The same request again with
        the same body is WeChat retrying: it goes on and the message's own dedup answers it.
        """
        started = time.perf_counter()
        self._check(request)
        query = request.query_params
        body = await request.body()
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        if self.crypto is not None and not encrypted:
            raise SignatureError("plaintext message while an AES key is configured")
        if encrypted and self.crypto is None:
            raise BadPayload("encrypted message but no aes_key configured")
        safe_xml(body)
        signed = self._signed(query, body)
        if self.crypto is not None:
            try:
                body = self.crypto.decrypt_message(
                    body, query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")
                ).encode()
            except InvalidSignatureException as error:
                raise SignatureError("bad msg_signature") from error
            except (WeChatException, LookupError, ValueError, TypeError, UnicodeError, struct.error) as error:
                raise BadPayload("cannot decrypt") from error
            safe_xml(body)
        try:
            msg = parse_message(body)
            inbound = to_inbound(msg, self.runtime.services.clock.now()) if msg is not None else None
        except (LookupError, ValueError, TypeError, AttributeError, OverflowError) as error:
            raise BadPayload("not a WeChat message") from error
        if msg is None:
            raise BadPayload("empty message")
        if inbound is None:  # nothing to answer: the replay store alone (else in the turn's transaction)
            await self.runtime.run_sync(self._not_replayed, signed)
        xml = await self._answer(msg, inbound, started, signed)
        if xml != SUCCESS and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, query.get("nonce", ""), query.get("timestamp") or None)
        return Response(xml, media_type="application/xml" if xml != SUCCESS else "text/plain")

    def _signed(self, query: Mapping[str, str], body: bytes) -> pipeline.SignedRequest:
        """The request's nonce, timestamp and signature as the shared replay store keeps them."""
        parts = (query.get("timestamp", ""), query.get("nonce", ""), query.get("signature", ""))
        return pipeline.SignedRequest(
            key="wechat:" + hashlib.sha256("|".join(parts).encode()).hexdigest(),
            body_sha256=hashlib.sha256(body).hexdigest(),
            keep=timedelta(seconds=2 * self.settings.timestamp_window_seconds),
        )

    def _not_replayed(self, signed: pipeline.SignedRequest) -> None:
        """Record a request without a turn in the shared replay store; refuse a replay."""
        if pipeline.remember_request(self.runtime.services, signed) == "replay":
            raise SignatureError("nonce and signature already used with another body")

    async def _answer(
        self, msg: BaseMessage, inbound: Inbound | None, started: float, signed: pipeline.SignedRequest
    ) -> str:
        services = self.runtime.services
        if inbound is None:
            if isinstance(msg, BaseEvent):
                return SUCCESS
            unsupported = Reply(
                services.kb.reply("wechat_unsupported"), IntentId.OUT_OF_SCOPE, 0.0, answered=False
            )
            return render(unsupported, msg, services.kb)
        decision = _Decision()
        task = asyncio.ensure_future(self._stored_turn(inbound, decision, signed))
        budget = self.passive_seconds - (time.perf_counter() - started)
        try:
            processed, answer_here = await asyncio.wait_for(asyncio.shield(task), timeout=max(budget, 0.0))
        except TimeoutError:
            if decision.settle("late") == "late":
                # The turn goes on in its thread and queues its reply for the 客服 API; wake the sender then.
                self._late.add(task)
                task.add_done_callback(self._late_done)
                return SUCCESS
            processed, answer_here = await task  # it had just decided to answer here: only the hop was slow
        self.runtime.metrics.observe(self.name, processed.reply, time.perf_counter() - started)
        if processed.queued:
            self.runtime.wake_sender()
        return render(processed.reply, msg, services.kb) if answer_here else SUCCESS

    async def _stored_turn(
        self, inbound: Inbound, decision: _Decision, signed: pipeline.SignedRequest
    ) -> tuple[Processed, bool]:
        """The turn (with its replay check, in the turn's own transaction), tried again while the database
        cannot store it: WeChat has been (or will be) told "success" and will not send the message again, so
        giving up would lose it. Bounded, logged, counted. A replay found on any attempt is refused
        (SignatureError); a failed attempt stored nothing, its nonce included."""
        server = self.runtime.services.settings.server
        delay = server.store_retry_seconds
        retries = self.runtime.metrics.turn_retries
        for attempt in range(1, server.store_attempts + 1):
            try:
                result = await self.runtime.run_sync(self._turn, inbound, decision, signed)
            except SQLAlchemyError as error:
                decision.settle("late")  # from here the answer goes by the 客服 API, whenever it is stored
                if attempt == server.store_attempts:
                    retries.labels(self.name, "gave_up").inc()
                    log.error("wechat message %s not stored after %d attempts: %s", inbound.message_id, attempt, error)
                    raise
                retries.labels(self.name, "retry").inc()
                log.warning(
                    "wechat message %s not stored (attempt %d: %s); trying again in %.0f s",
                    inbound.message_id,
                    attempt,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            if attempt > 1:
                retries.labels(self.name, "stored").inc()
                log.warning("wechat message %s stored at attempt %d", inbound.message_id, attempt)
            return result
        raise AssertionError("unreachable: store_attempts >= 1")

    def _turn(
        self, inbound: Inbound, decision: _Decision, signed: pipeline.SignedRequest
    ) -> tuple[Processed, bool]:
        """In a worker thread: the turn, with the claim on its one answer (passive here, or late by the 客服 API)
        in the turn's own transaction.

        Every path claims the answer under one key, so of the first request and WeChat's retries (in this
        process or another) exactly one answers; the others say "success".
        """
        kb = self.runtime.services.kb
        claim = pipeline.AnswerClaim(
            text=lambda reply: button_lines(reply, kb), late=lambda: decision.settle("passive") != "passive"
        )
        try:
            processed = pipeline.process(self.runtime.services, inbound, claim, signed)
        except pipeline.Replayed as error:
            raise SignatureError(str(error)) from error
        return processed, processed.answer_here

    def _late_done(self, task: asyncio.Future[tuple[Processed, bool]]) -> None:
        self._late.discard(task)
        if task.cancelled() or task.exception() is not None:
            log.error(
                "late WeChat turn failed: %s", None if task.cancelled() else type(task.exception()).__name__
            )
            return
        self.runtime.wake_sender()

    async def send(self, item: OutboxRow) -> Delivery:
        """Deliver one row through the customer-service message API (in a thread: wechatpy is synchronous).

        A staff member outside the 48-hour window gets a template message instead, when a template is set.
        """
        try:
            await run_in_threadpool(self.client.message.send_text, item.recipient, item.text)
        except (WeChatException, requests.RequestException) as error:
            delivery = delivery_of(error)
            template = self._template_for(item)
            if delivery.status != "hold" or template is None:
                return delivery
            try:
                await run_in_threadpool(self._send_template, item, template)
            except (WeChatException, requests.RequestException) as template_error:
                return delivery_of(template_error)
        return Delivery("sent")

    def _template_for(self, item: OutboxRow) -> str | None:
        if not item.staff:
            return None
        reminder = item.reason.startswith("routine")
        chosen = self.settings.reminder_template_id if reminder else self.settings.alert_template_id
        return chosen or None

    def _send_template(self, item: OutboxRow, template_id: str) -> None:
        """The row as a template message: first line as the title, the rest as the text, the time it went out."""
        settings, limit = self.settings, self.settings.template_field_chars
        first, _, rest = item.text.strip().partition("\n")
        values = {
            "title": first,
            "text": rest.replace("\n", " ") or first,
            "time": self.runtime.services.clock.now().strftime("%Y-%m-%d %H:%M"),
        }
        data = {
            field: {"value": values[name][:limit]} for name, field in settings.template_fields.items() if name in values
        }
        self.client.message.send_template(item.recipient, template_id, data, url=settings.template_url or None)


class _Decision:
    """Who answers a turn, decided once between the request (on time: passive) and the timer (late: 客服 API)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: str | None = None

    def settle(self, value: str) -> str:
        """Propose `value`; returns what was decided (the first proposal wins)."""
        with self._lock:
            if self._value is None:
                self._value = value
            return self._value
