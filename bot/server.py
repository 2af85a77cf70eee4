"""The Starlette app of `python -m bot serve`: /healthz, /metrics, the channels' routes, the outbox sender.

Bodies over `server.max_body_bytes` get 413; every error is a JSON 4xx/5xx without a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import reach
from bot.app import Services
from bot.channels import Channel, ChannelError, PayloadTooLarge, Runtime, enabled_channels
from bot.metrics import Metrics
from bot.scheduler import Scheduler
from bot.sender import Sender
from storage import outbox, session_scope

log = logging.getLogger(__name__)


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes gets 413, by its Content-Length or while it streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes as the app reads them."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _too_large(send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise PayloadTooLarge(f"body over {self.limit} bytes")
            return message

        await self.app(scope, limited, send)


class RefuseNul:
    """ASGI middleware: a URL with a NUL character (%00 in the path or the query) gets 400.

    No real request has one, and PostgreSQL refuses it in any text compared or stored, which would be a 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request before any route reads the path or the query."""
        if scope["type"] == "http" and (
            "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"").lower()
        ):
            response = JSONResponse({"error": "bad request"}, status_code=400)
            await response({"type": "http"}, _no_body, send)
            return
        await self.app(scope, receive, send)


async def _too_large(send: Send) -> None:
    response = JSONResponse({"error": "payload too large"}, status_code=413)
    await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


async def _channel_error(request: Request, error: Exception) -> Response:
    status = error.status if isinstance(error, ChannelError) else 400
    if status >= 403:
        log.info("refused %s %s: %s", request.method, request.url.path, type(error).__name__)
    return JSONResponse({"error": type(error).__name__}, status_code=status)


async def _http_error(request: Request, error: Exception) -> Response:  # noqa: ARG001
    status = error.status_code if isinstance(error, HTTPException) else 500
    return JSONResponse(
        {"error": error.detail if isinstance(error, HTTPException) else "error"}, status_code=status
    )


async def _database_busy(request: Request, error: Exception) -> Response:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__)
    return JSONResponse({"error": "database busy"}, status_code=503, headers={"Retry-After": "5"})


async def _server_error(request: Request, error: Exception) -> Response:
    log.error("unhandled %s on %s %s", type(error).__name__, request.method, request.url.path)
    return JSONResponse({"error": "internal error"}, status_code=500)


def create_app(
    services: Services,
    *,
    make_channels: Callable[[Runtime], Sequence[Channel]] = enabled_channels,
    run_sender: bool = True,
    metrics: Metrics | None = None,
    run_scheduler: bool = False,
) -> Starlette:
    """The ASGI app: every enabled channel's routes, /healthz and /metrics; the sender runs in its lifespan.

    With `run_scheduler` (what `serve` does) the process also stands for the scheduler (bot/scheduler.py):
    the one holding the leader lock runs the timed jobs.
    """
    metrics = metrics or Metrics(backlog=lambda: _backlog(services))
    runtime = Runtime(services, metrics)
    channels = list(make_channels(runtime))
    sender = Sender(services, channels, metrics, run_sync=runtime.run_sync)
    runtime.wake_sender = sender.wake
    routes = _service_routes(services, metrics, channels)
    for channel in channels:
        routes.extend(channel.routes())
    routes.extend(_console_routes(services, sender.wake))
    app = Starlette(
        routes=routes,
        lifespan=_lifespan(
            services, channels, sender if run_sender else None, run_scheduler=run_scheduler, runtime=runtime
        ),
        exception_handlers={
            ChannelError: _channel_error,
            HTTPException: _http_error,
            OperationalError: _database_busy,
            Exception: _server_error,
        },
    )
    app.state.sender = sender
    app.state.runtime = runtime
    app.state.channels = channels
    app.add_middleware(BodyLimit, limit=services.settings.server.max_body_bytes)
    app.add_middleware(RefuseNul)
    return app


def _service_routes(services: Services, metrics: Metrics, channels: Sequence[Channel]) -> list[BaseRoute]:
    """/healthz (the database answers; which channels are on) and /metrics (Prometheus text)."""

    async def healthz(request: Request) -> Response:  # noqa: ARG001
        try:
            await run_in_threadpool(_ping, services)
        except SQLAlchemyError:
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "channels": [channel.name for channel in channels]})

    async def metrics_page(request: Request) -> Response:  # noqa: ARG001
        body = await run_in_threadpool(metrics.render)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]


def _lifespan(
    services: Services,
    channels: Sequence[Channel],
    sender: Sender | None,
    *,
    run_scheduler: bool,
    runtime: Runtime,
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Start the channels, the sender, the knowledge reloader and (with `run_scheduler`) the scheduler; stop
    them in the reverse order, waiting for the sender's round, the channels' late answers and the database
    threads."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:  # noqa: ARG001
        for channel in channels:
            await channel.start()
        stop = asyncio.Event()
        task = asyncio.ensure_future(sender.run(stop)) if sender is not None else None
        fresh = asyncio.ensure_future(_keep_knowledge_fresh(services, stop))
        scheduler = Scheduler(services) if run_scheduler else None
        if scheduler is not None:
            scheduler.start()
        log.info("channels on: %s", ", ".join(channel.name for channel in channels) or "none")
        problems, warnings = reach.gaps(services.settings)
        for line in problems + warnings:
            log.warning("%s (python -m bot doctor checks everything)", line)
        try:
            yield
        finally:
            if scheduler is not None:
                await run_in_threadpool(scheduler.stop)
            stop.set()
            if task is not None:
                await task
            await fresh
            for channel in channels:
                await channel.stop()
            await run_in_threadpool(runtime.close)

    return lifespan


def _console_routes(services: Services, wake_sender: Callable[[], None]) -> list[BaseRoute]:
    """The staff console at /staff (bot/console), unless switched off in [console]."""
    if not services.settings.console.enabled:
        return []
    from bot.console import console_app

    return [
        Route("/staff", lambda request: RedirectResponse("/staff/"), methods=["GET"]),  # noqa: ARG005
        Mount("/staff", app=console_app(services, wake_sender)),
    ]


async def _keep_knowledge_fresh(services: Services, stop: asyncio.Event) -> None:
    """Poll for knowledge drafts approved in another process and reload when there are new ones."""
    every = services.settings.console.reload_seconds
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        if stop.is_set():
            return
        try:
            await run_in_threadpool(services.knowledge.refresh, services.engine)
        except SQLAlchemyError as error:
            log.warning("knowledge refresh failed: %s", type(error).__name__)


def _ping(services: Services) -> None:
    with services.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _backlog(services: Services) -> dict[tuple[str, str], int]:
    with session_scope(services.engine) as session:
        return outbox.backlog(session=session)
