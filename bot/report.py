"""The monthly figures for the monthly meeting: inquiries, unanswered questions, cases, tickets, events.

`build_report` reads one month from the database, `render_chart` draws the PNG of inquiries per day by
intent; the words (`render_markdown` for `python -m bot report`, `render_pack` for the monthly meeting's
reminder) are intents/staff/report.py's. Questions the bot could not answer are grouped by similarity (the project's own
normalisation and synonyms, then rapidfuzz), most frequent first: the knowledge base's to-do list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy.engine import Engine

from bot.masking import mask_personal
from intents.context import DialoguePolicy
from intents.normalize import fold, normalize
from intents.staff.report import MonthlyReport, QuestionGroup
from storage import cases, figures, session_scope

SIMILAR = 70  # rapidfuzz score (0–100) from which two unanswered questions count as the same question


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
    per_day: dict[date, Counter[str]] = {}
    for item in inquiries:
        per_day.setdefault(item.at.astimezone(tz).date(), Counter())[item.intent] += 1
    unanswered = [mask_personal(item.text) for item in inquiries if not item.answered and item.text.strip()]
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

