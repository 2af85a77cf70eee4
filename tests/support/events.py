"""Events for tests: add_event(services, key=…, …) stores one event the way `events import` does."""

from __future__ import annotations

from datetime import datetime

from bot.app import Services
from storage import session_scope
from storage.events import EventDraft, upsert
from storage.models import Event
from tests.support.clock import SHANGHAI


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    """A time in Shanghai."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def add_event(
    services: Services,
    key: str,
    title: str,
    starts_at: datetime,
    capacity: int = 20,
    *,
    aliases: tuple[str, ...] = (),
    place: str = "街道社区文体中心",
    deadline: datetime | None = None,
    members_only: bool = False,
    description: str = "",
    ends_at: datetime | None = None,
) -> Event:
    draft = EventDraft(
        key=key,
        title=title,
        starts_at=starts_at,
        capacity=capacity,
        ends_at=ends_at,
        place=place,
        aliases=aliases,
        signup_deadline=deadline,
        members_only=members_only,
        description=description,
    )
    with session_scope(services.engine) as session:
        return upsert(session=session, draft=draft, now=services.clock.now()).event


def add_demo_events(services: Services) -> dict[str, Event]:
    """Events like the seed articles', in December 2026 (the test clock stands at 2026-11-25)."""
    return {
        "walk": add_event(
            services,
            "walk",
            "职工健步走（八一湖畔）",
            at(12, 5, 9),
            120,
            aliases=("健步走", "徒步", "走路活动"),
            place="玉渊潭公园东门集合",
            deadline=at(12, 3, 18),
            members_only=True,
            description="全程约6公里，请穿运动鞋。",
        ),
        "yoga": add_event(
            services,
            "yoga",
            "午间瑜伽（周二）",
            at(12, 1, 12),
            2,
            aliases=("瑜伽", "瑜伽课"),
            deadline=at(11, 30, 18),
            description="自带瑜伽垫。",
        ),
        "swim": add_event(
            services, "swim", "午间游泳（周四）", at(12, 3, 12), 20, aliases=("游泳",), place="景山学校游泳馆"
        ),
        "singles": add_event(
            services,
            "singles",
            "单身青年联谊（西点烘焙）",
            at(12, 19, 14),
            60,
            aliases=("联谊", "相亲", "单身联谊"),
            place="月坛街道职工之家",
        ),
    }
