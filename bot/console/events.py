"""Events in the staff console: the list, create and edit (a weekly series too), stop signups, call off (everyone
signed up is told), the signup list with the waitlist and its .xlsx export. Thin routes over
intents.staff.events, the functions the chat commands and `python -m bot events` call.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.casework import XLSX, NotFound, xlsx
from bot.console.web import Console, Staff, done, lines, text
from intents.staff.desk import Desk, Refusal
from intents.staff.events import (
    cancel_event,
    close_event,
    find_event,
    list_events,
    new_key,
    roster,
    save_event,
)
from storage.events import EventDraft
from storage.models import Event


def _moment(form: FormData, name: str, tz: tzinfo, *, required: bool = False) -> datetime | None:
    """A datetime-local field (2026-12-05T09:00) in the station's time.

    Raises:
        Refusal: the field is required and empty, or it is not a date and time.
    """
    value = text(form, name)
    if not value:
        if required:
            raise Refusal("console_event_bad_time")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise Refusal("console_event_bad_time") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def draft_of(form: FormData, key: str, tz: tzinfo) -> EventDraft:
    """The event form as a draft.

    Raises:
        Refusal: a time or the number of places cannot be read.
    """
    try:
        capacity = int(text(form, "capacity"))
    except ValueError as error:
        raise Refusal("console_event_bad_capacity") from error
    if capacity < 0 or capacity > 100_000:
        raise Refusal("console_event_bad_capacity")
    starts_at = _moment(form, "starts_at", tz, required=True)
    assert starts_at is not None
    return EventDraft(
        key=key,
        title=text(form, "title")[:128],
        starts_at=starts_at,
        capacity=capacity,
        ends_at=_moment(form, "ends_at", tz),
        place=text(form, "place")[:256],
        aliases=tuple(alias[:64] for alias in lines(form, "aliases"))[:10],
        signup_deadline=_moment(form, "signup_deadline", tz),
        members_only=text(form, "members_only") == "1",
        description=text(form, "description")[:1000],
        repeat_weekly=text(form, "repeat_weekly") == "1",
    )


def _form_values(event: Event | None, tz: tzinfo) -> dict[str, Any]:
    """What the edit form shows: the event's fields, times as datetime-local values."""
    if event is None:
        return {"key": "", "title": "", "starts_at": "", "ends_at": "", "signup_deadline": "", "place": "",
                "capacity": "", "aliases": "", "description": "", "members_only": False, "repeat_weekly": False}

    def local(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if moment else ""

    return {"key": event.key, "title": event.title, "starts_at": local(event.starts_at),
            "ends_at": local(event.ends_at), "signup_deadline": local(event.signup_deadline), "place": event.place,
            "capacity": event.capacity, "aliases": "\n".join(event.aliases), "description": event.description,
            "members_only": event.members_only, "repeat_weekly": event.repeat_weekly}


def routes(console: Console) -> list[Route]:
    """/events (list), /events/new, /events/{key} (signups), its edit form, close, cancel and export."""
    services = console.services
    tz = services.settings.tz
    weeks_ahead = services.settings.events.series_weeks_ahead

    def event_of(desk: Desk, key: str) -> Event:
        try:
            return find_event(desk, key=key)
        except Refusal as refusal:
            raise NotFound(key) from refusal

    async def event_list(request: Request) -> Response:
        staff = await console.staff(request)
        show_all = request.query_params.get("show") == "all"
        rows = await console.read(lambda desk: list_events(desk, include_past=show_all))
        return console.render(request, "events.html", staff, rows=rows, show_all=show_all)

    async def edit_page(request: Request, staff: Staff, key: str, form: FormData | None = None,
                        error: str = "", status_code: int = 200) -> Response:
        event = await console.read(lambda desk: event_of(desk, key)) if key else None
        values = _form_values(event, tz)
        if form is not None:  # a refused post: show what was typed
            values.update({name: text(form, name) for name in values if name != "key"})
            values["members_only"] = text(form, "members_only") == "1"
            values["repeat_weekly"] = text(form, "repeat_weekly") == "1"
        return console.render(request, "event_edit.html", staff, status_code=status_code, event=event,
                              form=values, error=error)

    async def new_page(request: Request) -> Response:
        return await edit_page(request, await console.staff(request), "")

    async def edit(request: Request) -> Response:
        return await edit_page(request, await console.staff(request), request.path_params["key"])

    async def save(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        key = request.path_params.get("key", "")

        def work(desk: Desk) -> str:
            draft = draft_of(form, key or new_key(desk), tz)
            save_event(desk, draft=draft, weeks_ahead=weeks_ahead, new=not key)
            return draft.key

        try:
            saved = await console.act(staff, "event_edit" if key else "event_create", key or "new", work,
                                      detail=text(form, "title"))
        except Refusal as refusal:
            if refusal.key == "staff_event_unknown":
                raise NotFound(key) from refusal
            return await edit_page(request, staff, key, form, console.refused(refusal), 400)
        return done(f"/staff/events/{saved}", "console_event_saved")

    async def show_event(request: Request, staff: Staff, error: str = "", status_code: int = 200) -> Response:
        key = request.path_params["key"]
        event, rows = await console.read(lambda desk: roster(desk, key=event_of(desk, key).key))
        return console.render(request, "event.html", staff, status_code=status_code, error=error, event=event,
                              rows=rows, confirmed=[row for row in rows if row.status == "confirmed"],
                              waiting=[row for row in rows if row.status == "waitlisted"])

    async def event_page(request: Request) -> Response:
        return await show_event(request, await console.staff(request))

    async def close(request: Request) -> Response:
        staff = await console.staff(request)
        await console.form(request, staff)
        key = request.path_params["key"]
        try:
            await console.act(staff, "event_close", key, lambda desk: close_event(desk, key=event_of(desk, key).key))
        except Refusal as refusal:
            return await show_event(request, staff, console.refused(refusal), 409)
        return done(f"/staff/events/{key}", "console_event_closed")

    async def cancel(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        key, reason = request.path_params["key"], text(form, "reason")
        try:
            await console.act(staff, "event_cancel", key,
                              lambda desk: cancel_event(desk, key=event_of(desk, key).key, reason=reason),
                              detail=reason)
        except Refusal as refusal:
            return await show_event(request, staff, console.refused(refusal), 400)
        return done(f"/staff/events/{key}", "console_event_cancelled")

    async def export(request: Request) -> Response:
        staff = await console.staff(request)
        key = request.path_params["key"]
        member = {True: console.say("console_yes"), False: console.say("console_no"), None: ""}

        def work(desk: Desk) -> bytes:
            event, rows = roster(desk, key=event_of(desk, key).key)
            header = console.say("console_signup_columns").split("，")
            return xlsx(event.title, header, [
                [row.name, row.phone, row.unit, row.signed_up_at.strftime("%Y-%m-%d %H:%M"), row.status_label,
                 member[row.member]] for row in rows
            ])

        body = await console.act(staff, "event_export", key, work)
        return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="signups.xlsx"'})

    return [
        Route("/events", event_list, methods=["GET"]),
        Route("/events/new", new_page, methods=["GET"]),
        Route("/events/new", save, methods=["POST"]),
        Route("/events/{key}", event_page, methods=["GET"]),
        Route("/events/{key}/edit", edit, methods=["GET"]),
        Route("/events/{key}/edit", save, methods=["POST"]),
        Route("/events/{key}/close", close, methods=["POST"]),
        Route("/events/{key}/cancel", cancel, methods=["POST"]),
        Route("/events/{key}/signups.xlsx", export, methods=["GET"]),
    ]
