"""Engine and session set-up: SQLite in WAL mode with a busy timeout by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, literal_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, SQLModel, create_engine

from storage.models import table

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseUrlError(ValueError):
    """The database URL cannot be used (unknown scheme, malformed)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level, so that "begin" below decides how a transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at the start of every transaction: a turn reads then writes, and a deferred
    # transaction that upgrades to a writer can fail with "database is locked" instead of waiting.
    # With it, turns on SQLite are serialised (the per-user lock, and more), which one process needs.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def normalise_url(url: str) -> str:
    """Map postgres:// and postgresql:// to the psycopg 3 driver; leave other URLs as they are."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, base_dir: Path | None = None) -> Engine:
    """Create the engine for `url`; a relative SQLite path is resolved against `base_dir`.

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
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
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


def dialect_insert(session: Session, model: type[SQLModel]) -> Any:
    """An INSERT into `model`'s table in the session's dialect, so `on_conflict_do_…` can follow.

    SQLite and PostgreSQL spell ON CONFLICT alike, but SQLAlchemy has one construct per dialect: this is the
    one place that chooses. Upserts (a counter, a token) build on it; `insert_ignore` covers the common case.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(table(model))


def insert_ignore(session: Session, model: type[SQLModel], /, **values: object) -> int | None:
    """Insert one row unless a unique key already holds it (ON CONFLICT DO NOTHING), atomically.

    Returns:
        The new row's `id` (1 for a table keyed otherwise), or None when the row was already there.
    """
    columns = table(model).c
    key = columns["id"] if "id" in columns else literal_column("1")
    statement = dialect_insert(session, model).values(**values).on_conflict_do_nothing().returning(key)
    found = session.execute(statement).scalar()
    return None if found is None else int(found)
