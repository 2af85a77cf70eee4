"""Hand-off to a person: the staff are alerted through the outbox; the worker is told when a person replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.turn import OutboxItem, Reply, Turn

WEEKDAY_NAMES = "一二三四五六日"


def next_office_opening(ctx: TurnContext) -> datetime | None:
    """When the office next opens, or None while it is open now (Monday to Friday, hours from config).

    Public holidays and make-up working days come with the scheduler's working-day calendar (issue 6).
    """
    local = ctx.local_now()
    open_at, close_at = ctx.policy.office_open, ctx.policy.office_close
    if local.weekday() < 5 and open_at <= local.time() < close_at:
        return None
    day = local.date() if local.time() < open_at else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, open_at, tzinfo=ctx.policy.timezone)


def describe_opening(opening: datetime, ctx: TurnContext) -> str:
    """今天 / 明天 / 周一 followed by the time, as a worker would say it."""
    today = ctx.local_now().date()
    days = (opening.date() - today).days
    if days == 0:
        day = "今天"
    elif days == 1:
        day = "明天"
    else:
        day = "周" + WEEKDAY_NAMES[opening.weekday()]
    return f"{day}上午{opening.strftime('%H:%M')}上班后"


class HandoffSkill:
    """Alerts the staff (every staff member in config.toml) and tells the worker what happens next."""

    intent: ClassVar[IntentId] = IntentId.HANDOFF

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Staff alert in the outbox; the reply depends on office hours."""
        alert = ctx.say(
            "handoff_staff_alert",
            channel=ctx.inbound.channel,
            user=ctx.inbound.user_id,
            text=ctx.inbound.text[:200],
        )
        outbox = tuple(OutboxItem("staff", staff, alert, "staff_alert") for staff in ctx.policy.staff_ids)
        opening = next_office_opening(ctx)
        if opening is None:
            text = ctx.say("handoff_office_hours")
        else:
            text = ctx.say("handoff_after_hours", next_open=describe_opening(opening, ctx))
        return Turn(Reply(text, self.intent, match.score), outbox)
