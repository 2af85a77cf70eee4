"""`serve` (the HTTP server with every configured channel) and `poll` (Telegram long polling, for development)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import os
from typing import Any, TextIO

from bot.errors import ConfigError
from storage.db import normalise_url

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    """Add the `serve` and `poll` sub-commands."""
    serve = commands.add_parser("serve", help="HTTP server: web chat, WeChat, Telegram webhook, /metrics")
    serve.add_argument("--host", help="address to listen on (default: config.toml [server] host)")
    serve.add_argument("--port", type=int, help="port (default: config.toml [server] port)")
    serve.add_argument(
        "--workers",
        type=int,
        help="processes sharing the port (PostgreSQL only; default: config.toml [server] workers)",
    )
    serve.set_defaults(handler=cmd_serve)
    poll = commands.add_parser("poll", help="Telegram long polling (development; no webhook needed)")
    poll.set_defaults(handler=cmd_poll)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Run the server until interrupted: one process, or `--workers N` processes on PostgreSQL."""
    import uvicorn

    from bot.app import open_database
    from bot.cli import services_for
    from bot.config import load_settings
    from bot.logs import setup_logging
    from bot.server import create_app

    settings = load_settings(args.config, database_url=args.db)
    server = settings.server
    host, port = args.host or server.host, args.port or server.port
    workers = args.workers or server.workers
    if workers > 1 and not normalise_url(settings.database.url).startswith("postgresql"):
        raise ConfigError("--workers needs PostgreSQL: SQLite has one writer and one scheduler per station")
    setup_logging(secrets=settings.secret_values())
    fast = _fast_http()
    if workers > 1:
        open_database(settings).dispose()  # migrate once here, not in every worker at the same moment
        # Each worker builds its own services from the same settings: pass --config/--db down by environment.
        if args.config is not None:
            os.environ["UNIONBOT_CONFIG"] = str(args.config.resolve())
        if args.db:
            os.environ["UNIONBOT_DATABASE_URL"] = args.db
        print(f"unionbot serving on http://{host}:{port}/ with {workers} processes", file=out, flush=True)
        uvicorn.run(
            "bot.cli_serve:worker_app", factory=True, workers=workers, host=host, port=port, **fast
        )
        return 0
    app = create_app(services_for(args), run_scheduler=True)
    print(f"unionbot serving on http://{host}:{port}/", file=out, flush=True)
    uvicorn.run(app, host=host, port=port, **fast)
    return 0


def _fast_http() -> dict[str, Any]:
    """uvicorn's options: uvloop and httptools when installed (several times faster than asyncio's own loop
    and the pure-Python h11 parser), no access log (the metrics count requests), no server header."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    log.info("HTTP: %s loop, %s parser", loop, http)
    return {"loop": loop, "http": http, "log_config": None, "access_log": False, "server_header": False}


def worker_app() -> Any:
    """The app of one `serve --workers` process: settings from the environment, services of its own.

    Every worker stands for the scheduler; PostgreSQL's advisory lock lets one lead (bot/scheduler.py).
    """
    from bot.app import build_services
    from bot.config import load_settings
    from bot.logs import setup_logging
    from bot.server import create_app

    settings = load_settings()
    setup_logging(secrets=settings.secret_values())
    return create_app(build_services(settings), run_scheduler=True)


def cmd_poll(args: argparse.Namespace, out: TextIO) -> int:
    """Fetch Telegram updates by long polling and answer them; the outbox sender runs alongside."""
    from bot.cli import services_for
    from bot.logs import setup_logging

    setup_logging()
    services = services_for(args)
    setup_logging(secrets=services.settings.secret_values())
    if not services.settings.telegram.enabled:
        raise ConfigError("telegram is off: set UNIONBOT_TELEGRAM_TOKEN and UNIONBOT_TELEGRAM_SECRET")
    print("polling Telegram (Ctrl-C to stop)", file=out, flush=True)
    asyncio.run(_poll(services))
    return 0


async def _poll(services: Any) -> None:
    from bot.channels import Runtime
    from bot.channels.telegram import TelegramChannel
    from bot.metrics import Metrics
    from bot.sender import Sender

    metrics = Metrics()
    runtime = Runtime(services, metrics)
    channel = TelegramChannel(runtime, services.settings.telegram)
    sender = Sender(services, [channel], metrics)
    runtime.wake_sender = sender.wake
    stop = asyncio.Event()
    await channel.start()
    sending = asyncio.ensure_future(sender.run(stop))
    try:
        await channel.poll(stop)
    finally:
        stop.set()
        await sending
        await channel.stop()
