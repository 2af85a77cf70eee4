"""The staff console in headless Chromium (Debian's chromium, driven by playwright) on a 390 px phone.

With UNIONBOT_SCREENSHOTS=DIR the pages are also saved as PNGs (docs/console/ in the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.bot.channels.test_web_browser import ARGS, CHROMIUM
from tests.bot.console.conftest import PASSWORDS
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


def test_a_staff_member_signs_in_on_a_phone_and_answers_a_ticket(server: LiveServer) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = os.environ.get("UNIONBOT_SCREENSHOTS")
    with httpx.Client(base_url=server.url) as worker:
        worker.post("/api/chat", json={"text": "转人工"})
        worker.post("/api/chat", json={"text": "晚上多干的钟点没人认账"})
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            page.goto(server.url + "/staff/tickets")
            assert "/staff/signin" in page.url
            if shots:
                page.screenshot(path=str(Path(shots) / "signin.png"))
            page.fill("#staff_id", "wang")
            page.fill("#password", PASSWORDS["wang"])
            page.click("#signin")
            page.wait_for_url("**/staff/tickets")
            page.click("text=T-001")
            page.fill("#reply", "您好，我是王老师，马上给您回电话")
            page.click("#send-reply")
            page.wait_for_selector(".notice")
            assert "我是王老师" in page.inner_text(".thread")
            for name, path in [("today", "/staff/"), ("tickets", "/staff/tickets/T-001"), ("cases", "/staff/cases"),
                               ("questions", "/staff/questions"), ("audit", "/staff/audit")]:
                page.goto(server.url + path)
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
                if shots:
                    page.screenshot(path=str(Path(shots) / f"{name}.png"))
        finally:
            browser.close()
