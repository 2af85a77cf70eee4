"""Routine meetings in the staff console: the next four weeks on the working-day calendar, reminders sent and
acknowledged, and moving one occurrence with a reason. Thin routes over bot.meetings (what the scheduler reads).
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import Acted, Console, done, text
from bot.meetings import calendar, move_meeting
from bot.routines import load_plan
from intents.casework import StaffDesk
from intents.drafts import DraftRefused


def routes(console: Console) -> list[Route]:
    """/meetings and /meetings/move."""
    plan = load_plan(console.services.settings)
    tz = plan.tz

    async def meetings_page(request: Request) -> Response:
        staff = await console.staff(request)
        days = await console.read(lambda desk: calendar(desk, plan, weeks=4))
        return console.render(request, "meetings.html", staff, days=days)

    async def move(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        routine, reason = text(form, "routine"), text(form, "reason")
        try:
            usual_at = datetime.fromisoformat(text(form, "usual_at"))
            moved_to = datetime.fromisoformat(text(form, "moved_to"))
        except ValueError:
            return done("/staff/meetings", error="console_meeting_bad_time")
        if moved_to.tzinfo is None:
            moved_to = moved_to.replace(tzinfo=tz)

        def work(desk: StaffDesk) -> Acted:
            items = move_meeting(desk, plan, routine=routine, usual_at=usual_at, moved_to=moved_to, reason=reason,
                                 staff=staff.id)
            return Acted(len(items), tuple(items))

        try:
            acted = await console.act(staff, "meeting_move", routine, work,
                                      detail=f"{usual_at.isoformat()} -> {moved_to.isoformat()} {reason}")
        except DraftRefused as refused:
            return done("/staff/meetings", error=refused.key)
        return done("/staff/meetings", "console_meeting_moved_told" if acted.value else "console_meeting_moved")

    return [Route("/meetings", meetings_page, methods=["GET"]), Route("/meetings/move", move, methods=["POST"])]
