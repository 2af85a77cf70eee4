"""The monthly figures for the monthly meeting: inquiries, unanswered questions, cases, tickets, events.

`build_report` reads one month from the database, `render_chart` draws the PNG of inquiries per day by
intent; the words (`render_markdown` for `python -m bot report`, `render_pack` for the monthly meeting's
reminder) are intents/staff/report.py's. Questions the bot could not answer are grouped as the console groups
them (intents.questions), most frequent first: the knowledge base's to-do list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.errors import BotError
from bot.masking import mask_names, mask_personal
from intents.context import DialoguePolicy
from intents.normalize import fold
from intents.questions import group_questions
from intents.staff.report import MonthlyReport, chart_text
from knowledge import KnowledgeBase
from storage import cases, figures, session_scope


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

    Unanswered questions are grouped as the console groups them; `core` is what a question is about (the
    matcher's `question_core`; plain folding without one).
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
        names = figures.known_names(session=session)
    per_day: dict[date, Counter[str]] = {}
    for item in inquiries:
        per_day.setdefault(item.at.astimezone(tz).date(), Counter())[item.intent] += 1
    unanswered = [
        (mask_names(mask_personal(item.text), names), item.at)
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
        unanswered=group_questions(unanswered, core),
        cases=case_figures,
        tickets_opened=len(opened),
        tickets_closed=closed,
        reply_waits=[
            ticket.first_reply_at - ticket.opened_at for ticket in opened if ticket.first_reply_at is not None
        ],
        events=events,
    )


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

    Every label is Chinese, in the report's words (intents.staff.report.chart_text), drawn in the CJK font of
    `cjk_font`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = cjk_font()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    text = chart_text(report, kb, policy, top)
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(10, 4), dpi=100)
        try:
            bottom = [0] * len(text.days)
            positions = [day.day for day in text.days]
            for name, values in text.series.items():
                axes.bar(positions, values, bottom=bottom, label=name)
                bottom = [low + value for low, value in zip(bottom, values, strict=True)]
            axes.set_title(text.title)
            axes.set_xlabel(text.x_label)
            axes.set_ylabel(text.y_label)
            axes.set_xticks(positions)
            axes.set_xlim(0.5, len(text.days) + 0.5)  # day 1 at the left edge, no empty slot before it
            axes.tick_params(axis="x", labelsize=7)
            if text.series:
                axes.legend(fontsize=8, loc="upper left")
            figure.tight_layout()
            figure.savefig(path, format="png")
        finally:
            plt.close(figure)
