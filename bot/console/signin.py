"""Sign-in and sign-out pages of the staff console."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.console import auth
from bot.console.web import Console, Forbidden, SignInRequired, text


def _safe_next(value: str) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    return value if value.startswith("/staff/") and not value.startswith("//") and "\\" not in value else "/staff/"


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def routes(console: Console) -> list[Route]:
    """/signin (GET form, POST check) and /signout (POST)."""
    settings = console.settings

    def form_page(request: Request, error: str = "", staff_id: str = "", status_code: int = 200) -> Response:
        value = secrets.token_urlsafe(24)
        response = console.render(
            request,
            "signin.html",
            None,
            status_code=status_code,
            csrf=value,
            next=_safe_next(request.query_params.get("next", "/staff/")),
            staff_id=staff_id,
            error=error,
            max_failures=settings.max_failures,
            lockout_minutes=round(settings.lockout_minutes),
        )
        _set_cookie(response, request, auth.SIGNIN_COOKIE, console.signer.sign(value), 3600)
        return response

    async def signin_page(request: Request) -> Response:
        return form_page(request)

    async def signin(request: Request) -> Response:
        console.same_origin(request)
        form = await request.form()
        expected = console.signer.unsign(request.cookies.get(auth.SIGNIN_COOKIE, ""))
        sent = form.get("csrf")
        if expected is None or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
            raise Forbidden
        name, password = text(form, "staff_id"), form.get("password")
        member = auth.find_member(console.services.settings.staff, name)
        now = console.services.clock.now()
        result = await run_in_threadpool(
            auth.sign_in, console.services.engine, settings, member, password if isinstance(password, str) else "", now
        )
        if result.token is None:
            if result.refusal == "locked" and result.locked_until is not None:
                until = result.locked_until.astimezone(console.services.settings.tz).strftime("%H:%M")
                error = console.say("console_locked", until=until)
            else:
                error = console.say("console_wrong_password")
            return form_page(request, error, name, status_code=401 if result.refusal == "wrong" else 429)
        response = RedirectResponse(_safe_next(text(form, "next")), status_code=303)
        _set_cookie(
            response, request, auth.COOKIE, console.signer.sign(result.token), int(settings.session_hours * 3600)
        )
        response.delete_cookie(auth.SIGNIN_COOKIE, path="/staff")
        return response

    async def signout(request: Request) -> Response:
        try:
            staff = await console.staff(request)
        except SignInRequired:
            return RedirectResponse("/staff/signin", status_code=303)
        await console.form(request, staff)
        await run_in_threadpool(
            auth.sign_out, console.services.engine, staff.token, staff.id, console.services.clock.now()
        )
        response = RedirectResponse("/staff/signin", status_code=303)
        response.delete_cookie(auth.COOKIE, path="/staff")
        return response

    return [
        Route("/signin", signin_page, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
    ]
