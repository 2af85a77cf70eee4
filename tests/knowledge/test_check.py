from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from intents import IntentId
from knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from knowledge.check import check_knowledge

INTENTS = {intent.value for intent in IntentId}


def test_shipped_knowledge_base_passes_every_rule(kb: KnowledgeBase, settings: Settings) -> None:
    from intents.skills import ACTIONS

    problems = check_knowledge(kb, valid_intents=INTENTS, facts=settings.facts(), valid_actions=ACTIONS)
    assert [str(problem) for problem in problems] == []


def test_shipped_knowledge_base_is_large_enough(kb: KnowledgeBase) -> None:
    assert len(kb.entries) >= 150
    assert {entry.intent for entry in kb.entries} == INTENTS
    assert all(len(entry.phrasings) >= 4 for entry in kb.entries)


def _problems(root: Path, entry: str, settings: Settings) -> list[str]:
    (root / "faq" / "test.toml").write_text(entry, encoding="utf-8")
    kb = load_knowledge(root)
    return [problem.message for problem in check_knowledge(kb, valid_intents=INTENTS, facts=settings.facts())]


ENTRY = """
[[entry]]
id = "overtime"
intent = "labor_law"
reviewed = 2026-11-30
phrasings = ["加班费怎么算", "加班工资咋算", "平时加班给多少", "晚上加班钱怎么算"]
answer = "{answer}"
refs = [{refs}]
"""


def _entry(answer: str, refs: str = '"劳动法第四十四条"') -> str:
    return ENTRY.replace("{answer}", answer).replace("{refs}", refs)


def test_a_correct_entry_has_no_problem(kb_copy: Path, settings: Settings) -> None:
    answer = "平时加班不低于工资的百分之一百五十（即1.5倍），电话{station_phone}（依据《劳动法》第四十四条）"
    problems = _problems(kb_copy, _entry(answer), settings)
    # The copy has no FAQ entries but this one: whole-base cross-references to entries are not its concern.
    whole_base = ("no entry answers", "[[domain]]", "concept answer")
    assert [p for p in problems if not any(part in p for part in whole_base)] == []


def test_a_number_the_article_does_not_say_is_reported(kb_copy: Path, settings: Settings) -> None:
    problems = _problems(kb_copy, _entry("平时加班给百分之一百二十（依据《劳动法》第四十四条）"), settings)
    assert any("120 percent" in p for p in problems)


def test_a_ref_to_a_missing_article_is_reported(kb_copy: Path, settings: Settings) -> None:
    problems = _problems(kb_copy, _entry("见《劳动法》第九百条", '"劳动法第九百条"'), settings)
    assert any("does not exist" in p for p in problems)


def test_a_ref_not_named_in_the_answer_is_reported(kb_copy: Path, settings: Settings) -> None:
    problems = _problems(kb_copy, _entry("加班要给加班费。"), settings)
    assert any("does not name its ref" in p for p in problems)


def test_an_unknown_placeholder_is_reported(kb_copy: Path, settings: Settings) -> None:
    problems = _problems(kb_copy, _entry("打{boss_phone}（《劳动法》第四十四条）"), settings)
    assert any("unknown placeholders ['boss_phone']" in p for p in problems)


def test_an_answer_too_long_for_a_phone_is_reported(kb_copy: Path, settings: Settings) -> None:
    problems = _problems(kb_copy, _entry("加班" * 250 + "《劳动法》第四十四条"), settings)
    assert any("at most 400" in p for p in problems)


def test_a_duplicate_phrasing_is_reported(kb_copy: Path, settings: Settings) -> None:
    twice = _entry("《劳动法》第四十四条") + _entry("《劳动法》第四十四条").replace(
        '"overtime"', '"overtime2"'
    )
    problems = _problems(kb_copy, twice, settings)
    assert any("also in test.toml:overtime" in p for p in problems)


def test_a_malformed_reference_names_file_and_entry(kb_copy: Path) -> None:
    (kb_copy / "faq" / "bad.toml").write_text(_entry("x", '"劳动法四十四"'), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad.toml: entry 'overtime'.refs"):
        load_knowledge(kb_copy)


def test_broken_toml_names_the_file(kb_copy: Path) -> None:
    (kb_copy / "faq" / "bad.toml").write_text("[[entry]\nid=", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad\.toml: -: not valid TOML"):
        load_knowledge(kb_copy)


def test_an_unknown_action_is_reported(kb_copy: Path, settings: Settings) -> None:
    entry = _entry("《劳动法》第四十四条").replace('intent = "labor_law"', 'intent = "labor_law"\naction = "fly"')
    (kb_copy / "faq" / "test.toml").write_text(entry, encoding="utf-8")
    kb = load_knowledge(kb_copy)
    problems = check_knowledge(kb, valid_intents=INTENTS, facts=settings.facts(), valid_actions={"open_case"})
    assert any("action 'fly'" in problem.message for problem in problems)


def test_a_concept_answer_must_be_a_labour_entry(kb_copy: Path, settings: Settings) -> None:
    concepts = kb_copy / "concepts.toml"
    concepts.write_text(
        concepts.read_text(encoding="utf-8").replace('answer = "injury_what_to_do"', 'answer = "no_such_entry"'),
        encoding="utf-8",
    )
    problems = _problems(kb_copy, _entry("平时加班不低于工资的百分之一百五十（依据《劳动法》第四十四条）"), settings)
    assert any("concept answer 'no_such_entry'" in p for p in problems)
