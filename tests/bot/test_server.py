from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import Services
from bot.channels import Channel, Runtime, enabled_channels
from bot.server import create_app
from tests.support.live_server import LiveServer


class _Broken:
    name = "broken"
    push = False

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def routes(self) -> list[Route]:
        return [Route("/boom", self.boom, methods=["GET"]), Route("/echo", self.echo, methods=["POST"])]

    async def boom(self, request: Request) -> Response:  # noqa: ARG002
        raise RuntimeError("secret detail /etc/passwd")

    async def echo(self, request: Request) -> Response:
        return Response(str(len(await request.body())))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, item: object) -> object:
        raise NotImplementedError


def _with_broken(runtime: Runtime) -> list[Channel]:
    return [*enabled_channels(runtime), _Broken(runtime)]  # type: ignore[list-item]


def test_healthz_names_the_channels_that_are_on(services: Services) -> None:
    with LiveServer(create_app(services)) as server:
        response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "channels": ["web"]}


def test_no_traceback_reaches_a_client(services: Services) -> None:
    with LiveServer(create_app(services, make_channels=_with_broken)) as server:
        response = httpx.get(f"{server.url}/boom")
        missing = httpx.get(f"{server.url}/nothing-here")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
    assert "Traceback" not in response.text and "passwd" not in response.text
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"


def test_a_body_over_the_limit_gets_413_declared_or_streamed(services: Services) -> None:
    limit = services.settings.server.max_body_bytes
    with LiveServer(create_app(services, make_channels=_with_broken)) as server:
        small = httpx.post(f"{server.url}/echo", content=b"x" * 1000)
        declared = httpx.post(f"{server.url}/echo", content=b"x" * (limit + 1))
        streamed = httpx.post(f"{server.url}/echo", content=iter([b"x" * 40000, b"x" * 40000]))
        chat = httpx.post(f"{server.url}/api/chat", json={"text": "加" * (limit // 2)})
    assert small.status_code == 200 and small.text == "1000"
    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert chat.status_code == 413


def test_metrics_count_messages_by_channel_and_intent(services: Services) -> None:
    with LiveServer(create_app(services)) as server:
        httpx.post(f"{server.url}/api/chat", json={"text": "加班费怎么算"})
        httpx.post(f"{server.url}/api/chat", json={"text": "qwerty zxcv"})
        text = httpx.get(f"{server.url}/metrics").text
    assert 'unionbot_messages_total{channel="web",intent="labor_law"} 1.0' in text
    assert 'unionbot_unanswered_total{channel="web"} 1.0' in text
    assert 'unionbot_reply_seconds_count{channel="web"} 2.0' in text
    assert "unionbot_outbox_backlog" in text
