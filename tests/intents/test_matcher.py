"""The matcher ranks FAQ entries for what a worker typed: typos, homophones and synonyms still find the topic."""

from __future__ import annotations

import pytest

from intents import Matcher


def _top_intent(matcher: Matcher, text: str) -> str:
    ranked = matcher.rank(text)
    assert ranked, text
    return ranked[0].entry.intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("周末加班给多少加班费", "labor_law"),
        ("加班费怎么酸", "labor_law"),  # a homophone typo: pinyin bigrams still match
        ("公会法规定了什么", "union_law"),  # 公会 for 工会
        ("老板一直不发工资怎么办", "wage_arrears"),
        ("我想入工会要什么手续", "join_union"),
    ],
)
def test_the_best_entry_is_of_the_topic_asked(matcher: Matcher, text: str, intent: str) -> None:
    assert _top_intent(matcher, text) == intent


def test_a_question_outside_labour_law_finds_no_union_law_answer(matcher: Matcher) -> None:
    assert _top_intent(matcher, "离婚财产怎么分割") == "out_of_scope"


def test_candidates_are_distinct_entries_best_first_within_the_limit(matcher: Matcher) -> None:
    ranked = matcher.rank("加班费和年假怎么算", limit=4)
    assert 1 <= len(ranked) <= 4
    assert len({candidate.entry.id for candidate in ranked}) == len(ranked)
    assert [candidate.score for candidate in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert all(0 < candidate.score <= 1 for candidate in ranked)
    assert all(candidate.phrasing in candidate.entry.phrasings for candidate in ranked)


def test_a_story_of_several_clauses_surfaces_each_topic(matcher: Matcher) -> None:
    story = "我在厂里干了两年，老板拖欠了我三个月工资一直不给，当初入职时也没有签劳动合同，现在该怎么办"
    ranked = matcher.rank(story, limit=5)
    # The unpaid wages first, and the missing contract close by.
    assert ranked[0].entry.intent == "wage_arrears"
    assert any("合同" in candidate.phrasing for candidate in ranked[1:3])


@pytest.mark.parametrize("text", ["", "   ", "？？？", "asdfgh"])
def test_text_without_a_known_word_ranks_nothing_or_only_weakly(matcher: Matcher, text: str) -> None:
    assert all(candidate.score < 0.5 for candidate in matcher.rank(text))
