"""Fixtures for channel tests: services with a channel switched on, an app served over loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Services
from bot.config import Settings
from tests.support.clock import FixedClock


def with_settings(services: Services, **sections: object) -> Services:
    """The same services with some settings sections replaced (settings are frozen)."""
    settings: Settings = services.settings.model_copy(update=sections)
    return Services(
        settings=settings,
        engine=services.engine,
        kb=services.kb,
        matcher=services.matcher,
        policy=services.policy,
        clock=services.clock,
    )


@pytest.fixture
def live_clock(clock: FixedClock) -> Iterator[FixedClock]:
    yield clock
