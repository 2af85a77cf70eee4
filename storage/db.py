"""Engine and session set-up: SQLite tuned for one station, PostgreSQL for several processes; cached inserts.

The hot path (one turn) runs its statements on SQLAlchemy Core through the session's connection, with the
statements built once (module constants or `functools.cache`): SQLAlchemy then reuses their compiled form
and the driver its prepared statement (sqlite3's statement cache; psycopg 3 prepares a statement it has run
`prepare_threshold` times). The ORM's unit of work stays for the rare paths (forms, cases, staff work).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, literal_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from storage.models import table

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Memory-mapped reads: pages are read from the OS page cache without a copy into SQLite's own cache. A
# station's database stays well under this size for years (a turn adds about 1 KB), so all of it maps.
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
# SQLite's page cache per connection (negative: in KiB): the hot tables and their indexes stay in memory.
SQLITE_CACHE_KIB = 16 * 1024


class DatabaseUrlError(ValueError):
    """The database URL cannot be used (unknown scheme, malformed)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level, so that "begin" below decides how a transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer nor the writer them, and a commit appends to the log instead of
    # rewriting pages (one station, one serve process, CLI commands beside it).
    cursor.execute("PRAGMA journal_mode=WAL")
    # A second writer (a CLI command beside `serve`) waits this long for the lock instead of failing at once.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # The documented durability trade-off of WAL: with NORMAL a commit does not wait for fsync; the log is
    # synced at checkpoints. A power cut (not a crash of the process) can lose the last commits before the
    # checkpoint, never corrupt the database. A turn then costs microseconds instead of a disk flush; a
    # station that cannot accept that sets FULL here.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    # Sorts and temporary indexes (monthly figures) in memory rather than in temporary files.
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at the start of every transaction: a turn reads then writes, and a deferred
    # transaction that upgrades to a writer can fail with "database is locked" instead of waiting.
    # With it, turns on SQLite are serialised (the per-user lock, and more), which one process needs.
    # Straight to the driver: the statement is fixed, and this runs at the start of every turn. Its failure
    # ("database is locked" after the busy timeout) is raised as SQLAlchemy's OperationalError, as any other
    # statement's is: callers retry a turn the database could not store (WeChat) or answer 503.
    try:
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise OperationalError("BEGIN IMMEDIATE", None, error) from error


def normalise_url(url: str) -> str:
    """Map postgres:// and postgresql:// to the psycopg 3 driver; leave other URLs as they are."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    url: str, *, base_dir: Path | None = None, pool_size: int = 10, max_overflow: int = 10
) -> Engine:
    """Create the engine for `url`; a relative SQLite path is resolved against `base_dir`.

    On PostgreSQL each process keeps `pool_size` connections (plus `max_overflow` in a burst): with N
    processes the server sees up to N × (pool_size + max_overflow), which must stay under its
    max_connections. Turns of one process never need more connections than run at once (see
    bot/runtime.py), so a small pool per process scales out further than a large one.

    Raises:
        DatabaseUrlError: the URL is malformed or names a database this service does not support.
    """
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUrlError(f"cannot parse database URL {url!r}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            path.parent.mkdir(parents=True, exist_ok=True)
            parsed = parsed.set(database=str(path))
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if backend == "postgresql":
        # pool_pre_ping costs a round trip per checkout; instead a connection is recycled after 30 min and
        # a dead one (server restart) fails one turn, which the pipeline stores with an apology.
        return create_engine(
            parsed,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_recycle=1800,
            connect_args={"prepare_threshold": 2},  # prepare a turn's statements on their second run
        )
    raise DatabaseUrlError(f"unsupported database {backend!r}: use sqlite:///PATH or postgresql://…")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def core(session: Session) -> Connection:
    """The session's connection, for a Core statement that skips the ORM (what the hot path uses).

    Whatever the ORM holds unsaved is flushed first, as `session.execute` would, so a Core insert can refer
    to a row a form just added.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def dialect_name(session: Session) -> str:
    """ "sqlite" or "postgresql": the database behind the session."""
    return session.get_bind().dialect.name


def dialect_insert(session: Session, model: type[SQLModel]) -> Any:
    """An INSERT into `model`'s table in the session's dialect, so `on_conflict_do_…` can follow.

    SQLite and PostgreSQL spell ON CONFLICT alike, but SQLAlchemy has one construct per dialect: this is the
    one place that chooses. Upserts (a counter, a token) build on it; `insert_ignore` covers the common case.
    """
    return _insert_in(dialect_name(session))(table(model))


def _insert_in(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert


@functools.cache
def _insert_ignore_statement(dialect: str, model: type[SQLModel]) -> Any:
    # Built once per table: the values come as parameters, so the compiled statement is reused.
    columns = table(model).c
    key = columns["id"] if "id" in columns else literal_column("1")
    return _insert_in(dialect)(table(model)).on_conflict_do_nothing().returning(key)


def insert_ignore(session: Session, model: type[SQLModel], /, **values: object) -> int | None:
    """Insert one row unless a unique key already holds it (ON CONFLICT DO NOTHING), atomically.

    Returns:
        The new row's `id` (1 for a table keyed otherwise), or None when the row was already there.
    """
    statement = _insert_ignore_statement(dialect_name(session), model)
    found = core(session).execute(statement, values).scalar()
    return None if found is None else int(found)


@functools.cache
def upsert_statement(dialect: str, model: type[SQLModel], key: str) -> Any:
    """INSERT … ON CONFLICT (`key`) DO UPDATE every other column, built once per dialect and table."""
    insert = _insert_in(dialect)(table(model))
    others = {column.name: insert.excluded[column.name] for column in table(model).c if column.name != key}
    return insert.on_conflict_do_update(index_elements=[key], set_=others)
