"""A staff member's "收到" to a routine-meeting reminder: the reminder is acknowledged and not repeated."""

from __future__ import annotations

from datetime import timedelta

from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import Reply, Turn
from storage import reminders

ACK_WINDOW = timedelta(days=3)  # a "收到" acknowledges reminders sent this recently


def acknowledge(text: str, ctx: TurnContext) -> Turn | None:
    """Acknowledge the staff member's latest open reminder, or None when this is no staff member's "收到"."""
    staff = ctx.policy.staff_id(ctx.inbound.channel, ctx.inbound.user_id)
    if staff is None or fold(text) not in fold_all(ctx.kb.words.get("reminder_ack", ())):
        return None
    reminder = reminders.latest_unacknowledged(
        session=ctx.session, staff_id=staff, since=ctx.now - ACK_WINDOW
    )
    if reminder is None:
        return Turn(Reply(ctx.say("reminder_ack_none"), IntentId.THANKS, 1.0))
    reminders.acknowledge(session=ctx.session, reminder=reminder, now=ctx.now)
    return Turn(Reply(ctx.say("reminder_ack_done", title=reminder.title), IntentId.THANKS, 1.0))
