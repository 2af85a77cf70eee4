from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from storage.schema import alembic_config, current_revision, head_revision


def test_head_constant_is_the_newest_migration(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(engine))  # type: ignore[arg-type]
    assert script.get_current_head() == head_revision()


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
