from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.app import Services
from bot.channels.wechat_token import SharedTokenClient
from bot.token_store import DatabaseTokenStorage
from tests.support import wechat_wire as wire
from tests.support.fake_bot_api import FakeWechatApi
from tests.support.live_server import LiveServer


@pytest.fixture
def wechat_api() -> Iterator[tuple[FakeWechatApi, str]]:
    api = FakeWechatApi()
    with LiveServer(api.app) as server:
        yield api, f"{server.url}/cgi-bin/"


def _client(services: Services, base: str) -> SharedTokenClient:
    # A client per "process": they share nothing but the database.
    storage = DatabaseTokenStorage(services.engine, services.clock)
    return SharedTokenClient(wire.APPID, wire.SECRET, storage=storage, api_base_url=base)


def test_the_storage_keeps_a_token_until_a_minute_before_it_expires(any_services: Services) -> None:
    storage = DatabaseTokenStorage(any_services.engine, any_services.clock)
    assert storage.get("k") is None
    storage.set("k", "TOKEN", 7200)
    assert storage.get("k") == "TOKEN" and storage["k"] == "TOKEN"
    any_services.clock.advance(seconds=7200 - 61)  # type: ignore[attr-defined]
    assert storage.get("k") == "TOKEN"
    any_services.clock.advance(seconds=2)  # type: ignore[attr-defined]
    assert storage.get("k") is None
    storage.delete("k")
    assert storage.get("k", "none") == "none"


def test_the_lease_has_one_holder_at_a_time(any_services: Services) -> None:
    one = DatabaseTokenStorage(any_services.engine, any_services.clock)
    two = DatabaseTokenStorage(any_services.engine, any_services.clock)
    assert one.take_lease("k", 15) is True
    assert two.take_lease("k", 15) is False
    any_services.clock.advance(seconds=16)  # type: ignore[attr-defined]
    assert two.take_lease("k", 15) is True  # a dead holder's lease runs out
    two.set("k", "TOKEN", 7200)  # storing the token gives the lease back
    assert one.take_lease("k", 15) is True


def test_many_processes_needing_a_token_fetch_it_once(
    any_services: Services, wechat_api: tuple[FakeWechatApi, str]
) -> None:
    api, base = wechat_api
    clients = [_client(any_services, base) for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        tokens = list(pool.map(lambda client: client.access_token, clients))
    assert api.token_fetches == 1
    assert set(tokens) == {"ACCESS-1"}


def test_customer_service_messages_use_the_shared_token(
    any_services: Services, wechat_api: tuple[FakeWechatApi, str]
) -> None:
    api, base = wechat_api
    _client(any_services, base).message.send_text("o-1", "您好")
    _client(any_services, base).message.send_text("o-2", "您好")
    assert api.token_fetches == 1
    assert [m["access_token"] for m in api.sent] == ["ACCESS-1", "ACCESS-1"]
