"""Wake-ups between processes: a transaction that queued outbox rows announces it; senders listen.

On PostgreSQL the announcement is a NOTIFY sent in the writing transaction (delivered at its commit, folded
into one per transaction however many rows it queued), and every serve process LISTENs on a connection of
its own, so an idle sender needs no polling to hear of new rows. SQLite has no such thing: there the sender
of the one serve process is woken in-process, and rows written by another process (a CLI command) are
found by the sender's idle poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import core, dialect_name

log = logging.getLogger(__name__)

CHANNEL = "unionbot_outbox"
_NOTIFY = text(f"NOTIFY {CHANNEL}")


def announce(*, session: Session) -> None:
    """Tell the senders of every process, at commit, that this transaction queued outbox rows."""
    if dialect_name(session) == "postgresql":
        core(session).execute(_NOTIFY)


def can_listen(engine: Engine) -> bool:
    """True when the database can wake senders (PostgreSQL)."""
    return engine.dialect.name == "postgresql"


async def listen(engine: Engine, on_notify: Callable[[], None], stop: asyncio.Event) -> None:
    """Call `on_notify` for every announcement until `stop` is set (PostgreSQL; returns at once otherwise).

    A lost connection is re-opened with back-off; meanwhile the sender's idle poll still finds the rows.
    """
    if not can_listen(engine):
        return
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    delay = 1.0
    while not stop.is_set():
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
                await connection.execute(f"LISTEN {CHANNEL}")
                delay = 1.0
                on_notify()  # rows queued while nobody listened
                while not stop.is_set():
                    # A timeout lets the loop see `stop`; it costs no query.
                    async for _ in connection.notifies(timeout=1.0):
                        on_notify()
        except (psycopg.Error, OSError) as error:
            log.warning("outbox listener: %s; retrying in %.0f s", type(error).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, 30.0)
