"""WeChat authenticity as an attacker probes it: replayed and stale signed requests, plaintext while an AES key
is set, staff power from an unsigned body. Over loopback HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import httpx
import pytest
import xmltodict
from sqlmodel import select

from bot.app import Services, dialogue_policy
from bot.config import StaffMember, WechatSettings
from bot.server import create_app
from storage import session_scope
from storage.models import InboundMessage
from tests.intents.forms.test_wage_arrears import ANSWERS
from tests.support import wechat_wire as wire
from tests.support.conversation import Conversation
from tests.support.fake_bot_api import FakeWechatApi
from tests.support.live_server import LiveServer

STAFF_OPENID = "o-staff-wang"
WORKER_PHONE = "13812345678"  # the phone the intake answers give


@pytest.fixture
def wechat_api_url() -> Iterator[str]:
    with LiveServer(FakeWechatApi().app) as server:
        yield f"{server.url}/cgi-bin/"


def _services(base: Services, api_url: str, *, aes: bool) -> Services:
    settings = base.settings.model_copy(
        update={
            "wechat": WechatSettings(
                token=wire.TOKEN,
                appid=wire.APPID,
                secret=wire.SECRET,
                aes_key=wire.AES_KEY if aes else "",
                api_base_url=api_url,
            ),
            "staff": [StaffMember(id="wang", name="王老师", wechat=STAFF_OPENID)],
        }
    )
    return dataclasses.replace(base, settings=settings, policy=dialogue_policy(settings))


def _post(url: str, signed: wire.Signed) -> httpx.Response:
    return httpx.post(f"{url}/wechat?{signed.query}", content=signed.body, timeout=15)


def _open_case(services: Services) -> str:
    worker = Conversation(services, "zhang")
    worker.say("我要申请欠薪调解")
    for answer in ANSWERS:
        worker.say(answer)
    reply = worker.say("确认")
    number = next(word for word in reply.text.replace("：", " ").split() if word.startswith("QX-"))
    return number.strip("，。")


def test_a_captured_query_reused_with_another_body_is_refused(any_services: Services, wechat_api_url: str) -> None:
    services = _services(any_services, wechat_api_url, aes=False)
    honest = wire.plaintext(wire.text_xml("o-worker", "加班费怎么算"))
    forged_body = wire.text_xml(STAFF_OPENID, "/cases").encode()
    with LiveServer(create_app(services)) as server:
        first = _post(server.url, honest)
        retry = _post(server.url, honest)  # WeChat retrying the same request: not a replay
        replayed = _post(server.url, wire.Signed(honest.query, forged_body))
    assert first.status_code == 200 and "加班" in xmltodict.parse(first.text)["xml"]["Content"]
    assert retry.status_code == 200
    assert replayed.status_code == 403
    with session_scope(services.engine) as session:
        stored = session.exec(select(InboundMessage).where(InboundMessage.channel == "wechat")).all()
    assert [row.user_id for row in stored] == [stored[0].user_id]  # the honest message only, once


def test_the_replay_store_is_shared_by_every_process(any_services: Services, wechat_api_url: str) -> None:
    services = _services(any_services, wechat_api_url, aes=False)
    honest = wire.plaintext(wire.text_xml("o-worker", "怎么加入工会"))
    forged = wire.Signed(honest.query, wire.text_xml("o-other", "怎么加入工会").encode())
    with LiveServer(create_app(services)) as one, LiveServer(create_app(services)) as two:
        assert _post(one.url, honest).status_code == 200
        assert _post(two.url, forged).status_code == 403


@pytest.mark.parametrize("age", [-3600, 301, 3600, int(time.time()) - 978_307_200])  # … and 2001-01-01
def test_a_request_outside_the_timestamp_window_is_refused(
    services: Services, wechat_api_url: str, age: int
) -> None:
    plain = _services(services, wechat_api_url, aes=False)
    safe = _services(services, wechat_api_url, aes=True)
    stamp = int(time.time()) - age
    with LiveServer(create_app(plain)) as server:
        stale_plain = _post(server.url, wire.plaintext(wire.text_xml("o-1", "你好"), timestamp=stamp))
        echo = httpx.get(f"{server.url}/wechat?{wire.plaintext('', timestamp=stamp).query}&echostr=e1")
    with LiveServer(create_app(safe)) as server:
        stale_aes = _post(server.url, wire.encrypted(wire.text_xml("o-1", "你好"), timestamp=stamp))
    assert (stale_plain.status_code, echo.status_code, stale_aes.status_code) == (403, 403, 403)


def test_with_an_aes_key_a_plaintext_message_is_refused(services: Services, wechat_api_url: str) -> None:
    safe = _services(services, wechat_api_url, aes=True)
    with LiveServer(create_app(safe)) as server:
        plain = _post(server.url, wire.plaintext(wire.text_xml("o-1", "你好")))
        encrypted = _post(server.url, wire.encrypted(wire.text_xml("o-1", "你好")))
    assert plain.status_code == 403
    assert encrypted.status_code == 200


def test_staff_commands_over_wechat_only_from_encrypted_messages(
    any_services: Services, wechat_api_url: str
) -> None:
    plain = _services(any_services, wechat_api_url, aes=False)
    number = _open_case(plain)
    with LiveServer(create_app(plain)) as server:
        refused = _post(server.url, wire.plaintext(wire.text_xml(STAFF_OPENID, f"/case {number}")))
    safe = _services(any_services, wechat_api_url, aes=True)
    with LiveServer(create_app(safe)) as server:
        allowed = _post(server.url, wire.encrypted(wire.text_xml(STAFF_OPENID, f"/case {number}")))
    refused_text = xmltodict.parse(refused.text)["xml"]["Content"]
    allowed_text = xmltodict.parse(wire.decrypt_reply(allowed.text))["xml"]["Content"]
    assert WORKER_PHONE not in refused_text and number not in refused_text
    assert WORKER_PHONE in allowed_text and number in allowed_text
