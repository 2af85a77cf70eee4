"""Events storage: update by key keeps signups; weekly series are generated ahead once, at the same wall time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage import events, session_scope, signups
from storage.events import EventDraft
from storage.users import get_or_create_user
from tests.support.clock import SHANGHAI

NOW = datetime(2027, 11, 20, 10, 0, tzinfo=SHANGHAI)
YOGA = EventDraft(
    key="yoga-tue",
    title="午间瑜伽（周二）",
    starts_at=datetime(2027, 11, 23, 12, 0, tzinfo=SHANGHAI),
    ends_at=datetime(2027, 11, 23, 13, 0, tzinfo=SHANGHAI),
    signup_deadline=datetime(2027, 11, 22, 18, 0, tzinfo=SHANGHAI),
    capacity=20,
    aliases=("瑜伽",),
    repeat_weekly=True,
)


def test_weekly_series_are_generated_ahead_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        events.upsert(session=session, draft=YOGA, now=NOW)
        created = events.extend_series(session=session, now=NOW, ahead=timedelta(weeks=3), tz=SHANGHAI)
        again = events.extend_series(session=session, now=NOW, ahead=timedelta(weeks=3), tz=SHANGHAI)
        starts = [event.starts_at.astimezone(SHANGHAI) for event in created]
        assert again == []
        assert [moment.strftime("%m-%d %H:%M") for moment in starts] == ["11-30 12:00", "12-07 12:00"]
        second = created[0]
        assert second.key == "yoga-tue@2027-11-30" and second.series_key == "yoga-tue"
        assert second.signup_deadline is not None
        assert second.signup_deadline.astimezone(SHANGHAI).strftime("%m-%d %H:%M") == "11-29 18:00"
        assert (second.title, second.capacity, second.aliases) == ("午间瑜伽（周二）", 20, ["瑜伽"])


def test_updating_an_event_keeps_its_signups_and_taken_places(engine: Engine) -> None:
    with session_scope(engine) as session:
        event = events.upsert(session=session, draft=YOGA, now=NOW).event
        user = get_or_create_user(session=session, channel="console", external_id="w1", now=NOW)
        assert event.id is not None and user.id is not None
        signups.sign_up(session=session, event_id=event.id, user_id=user.id, now=NOW)
    with session_scope(engine) as session:
        result = events.upsert(
            session=session, draft=YOGA.__class__(**{**_fields(YOGA), "title": "瑜伽"}), now=NOW
        )
        assert not result.created
        assert (result.event.title, result.event.taken) == ("瑜伽", 1)
        assert result.event.id is not None
        assert signups.find(session=session, event_id=result.event.id, user_id=user.id) is not None


def _fields(draft: EventDraft) -> dict[str, object]:
    return {name: getattr(draft, name) for name in draft.__slots__}
