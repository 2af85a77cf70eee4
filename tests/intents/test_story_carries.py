"""Facts carry through menus: what the worker already told is not asked again by an intake started after a
menu tap or a choice, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation

STORY = "我们十几个人干了三个月活一分钱没给"
ASKED_AGAIN = ("几个人被欠了工资", "哪段时间的工资")


def _intake_questions(worker: Conversation) -> list[str]:
    asked = [worker.replies[-1].text]
    for answer in ("鑫达建筑工程有限公司", "通州区梨园镇工地", "王五", "13700001111", "三万", "没签"):
        asked.append(worker.say(answer).text)
    return asked


def test_the_story_told_before_a_menu_tap_fills_the_intake(any_services: Services) -> None:
    worker = Conversation(any_services, "menu-story")
    worker.say(STORY)
    offer = worker.menu("老板拖欠工资怎么办")
    assert offer.intent == IntentId.WAGE_ARREARS and "现在申请调解" in [b.label for b in offer.buttons]
    worker.tap("现在申请调解")
    asked = "\n".join(_intake_questions(worker))
    assert not any(question in asked for question in ASKED_AGAIN), asked
    assert "请核对" in worker.replies[-1].text or "证据" in worker.replies[-1].text


def test_a_story_with_the_request_fills_the_intake(any_services: Services) -> None:
    worker = Conversation(any_services, "choice-story")
    first = worker.say("我们工地三十多个工人被包工头拖欠工资半年了，我想申请")
    if "现在申请调解" in [button.label for button in first.buttons]:
        worker.tap("现在申请调解")
    asked = "\n".join(_intake_questions(worker))
    assert not any(question in asked for question in ASKED_AGAIN), asked
