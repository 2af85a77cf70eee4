"""Alembic environment: runs migrations on the engine handed over in config.attributes."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel

import storage.models  # registers the tables on SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:  # noqa: ARG001
    """Write our AwareDateTime as the plain type it stores, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, storage.models.AwareDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
