from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.app import Services
from bot.cli import main
from bot.report import build_report, group_questions, render_chart
from intents.staff.report import render_markdown, render_pack
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.conversation import Conversation


def test_similar_questions_are_grouped_most_frequent_first() -> None:
    groups = group_questions(
        [
            "楼上漏水物业不管",
            "小区停车位怎么划分",
            "小区停车位怎么划分？",
            "小區停車位怎麼劃分",
            "小区停车位如何划分",
            "楼上漏水物业不管怎么办",
            "孩子上学报名",
        ]
    )
    assert [(group.text, group.count) for group in groups] == [
        ("小区停车位怎么划分", 4),
        ("楼上漏水物业不管", 2),
        ("孩子上学报名", 1),
    ]
    assert groups[0].others == ("小区停车位如何划分",)


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
    report = build_report(services.engine, services.policy, 2026, 11, clock.now(), services.matcher.prepare)
    assert report.total == 3 and report.users == 3 and report.answered == 2
    assert dict(report.by_channel) == {"wechat": 2, "web": 1}
    assert sum(sum(counter.values()) for counter in report.per_day.values()) == 3
    assert [group.text for group in report.unanswered] == ["阳台晾衣杆怎么划分，138****5678"]
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
    render_chart(report, tmp_path / "chart.png")
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
