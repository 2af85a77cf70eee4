"""with_settings(services, wechat=...): the same services with a settings section replaced (a channel switched on)."""

from __future__ import annotations

from bot.app import Services
from bot.config import Settings


def with_settings(services: Services, **sections: object) -> Services:
    """The same services with some settings sections replaced (settings are frozen)."""
    settings: Settings = services.settings.model_copy(update=sections)
    return Services(
        settings=settings,
        engine=services.engine,
        knowledge=services.knowledge,
        policy=services.policy,
        clock=services.clock,
        plan=services.plan,
    )
