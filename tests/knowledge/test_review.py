"""`kb review`: entries whose cited texts or local rules changed after they were last reviewed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.config import Settings
from knowledge import KnowledgeBase, load_knowledge
from knowledge.review import entries_to_review


def _write(root: Path, reviewed: str, answer: str, refs: str) -> KnowledgeBase:
    (root / "faq" / "topic.toml").write_text(
        f'reviewed = {reviewed}\n\n[[entry]]\nid = "holidays"\nintent = "labor_law"\n'
        'phrasings = ["放几天假", "过节放假", "节日休息", "放假安排"]\n'
        f'answer = """{answer}"""\nrefs = [{refs}]\n',
        encoding="utf-8",
    )
    return load_knowledge(root)


def test_the_shipped_base_has_nothing_waiting_for_review(kb: KnowledgeBase, settings: Settings) -> None:
    assert [str(item) for item in entries_to_review(kb, settings.local_rules_by_key())] == []


def test_an_answer_reviewed_before_the_holiday_amendment_took_effect_is_listed(kb_copy: Path) -> None:
    answer = "春节4天（《全国年节及纪念日放假办法》第二条）"
    kb = _write(kb_copy, "2024-06-01", answer, '"全国年节及纪念日放假办法第二条"')
    (item,) = entries_to_review(kb)
    assert item.entry.id == "holidays"
    assert any("全国年节及纪念日放假办法" in reason and "2025-01-01" in reason for reason in item.reasons)
    assert "reviewed 2024-06-01" in str(item)
    reviewed_after = _write(kb_copy, "2025-02-01", answer, '"全国年节及纪念日放假办法第二条"')
    assert entries_to_review(reviewed_after) == []


def test_a_new_version_of_a_cited_law_lists_the_answer_again(kb_copy: Path) -> None:
    answer = "春节4天（《全国年节及纪念日放假办法》第二条）"
    index = kb_copy / "laws" / "laws.toml"
    index.write_text(
        index.read_text(encoding="utf-8").replace("version = 2024-11-10\nin_force = 2025-01-01", "version = 2027-03-01\nin_force = 2027-05-01"),
        encoding="utf-8",
    )
    kb = _write(kb_copy, "2026-11-30", answer, '"全国年节及纪念日放假办法第二条"')
    (item,) = entries_to_review(kb)
    assert any("2027-05-01" in reason for reason in item.reasons)


def test_a_changed_beijing_figure_lists_the_answers_that_use_it(kb_copy: Path, settings: Settings) -> None:
    answer = "北京规定（《北京市人口与计划生育条例》）延长生育假{bj_maternity_extra}"
    kb = _write(kb_copy, "2021-01-01", answer, "")
    (item,) = entries_to_review(kb, settings.local_rules_by_key())
    assert any("bj_maternity_extra" in reason for reason in item.reasons)
    assert item.entry.reviewed == date(2021, 1, 1)


def test_an_answer_naming_a_text_not_at_hand_is_listed_when_that_text_is_newer(kb_copy: Path) -> None:
    answer = "最高人民法院劳动争议司法解释（二）有新规定，请打{labor_hotline}"
    kb = _write(kb_copy, "2025-08-01", answer, "")
    (item,) = entries_to_review(kb)
    assert any("2025-09-01" in reason for reason in item.reasons)
