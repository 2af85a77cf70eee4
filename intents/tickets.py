"""Hand-off tickets from the dialogue's side: open one with the recent transcript, alert staff, follow up."""

from __future__ import annotations

from intents.context import TurnContext
from intents.turn import OutboxItem
from storage import messages, tickets
from storage.models import Ticket

TRANSCRIPT_LINES = 6


def _transcript(ctx: TurnContext) -> str:
    lines = messages.history(session=ctx.session, user=ctx.user, limit=TRANSCRIPT_LINES)
    return "\n".join(
        ctx.say("transcript_worker" if line.direction == "in" else "transcript_bot", text=line.text[:120])
        for line in lines[-TRANSCRIPT_LINES:]
    )


def open_for_worker(
    ctx: TurnContext, reason: str, *, everyone: bool = False
) -> tuple[Ticket, tuple[OutboxItem, ...]]:
    """Open (or reuse) the worker's ticket, copy the recent conversation into it, alert the staff.

    One alert per ticket event, however the ticket was reached: opening it alerts; reaching an open ticket
    again ("转人工" then "我要投诉", a second misunderstanding) does not (the worker's words already went to
    staff as a follow-up), except danger to life, which always alerts everyone. Each alert carries an outbox
    dedup key, so a retried turn cannot queue it twice.

    Args:
        reason: "request", "crisis" or "not_understood" (replies key reason_<reason> words it for staff).
        everyone: alert every staff member (danger to life) instead of those on duty.
    """
    ticket, opened = tickets.open_ticket(session=ctx.session, user_id=ctx.user_pk, reason=reason, now=ctx.now)
    transcript = _transcript(ctx)
    if opened:
        for line in messages.history(session=ctx.session, user=ctx.user, limit=TRANSCRIPT_LINES):
            author = "worker" if line.direction == "in" else "bot"
            tickets.add_message(
                session=ctx.session, ticket=ticket, author=author, text=line.text, now=line.at
            )
    if not opened and not everyone:
        return ticket, ()
    event = "opened" if opened else f"escalated:{ctx.inbound.message_id}"
    number = tickets.ticket_number(ticket)
    alert = ctx.say(
        "ticket_staff_alert",
        ticket=number,
        reason=ctx.say(f"reason_{reason}"),
        channel=ctx.inbound.channel,
        transcript=transcript,
    )
    recipients = ctx.policy.staff_ids if everyone else ctx.policy.on_duty(ctx.local_now())
    return ticket, tuple(
        OutboxItem("staff", staff, alert, "ticket_alert", dedup_key=f"ticket:{ticket.id}:{event}:{staff}")
        for staff in recipients
    )


def follow_up(ctx: TurnContext, text: str) -> tuple[OutboxItem, ...]:
    """While a ticket is open, the worker's new message joins it and the staff on duty hear of it."""
    # Whether a ticket is open was read with the state, in the turn's first statement.
    ticket = None if ctx.state.open_ticket is None else ctx.session.get(Ticket, ctx.state.open_ticket)
    if ticket is None:
        return ()
    tickets.add_message(session=ctx.session, ticket=ticket, author="worker", text=text, now=ctx.now)
    number = tickets.ticket_number(ticket)
    alert = ctx.say("ticket_followup_staff", ticket=number, text=text[:200])
    # Held for a few minutes and coalesced: a worker writing ten lines makes one alert, not ten.
    later = ctx.now + ctx.policy.followup_coalesce
    return tuple(
        OutboxItem("staff", staff, alert, "ticket_followup", not_before=later, coalesce_key=f"followup:{number}")
        for staff in ctx.policy.on_duty(ctx.local_now())
    )
