from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.app import Services
from bot.channels import Runtime
from bot.channels.telegram import SECRET_HEADER, TelegramChannel, delivery_of, to_inbound, to_markup
from bot.metrics import Metrics
from bot.server import create_app
from intents import Button, IntentId, Reply
from tests.bot.channels.conftest import SECRET
from tests.support.clock import SHANGHAI
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi
from tests.support.live_server import LiveServer

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
BOT = Bot(BOT_TOKEN)


def message_update(update_id: int, text: str, chat: int = 5001) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1764036000,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "W"},
            "text": text,
        },
    }


def button_update(update_id: int, data: str, label: str, chat: int = 5001) -> dict[str, Any]:
    keyboard = {"inline_keyboard": [[{"text": label, "callback_data": data}]]}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "chat_instance": "ci",
            "from": {"id": chat, "is_bot": False, "first_name": "W"},
            "data": data,
            "message": {
                "message_id": 1,
                "date": 1764036000,
                "chat": {"id": chat, "type": "private"},
                "text": "menu",
                "reply_markup": keyboard,
            },
        },
    }


# --- pure functions ---------------------------------------------------------------------------------------


def test_messages_commands_and_buttons_become_inbound_messages() -> None:
    text = to_inbound(Update.de_json(message_update(10, "加班费怎么算"), BOT), NOW)
    assert text is not None and (text.user_id, text.message_id, text.text, text.kind) == (
        "5001",
        "10",
        "加班费怎么算",
        "text",
    )
    start = to_inbound(Update.de_json(message_update(11, "/start"), BOT), NOW)
    assert start is not None and start.kind == "subscribe"
    menu = to_inbound(Update.de_json(message_update(12, "/help@unionbot_test_bot"), BOT), NOW)
    assert menu is not None and menu.kind == "menu" and menu.payload is None
    tap = to_inbound(Update.de_json(button_update(13, "menu:怎么加入工会", "入会"), BOT), NOW)
    assert tap is not None and (tap.kind, tap.payload, tap.text) == ("button", "menu:怎么加入工会", "入会")
    sticker = message_update(14, "x")
    del sticker["message"]["text"]
    assert to_inbound(Update.de_json(sticker, BOT), NOW) is None


def test_buttons_become_an_inline_keyboard_and_long_payloads_come_back_as_labels() -> None:
    reply = Reply(
        "选", IntentId.HELP, 1.0, (Button("入会", "menu:怎么加入工会"), Button("长", "faq:" + "x" * 80))
    )
    markup = to_markup(reply)
    assert markup is not None
    rows = markup.inline_keyboard
    assert rows[0][0].text == "入会" and rows[0][0].callback_data == "menu:怎么加入工会"
    assert rows[1][0].callback_data == "=长"
    long_tap = to_inbound(Update.de_json(button_update(15, "=长", "长"), BOT), NOW)
    assert long_tap is not None and (long_tap.kind, long_tap.text) == ("text", "长")
    assert to_markup(Reply("x", IntentId.HELP, 1.0)) is None


def test_flood_control_retries_after_what_telegram_said_and_a_block_is_final() -> None:
    flood = delivery_of(RetryAfter(7))
    assert (flood.status, flood.retry_after) == ("retry", 7.0)
    assert delivery_of(Forbidden("bot was blocked by the user")).status == "dead"
    assert delivery_of(BadRequest("chat not found")).status == "dead"


# --- over loopback HTTP, with a stand-in Bot API server ---------------------------------------------------


def _hook(url: str, update: dict[str, Any], secret: str = SECRET) -> httpx.Response:
    return httpx.post(f"{url}/telegram", json=update, headers={SECRET_HEADER: secret}, timeout=15)


def test_the_webhook_is_registered_with_the_secret_at_start(
    telegram_services: Services, bot_api: tuple[FakeBotApi, str]
) -> None:
    api, _ = bot_api
    with LiveServer(create_app(telegram_services)):
        pass
    assert api.webhook["url"] == "https://bot.example.org/telegram"
    assert api.webhook["secret_token"] == SECRET


def test_a_wrong_secret_token_gets_403(telegram_services: Services, bot_api: tuple[FakeBotApi, str]) -> None:
    api, _ = bot_api
    with LiveServer(create_app(telegram_services)) as server:
        wrong = _hook(server.url, message_update(20, "你好"), secret="guess")
        missing = httpx.post(f"{server.url}/telegram", json=message_update(21, "你好"))
    assert wrong.status_code == 403 and missing.status_code == 403
    assert api.texts() == []


def test_an_update_is_answered_with_send_message_and_buttons(
    telegram_services: Services, bot_api: tuple[FakeBotApi, str]
) -> None:
    api, _ = bot_api
    with LiveServer(create_app(telegram_services)) as server:
        assert _hook(server.url, message_update(30, "/start")).status_code == 200
        assert _hook(server.url, message_update(31, "怎么加入工会")).status_code == 200
    welcome, answer = api.sent
    assert "欢迎" in welcome["text"]
    labels = [row[0]["text"] for row in welcome["reply_markup"]["inline_keyboard"]]
    assert "入会" in labels
    assert "工会" in answer["text"]


def test_a_repeated_update_id_is_answered_once(
    telegram_services: Services, bot_api: tuple[FakeBotApi, str]
) -> None:
    api, _ = bot_api
    with LiveServer(create_app(telegram_services)) as server:
        for _ in range(3):
            assert _hook(server.url, message_update(40, "加班费怎么算")).status_code == 200
    assert len(api.texts("5001")) == 1


def test_a_tapped_button_is_acknowledged_and_answered(
    telegram_services: Services, bot_api: tuple[FakeBotApi, str]
) -> None:
    api, _ = bot_api
    with LiveServer(create_app(telegram_services)) as server:
        _hook(server.url, button_update(50, "menu:怎么加入工会", "入会"))
        deadline = time.monotonic() + 5
        while "answerCallbackQuery" not in api.calls and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "answerCallbackQuery" in api.calls
    assert "工会" in api.texts("5001")[0]


def test_flood_control_on_the_reply_is_retried_by_the_sender(
    telegram_services: Services, bot_api: tuple[FakeBotApi, str]
) -> None:
    api, _ = bot_api
    api.flood = [1]
    with LiveServer(create_app(telegram_services)) as server:
        _hook(server.url, message_update(60, "加班费怎么算"))
        assert api.texts() == []
        telegram_services.clock.advance(seconds=2)  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while not api.texts() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(api.texts("5001")) == 1 and "加班" in api.texts("5001")[0]


def test_long_polling_answers_updates(telegram_services: Services, bot_api: tuple[FakeBotApi, str]) -> None:
    api, _ = bot_api
    api.updates = [message_update(70, "/menu"), message_update(71, "怎么加入工会")]

    async def run() -> None:
        channel = TelegramChannel(Runtime(telegram_services, Metrics()), telegram_services.settings.telegram)
        await channel.bot.initialize()
        stop = asyncio.Event()
        polling = asyncio.ensure_future(channel.poll(stop))
        for _ in range(100):
            if len(api.sent) >= 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(polling, 30)
        await channel.stop()

    asyncio.run(run())
    assert "deleteWebhook" in api.calls
    assert len(api.sent) == 2 and "工会" in api.sent[1]["text"]
