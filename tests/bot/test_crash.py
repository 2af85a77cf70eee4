"""kill -9 of `python -m bot serve` while a reply is being sent: after a restart the reply is delivered.

The Bot API stand-in hangs on sendMessage, so the reply is claimed ("sending") but unconfirmed when the process
dies. The restarted server's sender takes the claim up once it lapses (outbox.claim_seconds) and delivers."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.channels.telegram import SECRET_HEADER
from storage import session_scope
from storage.models import Outbox
from tests.bot.channels.conftest import SECRET
from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi
from tests.support.live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _serve(url: str, port: int, bot_base: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "UNIONBOT_TELEGRAM_TOKEN": BOT_TOKEN,
        "UNIONBOT_TELEGRAM_SECRET": SECRET,
        "UNIONBOT_TELEGRAM_BASE_URL": bot_base,
        "UNIONBOT_OUTBOX_CLAIM_SECONDS": "2",
        "UNIONBOT_OUTBOX_POLL_SECONDS": "0.2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", url, "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("serve did not start")


def _status(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [row.status for row in session.exec(select(Outbox).where(Outbox.reason == "reply")).all()]


def test_a_reply_pending_when_serve_is_killed_is_delivered_after_the_restart(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    api = FakeBotApi()
    api.hanging = True
    with LiveServer(api.app) as bot_server:
        port = _free_port()
        first = _serve(url, port, api.base_url(bot_server.url))
        update = {
            "update_id": 4242,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 7500, "type": "private"}, "text": "加班费怎么算"},
        }

        def post() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(
                    f"http://127.0.0.1:{port}/telegram", json=update, headers={SECRET_HEADER: SECRET}, timeout=30
                )

        poster = threading.Thread(target=post)
        poster.start()
        deadline = time.monotonic() + 30
        while "sendMessage" not in api.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "sendMessage" in api.calls  # the reply is on its way, unconfirmed
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        poster.join(10)
        assert _status(engine) == ["sending"]  # claimed, not marked sent, not lost
        api.hanging = False
        second = _serve(url, port, api.base_url(bot_server.url))
        try:
            deadline = time.monotonic() + 30
            while _status(engine) != ["sent"] and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(15)
    assert _status(engine) == ["sent"]
    assert any("加班" in text for text in api.texts("7500"))
