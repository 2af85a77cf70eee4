from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.app import Services
from bot.cli import main
from bot.report import build_report, render_chart
from intents.staff.report import render_markdown, render_pack
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.conversation import Conversation


def _month_of_traffic(services: Services, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI))
    Conversation(services, user="w1", channel="web").say("加班费怎么算")
    clock.advance(days=1)
    Conversation(services, user="w2", channel="wechat").say("怎么加入工会")
    Conversation(services, user="w3", channel="wechat").say("阳台晾衣杆怎么划分，13812345678")
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))
    Conversation(services, user="w4", channel="web").say("加班费怎么算")  # December: not counted


def test_report_counts_the_month(services: Services, clock: FixedClock) -> None:
    _month_of_traffic(services, clock)
    report = build_report(services.engine, services.policy, 2026, 11, clock.now(), services.matcher.question_core)
    assert report.total == 3 and report.users == 3 and report.answered == 2
    assert dict(report.by_channel) == {"wechat": 2, "web": 1}
    assert sum(sum(counter.values()) for counter in report.per_day.values()) == 3
    assert [group.example for group in report.unanswered] == ["阳台晾衣杆怎么划分，138****5678"]
    markdown = render_markdown(report, services.kb, services.policy, "chart.png")
    assert markdown.startswith("# 2026年11月工作数据")
    assert "| 微信 | 2 |" in markdown and "![每天的咨询量](chart.png)" in markdown
    assert "1. 阳台晾衣杆怎么划分，138****5678（1次）" in markdown
    pack = render_pack(report, services.kb, services.policy)
    assert "咨询3条（3位职工）" in pack and "--month 2026-11" in pack
    assert len(pack) < 500


def test_chart_is_a_png(services: Services, clock: FixedClock, tmp_path: Path) -> None:
    _month_of_traffic(services, clock)
    report = build_report(services.engine, services.policy, 2026, 11, clock.now())
    render_chart(report, tmp_path / "chart.png", services.kb, services.policy)
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


def test_empty_month(services: Services, clock: FixedClock) -> None:
    report = build_report(services.engine, services.policy, 2026, 1, clock.now() + timedelta(days=1))
    assert report.total == 0 and report.answered_share == 0
    assert "本月没有转人工" in render_markdown(report, services.kb, services.policy)


def test_report_command_writes_markdown_and_png(services: Services, tmp_path: Path) -> None:
    from io import StringIO

    url = str(services.engine.url)
    out = StringIO()
    assert main(["--db", url, "report", "--month", "2026-11", "--out", str(tmp_path)], out) == 0
    assert (tmp_path / "report-2026-11.md").read_text(encoding="utf-8").startswith("# 2026年11月")
    assert (tmp_path / "report-2026-11.png").exists()


def test_the_chart_is_drawn_in_chinese_with_the_installed_cjk_font(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    import warnings

    from bot.report import cjk_font

    assert cjk_font().is_file()  # fonts-noto-cjk, installed by .ci/run
    _month_of_traffic(services, clock)
    report = build_report(services.engine, services.policy, 2026, 11, clock.now())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(report, tmp_path / "chart.png", services.kb, services.policy)
    missing = [str(warning.message) for warning in caught if "missing from" in str(warning.message)]
    assert missing == []  # every character of the Chinese title, axes and legend has a glyph


def test_a_missing_cjk_font_is_said_plainly(tmp_path: Path) -> None:
    import pytest

    from bot.errors import BotError
    from bot.report import cjk_font

    with pytest.raises(BotError, match="fonts-noto-cjk"):
        cjk_font((tmp_path / "none.ttc",))


def test_the_report_counts_signups_made_in_the_month(any_services: Services, clock: FixedClock) -> None:
    from tests.support.events import add_event, at

    add_event(any_services, "dec", "新年联欢会", at(12, 20, 19), aliases=("联欢会",))
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    for number, name in enumerate(("张三", "李四")):
        worker = Conversation(any_services, user=f"s{number}")
        worker.say("报名联欢会")
        for answer in (name, f"1381234567{number}", "月坛街道办", "同意"):
            worker.say(answer)
    report = build_report(any_services.engine, any_services.policy, 2026, 11, clock.now())
    markdown = render_markdown(report, any_services.kb, any_services.policy)
    assert "本月新增报名2人次，涉及1个活动" in markdown
    assert "| 新年联欢会 | 12-20 19:00 | 20 | 2 | 2 | 0 | 0 |" in markdown
    assert "本月新增活动报名2人次" in render_pack(report, any_services.kb, any_services.policy)
    december = build_report(any_services.engine, any_services.policy, 2026, 12, clock.now())
    assert december.events == []  # the event takes place in December, the signups were made in November


def test_names_are_masked_in_the_unanswered_list(any_services: Services, clock: FixedClock) -> None:
    from tests.support.events import add_event, at

    add_event(any_services, "walk", "职工健步走", at(12, 5, 9), aliases=("健步走",))
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    worker = Conversation(any_services, user="named")
    worker.say("报名健步走")
    for answer in ("王建国", "13812345678", "月坛街道办", "同意"):
        worker.say(answer)
    worker.say("王建国家的阳台晾衣杆怎么划分")
    Conversation(any_services, user="intro").say("本人赵小明，楼顶能晒被子吗")
    report = build_report(any_services.engine, any_services.policy, 2026, 11, clock.now())
    texts = " ".join(" ".join(group.wordings) for group in report.unanswered)
    assert "王建国" not in texts and "王**家的阳台" in texts
    assert "赵小明" not in texts and "本人赵**" in texts
