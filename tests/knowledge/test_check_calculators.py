from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intents.calculators import RULE_KEYS
from knowledge import KnowledgeBase, load_knowledge
from knowledge.check_calculators import check_calculators
from knowledge.loader import DEFAULT_ROOT


def test_shipped_constants_and_replies_pass(kb: KnowledgeBase) -> None:
    assert [str(problem) for problem in check_calculators(kb, required=RULE_KEYS)] == []


def test_the_notice_is_indexed_by_its_parts(kb: KnowledgeBase) -> None:
    notice = kb.law("工资折算通知")
    assert notice is not None
    part_two = notice.article(2)
    assert part_two is not None
    assert "21.75天" in part_two.text


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_constant_the_article_does_not_state_is_reported(kb_root: Path) -> None:
    _edit(kb_root / "calculators.toml", 'key = "overtime_rest_day_percent"\nvalue = 200', 'key = "overtime_rest_day_percent"\nvalue = 250')
    problems = [str(problem) for problem in check_calculators(load_knowledge(kb_root), required=RULE_KEYS)]
    assert problems == [
        "calculators.toml: overtime_rest_day_percent: quote '休息日安排劳动者工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬' "
        "does not state 250 percent"
    ]


def test_a_quote_that_is_not_in_the_article_is_reported(kb_root: Path) -> None:
    _edit(kb_root / "calculators.toml", 'quote = "最高不超过十二年"', 'quote = "最高不超过十五年"')
    problems = [str(problem) for problem in check_calculators(load_knowledge(kb_root))]
    assert len(problems) == 1
    assert "is not in 《劳动合同法》第四十七条" in problems[0]


def test_a_missing_constant_is_reported(kb_root: Path) -> None:
    _edit(kb_root / "calculators.toml", 'key = "maternity_days"', 'key = "maternity_days_renamed"')
    problems = [str(problem) for problem in check_calculators(load_knowledge(kb_root), required=RULE_KEYS)]
    assert "calculators.toml: maternity_days: the calculators need this constant; declare it" in problems


def test_an_unsourced_number_in_a_reply_is_reported(kb_root: Path) -> None:
    _edit(kb_root / "replies" / "calculators.toml", "算法：累计满1年不满10年的5天", "算法：累计满1年不满10年的7天")
    problems = [str(problem) for problem in check_calculators(load_knowledge(kb_root))]
    assert problems == ["replies/calculators.toml: calc_leave_days_result: states quantities no cited article states: 7 day"]


def test_examples_in_quotes_are_not_claims(kb_root: Path) -> None:
    _edit(kb_root / "replies" / "calculators.toml", "比如“4天”“20小时”", "比如“13天”“37小时”")
    assert check_calculators(load_knowledge(kb_root)) == []
