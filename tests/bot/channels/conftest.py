"""Channel fixtures: the stand-in platform APIs on loopback and services with each channel switched on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Services
from bot.config import TelegramSettings, WechatSettings
from tests.support import wechat_wire as wire
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi, FakeWechatApi
from tests.support.live_server import LiveServer
from tests.support.services import with_settings

SECRET = "webhook-secret_1"


@pytest.fixture
def wechat_api() -> Iterator[tuple[FakeWechatApi, str]]:
    api = FakeWechatApi()
    with LiveServer(api.app) as server:
        yield api, f"{server.url}/cgi-bin/"


@pytest.fixture
def wechat_services(services: Services, wechat_api: tuple[FakeWechatApi, str]) -> Services:
    """明文模式: no AES key."""
    settings = WechatSettings(
        token=wire.TOKEN, appid=wire.APPID, secret=wire.SECRET, api_base_url=wechat_api[1]
    )
    return with_settings(services, wechat=settings)


@pytest.fixture
def safe_services(services: Services, wechat_api: tuple[FakeWechatApi, str]) -> Services:
    """安全模式: an AES key is configured, so only encrypted messages are taken."""
    settings = WechatSettings(
        token=wire.TOKEN, appid=wire.APPID, secret=wire.SECRET, aes_key=wire.AES_KEY, api_base_url=wechat_api[1]
    )
    return with_settings(services, wechat=settings)


@pytest.fixture
def bot_api() -> Iterator[tuple[FakeBotApi, str]]:
    api = FakeBotApi()
    with LiveServer(api.app) as server:
        yield api, api.base_url(server.url)


@pytest.fixture
def telegram_services(services: Services, bot_api: tuple[FakeBotApi, str]) -> Services:
    settings = TelegramSettings(
        token=BOT_TOKEN, secret=SECRET, webhook_url="https://bot.example.org/telegram", base_url=bot_api[1]
    )
    return with_settings(services, telegram=settings)
