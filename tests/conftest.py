"""Shared fixtures: settings from the shipped config, a real SQLite file (and PostgreSQL when
UNIONBOT_TEST_PG_URL is set), the shipped knowledge base, a fixed clock in Asia/Shanghai."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.app import Services, dialogue_policy
from bot.config import Settings, load_settings
from bot.live_knowledge import LiveKnowledge
from bot.plan import routine_plan, workday_calendar
from intents import Matcher
from knowledge import KnowledgeBase, load_knowledge
from storage import ensure_schema, make_engine
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.conversation import Conversation

PG_URL = os.environ.get("UNIONBOT_TEST_PG_URL")
REPO = Path(__file__).resolve().parent.parent

# A Wednesday in office hours.
WEDNESDAY_10AM = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return Matcher(kb, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WEDNESDAY_10AM)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(REPO / "config.toml", database_url=f"sqlite:///{tmp_path}/unionbot.db")


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


def _database_params() -> list[object]:
    params: list[object] = ["sqlite"]
    params.append(
        pytest.param(
            "postgresql", marks=pytest.mark.skipif(not PG_URL, reason="UNIONBOT_TEST_PG_URL not set")
        )
    )
    return params


@pytest.fixture(params=_database_params())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database at the current schema: SQLite always, PostgreSQL when configured."""
    if request.param == "postgresql":
        assert PG_URL is not None
        engine = _reset_postgres(PG_URL)
    else:
        engine = make_engine(f"sqlite:///{tmp_path}/test.db")
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/test.db")
    ensure_schema(engine)
    yield engine
    engine.dispose()


def make_services(
    settings: Settings, engine: Engine, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Services:
    calendar = workday_calendar(settings)
    return Services(
        settings=settings,
        engine=engine,
        knowledge=LiveKnowledge(kb, matcher),
        # The shipped config reaches no staff member (no accounts, no channel on): dialogue tests take staff as
        # reachable; what a worker hears when nobody is, is tested with reachable_staff set (test_reach.py).
        policy=dataclasses.replace(dialogue_policy(settings, calendar), reachable_staff=None),
        clock=clock,
        plan=routine_plan(settings, calendar),
    )


@pytest.fixture
def services(
    settings: Settings, sqlite_engine: Engine, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Services:
    """Services on SQLite: for dialogue tests, where the database is not what is tested."""
    return make_services(settings, sqlite_engine, kb, matcher, clock)


@pytest.fixture
def any_services(
    settings: Settings, engine: Engine, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Services:
    """Services on every configured database: for storage and pipeline behaviour."""
    return make_services(settings, engine, kb, matcher, clock)


@pytest.fixture
def worker(services: Services) -> Conversation:
    return Conversation(services, user="worker-1")
