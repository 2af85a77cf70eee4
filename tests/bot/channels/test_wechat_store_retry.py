"""The database is locked during a WeChat turn for longer than the passive window: WeChat is told "success", the
turn is tried again until it is stored, and the worker gets the answer through the 客服 API.

The lock lasts UNIONBOT_TEST_LOCK_SECONDS (default 4 s; the probe's 40 s with =40), with SQLite's busy
timeout cut to 1 s so that each try really fails and the retry logic, not the busy handler, carries it."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event

from bot.app import Services
from bot.config import ServerSettings, WechatSettings
from bot.server import create_app
from storage import ensure_schema, make_engine
from tests.support import wechat_wire as wire
from tests.support.fake_bot_api import FakeWechatApi
from tests.support.live_server import LiveServer

LOCK_SECONDS = float(os.environ.get("UNIONBOT_TEST_LOCK_SECONDS", "4"))


def _short_busy_timeout(connection: sqlite3.Connection, _record: object) -> None:
    connection.execute("PRAGMA busy_timeout=1000")


@pytest.fixture
def wechat_api() -> Iterator[tuple[FakeWechatApi, str]]:
    api = FakeWechatApi()
    with LiveServer(api.app) as server:
        yield api, f"{server.url}/cgi-bin/"


def test_a_turn_blocked_by_a_long_lock_is_answered_afterwards_by_the_customer_service_api(
    services: Services, wechat_api: tuple[FakeWechatApi, str], tmp_path: Path
) -> None:
    api, url = wechat_api
    path = tmp_path / "locked.db"
    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _short_busy_timeout)
    ensure_schema(engine)
    server = ServerSettings(passive_reply_seconds=0.5, store_retry_seconds=0.5, store_attempts=60)
    wechat = WechatSettings(token=wire.TOKEN, appid=wire.APPID, secret=wire.SECRET, api_base_url=url)
    settings = services.settings.model_copy(update={"server": server, "wechat": wechat})
    locked = dataclasses.replace(services, settings=settings, engine=engine)
    metrics_text = ""
    with LiveServer(create_app(locked)) as live:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")  # another process holding the database, e.g. a long report
        release = threading.Timer(LOCK_SECONDS, lambda: holder.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        signed = wire.plaintext(wire.text_xml("o-locked", "加班费怎么算", msg_id=8_800_001))
        response = httpx.post(f"{live.url}/wechat?{signed.query}", content=signed.body, timeout=10)
        answered_in = time.monotonic() - started
        deadline = time.monotonic() + LOCK_SECONDS + 30
        while not api.texts("o-locked") and time.monotonic() < deadline:
            time.sleep(0.1)
        release.join()
        metrics_text = httpx.get(f"{live.url}/metrics").text
        holder.close()
    assert response.status_code == 200 and response.text == "success"
    assert answered_in < 5  # WeChat got its answer in time, so it does not give up on us
    [text] = api.texts("o-locked")
    assert "加班" in text
    assert 'unionbot_turn_retries_total{channel="wechat",outcome="retry"}' in metrics_text
    assert 'unionbot_turn_retries_total{channel="wechat",outcome="stored"} 1.0' in metrics_text
