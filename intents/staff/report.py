"""The monthly figures in words: the Markdown report `python -m bot report` saves and the short pack the
monthly meeting's reminder carries. The figures are read by bot/report.py::build_report; every sentence and
heading is a reply (knowledge/replies/scheduler.toml and report keys).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from intents.context import DialoguePolicy, Speaks
from intents.questions import QuestionGroup
from knowledge import KnowledgeBase
from storage import cases
from storage.figures import CaseFigures, EventFigures

PACK_TOP = 3  # items per line in the reminder's short pack


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """One month's figures, ready to render."""

    year: int
    month: int
    start: datetime
    end: datetime
    made_at: datetime
    total: int
    users: int
    answered: int
    by_intent: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    per_day: dict[date, Counter[str]]
    unanswered: list[QuestionGroup]
    cases: CaseFigures
    tickets_opened: int
    tickets_closed: int
    reply_waits: list[timedelta]
    events: list[EventFigures] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The month as YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def answered_share(self) -> int:
        """Answered inquiries in percent."""
        return round(100 * self.answered / self.total) if self.total else 0


class _Words(Speaks):
    __slots__ = ("kb", "policy")

    def __init__(self, kb: KnowledgeBase, policy: DialoguePolicy) -> None:
        self.kb = kb
        self.policy = policy

    def label(self, prefix: str, value: str) -> str:
        key = f"{prefix}_{value}"
        return self.say(key) if key in self.kb.replies else value

    def duration(self, span: timedelta) -> str:
        minutes = round(span.total_seconds() / 60)
        if minutes < 120:
            return self.say("report_minutes", minutes=minutes)
        return self.say("report_hours", hours=round(minutes / 60, 1))


def render_pack(report: MonthlyReport, kb: KnowledgeBase, policy: DialoguePolicy) -> str:
    """The short figures the monthly meeting's reminder carries (a phone screen or two)."""
    words = _Words(kb, policy)
    joiner = words.say("pack_joiner")

    def top(pairs: Sequence[tuple[str, int]], prefix: str) -> str:
        return joiner.join(
            words.say("pack_item", label=words.label(prefix, name), count=count)
            for name, count in pairs[:PACK_TOP]
        )

    lines = [
        words.say("routine_pack_lead"),
        words.say(
            "pack_inquiries",
            total=report.total,
            users=report.users,
            answered_share=report.answered_share,
            top=top(report.by_intent, "intent_label") or "-",
        ),
    ]
    if report.by_channel:
        lines.append(words.say("pack_channels", channels=top(report.by_channel, "channel_label")))
    if report.unanswered:
        groups = report.unanswered[:PACK_TOP]
        lines.append(
            words.say(
                "pack_unanswered",
                top=joiner.join(
                    words.say("pack_question", text=group.example, count=group.count) for group in groups
                ),
            )
        )
    else:
        lines.append(words.say("pack_unanswered_none"))
    case_figures = report.cases
    lines.append(
        words.say(
            "pack_cases",
            opened=case_figures.opened,
            finished=case_figures.finished,
            overdue=case_figures.overdue,
        )
    )
    if report.reply_waits:
        average = sum(report.reply_waits, timedelta()) / len(report.reply_waits)
        lines.append(words.say("pack_tickets", opened=report.tickets_opened, wait=words.duration(average)))
    else:
        lines.append(words.say("pack_tickets_none", opened=report.tickets_opened))
    if report.events:
        made = sum(event.made for event in report.events)
        lines.append(words.say("pack_events", count=len(report.events), made=made))
    lines.append(words.say("pack_more", month=report.label))
    return "\n".join(lines)


def _table(header: str, rows: Sequence[Sequence[object]]) -> list[str]:
    columns = header.count("|") - 1
    lines = [header, "|" + "---|" * columns]
    lines += ["| " + " | ".join(str(cell).replace("|", "/") for cell in row) + " |" for row in rows]
    return lines


def render_markdown(
    report: MonthlyReport, kb: KnowledgeBase, policy: DialoguePolicy, chart: str | None = None
) -> str:
    """The whole month as Markdown; `chart` is the PNG's file name, linked under the inquiries."""
    words = _Words(kb, policy)
    sections = (
        _inquiries(report, words, chart),
        _unanswered(report, words),
        _cases(report, words),
        _tickets(report, words),
        _events(report, words),
    )
    return "\n".join(line for section in sections for line in section) + "\n"


def _inquiries(report: MonthlyReport, words: _Words, chart: str | None) -> list[str]:
    made = report.made_at.astimezone(words.policy.timezone).strftime("%Y-%m-%d %H:%M")
    lines = [
        words.say("report_title", year=report.year, month=report.month),
        "",
        words.say(
            "report_period",
            start=report.start.date().isoformat(),
            end=report.end.date().isoformat(),
            made=made,
        ),
        "",
        words.say("report_inquiries"),
        "",
        words.say(
            "report_inquiries_total",
            total=report.total,
            users=report.users,
            answered=report.answered,
            answered_share=report.answered_share,
        ),
        "",
    ]
    if chart:
        lines += [words.say("report_chart", chart=chart), ""]
    lines += [words.say("report_by_intent"), ""]
    lines += _table(
        words.say("report_table_kind"),
        [(words.label("intent_label", name), count) for name, count in report.by_intent],
    )
    lines += ["", words.say("report_by_channel"), ""]
    lines += _table(
        words.say("report_table_channel"),
        [(words.label("channel_label", name), count) for name, count in report.by_channel],
    )
    return lines


def _unanswered(report: MonthlyReport, words: _Words) -> list[str]:
    lines = ["", words.say("report_unanswered"), "", words.say("report_unanswered_note"), ""]
    if not report.unanswered:
        lines.append(words.say("report_none"))
    for number, group in enumerate(report.unanswered, 1):
        lines.append(words.say("report_unanswered_line", number=number, text=group.example, count=group.count))
        if group.others:
            others = words.say("pack_joiner").join(group.others[:2])
            lines.append("   " + words.say("report_unanswered_also", others=others))
    return lines


def _cases(report: MonthlyReport, words: _Words) -> list[str]:
    figures = report.cases
    lines = [
        "",
        words.say("report_cases"),
        "",
        words.say(
            "report_cases_line", opened=figures.opened, finished=figures.finished, overdue=figures.overdue
        ),
        "",
    ]
    return lines + _table(
        words.say("report_table_status"),
        [
            (words.label("status", status), figures.by_status[status])
            for status in cases.STATUSES
            if figures.by_status.get(status)
        ],
    )


def _tickets(report: MonthlyReport, words: _Words) -> list[str]:
    lines = ["", words.say("report_tickets"), ""]
    if not report.tickets_opened:
        return [*lines, words.say("report_tickets_none")]
    waits = report.reply_waits
    average = sum(waits, timedelta()) / len(waits) if waits else None
    median = timedelta(seconds=statistics.median(wait.total_seconds() for wait in waits)) if waits else None
    line = words.say(
        "report_tickets_line",
        opened=report.tickets_opened,
        closed=report.tickets_closed,
        replied=len(waits),
        average=words.duration(average) if average is not None else "-",
        median=words.duration(median) if median is not None else "-",
    )
    return [*lines, line]


def _events(report: MonthlyReport, words: _Words) -> list[str]:
    lines = ["", words.say("report_events"), ""]
    if not report.events:
        return [*lines, words.say("report_none")]
    lines += [
        words.say(
            "report_events_line",
            made=sum(event.made for event in report.events),
            count=len(report.events),
            confirmed=sum(event.confirmed for event in report.events),
            waitlisted=sum(event.waitlisted for event in report.events),
            cancelled=sum(event.cancelled for event in report.events),
        ),
        "",
    ]
    tz = words.policy.timezone
    rows = [
        (
            event.title,
            event.starts_at.astimezone(tz).strftime("%m-%d %H:%M"),
            event.capacity,
            event.made,
            event.confirmed,
            event.waitlisted,
            event.cancelled,
        )
        for event in report.events
    ]
    return [*lines, *_table(words.say("report_table_events"), rows), "", words.say("report_events_note")]


@dataclass(frozen=True, slots=True)
class ChartText:
    """What the monthly chart shows, in the report's words: title, axes, and the day series by label."""

    title: str
    x_label: str
    y_label: str
    days: list[date]
    series: dict[str, list[int]]


def chart_text(report: MonthlyReport, kb: KnowledgeBase, policy: DialoguePolicy, top: int = 6) -> ChartText:
    """Inquiries per day by intent (the `top` intents by name, the rest together as 其他)."""
    words = _Words(kb, policy)
    days = [report.start.date() + timedelta(days=offset) for offset in range((report.end - report.start).days)]
    leading = [name for name, _ in report.by_intent[:top]]
    rest = [name for name, _ in report.by_intent[top:]]
    series: dict[str, list[int]] = {}
    for name in leading:
        series[words.label("intent_label", name)] = [report.per_day.get(day, Counter()).get(name, 0) for day in days]
    if rest:
        series[words.say("chart_other")] = [
            sum(report.per_day.get(day, Counter()).get(name, 0) for name in rest) for day in days
        ]
    return ChartText(
        title=words.say("chart_title", year=report.year, month=report.month),
        x_label=words.say("chart_x"),
        y_label=words.say("chart_y"),
        days=days,
        series=series,
    )
