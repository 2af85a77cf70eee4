"""Event lists as a worker reads them: the year when it is not this year, soonest first, "更多" past the first
screen, events found by a part of their title, and a full event that says so before asking anything."""

from __future__ import annotations

from bot.app import Services
from intents import IntentId
from tests.support.conversation import Conversation
from tests.support.events import add_event, at


def _labels(reply: object) -> list[str]:
    return [button.label for button in reply.buttons]  # type: ignore[attr-defined]


def test_a_date_next_year_shows_the_year(any_services: Services) -> None:
    add_event(any_services, "dec26", "冬季长跑", at(12, 12, 9))
    add_event(any_services, "dec27", "新年联欢会", at(12, 1, 9, year=2027))
    reply = Conversation(any_services, "year").say("最近有什么活动")
    assert "12月12日（周六）09:00" in reply.text and "2026年" not in reply.text
    assert "2027年12月1日（周三）09:00" in reply.text


def test_events_are_listed_soonest_first_with_more_past_the_first_screen(any_services: Services) -> None:
    # Stored out of order, and more than fit on one screen.
    for number, day in enumerate((12, 1, 20, 3, 15, 8, 28, 5), start=1):
        add_event(any_services, f"e{number}", f"第{number}场观影", at(12, day, 19))
    worker = Conversation(any_services, "many")
    first = worker.say("最近有什么活动")
    days = [label for label in _labels(first) if "观影" in label]
    assert len(days) == 6 and "更多" in _labels(first) and "还有2个活动" in first.text
    assert first.text.index("12月1日") < first.text.index("12月3日") < first.text.index("12月12日")
    more = worker.tap("更多")
    assert "12月20日" in more.text and "12月28日" in more.text and "12月1日" not in more.text
    assert "更多" not in _labels(more)
    # The number picks from the screen the worker is looking at.
    picked = worker.say("1")
    assert picked.intent == IntentId.EVENT_SIGNUP and "第3场观影" in picked.text


def test_a_part_of_the_title_finds_the_event(any_services: Services) -> None:
    add_event(any_services, "tea", "职工茶艺体验课", at(12, 10, 14))
    add_event(any_services, "yoga", "午间瑜伽", at(12, 8, 12))
    for text in ("我想报名茶艺体验课", "报名茶艺", "我要参加职工茶艺体验课"):
        reply = Conversation(any_services, f"tea-{len(text)}").say(text)
        assert reply.intent == IntentId.EVENT_SIGNUP, text
        assert "职工茶艺体验课" in reply.text and "午间瑜伽" not in reply.text, text


def test_a_full_event_says_so_first_and_offers_the_waitlist(any_services: Services) -> None:
    add_event(any_services, "tiny", "书法小课堂", at(12, 10, 14), capacity=1)
    first = Conversation(any_services, "first")
    first.say("报名书法小课堂")
    for answer in ("张三", "13812345678", "月坛街道办", "同意"):
        first.say(answer)
    assert "报名成功" in first.replies[-1].text
    late = Conversation(any_services, "late")
    full = late.say("报名书法小课堂")
    assert "名额已经满了" in full.text and "姓名" not in full.text
    assert _labels(full) == ["排候补", "看看其他活动"]
    assert "姓名" in late.tap("排候补").text


def test_typing_a_buttons_label_does_what_the_tap_does(any_services: Services) -> None:
    # On WeChat the buttons are lines to send back: the worker types 排候补 instead of tapping it.
    add_event(any_services, "tiny", "书法小课堂", at(12, 10, 14), capacity=1)
    first = Conversation(any_services, "first")
    for text in ("报名书法小课堂", "张三", "13812345678", "月坛街道办", "同意"):
        first.say(text)
    late = Conversation(any_services, "late")
    late.say("报名书法小课堂")
    asked = late.say("【排候补】")
    assert "姓名" in asked.text
    for answer in ("李四", "13987654321", "月坛街道办", "同意"):
        late.say(answer)
    assert "候补" in late.replies[-1].text and "第1位" in late.replies[-1].text
    # A longer message that merely contains a label is a message, not a tap.
    again = Conversation(any_services, "again")
    again.say("报名书法小课堂")
    assert "姓名" not in again.say("我想排候补但是我不知道怎么弄才好呢请问一下").text
