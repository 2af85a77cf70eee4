"""Forged buttons and menu keys on every database: an id too big for SQL, a WeChat menu key far longer than any
we issue. Each is answered politely; none makes the turn fail (PostgreSQL refused both before)."""

from __future__ import annotations

import httpx
import pytest
import xmltodict

from bot.app import Services
from bot.config import WechatSettings
from bot.server import create_app
from storage import tickets
from tests.support import wechat_wire as wire
from tests.support.conversation import Conversation
from tests.support.fake_bot_api import FakeWechatApi
from tests.support.live_server import LiveServer
from tests.support.services import with_settings

HUGE = "9" * 25


@pytest.mark.parametrize(
    "payload", [f"appt:book:{HUGE}", f"appt:cancel:{HUGE}", f"appt:move:1:{HUGE}", f"event:signup:{HUGE}"]
)
def test_a_forged_button_with_a_huge_id_is_answered_politely(any_services: Services, payload: str) -> None:
    reply = Conversation(any_services, "forger").press("", payload)
    assert reply.text and "出了点问题" not in reply.text


def test_a_ticket_number_too_big_for_sql_is_no_ticket() -> None:
    assert tickets.parse_number(f"T-{HUGE}") is None
    assert tickets.parse_number("T-007") == 7


def test_a_wechat_menu_key_longer_than_any_we_issue_is_answered(
    any_services: Services, wechat_api: tuple[FakeWechatApi, str]
) -> None:
    settings = WechatSettings(token=wire.TOKEN, appid=wire.APPID, secret=wire.SECRET, api_base_url=wechat_api[1])
    services = with_settings(any_services, wechat=settings)
    signed = wire.plaintext(wire.event_xml("o-forger", "CLICK", key="menu:" + "x" * 5000))
    with LiveServer(create_app(services)) as server:
        response = httpx.post(f"{server.url}/wechat?{signed.query}", content=signed.body, timeout=15)
    assert response.status_code == 200
    assert xmltodict.parse(response.text)["xml"]["Content"]  # a passive answer, not "success" after a failure
