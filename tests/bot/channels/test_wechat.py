from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest
import xmltodict
from sqlmodel import select
from wechatpy import parse_message
from wechatpy.exceptions import WeChatClientException

from bot import pipeline
from bot.app import Services
from bot.channels import BadPayload
from bot.channels.wechat import delivery_of, message_key, render, safe_xml, to_inbound
from bot.config import ServerSettings
from bot.server import create_app
from intents import Button, IntentId, Reply
from knowledge import KnowledgeBase
from storage import session_scope
from storage.models import InboundMessage, Outbox, ReplyLog
from tests.support import wechat_wire as wire
from tests.support.clock import SHANGHAI
from tests.support.fake_bot_api import FakeWechatApi
from tests.support.live_server import LiveServer
from tests.support.services import with_settings

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)

XXE = b"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>'
)


# --- pure functions ---------------------------------------------------------------------------------------


def test_text_voice_and_events_become_inbound_messages() -> None:
    text = to_inbound(parse_message(wire.text_xml("o1", "加班费怎么算", msg_id=42)), NOW)
    assert text is not None and (text.user_id, text.text, text.message_id, text.kind) == (
        "o1",
        "加班费怎么算",
        "msg-42",
        "text",
    )
    voice = to_inbound(parse_message(wire.voice_xml("o1", "老板不发工资", msg_id=43)), NOW)
    assert voice is not None and voice.text == "老板不发工资"
    assert to_inbound(parse_message(wire.voice_xml("o1", None)), NOW) is None
    follow = to_inbound(parse_message(wire.event_xml("o1", "subscribe", create_time=1700000000)), NOW)
    assert (
        follow is not None
        and follow.kind == "subscribe"
        and follow.message_id == "evt-o1-1700000000-subscribe"
    )
    gone = to_inbound(parse_message(wire.event_xml("o1", "unsubscribe")), NOW)
    assert gone is not None and gone.kind == "unsubscribe"
    click = to_inbound(parse_message(wire.event_xml("o1", "CLICK", key="menu:怎么加入工会")), NOW)
    assert click is not None and (click.kind, click.payload) == ("menu", "menu:怎么加入工会")


def test_events_are_deduplicated_by_sender_and_create_time() -> None:
    one = parse_message(wire.event_xml("o1", "subscribe", create_time=1700000000))
    two = parse_message(wire.event_xml("o1", "subscribe", create_time=1700000000))
    other = parse_message(wire.event_xml("o2", "subscribe", create_time=1700000000))
    assert message_key(one) == message_key(two) != message_key(other)


def test_render_turns_buttons_into_lines_and_nothing_into_success(kb: KnowledgeBase) -> None:
    msg = parse_message(wire.text_xml("o1", "你好"))
    reply = Reply("您好", IntentId.GREETING, 1.0, (Button("入会", "menu:怎么加入工会"),))
    xml = xmltodict.parse(render(reply, msg, kb))["xml"]
    assert xml["ToUserName"] == "o1" and xml["MsgType"] == "text"
    assert xml["Content"].startswith("您好\n") and "【入会】" in xml["Content"]
    assert render(Reply("", IntentId.GREETING, 1.0), msg, kb) == "success"


@pytest.mark.parametrize("body", [XXE, LAUGHS, b"<xml><unclosed></xml>", b""])
def test_unsafe_or_broken_xml_is_refused(body: bytes) -> None:
    with pytest.raises(BadPayload):
        safe_xml(body)


def test_window_closed_holds_and_a_gone_user_is_dead() -> None:
    assert delivery_of(WeChatClientException(45015, "out of time")).status == "hold"
    assert delivery_of(WeChatClientException(43004, "unsubscribed")).status == "dead"
    assert delivery_of(WeChatClientException(-1, "busy")).status == "retry"


# --- over loopback HTTP -----------------------------------------------------------------------------------


def _post(url: str, signed: wire.Signed) -> httpx.Response:
    return httpx.post(f"{url}/wechat?{signed.query}", content=signed.body, timeout=15)


def _content(response: httpx.Response) -> str:
    return str(xmltodict.parse(response.text)["xml"]["Content"])


def test_url_verification_echoes_only_with_the_right_signature(wechat_services: Services) -> None:
    good = wire.plaintext("")
    bad = wire.plaintext("", token="wrong")
    with LiveServer(create_app(wechat_services)) as server:
        ok = httpx.get(f"{server.url}/wechat?{good.query}&echostr=hello123")
        refused = httpx.get(f"{server.url}/wechat?{bad.query}&echostr=hello123")
    assert ok.status_code == 200 and ok.text == "hello123"
    assert refused.status_code == 403


def test_plaintext_message_gets_a_passive_answer(wechat_services: Services) -> None:
    with LiveServer(create_app(wechat_services)) as server:
        response = _post(server.url, wire.plaintext(wire.text_xml("o-worker", "加班费怎么算")))
        refused = _post(server.url, wire.plaintext(wire.text_xml("o-worker", "加班费怎么算"), token="forged"))
    assert response.status_code == 200
    reply = xmltodict.parse(response.text)["xml"]
    assert reply["ToUserName"] == "o-worker" and reply["FromUserName"] == wire.ACCOUNT
    assert "加班" in reply["Content"]
    assert refused.status_code == 403


@pytest.mark.parametrize("compatible", [False, True])
def test_safe_and_compatible_modes_decrypt_and_encrypt(safe_services: Services, compatible: bool) -> None:
    with LiveServer(create_app(safe_services)) as server:
        response = _post(
            server.url, wire.encrypted(wire.text_xml("o-aes", "怎么加入工会"), compatible=compatible)
        )
    assert response.status_code == 200
    plain = xmltodict.parse(wire.decrypt_reply(response.text))["xml"]
    assert plain["ToUserName"] == "o-aes" and "工会" in plain["Content"]


def test_a_forged_msg_signature_is_refused(safe_services: Services) -> None:
    signed = wire.encrypted(wire.text_xml("o-aes", "你好"))
    forged = wire.Signed(signed.query.replace("msg_signature=", "msg_signature=0"), signed.body)
    with LiveServer(create_app(safe_services)) as server:
        assert _post(server.url, forged).status_code == 403


@pytest.mark.parametrize("body", [XXE, LAUGHS])
def test_xxe_and_billion_laughs_get_400(wechat_services: Services, body: bytes) -> None:
    signed = wire.plaintext("")
    with LiveServer(create_app(wechat_services)) as server:
        response = httpx.post(f"{server.url}/wechat?{signed.query}", content=body)
    assert response.status_code == 400
    assert "passwd" not in response.text and "root:" not in response.text


def test_subscribe_welcomes_with_the_menu_and_unsubscribe_says_nothing(wechat_services: Services) -> None:
    with LiveServer(create_app(wechat_services)) as server:
        welcome = _post(server.url, wire.plaintext(wire.event_xml("o-new", "subscribe")))
        click = _post(server.url, wire.plaintext(wire.event_xml("o-new", "CLICK", key="menu:怎么加入工会")))
        voice = _post(server.url, wire.plaintext(wire.voice_xml("o-new", "加班费怎么算")))
        gone = _post(
            server.url, wire.plaintext(wire.event_xml("o-new", "unsubscribe", create_time=1700000001))
        )
    assert "欢迎" in _content(welcome) and "【入会】" in _content(welcome)
    assert "工会" in _content(click)
    assert "加班" in _content(voice)
    assert gone.text == "success"


def test_retries_of_one_message_are_stored_once_and_answered_once(wechat_services: Services) -> None:
    signed = wire.plaintext(wire.text_xml("o-retry", "老板拖欠工资怎么办", msg_id=99887766))
    with LiveServer(create_app(wechat_services)) as server, ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: _post(server.url, signed), range(4)))
    answers = [r.text for r in responses if r.text != "success"]
    assert all(r.status_code == 200 for r in responses)
    assert len(answers) == 1
    with session_scope(wechat_services.engine) as session:
        stored = session.exec(select(InboundMessage).where(InboundMessage.message_id == "msg-99887766")).all()
        replies = session.exec(select(ReplyLog)).all()
    assert len(stored) == 1 and len(replies) == 1


def test_a_slow_dialogue_answers_success_then_through_the_customer_service_api(
    wechat_services: Services, wechat_api: tuple[FakeWechatApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = wechat_api
    slow = wechat_services.settings.model_copy(update={"server": ServerSettings(passive_reply_seconds=0.3)})
    services = with_settings(wechat_services, server=slow.server)
    real = pipeline.process
    release = threading.Event()

    def slow_process(services: Services, inbound: object, answer: object = None, request: object = None) -> object:
        release.wait(5)
        return real(services, inbound, answer, request)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "process", slow_process)
    signed = wire.plaintext(wire.text_xml("o-slow", "加班费怎么算", msg_id=5550001))
    with LiveServer(create_app(services)) as server:
        first = _post(server.url, signed)
        release.set()
        deadline = time.monotonic() + 10
        while not api.texts("o-slow") and time.monotonic() < deadline:
            time.sleep(0.05)
        retry = _post(server.url, signed)  # WeChat's retry after the late answer: not answered again
        time.sleep(0.3)
    assert first.text == "success"
    assert len(api.texts("o-slow")) == 1 and "加班" in api.texts("o-slow")[0]
    assert retry.text == "success"
    assert api.token_fetches == 1


def test_a_closed_window_holds_the_message_until_the_worker_writes_again(
    wechat_services: Services, wechat_api: tuple[FakeWechatApi, str]
) -> None:
    api, _ = wechat_api
    api.window_closed.add("o-away")
    with session_scope(wechat_services.engine) as session:
        from storage import outbox

        outbox.enqueue(
            session=session,
            channel="wechat",
            recipient="o-away",
            text="您的案件有进展了",
            reason="case_update",
            now=wechat_services.clock.now(),
        )
    with LiveServer(create_app(wechat_services)) as server:
        app_sender = server.server.config.app  # the Starlette app
        _wait_for(lambda: _status("o-away", wechat_services) == "held")
        time.sleep(1.5)  # held: not retried blindly
        assert api.texts("o-away") == []
        api.window_closed.clear()
        wechat_services.clock.advance(seconds=5)  # type: ignore[attr-defined]
        _post(server.url, wire.plaintext(wire.text_xml("o-away", "你好")))
        app_sender.state.sender.wake()
        _wait_for(lambda: _status("o-away", wechat_services) == "sent")
    assert api.texts("o-away") == ["您的案件有进展了"]


def _status(recipient: str, services: Services) -> str | None:
    with session_scope(services.engine) as session:
        row = session.exec(
            select(Outbox).where(Outbox.recipient == recipient, Outbox.reason == "case_update")
        ).first()
        return row.status if row else None


def _wait_for(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
