"""The web chat in headless Chromium (Debian's chromium, driven by playwright): type, see the answer, tap."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Services
from bot.server import create_app
from tests.support.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


def test_a_newcomer_types_a_question_sees_the_answer_and_taps_a_choice(services: Services) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with LiveServer(create_app(services)) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 700}, is_mobile=True)
            page.goto(server.url + "/")
            page.wait_for_selector(".msg.bot")
            assert "欢迎" in page.inner_text(".msg.bot")
            assert page.locator(".buttons button").count() >= 3

            page.fill("#text", "加班费怎么算")
            page.click("#send")
            page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
            answer = page.locator(".msg.bot").nth(1).inner_text()
            assert "加班" in answer and "第" in answer  # the answer cites its article

            page.locator(".buttons button", has_text="入会").first.click()
            page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 3")
            assert "工会" in page.locator(".msg.bot").nth(2).inner_text()
            assert page.locator(".msg.me").nth(1).inner_text() == "入会"
            # Fits a phone: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        finally:
            browser.close()
