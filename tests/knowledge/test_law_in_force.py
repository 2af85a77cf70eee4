"""`kb check` knows the law in force: repealed provisions, texts not at hand, dates, Beijing rules, review dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.config import Settings
from intents import IntentId
from knowledge import KnowledgeBase, load_knowledge
from knowledge.check import check_knowledge

INTENTS = {intent.value for intent in IntentId}
TODAY = date(2026, 11, 30)


def _entry(answer: str, refs: str, *, reviewed: str = "reviewed = 2026-11-30\n", entry_extra: str = "") -> str:
    return (
        f"{reviewed}\n[[entry]]\nid = \"topic\"\nintent = \"labor_law\"\n{entry_extra}"
        'phrasings = ["一天干几个小时", "一周上几个钟头班", "工时规定是啥", "上班时间多长"]\n'
        f'answer = """{answer}"""\nrefs = [{refs}]\n'
    )


def _problems(root: Path, text: str, settings: Settings) -> list[str]:
    (root / "faq" / "topic.toml").write_text(text, encoding="utf-8")
    kb = load_knowledge(root)
    problems = check_knowledge(
        kb,
        valid_intents=INTENTS,
        facts=settings.facts(),
        local_rules=settings.local_rules_by_key(),
        today=TODAY,
    )
    whole_base = ("no entry answers", "[[domain]]", "concept answer")  # cross-references to the FAQ files not copied
    return [problem.message for problem in problems if not any(part in problem.message for part in whole_base)]


def test_the_shipped_laws_record_version_date_in_force_and_source(kb: KnowledgeBase) -> None:
    for law in kb.laws:
        assert law.status.version is not None, law.file
        assert law.status.in_force is not None, law.file
        assert law.status.source, law.file
    holidays = kb.law("全国年节及纪念日放假办法")
    assert holidays is not None
    assert holidays.status.in_force == date(2025, 1, 1)
    article = holidays.article(2)
    assert article is not None
    assert "农历除夕" in article.text
    assert "5月1日、2日" in article.text


def test_the_44_hour_week_is_marked_as_replaced_by_the_40_hour_week(kb: KnowledgeBase) -> None:
    labor_law = kb.law("劳动法")
    assert labor_law is not None
    (change,) = labor_law.changes_of(36)
    assert change.by == "国务院关于职工工作时间的规定第三条"
    replacement = kb.law("国务院关于职工工作时间的规定")
    assert replacement is not None
    article = replacement.article(3)
    assert article is not None
    assert "每周工作40小时" in article.text


def test_citing_the_replaced_44_hour_article_fails_and_names_what_to_cite(kb_copy: Path, settings: Settings) -> None:
    answer = "每天不超过八小时，平均每周不超过四十四小时（《劳动法》第三十六条）"
    problems = _problems(kb_copy, _entry(answer, '"劳动法第三十六条"'), settings)
    assert any("not in force" in p and "国务院关于职工工作时间的规定第三条" in p for p in problems)


def test_citing_the_current_40_hour_rule_passes(kb_copy: Path, settings: Settings) -> None:
    answer = "每天8小时、每周40小时（《国务院关于职工工作时间的规定》第三条）"
    assert _problems(kb_copy, _entry(answer, '"国务院关于职工工作时间的规定第三条"'), settings) == []


def test_citing_an_article_whose_first_paragraph_was_repealed_fails(kb_copy: Path, settings: Settings) -> None:
    answer = "返聘的按劳务关系处理（《劳动争议司法解释一》第三十二条）"
    problems = _problems(kb_copy, _entry(answer, '"劳动争议司法解释一第三十二条"'), settings)
    assert any("第一款 was repealed" in p and "2025-09-01" in p for p in problems)


def test_a_text_not_at_hand_may_be_named_only_with_the_hotline(kb_copy: Path, settings: Settings) -> None:
    named = "最高人民法院劳动争议司法解释（二）自2025年9月1日起施行，对此有新规定"
    problems = _problems(kb_copy, _entry(named, ""), settings)
    assert any("text not at hand" in p and "{labor_hotline}" in p for p in problems)
    assert _problems(kb_copy, _entry(named + "，请打{labor_hotline}问。", ""), settings) == []


def test_quoting_an_article_of_a_text_not_at_hand_fails(kb_copy: Path, settings: Settings) -> None:
    quoted = "《劳动争议司法解释（二）》第十八条规定要补发工资，请打{union_hotline}。"
    problems = _problems(kb_copy, _entry(quoted, ""), settings)
    assert any("quotes an article" in p for p in problems)


def test_a_date_no_cited_or_named_text_took_effect_on_fails(kb_copy: Path, settings: Settings) -> None:
    answer = "从2024年3月1日起，每天8小时、每周40小时（《国务院关于职工工作时间的规定》第三条）"
    problems = _problems(kb_copy, _entry(answer, '"国务院关于职工工作时间的规定第三条"'), settings)
    assert any("2024年3月1日" in p for p in problems)
    fixed = answer.replace("2024年3月1日", "1995年5月1日")
    assert _problems(kb_copy, _entry(fixed, '"国务院关于职工工作时间的规定第三条"'), settings) == []


def test_a_beijing_figure_must_say_it_is_beijings_and_name_the_rule(kb_copy: Path, settings: Settings) -> None:
    unattributed = "产假98天，再加{bj_maternity_extra}（《女职工劳动保护特别规定》第七条）"
    problems = _problems(kb_copy, _entry(unattributed, '"女职工劳动保护特别规定第七条"'), settings)
    assert any("does not say it is 北京's rule" in p for p in problems)
    assert any("《北京市人口与计划生育条例》" in p for p in problems)
    attributed = (
        "产假98天（《女职工劳动保护特别规定》第七条）。北京规定（《北京市人口与计划生育条例》）再加{bj_maternity_extra}。"
    )
    assert _problems(kb_copy, _entry(attributed, '"女职工劳动保护特别规定第七条"'), settings) == []


def test_a_local_figure_written_as_a_number_is_refused(kb_copy: Path, settings: Settings) -> None:
    answer = "北京规定（《北京市人口与计划生育条例》）产假再加60天（《女职工劳动保护特别规定》第七条）"
    problems = _problems(kb_copy, _entry(answer, '"女职工劳动保护特别规定第七条"'), settings)
    assert any("60 day" in p for p in problems)


def test_every_entry_carries_a_review_date(kb_copy: Path, settings: Settings) -> None:
    answer = "每周40小时（《国务院关于职工工作时间的规定》第三条）"
    ref = '"国务院关于职工工作时间的规定第三条"'
    assert any("no review date" in p for p in _problems(kb_copy, _entry(answer, ref, reviewed=""), settings))
    own = _entry(answer, ref, reviewed="", entry_extra="reviewed = 2026-11-01\n")
    assert _problems(kb_copy, own, settings) == []
    future = _entry(answer, ref, reviewed="reviewed = 2027-01-05\n")
    assert any("in the future" in p for p in _problems(kb_copy, future, settings))


def test_an_entry_review_date_overrides_the_file_default(kb_copy: Path) -> None:
    text = _entry("x", "", reviewed="reviewed = 2026-01-01\n", entry_extra="reviewed = 2026-06-30\n")
    (kb_copy / "faq" / "topic.toml").write_text(text, encoding="utf-8")
    (entry,) = load_knowledge(kb_copy).entries
    assert entry.reviewed == date(2026, 6, 30)


def test_a_change_pointing_at_a_missing_article_is_reported(kb_copy: Path, settings: Settings) -> None:
    index = kb_copy / "laws" / "laws.toml"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            'by = "国务院关于职工工作时间的规定第三条"', 'by = "国务院关于职工工作时间的规定第九十九条"'
        ),
        encoding="utf-8",
    )
    problems = _problems(kb_copy, _entry("x", ""), settings)
    assert any("第九十九条, which does not exist" in p for p in problems)
