"""`serve` (the HTTP server with every configured channel) and `poll` (Telegram long polling, for development)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any, TextIO

from bot.errors import ConfigError

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    """Add the `serve` and `poll` sub-commands."""
    serve = commands.add_parser("serve", help="HTTP server: web chat, WeChat, Telegram webhook, /metrics")
    serve.add_argument("--host", help="address to listen on (default: config.toml [server] host)")
    serve.add_argument("--port", type=int, help="port (default: config.toml [server] port)")
    serve.set_defaults(handler=cmd_serve)
    poll = commands.add_parser("poll", help="Telegram long polling (development; no webhook needed)")
    poll.set_defaults(handler=cmd_poll)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Run the server until interrupted."""
    import uvicorn

    from bot.cli import services_for
    from bot.logs import setup_logging
    from bot.server import create_app

    setup_logging()
    services = services_for(args)
    setup_logging(secrets=services.settings.secret_values())
    server = services.settings.server
    host, port = args.host or server.host, args.port or server.port
    app = create_app(services, run_scheduler=True)
    print(f"unionbot serving on http://{host}:{port}/", file=out, flush=True)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, server_header=False)
    return 0


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
