from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knowledge import KnowledgeBase
from knowledge.laws import LawLookup
from knowledge.numerals import parse_chinese, quantities, to_chinese


def test_every_law_is_indexed_by_article(kb: KnowledgeBase) -> None:
    union_law = kb.law("工会法")
    assert union_law is not None
    assert union_law.title == "中华人民共和国工会法"
    assert len(union_law.articles) == 58
    article = union_law.article(3)
    assert article is not None
    assert article.text.startswith("第三条 在中国境内的企业")


def test_article_text_keeps_all_its_paragraphs(kb: KnowledgeBase) -> None:
    law = kb.law("劳动合同法")
    assert law is not None
    article = law.article(82)
    assert article is not None
    assert "二倍的工资" in article.text
    assert "无固定期限劳动合同" in article.text  # the second paragraph


def test_lookup_prefers_the_longest_law_name(kb: KnowledgeBase) -> None:
    lookup = LawLookup(kb.laws)
    found = lookup.find("劳动合同法实施条例第六条")
    assert found is not None
    assert found[0].title == "中华人民共和国劳动合同法实施条例"
    assert found[1] == 6


def test_lookup_reads_arabic_and_chinese_numbers(kb: KnowledgeBase) -> None:
    lookup = LawLookup(kb.laws)
    assert lookup.find("劳动法第44条")[1] == 44  # type: ignore[index]
    assert lookup.find("请问《中华人民共和国劳动法》第四十四条说的啥")[1] == 44  # type: ignore[index]
    assert lookup.find("劳动法规定加班费") is None


@given(st.integers(min_value=0, max_value=9999))
def test_chinese_numerals_round_trip(number: int) -> None:
    assert parse_chinese(to_chinese(number)) == number


def test_quantities_fold_equivalent_forms() -> None:
    assert quantities("不低于工资的百分之一百五十") == {(150.0, "percent")}
    assert quantities("按1.5倍支付") == {(150.0, "percent")}
    assert quantities("试用期不得超过六个月") == quantities("试用期最长6个月")
    assert quantities("应当在三十日内") == quantities("30天内")
    assert quantities("《劳动法》第四十四条") == set()
