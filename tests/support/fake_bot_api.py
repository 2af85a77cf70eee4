"""Loopback stand-ins for the platforms' APIs: a Telegram Bot API server and WeChat's token + 客服 API.

Both record what they receive and can be told to refuse (Telegram 429 with retry_after, WeChat 45015), to fail
with HTTP 500 for a while (`fail_for(seconds)`), or to hang (`hanging = True`: requests wait until it is False).
A refused connection is a stopped server or a closed port.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_TOKEN = "123456:TEST-token"


async def _params(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body:
        return dict(request.query_params)
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(body))
    params: dict[str, Any] = {}
    for key, text in parse_qsl(body.decode(), keep_blank_values=True):
        try:
            params[key] = json.loads(text)
        except ValueError:
            params[key] = text
    return params


class FakeBotApi:
    """A Bot API server: getMe, setWebhook, deleteWebhook, getUpdates, sendMessage, answerCallbackQuery."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.sent: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.webhook: dict[str, Any] = {}
        self.updates: list[dict[str, Any]] = []
        self.flood: list[int] = []  # retry_after values to answer the next sendMessage calls with
        self.blocked: set[str] = set()  # chat ids that blocked the bot (403)
        self.failing_until = 0.0  # monotonic time until which sendMessage answers HTTP 500
        self.hanging = False  # sendMessage waits while this is True
        self.failures = 0  # sendMessage calls answered 500
        self.lock = threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self.handle, methods=["GET", "POST"])])

    def base_url(self, server_url: str) -> str:
        """What TelegramSettings.base_url should be."""
        return f"{server_url}/bot"

    def fail_for(self, seconds: float) -> None:
        """Answer sendMessage with HTTP 500 for the next `seconds`."""
        self.failing_until = time.monotonic() + seconds

    def texts(self, chat: str | None = None) -> list[str]:
        """Texts sent with sendMessage, optionally to one chat."""
        with self.lock:
            return [str(m["text"]) for m in self.sent if chat is None or str(m["chat_id"]) == chat]

    async def handle(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        method = request.path_params["method"]
        params = await _params(request)
        with self.lock:
            self.calls.append(method)
        if method == "getMe":
            return _ok(
                {"id": 123456, "is_bot": True, "first_name": "娘家人", "username": "unionbot_test_bot"}
            )
        if method == "setWebhook":
            self.webhook = params
            return _ok(True)
        if method in ("deleteWebhook", "answerCallbackQuery"):
            return _ok(True)
        if method == "getUpdates":
            with self.lock:
                updates, self.updates = self.updates, []
            return _ok(updates)
        if method == "sendMessage":
            while self.hanging:  # noqa: ASYNC110 - set from the test thread, not this loop
                await asyncio.sleep(0.05)
            if time.monotonic() < self.failing_until:
                with self.lock:
                    self.failures += 1
                return JSONResponse(
                    {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status_code=500
                )
            with self.lock:
                if self.flood:
                    retry_after = self.flood.pop(0)
                    return JSONResponse(
                        {
                            "ok": False,
                            "error_code": 429,
                            "description": f"Too Many Requests: retry after {retry_after}",
                            "parameters": {"retry_after": retry_after},
                        },
                        status_code=429,
                    )
                if str(params.get("chat_id")) in self.blocked:
                    return JSONResponse(
                        {
                            "ok": False,
                            "error_code": 403,
                            "description": "Forbidden: bot was blocked by the user",
                        },
                        status_code=403,
                    )
                self.sent.append(params)
                number = len(self.sent)
            chat = {"id": int(params["chat_id"]), "type": "private"}
            return _ok({"message_id": number, "date": 0, "chat": chat, "text": params.get("text", "")})
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)


def _ok(result: Any) -> Response:
    return JSONResponse({"ok": True, "result": result})


class FakeWechatApi:
    """WeChat's /cgi-bin/token and /cgi-bin/message/custom/send."""

    def __init__(self) -> None:
        self.token_fetches = 0
        self.sent: list[dict[str, Any]] = []
        self.window_closed: set[str] = set()  # openids whose 48-hour window is over (45015)
        self.lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/cgi-bin/token", self.token, methods=["GET"]),
                Route("/cgi-bin/message/custom/send", self.custom_send, methods=["POST"]),
                Route("/cgi-bin/message/template/send", self.template_send, methods=["POST"]),
            ]
        )
        self.templates: list[dict[str, Any]] = []

    async def token(self, request: Request) -> Response:  # noqa: ARG002
        with self.lock:
            self.token_fetches += 1
            number = self.token_fetches
        return JSONResponse({"access_token": f"ACCESS-{number}", "expires_in": 7200})

    async def custom_send(self, request: Request) -> Response:
        data = json.loads(await request.body())
        with self.lock:
            if data["touser"] in self.window_closed:
                return JSONResponse(
                    {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
                )
            self.sent.append({"access_token": request.query_params.get("access_token"), **data})
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    async def template_send(self, request: Request) -> Response:
        data = json.loads(await request.body())
        with self.lock:
            self.templates.append(data)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": len(self.templates)})

    def texts(self, openid: str | None = None) -> list[str]:
        """Texts sent through the 客服 API, optionally to one user."""
        with self.lock:
            return [str(m["text"]["content"]) for m in self.sent if openid is None or m["touser"] == openid]
