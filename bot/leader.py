"""Leader election: exactly one process runs the scheduler's jobs.

With PostgreSQL every `serve` (or `schedule run`) process stands by; each tries `pg_try_advisory_lock` on a
connection of its own, held for as long as the process leads. The one that gets it leads; the others try
again every `standby_seconds`, so when the leader dies (its connection closes, the lock goes with it) another
takes over. With SQLite there is one process, and it leads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

LOCK_KEY = int.from_bytes(b"unionbot", "big")  # the advisory lock's key (fits PostgreSQL's bigint)


class LeaderLock(Protocol):
    """Who may run the scheduler: taken once, held until released or the process dies."""

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it now."""
        ...

    def still_held(self) -> bool:
        """True while the lock is still this process's (its connection alive)."""
        ...

    def release(self) -> None:
        """Give the lock up (and its connection)."""
        ...


class AlwaysLeader:
    """SQLite: one process serves, and it runs the scheduler."""

    def try_acquire(self) -> bool:
        """Always True."""
        return True

    def still_held(self) -> bool:
        """Always True."""
        return True

    def release(self) -> None:
        """Nothing to release."""


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a dedicated connection kept for the process's lifetime.

    The lock belongs to the database session: if the process dies, its connection closes and the lock is
    free for the next process. Each statement is committed at once so the connection never sits idle in a
    transaction.
    """

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None
        self._held = False

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it."""
        if self._held:
            return self.still_held()
        if self._connection is None:
            self._connection = self.engine.connect()
        try:
            got = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar()
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            raise
        self._held = bool(got)
        return self._held

    def still_held(self) -> bool:
        """True while the lock's connection answers; a dead connection means the lock is gone."""
        if not self._held or self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Unlock and close the connection."""
        if self._connection is not None and self._held:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            except SQLAlchemyError:
                log.warning("could not unlock the scheduler lock; closing its connection frees it")
        self._drop()

    def _drop(self) -> None:
        self._held = False
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except SQLAlchemyError:
                log.debug("closing a broken scheduler-lock connection failed", exc_info=True)
            self._connection = None


def leader_lock(engine: Engine) -> LeaderLock:
    """The advisory lock on PostgreSQL; on SQLite the one process leads."""
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else AlwaysLeader()


class Standby:
    """A thread that takes the lead when the lock is free and steps down when it is lost or stopped.

    `on_lead` starts the work (it runs under a guard, never twice at once); `on_step_down` ends it.
    """

    def __init__(
        self,
        lock: LeaderLock,
        *,
        every: float,
        on_lead: Callable[[], None],
        on_step_down: Callable[[], None],
    ) -> None:
        self.lock = lock
        self.every = every
        self.on_lead = on_lead
        self.on_step_down = on_step_down
        self.leading = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def start(self) -> None:
        """Stand by for the lock in a background thread; lead while holding it."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scheduler-standby", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Step down, release the lock and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if not self.leading.is_set():
                        if self.lock.try_acquire():
                            self._lead()
                    elif not self.lock.still_held():
                        log.warning("scheduler lock lost (database connection gone): standing by")
                        self._step_down()
                except SQLAlchemyError as error:
                    log.warning("scheduler standby: database unavailable (%s)", type(error).__name__)
                    self._step_down()
                self._stop.wait(self.every)
        finally:
            self._step_down()
            self.lock.release()

    def _lead(self) -> None:
        with self._guard:
            self.on_lead()
            self.leading.set()

    def _step_down(self) -> None:
        with self._guard:
            was_leading = self.leading.is_set()
            self.leading.clear()
        if was_leading:
            self.on_step_down()
