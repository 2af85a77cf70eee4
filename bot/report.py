"""The monthly figures for the monthly meeting: inquiries, unanswered questions, cases, tickets, events.

`build_report` reads one month from the database; `render_markdown` writes what `python -m bot report` saves,
`render_pack` the short version the monthly meeting's reminder carries, `render_chart` the PNG of inquiries
per day by intent. Questions the bot could not answer are grouped by similarity (the project's own
normalisation and synonyms, then rapidfuzz), most frequent first: the knowledge base's to-do list.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy.engine import Engine

from bot.errors import BotError
from bot.masking import mask_names, mask_personal
from intents.context import DialoguePolicy, render
from intents.normalize import fold, normalize
from knowledge import KnowledgeBase
from storage import cases, figures, session_scope
from storage.figures import CaseFigures, EventFigures

SIMILAR = 70  # rapidfuzz score (0–100) from which two unanswered questions count as the same question
PACK_TOP = 3  # items per line in the reminder's short pack


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Unanswered questions that say the same thing: the most common wording, how often, other wordings."""

    text: str
    count: int
    others: tuple[str, ...] = ()


def group_questions(
    texts: Sequence[str], prepare: Callable[[str], str] = normalize, threshold: int = SIMILAR
) -> list[QuestionGroup]:
    """Group similar questions, most frequent group first (ties: first asked first).

    Two questions are similar when rapidfuzz finds their prepared forms (normalised, synonyms rewritten)
    at least `threshold` alike, character by character or word by word in any order.
    """
    members: list[list[str]] = []
    keys: list[str] = []
    for text in texts:
        prepared = prepare(text)
        if not prepared:
            continue
        folded = prepared.replace(" ", "")
        best, best_score = -1, 0.0
        for index, key in enumerate(keys):
            score = max(
                fuzz.ratio(folded, key.replace(" ", "")),
                fuzz.token_sort_ratio(prepared, key) if " " in prepared or " " in key else 0.0,
            )
            if score > best_score:
                best, best_score = index, score
        if best >= 0 and best_score >= threshold:
            members[best].append(text)
        else:
            members.append([text])
            keys.append(prepared)
    groups = []
    for wordings in members:
        counted = Counter(fold(text) for text in wordings)
        by_fold = {fold(text): text for text in reversed(wordings)}  # the first wording of each form
        ordered = [by_fold[form] for form, _ in counted.most_common()]
        groups.append(QuestionGroup(ordered[0], len(wordings), tuple(ordered[1:3])))
    order = {id(group): index for index, group in enumerate(groups)}
    return sorted(groups, key=lambda group: (-group.count, order[id(group)]))


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
    prepare: Callable[[str], str] = normalize,
) -> MonthlyReport:
    """Read one month's figures; messages from staff accounts are not counted as inquiries."""
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
        names = figures.known_names(session=session)
    per_day: dict[date, Counter[str]] = {}
    for item in inquiries:
        per_day.setdefault(item.at.astimezone(tz).date(), Counter())[item.intent] += 1
    unanswered = [
        mask_names(mask_personal(item.text), names)
        for item in inquiries
        if not item.answered and item.text.strip()
    ]
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
        unanswered=group_questions(unanswered, prepare),
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
                    words.say("pack_question", text=group.text, count=group.count) for group in groups
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
        lines.append(words.say("report_unanswered_line", number=number, text=group.text, count=group.count))
        if group.others:
            lines.append(
                "   "
                + words.say("report_unanswered_also", others=words.say("pack_joiner").join(group.others))
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
        lines += _table(
            words.say("report_table_events"),
            [
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
            ],
        )
        lines += ["", words.say("report_events_note")]
    else:
        lines.append(words.say("report_none"))
    return "\n".join(lines) + "\n"


# Debian's fonts-noto-cjk (installed by .ci/run; `apt-get install fonts-noto-cjk` on a server).
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)


def cjk_font(candidates: Sequence[Path] = CJK_FONTS) -> Path:
    """The first Chinese font installed; without one, a chart would print boxes instead of characters.

    Raises:
        BotError: none is installed (the message says which Debian package to install).
    """
    for path in candidates:
        if path.is_file():
            return path
    raise BotError("no Chinese font for the chart: install the Debian package fonts-noto-cjk")


def render_chart(
    report: MonthlyReport, path: Path, kb: KnowledgeBase, policy: DialoguePolicy, top: int = 6
) -> None:
    """A stacked bar chart of inquiries per day by intent (the `top` intents, the rest together) as PNG.

    Every label is Chinese, from replies (the same words as the Markdown), in the CJK font of `cjk_font`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = cjk_font()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    words = _Words(kb, policy)
    days = [
        report.start.date() + timedelta(days=offset) for offset in range((report.end - report.start).days)
    ]
    leading = [name for name, _ in report.by_intent[:top]]
    series: dict[str, list[int]] = {words.label("intent_label", name): [] for name in leading}
    rest = [name for name, _ in report.by_intent[top:]]
    other = words.say("chart_other")
    if rest:
        series[other] = []
    for day in days:
        counts = report.per_day.get(day, Counter())
        for name in leading:
            series[words.label("intent_label", name)].append(counts.get(name, 0))
        if rest:
            series[other].append(sum(counts.get(name, 0) for name in rest))
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(10, 4), dpi=100)
        try:
            bottom = [0] * len(days)
            positions = [day.day for day in days]
            for name, values in series.items():
                axes.bar(positions, values, bottom=bottom, label=name)
                bottom = [low + value for low, value in zip(bottom, values, strict=True)]
            axes.set_title(words.say("chart_title", year=report.year, month=report.month))
            axes.set_xlabel(words.say("chart_x"))
            axes.set_ylabel(words.say("chart_y"))
            axes.set_xticks(positions)
            axes.set_xlim(0.5, len(days) + 0.5)  # day 1 at the left edge, no empty slot before it
            axes.tick_params(axis="x", labelsize=7)
            if series:
                axes.legend(fontsize=8, loc="upper left")
            figure.tight_layout()
            figure.savefig(path, format="png")
        finally:
            plt.close(figure)
