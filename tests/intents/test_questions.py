"""One grouping of questions for the console's unanswered list and the monthly report."""

from __future__ import annotations

from datetime import datetime, timedelta

from intents import Matcher
from intents.normalize import fold
from intents.questions import group_questions
from tests.support.clock import SHANGHAI

START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def _asked(*texts: str) -> list[tuple[str, datetime | None]]:
    return [(text, START + timedelta(hours=number)) for number, text in enumerate(texts)]


def test_similar_questions_are_grouped_most_frequent_first() -> None:
    groups = group_questions(
        _asked("楼上漏水物业不管", "小区停车位怎么划分", "小区停车位怎么划分？", "小區停車位怎麼劃分",
               "小区停车位如何划分", "楼上漏水物业不管怎么办", "孩子上学报名"),
        fold,
    )
    assert [(group.example, group.count) for group in groups] == [
        ("小区停车位怎么划分", 4),
        ("楼上漏水物业不管", 2),
        ("孩子上学报名", 1),
    ]
    assert groups[0].others == ("小区停车位如何划分",)  # width, script and punctuation make no new wording
    assert groups[1].last_at == START + timedelta(hours=5)


def test_equal_counts_put_the_latest_asked_first() -> None:
    groups = group_questions(_asked("孩子上学报名", "阳台晾衣杆怎么划分"), fold)
    assert [group.example for group in groups] == ["阳台晾衣杆怎么划分", "孩子上学报名"]


def test_with_the_matcher_filler_words_do_not_split_a_question(matcher: Matcher) -> None:
    groups = group_questions(_asked("请问小区停车位怎么划分啊", "小区停车位怎么划分"), matcher.question_core)
    assert [group.count for group in groups] == [2]


def test_empty_and_punctuation_only_messages_are_left_out() -> None:
    assert group_questions(_asked("", "？？", "   "), fold) == []
