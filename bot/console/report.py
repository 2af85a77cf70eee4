"""The monthly pack in the staff console: the report of `python -m bot report --month` for any month, as a page
and as downloads (the Markdown and the chart), built from the same functions as the command line.
"""

from __future__ import annotations

import re
import tempfile
import threading
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.casework import NotFound
from bot.console.web import Console, Staff
from bot.report import build_report, previous_month, render_chart
from intents.context import DialoguePolicy
from intents.staff.report import MonthlyReport, render_markdown
from knowledge import KnowledgeBase

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_drawing = threading.Lock()  # matplotlib's pyplot is not thread-safe; console requests run in a thread pool
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")  # workers' words are in it: no raw HTML


def month_of(value: str, today: date) -> tuple[int, int] | None:
    """(year, month) from YYYY-MM, if it is a month from 2000 up to this one."""
    found = _MONTH.match(value.strip())
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or year < 2000 or (year, month) > (today.year, today.month):
        return None
    return year, month


def recent_months(today: date, count: int = 12) -> list[str]:
    """The last `count` months before this one, newest first, as YYYY-MM."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = previous_month(date(year, month, 1))
        months.append(f"{year:04d}-{month:02d}")
    return months


def chart_png(report: MonthlyReport, kb: KnowledgeBase, policy: DialoguePolicy) -> bytes:
    """The report's chart as PNG bytes (render_chart writes files, as the command line needs)."""
    with _drawing, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chart.png"
        render_chart(report, path, kb, policy)
        return path.read_bytes()


def routes(console: Console) -> list[Route]:
    """/report (pick a month), /report/{YYYY-MM} (the page), .md and chart.png downloads."""
    services = console.services

    def today() -> date:
        return services.clock.now().astimezone(services.settings.tz).date()

    async def report_for(request: Request) -> MonthlyReport:
        """The report of the month in the address (NotFound: not a month up to this one → the 404 page)."""
        found = month_of(request.path_params["month"], today())
        if found is None:
            raise NotFound(request.path_params["month"])
        return await run_in_threadpool(
            build_report, services.engine, services.policy, found[0], found[1], services.clock.now(),
            services.matcher.question_core,
        )

    def refused(request: Request, staff: Staff, status_code: int) -> Response:
        return console.render(request, "report.html", staff, status_code=status_code, months=recent_months(today()),
                              report=None, body="", error=console.say("console_report_bad_month"))

    async def pick(request: Request) -> Response:
        staff = await console.staff(request)
        asked = request.query_params.get("month", "")
        if asked:
            if month_of(asked, today()) is None:
                return refused(request, staff, 400)
            return Response(status_code=303, headers={"Location": f"/staff/report/{asked}"})
        year, month = previous_month(today())
        return Response(status_code=303, headers={"Location": f"/staff/report/{year:04d}-{month:02d}"})

    async def page(request: Request) -> Response:
        staff = await console.staff(request)
        try:
            report = await report_for(request)
        except NotFound:
            return refused(request, staff, 404)
        chart = f"/staff/report/{report.label}/chart.png"
        body = _markdown.render(render_markdown(report, services.kb, services.policy, chart))
        return console.render(request, "report.html", staff, months=recent_months(today()), report=report, body=body)

    async def download(request: Request) -> Response:
        staff = await console.staff(request)
        report = await report_for(request)
        text = render_markdown(report, services.kb, services.policy, f"report-{report.label}.png")
        await console.act(staff, "report_download", report.label, lambda _desk: None)
        return Response(text.encode("utf-8"), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="report-{report.label}.md"'})

    async def chart(request: Request) -> Response:
        await console.staff(request)  # signed in, or off to the sign-in page
        report = await report_for(request)
        body = await run_in_threadpool(chart_png, report, services.kb, services.policy)
        download_name = f"report-{report.label}.png"
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return Response(body, media_type="image/png",
                        headers={"Content-Disposition": f'{disposition}; filename="{download_name}"',
                                 "Cache-Control": "no-store"})

    return [
        Route("/report", pick, methods=["GET"]),
        Route("/report/{month}.md", download, methods=["GET"]),
        Route("/report/{month}", page, methods=["GET"]),
        Route("/report/{month}/chart.png", chart, methods=["GET"]),
    ]
