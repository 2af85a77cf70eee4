"""Telegram: the /telegram webhook (secret token checked, update_id dedup), long polling, sendMessage.

python-telegram-bot is used as a typed client and parser only (Bot, Update.de_json); dialogue state is ours.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import warnings
from collections.abc import Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import (
    BadPayload,
    Delivery,
    OutboxRow,
    SignatureError,
    button_lines,
    cut,
    parse_json,
    storable,
)
from bot.config import TelegramSettings
from bot.runtime import Runtime
from intents import Inbound, IntentId, Reply

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_LIMIT = 64  # bytes of callback_data Telegram accepts
CALLBACK_ID_LIMIT = 64  # a callback query id is a short number as text; a longer one is not Telegram's
LABEL_PREFIX = "="  # callback_data that carries a label (the payload was too long), sent back as text
ALLOWED_UPDATES = ["message", "callback_query"]
_COMMANDS = {"start": "subscribe", "help": "menu", "menu": "menu"}
_PRE_SEND = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def chat_of(message: object) -> str | None:
    """The chat id of a message as text, or None when the message has no chat with an integer id."""
    chat = getattr(message, "chat", None)
    chat_id = getattr(chat, "id", None)
    return str(chat_id) if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None


def to_inbound(update: Update, now: datetime) -> Inbound | None:
    """The pipeline's Inbound for one update, or None when there is nothing to answer (stickers, edits …).

    The dedup key is the update_id. /start is a follow (welcome + menu); /help and /menu ask for the menu;
    a tapped inline button comes back as its payload with the button's label as text. Fields of the wrong
    type (a text that is a number, a chat without an id, callback data longer than Telegram allows) make an
    update with nothing to answer, never an error.
    """
    message_id = str(update.update_id)
    query = update.callback_query
    if query is not None:
        chat = chat_of(query.message)
        data = query.data
        if chat is None or not isinstance(data, str) or len(data.encode(errors="replace")) > CALLBACK_LIMIT:
            return None
        data = storable(data)
        if data.startswith(LABEL_PREFIX):
            return Inbound("telegram", chat, cut(data[len(LABEL_PREFIX) :]), message_id, now)
        return Inbound("telegram", chat, _label_of(query.message, data), message_id, now, "button", data)
    message = update.message
    chat = chat_of(message)
    if message is None or chat is None or not isinstance(message.text, str):
        return None
    text = message.text.strip()
    if text.startswith("/"):
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        kind = _COMMANDS.get(command)
        if kind == "subscribe":
            return Inbound("telegram", chat, "", message_id, now, "subscribe")
        if kind == "menu":
            return Inbound("telegram", chat, "", message_id, now, "menu")
    return Inbound("telegram", chat, cut(text), message_id, now)


def _label_of(message: object, data: str) -> str:
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return cut(str(button.text))
    return ""


def to_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard, one per row; None without buttons.

    A payload longer than Telegram's 64 bytes goes as the label, which comes back as text.
    """
    if not reply.buttons:
        return None
    rows = []
    for button in reply.buttons:
        data = button.payload
        if len(data.encode()) > CALLBACK_LIMIT:
            data = (LABEL_PREFIX + button.label).encode()[:CALLBACK_LIMIT].decode(errors="ignore")
        rows.append([InlineKeyboardButton(button.label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def delivery_of(error: TelegramError) -> Delivery:
    """How the sender treats a Bot API error.

    Flood control (429) → retry after what Telegram said. Blocked by the user, unknown chat (403, 400) →
    dead: final refusals. Everything else — network errors, time-outs, 5xx, a bad token while it is being
    fixed — is retried with back-off up to outbox.max_attempts. A time-out after the request left may have
    delivered the message (sendMessage has no idempotency key): we would rather a worker read a reply twice
    than never.
    """
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = error.retry_after
        seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
        return Delivery("retry", retry_after=seconds, detail="flood control")
    if isinstance(error, Forbidden | BadRequest):
        return Delivery("dead", detail=f"{type(error).__name__}: {error.message}")
    if isinstance(error, TimedOut | NetworkError) and isinstance(error.__cause__, _PRE_SEND):
        return Delivery("retry", detail=f"{type(error).__name__}: not sent")
    return Delivery("retry", detail=f"{type(error).__name__}: {error.message}"[:200])


class TelegramChannel:
    """The Telegram bot: webhook route, long polling for development, delivery with flood control."""

    name: ClassVar[str] = "telegram"
    push: ClassVar[bool] = True
    min_interval: ClassVar[float] = 1 / 25  # below Telegram's ~30 messages/s for a bot

    def __init__(self, runtime: Runtime, settings: TelegramSettings) -> None:
        self.runtime = runtime
        self.settings = settings
        base_url = settings.base_url or "https://api.telegram.org/bot"
        self.bot = Bot(
            settings.token,
            base_url=base_url,
            request=HTTPXRequest(connection_pool_size=32, pool_timeout=5.0),
            get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=40.0),
        )
        self._background: set[asyncio.Task[None]] = set()

    def routes(self) -> Sequence[BaseRoute]:
        """POST /telegram."""
        return [Route("/telegram", self.webhook, methods=["POST"])]

    async def start(self) -> None:
        """Initialise the client; register the webhook when one is configured."""
        # Telegram being unreachable at start must not keep the other channels down: log it and go on.
        try:
            await self.bot.initialize()
            if self.settings.webhook_url:
                await self.bot.set_webhook(
                    self.settings.webhook_url,
                    secret_token=self.settings.secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
                log.info("telegram webhook set")
        except TelegramError as error:
            log.error("telegram start failed: %s: %s", type(error).__name__, error.message)

    async def stop(self) -> None:
        """Close the client."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await self.bot.shutdown()

    async def webhook(self, request: Request) -> Response:
        """One update from Telegram: check the secret token, answer, acknowledge."""
        started = time.perf_counter()
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.secret.encode()):
            raise SignatureError("bad secret token")
        data = parse_json(await request.body())
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise BadPayload("not a Telegram update")
        try:
            update = Update.de_json(data, self.bot)
        except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as error:
            # Acknowledged all the same: a 4xx would make Telegram deliver this update again, forever.
            log.warning("unreadable telegram update %s dropped: %s", data["update_id"], type(error).__name__)
            return JSONResponse({"ok": True})
        await self.handle(update, started)
        return JSONResponse({"ok": True})

    async def handle(self, update: Update, started: float | None = None) -> None:
        """Answer one update, from the webhook or from long polling; a repeated update_id is answered once."""
        services = self.runtime.services
        inbound = to_inbound(update, services.clock.now())
        query = update.callback_query
        if query is not None and isinstance(query.id, str) and len(query.id) <= CALLBACK_ID_LIMIT:
            self._spawn(self._ack_button(query.id))
        if inbound is None:
            chat = chat_of(update.message)
            if chat is not None:
                text = services.kb.reply("telegram_unsupported")
                await self._answer(
                    chat,
                    f"u{update.update_id}",
                    Reply(text, IntentId.OUT_OF_SCOPE, 0.0, answered=False),
                )
            return
        processed = await self.runtime.turn(inbound, started)
        if processed.reply.text:
            await self._answer(inbound.user_id, inbound.message_id, processed.reply)

    async def _answer(self, chat: str, key: str, reply: Reply) -> None:
        # The answer is claimed first, so a retried update (or a second process) never sends it twice. It is
        # marked sent only once Telegram confirms; if sending fails the sender retries the row, and if this
        # process dies first the sender of any process takes the claimed row up after outbox.claim_seconds.
        text = button_lines(reply, self.runtime.services.kb)
        row_id = await self.runtime.claim_answer(
            channel=self.name, recipient=chat, message_id=key, text=text, confirm=True
        )
        if row_id is None:
            return
        try:
            await self.bot.send_message(chat_id=chat, text=reply.text, reply_markup=to_markup(reply))
            await self.runtime.answer_sent(row_id)
        except TelegramError as error:
            delivery = delivery_of(error)
            log.warning("telegram reply not sent now (%s): %s", delivery.status, delivery.detail)
            # Always to the sender, even a final refusal: it alone gives rows up, counts them and alerts staff.
            await self.runtime.answer_not_sent(
                row_id, retry=True, retry_after=delivery.retry_after, error=delivery.detail
            )
            self.runtime.wake_sender()

    async def _ack_button(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as error:  # only the spinner on the worker's button is at stake
            log.info("answerCallbackQuery failed: %s", error.message)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def send(self, item: OutboxRow) -> Delivery:
        """Deliver one outbox row with sendMessage."""
        try:
            await self.bot.send_message(chat_id=item.recipient, text=item.text)
        except TelegramError as error:
            return delivery_of(error)
        return Delivery("sent")

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling for development: no webhook, updates fetched with getUpdates until `stop` is set."""
        await self.bot.delete_webhook()
        offset: int | None = None
        while not stop.is_set():
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=25, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as error:
                await asyncio.sleep(delivery_of(error).retry_after or 1.0)
                continue
            except (TimedOut, NetworkError) as error:
                log.warning("getUpdates failed: %s", error.message)
                await asyncio.sleep(2.0)
                continue
            for update in updates:
                await self.handle(update)
                offset = update.update_id + 1
