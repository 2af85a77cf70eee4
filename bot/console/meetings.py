"""Routine meetings in the staff console: the next four weeks on the working-day calendar, reminders sent and
acknowledged, and moving one occurrence with a reason. Thin routes over intents.staff.meetings (whose moves
the scheduler's reminders follow).
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import Console, Staff, done, text
from intents.staff.desk import Desk, Refusal
from intents.staff.meetings import calendar, move_meeting


def routes(console: Console) -> list[Route]:
    """/meetings and /meetings/move."""
    plan = console.services.plan

    async def show(request: Request, staff: Staff, error: str = "", status_code: int = 200) -> Response:
        days = await console.read(lambda desk: calendar(desk, plan, weeks=4))
        return console.render(request, "meetings.html", staff, status_code=status_code, error=error, days=days)

    async def meetings_page(request: Request) -> Response:
        return await show(request, await console.staff(request))

    async def move(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        routine, reason = text(form, "routine"), text(form, "reason")
        try:
            usual_at = datetime.fromisoformat(text(form, "usual_at"))
            moved_to = datetime.fromisoformat(text(form, "moved_to"))
        except ValueError:
            return await show(request, staff, console.say("console_meeting_bad_time"), 400)
        if usual_at.tzinfo is None:
            usual_at = usual_at.replace(tzinfo=plan.tz)
        if moved_to.tzinfo is None:
            moved_to = moved_to.replace(tzinfo=plan.tz)

        def work(desk: Desk) -> int:
            return move_meeting(desk, plan, routine=routine, usual_at=usual_at, moved_to=moved_to, reason=reason)

        try:
            told = await console.act(staff, "meeting_move", routine, work,
                                     detail=f"{usual_at.isoformat()} -> {moved_to.isoformat()} {reason}")
        except Refusal as refusal:
            return await show(request, staff, console.refused(refusal), 400)
        return done("/staff/meetings", "console_meeting_moved_told" if told else "console_meeting_moved")

    return [Route("/meetings", meetings_page, methods=["GET"]), Route("/meetings/move", move, methods=["POST"])]
