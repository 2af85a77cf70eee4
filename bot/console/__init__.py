"""The staff console at /staff/: server-rendered pages (Starlette + Jinja2) over the same functions the chat
commands and the command line use. `console_app` builds it; bot/server.py mounts it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.app import Services
from bot.console import casework, events, meetings, questions, report, signin, today
from bot.console.casework import NotFound
from bot.console.web import Console, Forbidden, SignInRequired

STATIC = Path(__file__).resolve().parent / "static"


def console_app(services: Services, wake_sender: Callable[[], None]) -> Starlette:
    """The console as an ASGI app, to be mounted at /staff."""
    console = Console(services, wake_sender)

    async def sign_in_first(request: Request, error: Exception) -> Response:  # noqa: ARG001
        if request.method != "GET":
            return console.render(request, "message.html", None, status_code=403, error=console.say("console_forbidden"))
        return RedirectResponse("/staff/signin?next=" + quote(request.url.path), status_code=303)

    async def forbidden(request: Request, error: Exception) -> Response:  # noqa: ARG001
        return console.render(request, "message.html", None, status_code=403, error=console.say("console_forbidden"))

    async def not_found(request: Request, error: Exception) -> Response:  # noqa: ARG001
        return console.render(request, "message.html", None, status_code=404, error=console.say("console_not_found"))

    routes = [
        *signin.routes(console),
        *today.routes(console),
        *casework.routes(console),
        *events.routes(console),
        *meetings.routes(console),
        *questions.routes(console),
        *report.routes(console),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={SignInRequired: sign_in_first, Forbidden: forbidden, NotFound: not_found},
    )
