"""Every malformed input an attacker or a broken client sent in the trust probe: a 4xx or a polite reply, never
a 500, and the server answers the next honest message as before. Over loopback HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.app import Services
from bot.channels.telegram import SECRET_HEADER
from bot.config import TelegramSettings, WechatSettings
from bot.server import create_app
from tests.bot.channels.conftest import SECRET
from tests.support import wechat_wire as wire
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi, FakeWechatApi
from tests.support.live_server import LiveServer
from tests.support.services import with_settings

DEEP = b"[" * 10_000 + b"]" * 10_000  # 20 KB: under the body limit, far over the JSON parser's depth

WEB_BODIES: dict[str, bytes] = {
    "kind is a list": json.dumps({"text": "你好", "kind": ["text"]}).encode(),
    "lone surrogate": b'{"text": "\\ud800\\u4f60\\u597d"}',
    "nested 10,000 deep": DEEP,
    "object nested 8,000 deep": b'{"a":' * 8_000 + b"1" + b"}" * 8_000,
    "huge event id": json.dumps(
        {"text": "报名", "kind": "button", "payload": "event:signup:99999999999999999999"}
    ).encode(),
    "unicode digits as event id": json.dumps(
        {"text": "报名", "kind": "button", "payload": "event:signup:²³"}
    ).encode(),
    "NUL in text": b'{"text": "\\u0000\\u52a0\\u73ed\\u8d39\\u600e\\u4e48\\u7b97"}',
    "NUL in payload": b'{"text": "x", "kind": "button", "payload": "faq:\\u0000"}',
    "not UTF-8": b'{"text": "\xff\xfe"}',
}


@pytest.mark.parametrize("name", list(WEB_BODIES))
def test_web_chat_refuses_or_answers_politely(any_services: Services, name: str) -> None:
    with LiveServer(create_app(any_services)) as server, httpx.Client(base_url=server.url) as client:
        response = client.post(
            "/api/chat", content=WEB_BODIES[name], headers={"content-type": "application/json"}
        )
        after = client.post("/api/chat", json={"text": "加班费怎么算"})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["reply"]  # a polite answer, not an error page
    else:
        assert response.json() == {"error": "BadPayload"}
    assert after.status_code == 200 and "加班" in after.json()["reply"]


def _message(update_id: int, **fields: Any) -> dict[str, Any]:
    message = {"message_id": update_id, "date": 1764036000, "chat": {"id": 5001, "type": "private"}}
    message.update(fields)
    return {"update_id": update_id, "message": {k: v for k, v in message.items() if v is not None}}


TELEGRAM_UPDATES: dict[str, dict[str, Any]] = {
    "message is a string": {"update_id": 101, "message": "hello"},
    "message without chat": _message(102, chat=None, text="你好"),
    "chat id is text": _message(103, chat={"id": "abc", "type": "private"}, text="你好"),
    "text is a number": _message(104, text=5),
    "text is an object": _message(105, text={"a": 1}),
    "date is text": _message(106, date="x", text="你好"),
    "text with NUL": _message(107, text="\u0000加班费"),
    "huge callback id and data": {
        "update_id": 108,
        "callback_query": {
            "id": "9" * 10_000,
            "chat_instance": "ci",
            "from": {"id": 5001, "is_bot": False, "first_name": "W"},
            "data": "event:signup:" + "9" * 5000,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 5001, "type": "private"}},
        },
    },
}


@pytest.mark.parametrize("name", list(TELEGRAM_UPDATES))
def test_telegram_acknowledges_an_unreadable_update_so_it_is_not_redelivered(
    any_services: Services, name: str
) -> None:
    api = FakeBotApi()
    with LiveServer(api.app) as bot_server:
        settings = TelegramSettings(token=BOT_TOKEN, secret=SECRET, base_url=api.base_url(bot_server.url))
        services = with_settings(any_services, telegram=settings)
        with LiveServer(create_app(services)) as server:
            headers = {SECRET_HEADER: SECRET}
            response = httpx.post(
                f"{server.url}/telegram", json=TELEGRAM_UPDATES[name], headers=headers, timeout=15
            )
            after = httpx.post(
                f"{server.url}/telegram",
                json=_message(200, text="加班费怎么算"),
                headers=headers,
                timeout=15,
            )
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert after.status_code == 200
    assert any("加班" in text for text in api.texts("5001"))


def _xml(msg_id: str = "123", create_time: str = "1764036000") -> str:
    return (
        f"<xml><ToUserName>{wire.ACCOUNT}</ToUserName><FromUserName>o-bad</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


@pytest.mark.parametrize(
    "signed",
    [
        pytest.param(lambda: wire.encrypted(_xml(msg_id="abc")), id="MsgId abc"),
        pytest.param(lambda: wire.encrypted(_xml(create_time="abc")), id="CreateTime abc"),
        pytest.param(lambda: wire.encrypted("", cipher="not-a-ciphertext"), id="Encrypt not base64"),
        pytest.param(lambda: wire.encrypted("", cipher="aGVsbG8="), id="Encrypt too short"),
        pytest.param(lambda: wire.encrypted("", cipher="QUFB" * 11), id="Encrypt one block"),
        pytest.param(lambda: wire.encrypted("", cipher=""), id="Encrypt empty"),
        pytest.param(lambda: wire.encrypted("<xml><MsgType>text</MsgType></xml>"), id="no sender"),
    ],
)
def test_wechat_refuses_a_malformed_message_with_400(any_services: Services, signed: Any) -> None:
    api = FakeWechatApi()
    with LiveServer(api.app) as api_server:
        settings = WechatSettings(
            token=wire.TOKEN,
            appid=wire.APPID,
            secret=wire.SECRET,
            aes_key=wire.AES_KEY,
            api_base_url=f"{api_server.url}/cgi-bin/",
        )
        services = with_settings(any_services, wechat=settings)
        with LiveServer(create_app(services)) as server:
            request = signed()
            response = httpx.post(f"{server.url}/wechat?{request.query}", content=request.body, timeout=15)
            honest = wire.encrypted(wire.text_xml("o-bad", "加班费怎么算"))
            after = httpx.post(f"{server.url}/wechat?{honest.query}", content=honest.body, timeout=15)
    assert response.status_code == 400, response.text
    assert after.status_code == 200 and "加班" in wire.decrypt_reply(after.text)
