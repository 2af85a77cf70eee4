"""The staff console in headless Chromium (Debian's chromium, driven by playwright) on a 390 px phone.

With UNIONBOT_SCREENSHOTS=DIR the pages are also saved as PNGs (docs/console/ in the README).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.channels.test_web_browser import ARGS, CHROMIUM
from tests.bot.console.conftest import PASSWORDS
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")
PHONE = {"width": 390, "height": 844}


def _sign_in(page: Any, server: LiveServer, path: str) -> None:
    """Open a console page on the phone, land on the sign-in form, sign in as 王老师 and come back."""
    page.goto(server.url + path)
    assert "/staff/signin" in page.url
    page.fill("#staff_id", "wang")
    page.fill("#password", PASSWORDS["wang"])
    page.click("#signin")
    page.wait_for_url("**" + path)


def _fits_the_phone(page: Any, server: LiveServer, pages: list[tuple[str, str]]) -> None:
    """Each page is no wider than the phone; with UNIONBOT_SCREENSHOTS=DIR it is saved as NAME.png there."""
    shots = os.environ.get("UNIONBOT_SCREENSHOTS")
    for name, path in pages:
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}.png"))


def test_a_staff_member_signs_in_on_a_phone_and_answers_a_ticket(server: LiveServer) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = os.environ.get("UNIONBOT_SCREENSHOTS")
    with httpx.Client(base_url=server.url) as worker:
        worker.post("/api/chat", json={"text": "转人工"})
        worker.post("/api/chat", json={"text": "晚上多干的钟点没人认账"})
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport=PHONE, is_mobile=True)
            if shots:
                page.goto(server.url + "/staff/tickets")
                page.screenshot(path=str(Path(shots) / "signin.png"))
            _sign_in(page, server, "/staff/tickets")
            page.click("text=T-001")
            page.fill("#reply", "您好，我是王老师，马上给您回电话")
            page.click("#send-reply")
            page.wait_for_selector(".notice")
            assert "我是王老师" in page.inner_text(".thread")
            _fits_the_phone(page, server, [("today", "/staff/"), ("tickets", "/staff/tickets/T-001"),
                                           ("cases", "/staff/cases"), ("questions", "/staff/questions"),
                                           ("audit", "/staff/audit")])
        finally:
            browser.close()


def test_a_staff_member_creates_an_event_on_a_phone_and_a_worker_who_signs_up_in_chat_appears(
    server: LiveServer,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport=PHONE, is_mobile=True)
            _sign_in(page, server, "/staff/events")
            page.click("#new-event")
            page.fill("#title", "职工书法班")
            page.fill("#aliases", "书法班")
            page.fill("#starts_at", "2026-12-05T14:00")
            page.fill("#place", "服务站二楼活动室")
            page.fill("#capacity", "20")
            page.fill("#description", "笔墨纸砚由工会准备")
            page.click("#save-event")
            page.wait_for_selector(".notice")
            event_url = page.url
            assert "还没有人报名" in page.inner_text("main")
            with httpx.Client(base_url=server.url) as worker:
                for text in ["报名书法班", "赵小红", "13700001111", "月坛商场", "同意"]:
                    worker.post("/api/chat", json={"text": text})
            _fits_the_phone(page, server, [("event", event_url.removeprefix(server.url))])
            assert "赵小红" in page.inner_text("#signups") and "13700001111" in page.inner_text("#signups")
            _fits_the_phone(page, server, [("events", "/staff/events"), ("meetings", "/staff/meetings"),
                                           ("report", "/staff/report/2026-11")])
        finally:
            browser.close()
