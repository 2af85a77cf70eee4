"""A live server with the console, two staff members with passwords, and an HTTP client per person."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from bot.app import Services
from bot.console.auth import set_password
from bot.server import create_app
from tests.support.live_server import LiveServer

PASSWORDS = {"wang": "wang-secret-1", "li": "li-secret-22"}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: httpx.Client, staff_id: str, password: str) -> httpx.Response:
    page = client.get("/staff/signin")
    return client.post(
        "/staff/signin", data={"csrf": csrf_of(page.text), "staff_id": staff_id, "password": password, "next": "/staff/"}
    )


@pytest.fixture
def server(services: Services) -> Iterator[LiveServer]:
    for staff_id, password in PASSWORDS.items():
        set_password(services.engine, staff_id, password, services.clock.now())
    with LiveServer(create_app(services, run_sender=False)) as live:
        yield live


@pytest.fixture
def wang(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=30) as client:
        assert sign_in(client, "wang", PASSWORDS["wang"]).url.path == "/staff/"
        yield client


@pytest.fixture
def li(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=30) as client:
        assert sign_in(client, "李老师", PASSWORDS["li"]).url.path == "/staff/"
        yield client
