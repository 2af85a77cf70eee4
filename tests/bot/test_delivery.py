"""Nothing lost when the platforms fail: replies and staff alerts over real HTTP against stand-in APIs that answer
500, refuse connections or hang, on SQLite and PostgreSQL. The sender retries with back-off, marks a row sent
only when the platform confirms it, falls back across a staff member's channels, and alerts staff when it gives
a row up."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.app import Services, dialogue_policy
from bot.channels.telegram import SECRET_HEADER
from bot.clock import SystemClock
from bot.config import OutboxSettings, StaffMember, TelegramSettings, WechatSettings
from bot.server import create_app
from storage import session_scope
from storage.models import Outbox
from tests.bot.channels.conftest import SECRET
from tests.support import wechat_wire as wire
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi, FakeWechatApi
from tests.support.live_server import LiveServer

FAST = OutboxSettings(poll_seconds=0.1, backoff_seconds=0.2, backoff_max_seconds=2.0, max_attempts=10, claim_seconds=2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def bot_api() -> Iterator[tuple[FakeBotApi, LiveServer]]:
    api = FakeBotApi()
    with LiveServer(api.app) as server:
        yield api, server


@pytest.fixture
def wechat_api() -> Iterator[tuple[FakeWechatApi, str]]:
    api = FakeWechatApi()
    with LiveServer(api.app) as server:
        yield api, f"{server.url}/cgi-bin/"


def _live(base: Services, bot_base: str, *, staff: list[StaffMember] | None = None, **sections: Any) -> Services:
    """Real time (back-off must pass), Telegram on, fast retries, the given staff."""
    update: dict[str, Any] = {
        "telegram": TelegramSettings(token=BOT_TOKEN, secret=SECRET, base_url=bot_base),
        "outbox": FAST,
        **sections,
    }
    if staff is not None:
        update["staff"] = staff
    settings = base.settings.model_copy(update=update)
    return dataclasses.replace(
        base, settings=settings, policy=dialogue_policy(settings), clock=SystemClock(settings.tz)
    )


def _update(update_id: int, text: str, chat: int) -> dict[str, Any]:
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}, "text": text}
    return {"update_id": update_id, "message": message}


def _hook(url: str, update: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{url}/telegram", json=update, headers={SECRET_HEADER: SECRET}, timeout=30)


def _wait(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("not delivered in time")
        time.sleep(0.05)


def _rows(services: Services, reason: str) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.reason == reason)).all())


def test_replies_during_eight_seconds_of_http_500_are_all_delivered(
    any_services: Services, bot_api: tuple[FakeBotApi, LiveServer]
) -> None:
    api, bot_server = bot_api
    services = _live(any_services, api.base_url(bot_server.url))
    api.fail_for(8)
    with LiveServer(create_app(services)) as server:
        for n in range(10):
            assert _hook(server.url, _update(500 + n, "加班费怎么算", 7000 + n)).status_code == 200
        _wait(lambda: len(api.texts()) == 10, seconds=40)
    assert api.failures >= 10  # every reply met the failure first
    assert sorted(str(m["chat_id"]) for m in api.sent) == [str(7000 + n) for n in range(10)]
    assert all(row.status == "sent" for row in _rows(services, "reply"))


def test_crisis_alerts_during_http_500_reach_both_staff_members_first(
    any_services: Services, bot_api: tuple[FakeBotApi, LiveServer]
) -> None:
    api, bot_server = bot_api
    staff = [StaffMember(id="wang", name="王老师", telegram="9001"), StaffMember(id="li", name="李老师", telegram="9002")]
    services = _live(any_services, api.base_url(bot_server.url), staff=staff, duty=[])
    api.fail_for(5)
    with LiveServer(create_app(services)) as server:
        reply = _hook(server.url, _update(600, "我不想活了", 7100))
        _wait(lambda: all(api.texts(chat) for chat in ("9001", "9002", "7100")), seconds=30)
    assert reply.status_code == 200
    assert "通知了" in api.texts("7100")[0]  # staff are reachable, so the worker may be told so
    assert all(row.status == "sent" for row in _rows(services, "crisis_alert"))


def test_a_refused_connection_then_a_hang_still_delivers(
    any_services: Services, bot_api: tuple[FakeBotApi, LiveServer]
) -> None:
    api, _ = bot_api
    port = _free_port()
    services = _live(any_services, f"http://127.0.0.1:{port}/bot")
    with LiveServer(create_app(services)) as server:
        # Nothing listens on the Bot API's port: connection refused.
        assert _hook(server.url, _update(700, "怎么加入工会", 7200)).status_code == 200
        time.sleep(1.0)
        api.hanging = True
        with LiveServer(api.app, port=port):
            time.sleep(6.5)  # the next tries hang past the client's read timeout
            api.hanging = False
            _wait(lambda: [row.status for row in _rows(services, "reply")] == ["sent"], seconds=30)
    [row] = _rows(services, "reply")
    assert row.attempts >= 3 and api.texts("7200")
    # A request that hung past the time-out may have arrived too: at least once, never lost (README).
    assert len(api.texts("7200")) <= row.attempts


def test_an_alert_falls_back_to_wechat_and_a_template_outside_the_48_hours(
    any_services: Services, bot_api: tuple[FakeBotApi, LiveServer], wechat_api: tuple[FakeWechatApi, str]
) -> None:
    api, bot_server = bot_api
    wechat, wechat_url = wechat_api
    wechat.window_closed.add("o-wang")
    api.blocked.add("9001")  # 王老师 blocked the bot on Telegram
    wechat_settings = WechatSettings(
        token=wire.TOKEN,
        appid=wire.APPID,
        secret=wire.SECRET,
        api_base_url=wechat_url,
        alert_template_id="TPL-ALERT",
    )
    staff = [StaffMember(id="wang", name="王老师", telegram="9001", wechat="o-wang")]
    services = _live(any_services, api.base_url(bot_server.url), staff=staff, wechat=wechat_settings, duty=[])
    with LiveServer(create_app(services)) as server:
        _hook(server.url, _update(800, "我要转人工", 7300))
        _wait(lambda: bool(wechat.templates))
    [template] = wechat.templates
    assert template["touser"] == "o-wang" and template["template_id"] == "TPL-ALERT"
    assert any("T-001" in field["value"] for field in template["data"].values())
    assert [row.status for row in _rows(services, "ticket_alert")] == ["sent"]


def test_a_row_given_up_alerts_the_other_staff_and_is_counted(
    any_services: Services, bot_api: tuple[FakeBotApi, LiveServer]
) -> None:
    api, bot_server = bot_api
    api.blocked.add("7400")  # the worker blocked the bot: a final refusal
    staff = [StaffMember(id="li", name="李老师", telegram="9002")]
    services = _live(any_services, api.base_url(bot_server.url), staff=staff, duty=[])
    with LiveServer(create_app(services)) as server:
        _hook(server.url, _update(900, "怎么加入工会", 7400))
        _wait(lambda: bool(api.texts("9002")))
        metrics = httpx.get(f"{server.url}/metrics").text
    assert "没送到" in api.texts("9002")[0]
    assert [row.status for row in _rows(services, "reply")] == ["dead"]
    assert 'unionbot_outbox_dead_total{channel="telegram",reason="reply"} 1.0' in metrics
