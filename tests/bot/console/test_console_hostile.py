"""Hostile and careless input to the console on every database: NUL characters in a URL or a field and a
place longer than the column get a plain refusal or are cut, never a 500 (PostgreSQL refuses both)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.app import Services
from bot.console.auth import set_password
from bot.server import create_app
from tests.bot.console.conftest import PASSWORDS, csrf_of, sign_in
from tests.support.live_server import LiveServer


@pytest.fixture
def staff(any_services: Services) -> Iterator[httpx.Client]:
    set_password(any_services.engine, "wang", PASSWORDS["wang"], any_services.clock.now())
    with (
        LiveServer(create_app(any_services, run_sender=False)) as live,
        httpx.Client(base_url=live.url, follow_redirects=True, timeout=30) as client,
    ):
        assert sign_in(client, "wang", PASSWORDS["wang"]).url.path == "/staff/"
        yield client


@pytest.mark.parametrize(
    "path", ["/staff/cases/QX%00", "/staff/tickets/T-%00", "/staff/events/a%00b", "/staff/report?month=%00"]
)
def test_a_nul_in_the_url_is_a_bad_request(staff: httpx.Client, path: str) -> None:
    assert staff.get(path).status_code == 400


def test_an_event_with_a_nul_and_a_very_long_place_is_saved_cleaned(staff: httpx.Client) -> None:
    form = staff.get("/staff/events/new")
    saved = staff.post(
        "/staff/events/new",
        data={
            "csrf": csrf_of(form.text),
            "title": "职工\x00书法班",
            "starts_at": "2026-12-05T14:00",
            "place": "服务站二楼活动室" + "旁边" * 100,
            "capacity": "10",
        },
    )
    assert saved.status_code == 200 and "活动已保存" in saved.text
    assert "职工书法班" in saved.text
