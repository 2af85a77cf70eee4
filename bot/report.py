"""The monthly figures for the monthly meeting: inquiries, unanswered questions, cases, tickets, events.

`build_report` reads one month from the database; `render_markdown` writes what `python -m bot report` saves,
`render_pack` the short version the monthly meeting's reminder carries, `render_chart` the PNG of inquiries
per day by intent. Questions the bot could not answer are grouped as the console groups them
(intents.questions), most frequent first: the knowledge base's to-do list.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.masking import mask_personal
from intents.context import DialoguePolicy, render
from intents.normalize import fold
from intents.questions import QuestionGroup, group_questions
from knowledge import KnowledgeBase
from storage import cases, figures, session_scope
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


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month as [first midnight, next month's first midnight), local time."""
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz) if month == 12 else datetime(year, month + 1, 1, tzinfo=tz)
    return start, end


def previous_month(day: date) -> tuple[int, int]:
    """(year, month) of the month before `day`'s."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def build_report(
    engine: Engine,
    policy: DialoguePolicy,
    year: int,
    month: int,
    now: datetime,
    core: Callable[[str], str] = fold,
) -> MonthlyReport:
    """Read one month's figures; messages from staff accounts are not counted as inquiries.

    Unanswered questions are grouped as the console groups them; `core` is what a question is about
    (the matcher's `question_core`; plain folding without one).
    """
    tz = policy.timezone
    start, end = month_bounds(year, month, tz)
    staff_accounts = set(policy.staff_accounts)
    with session_scope(engine) as session:
        inquiries = [
            item
            for item in figures.inquiries(session=session, start=start, end=end)
            if (item.channel, item.user) not in staff_accounts
        ]
        case_figures = figures.case_figures(session=session, start=start, end=end, finished=cases.FINISHED)
        opened = figures.tickets_opened(session=session, start=start, end=end)
        closed = figures.tickets_closed(session=session, start=start, end=end)
        events = figures.event_figures(session=session, start=start, end=end)
    per_day: dict[date, Counter[str]] = {}
    for item in inquiries:
        per_day.setdefault(item.at.astimezone(tz).date(), Counter())[item.intent] += 1
    unanswered = [(mask_personal(item.text), item.at) for item in inquiries if not item.answered and item.text.strip()]
    return MonthlyReport(
        year=year,
        month=month,
        start=start,
        end=end,
        made_at=now,
        total=len(inquiries),
        users=len({(item.channel, item.user) for item in inquiries}),
        answered=sum(item.answered for item in inquiries),
        by_intent=Counter(item.intent for item in inquiries).most_common(),
        by_channel=Counter(item.channel for item in inquiries).most_common(),
        per_day=per_day,
        unanswered=group_questions(unanswered, core),
        cases=case_figures,
        tickets_opened=len(opened),
        tickets_closed=closed,
        reply_waits=[
            ticket.first_reply_at - ticket.opened_at for ticket in opened if ticket.first_reply_at is not None
        ],
        events=events,
    )


class _Words:
    def __init__(self, kb: KnowledgeBase, policy: DialoguePolicy) -> None:
        self.kb = kb
        self.policy = policy

    def say(self, key: str, **values: object) -> str:
        return render(self.kb.reply(key), self.policy.facts, **values)

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
        confirmed = sum(event.confirmed for event in report.events)
        lines.append(words.say("pack_events", count=len(report.events), confirmed=confirmed))
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
    tz = policy.timezone
    lines = [
        words.say("report_title", year=report.year, month=report.month),
        "",
        words.say(
            "report_period",
            start=report.start.date().isoformat(),
            end=report.end.date().isoformat(),
            made=report.made_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
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
    lines += ["", words.say("report_unanswered"), "", words.say("report_unanswered_note"), ""]
    if not report.unanswered:
        lines.append(words.say("report_none"))
    for number, group in enumerate(report.unanswered, 1):
        lines.append(words.say("report_unanswered_line", number=number, text=group.example, count=group.count))
        if group.others:
            lines.append(
                "   "
                + words.say("report_unanswered_also", others=words.say("pack_joiner").join(group.others[:2]))
            )
    case_figures = report.cases
    lines += [
        "",
        words.say("report_cases"),
        "",
        words.say(
            "report_cases_line",
            opened=case_figures.opened,
            finished=case_figures.finished,
            overdue=case_figures.overdue,
        ),
        "",
    ]
    lines += _table(
        words.say("report_table_status"),
        [
            (words.label("status", status), case_figures.by_status[status])
            for status in cases.STATUSES
            if case_figures.by_status.get(status)
        ],
    )
    lines += ["", words.say("report_tickets"), ""]
    if report.tickets_opened:
        waits = report.reply_waits
        average = sum(waits, timedelta()) / len(waits) if waits else None
        median = (
            timedelta(seconds=statistics.median(wait.total_seconds() for wait in waits)) if waits else None
        )
        lines.append(
            words.say(
                "report_tickets_line",
                opened=report.tickets_opened,
                closed=report.tickets_closed,
                replied=len(waits),
                average=words.duration(average) if average is not None else "-",
                median=words.duration(median) if median is not None else "-",
            )
        )
    else:
        lines.append(words.say("report_tickets_none"))
    lines += ["", words.say("report_events"), ""]
    if report.events:
        lines += _table(
            words.say("report_table_events"),
            [
                (
                    event.title,
                    event.starts_at.astimezone(tz).strftime("%m-%d %H:%M"),
                    event.capacity,
                    event.confirmed,
                    event.waitlisted,
                    event.cancelled,
                )
                for event in report.events
            ],
        )
        lines += ["", words.say("report_events_note")]
    else:
        lines.append(words.say("report_none"))
    return "\n".join(lines) + "\n"


def render_chart(report: MonthlyReport, path: Path, top: int = 6) -> None:
    """A stacked bar chart of inquiries per day by intent (the `top` intents, the rest together) as PNG.

    Labels are the intent ids: a server seldom has a Chinese font, and missing glyphs would print boxes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [
        report.start.date() + timedelta(days=offset) for offset in range((report.end - report.start).days)
    ]
    leading = [name for name, _ in report.by_intent[:top]]
    series: dict[str, list[int]] = {name: [] for name in leading}
    rest = [name for name, _ in report.by_intent[top:]]
    if rest:
        series["other"] = []
    for day in days:
        counts = report.per_day.get(day, Counter())
        for name in leading:
            series[name].append(counts.get(name, 0))
        if rest:
            series["other"].append(sum(counts.get(name, 0) for name in rest))
    figure, axes = plt.subplots(figsize=(10, 4), dpi=100)
    try:
        bottom = [0] * len(days)
        positions = [day.day for day in days]
        for name, values in series.items():
            axes.bar(positions, values, bottom=bottom, label=name)
            bottom = [low + value for low, value in zip(bottom, values, strict=True)]
        axes.set_title(f"Inquiries per day by intent, {report.label}")
        axes.set_xlabel("day")
        axes.set_ylabel("inquiries")
        axes.set_xticks(positions)
        axes.tick_params(axis="x", labelsize=7)
        if series:
            axes.legend(fontsize=7, loc="upper left")
        figure.tight_layout()
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)
