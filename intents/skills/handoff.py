"""Hand-off to a person: the staff are alerted through the outbox; the worker is told when a person replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.tickets import open_for_worker
from intents.turn import Reply, Turn
from storage import tickets


def next_office_opening(ctx: TurnContext) -> datetime | None:
    """When the office next opens, or None while it is open now: working days by the official calendar
    (public holidays off, make-up working days on), hours from config."""
    local = ctx.local_now()
    calendar = ctx.policy.calendar
    open_at, close_at = ctx.policy.office_open, ctx.policy.office_close
    if calendar.is_workday(local.date()) and open_at <= local.time() < close_at:
        return None
    day = calendar.next_workday(local.date() if local.time() < open_at else local.date() + timedelta(days=1))
    return datetime.combine(day, open_at, tzinfo=ctx.policy.timezone)


def describe_opening(opening: datetime, ctx: TurnContext) -> str:
    """今天 / 明天 / 周一 followed by the time, as a worker would say it (replies opening_*)."""
    days = (opening.date() - ctx.local_now().date()).days
    time = opening.strftime("%H:%M")
    if days == 0:
        return ctx.say("opening_today", time=time)
    if days == 1:
        return ctx.say("opening_tomorrow", time=time)
    return ctx.say("opening_later", weekday=ctx.kb.words["weekdays"][opening.weekday()], time=time)


class HandoffSkill:
    """Opens a ticket, alerts the staff on duty and tells the worker when a person will answer."""

    intent: ClassVar[IntentId] = IntentId.HANDOFF

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Open a ticket with the recent conversation, alert the staff; the reply depends on office hours."""
        ticket, outbox = open_for_worker(ctx, "request")
        number = tickets.ticket_number(ticket)
        opening = next_office_opening(ctx)
        if not ctx.policy.can_alert(item.user_id for item in outbox):
            text = ctx.say("handoff_ticket_unreached", ticket=number)
        elif opening is None:
            text = ctx.say("handoff_ticket_office", ticket=number)
        else:
            text = ctx.say("handoff_ticket_after_hours", ticket=number, next_open=describe_opening(opening, ctx))
        return Turn(Reply(text, self.intent, match.score), outbox)
