"""Web chat: the page at / and /api/chat (JSON), a signed cookie identifying the visitor; no push (rows wait for a
turn)."""

from __future__ import annotations

import html
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, cast

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot import visitor as visitors
from bot.channels.base import BadPayload, Delivery, OutboxRow, cut, parse_json, storable
from bot.pipeline import ConversationView
from bot.runtime import Runtime
from intents import Inbound, Reply
from intents.turn import InboundKind
from knowledge import KnowledgeBase

PAGE = Path(__file__).resolve().parent.parent / "static" / "chat.html"
COOKIE = visitors.COOKIE
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_KINDS: dict[str, InboundKind] = {
    "text": "text",
    "button": "button",
    "subscribe": "subscribe",
    "menu": "menu",
}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One POST to /api/chat, validated."""

    text: str
    kind: InboundKind
    payload: str | None
    client_id: str | None


def parse_request(data: object) -> ChatRequest:
    """Validate the JSON body: {"text", "kind"?, "payload"?, "id"?}.

    Raises:
        BadPayload: not an object, or a field of the wrong type or form.
    """
    if not isinstance(data, dict):
        raise BadPayload("expected a JSON object")
    body = cast(dict[str, Any], data)
    text, kind, payload, client_id = (
        body.get("text", ""),
        body.get("kind", "text"),
        body.get("payload"),
        body.get("id"),
    )
    if not isinstance(text, str) or not isinstance(kind, str) or kind not in _KINDS:
        raise BadPayload("text must be a string and kind one of text, button, subscribe, menu")
    if payload is not None and (not isinstance(payload, str) or len(payload) > 256):
        raise BadPayload("payload must be a string of at most 256 characters")
    if client_id is not None and (not isinstance(client_id, str) or not _CLIENT_ID.match(client_id)):
        raise BadPayload("id must be 1-40 characters A-Z, a-z, 0-9, _ and -")
    return ChatRequest(cut(text), _KINDS[kind], storable(payload) if payload else payload, client_id)


def to_inbound(request: ChatRequest, visitor: str, now: Any) -> Inbound:
    """The pipeline's Inbound for one web message; the page's own id makes a resent message a retry."""
    message_id = f"{visitor}:{request.client_id or secrets.token_hex(8)}"
    return Inbound("web", visitor, request.text, message_id, now, request.kind, request.payload)


def render(reply: Reply, notices: Sequence[str] = (), active: str | None = None) -> dict[str, object]:
    """The JSON the page shows: the reply, its buttons, messages that waited for this visitor, and the form
    they are filling in ("您正在填写…", or null)."""
    return {
        "reply": reply.text,
        "intent": reply.intent.value,
        "buttons": [{"label": button.label, "payload": button.payload} for button in reply.buttons],
        "notices": list(notices),
        "active": active,
    }


def render_history(view: ConversationView) -> dict[str, object]:
    """The JSON of a reloaded page: the visitor's conversation (own messages and the bot's replies; only the
    last reply keeps its buttons) and the form they are filling in."""
    return {
        "messages": [
            {
                "from": "me" if line.direction == "in" else "bot",
                "text": line.text,
                "buttons": [{"label": label, "payload": payload} for label, payload in line.buttons],
            }
            for line in view.lines
        ],
        "active": view.active_form,
    }


def render_page(template: str, kb: KnowledgeBase) -> str:
    """The chat page with its {{key}} placeholders filled from replies/*.toml (HTML-escaped)."""
    return _PLACEHOLDER.sub(lambda match: html.escape(kb.reply(match.group(1))), template)


class WebChannel:
    """The newcomer's channel: a page and a JSON endpoint on the same server."""

    name: ClassVar[str] = "web"
    push: ClassVar[bool] = False

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._page = render_page(PAGE.read_text(encoding="utf-8"), runtime.services.kb)
        self.cookies = visitors.VisitorCookies.for_services(runtime.services)

    def visitor_of(self, request: Request) -> str | None:
        """The verified visitor id of a request to this server (None: no cookie we issued)."""
        return self.cookies.visitor_of(request)

    def routes(self) -> Sequence[BaseRoute]:
        """/ (the page) and /api/chat."""
        return [
            Route("/", self.page, methods=["GET"]),
            Route("/api/chat", self.chat, methods=["POST"]),
            Route("/api/history", self.history, methods=["GET"]),
        ]

    async def start(self) -> None:
        """Nothing to open."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def send(self, item: OutboxRow) -> Delivery:  # noqa: ARG002
        """Never called: the sender does not claim web rows; they are shown on the visitor's next turn."""
        return Delivery("hold", detail="web rows wait for the visitor's next message")

    async def page(self, request: Request) -> Response:  # noqa: ARG002
        """The chat page."""
        return HTMLResponse(self._page, headers={"Cache-Control": "no-cache"})

    async def chat(self, request: Request) -> Response:
        """Answer one message from the page."""
        started = time.perf_counter()
        chat_request = parse_request(parse_json(await request.body()))
        known = self.visitor_of(request)
        visitor = known or visitors.new_visitor()
        services = self.runtime.services
        inbound = to_inbound(chat_request, visitor, services.clock.now())
        processed = await self.runtime.turn(inbound, started)
        notices = await self.runtime.waiting_for(channel=self.name, recipient=visitor)
        active = await self.runtime.active_form(channel=self.name, user_id=visitor)
        response = JSONResponse(render(processed.reply, notices, active))
        if known is None:
            self.cookies.issue(response, visitor, secure=request.url.scheme == "https")
        return response

    async def history(self, request: Request) -> Response:
        """The conversation so far of the visitor this server issued the cookie to; nothing for anyone else.

        Only a verified cookie names a visitor, so a forged or foreign id gets an empty history.
        """
        visitor = self.visitor_of(request)
        if visitor is None:
            return JSONResponse({"messages": [], "active": None}, headers={"Cache-Control": "no-store"})
        view = await self.runtime.conversation(channel=self.name, user_id=visitor)
        return JSONResponse(render_history(view), headers={"Cache-Control": "no-store"})
