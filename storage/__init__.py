"""Tables and the queries that must be atomic; the caller owns the transaction (no commit in here)."""

from storage.db import make_engine, session_scope
from storage.schema import ensure_schema

__all__ = ["ensure_schema", "make_engine", "session_scope"]
