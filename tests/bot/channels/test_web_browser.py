"""The web chat in headless Chromium (Debian's chromium, driven by playwright): type, see the answer, tap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def _browser(services: Services) -> Iterator[tuple[LiveServer, Any]]:
    """The app on loopback and a headless Debian Chromium (closed afterwards)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with LiveServer(create_app(services)) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield server, browser
        finally:
            browser.close()


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


def test_a_reload_shows_the_conversation_and_the_form_being_filled_in(services: Services) -> None:
    with _browser(services) as (server, browser):
        context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True)
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector(".msg.bot")

        def say(text: str, replies: int) -> str:
            page.fill("#text", text)
            page.click("#send")
            page.wait_for_function(f"document.querySelectorAll('.msg.bot').length >= {replies}")
            return page.locator(".msg.bot").nth(replies - 1).inner_text()

        assert "单位叫什么" in say("我要申请欠薪调解", 2)
        assert "在哪里" in say("北京鑫达装饰有限公司", 3)
        assert "您正在填写欠薪调解登记" in page.inner_text("#active")

        page.reload()
        page.wait_for_selector(".msg.me")
        mine = page.locator(".msg.me").all_inner_texts()
        assert mine == ["我要申请欠薪调解", "北京鑫达装饰有限公司"]
        assert "在哪里" in page.locator(".msg.bot").last.inner_text()
        assert page.inner_text("#log").count("欢迎") == 1  # the first greeting, no fresh menu after the form
        assert "您正在填写欠薪调解登记" in page.inner_text("#active")
        assert "在哪里" in page.inner_text("#active")
        # The next message is still the answer to the waiting question.
        assert "怎么称呼" in say("朝阳区建国路88号", page.locator(".msg.bot").count() + 1)

        # Another visitor (another browser) sees nothing of this conversation.
        stranger = browser.new_context().new_page()
        stranger.goto(server.url + "/")
        stranger.wait_for_selector(".msg.bot")
        assert stranger.locator(".msg.me").count() == 0
        assert "鑫达" not in stranger.inner_text("#log")


def test_buttons_of_an_answered_message_stop_working(services: Services) -> None:
    with _browser(services) as (server, browser):
        page = browser.new_page(viewport={"width": 375, "height": 700}, is_mobile=True)
        page.goto(server.url + "/")
        page.wait_for_selector(".msg.bot")
        page.fill("#text", "我要申请欠薪调解")
        page.click("#send")
        page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
        page.fill("#text", "加班费怎么算")
        page.click("#send")
        page.wait_for_selector("text=继续填写")
        page.locator(".buttons button", has_text="继续填写").click()
        page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 4")
        assert page.locator(".buttons button", has_text="继续填写").is_disabled()
        assert page.locator(".buttons.menu button").first.is_enabled()  # the service menu stays
