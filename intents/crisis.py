"""Danger to life: detect the phrases in knowledge/crisis.toml and hand the worker to a person at once."""

from __future__ import annotations

from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.tickets import open_for_worker
from intents.turn import OutboxItem, Reply, Turn


def is_crisis(text: str, phrases: tuple[str, ...]) -> bool:
    """True when the message contains a danger-to-life phrase (compared after normalisation, spaces ignored)."""
    folded = fold(text)
    return any(phrase in folded for phrase in fold_all(phrases))


def crisis_turn(ctx: TurnContext) -> Turn:
    """The hotlines for the worker now; a ticket with the conversation and an alert to every staff member.

    The worker is told staff were notified only when an alert can reach someone (DialoguePolicy.reachable_staff).
    """
    _ticket, outbox = open_for_worker(ctx, "crisis", everyone=True)
    urgent = tuple(
        OutboxItem(item.channel, item.user_id, item.text, "crisis_alert", dedup_key=item.dedup_key) for item in outbox
    )
    # Only say staff were told when an alert can reach one of them; otherwise the numbers to call now.
    reached = ctx.policy.can_alert(item.user_id for item in urgent)
    return Turn(Reply(ctx.say("crisis" if reached else "crisis_unreached"), IntentId.HANDOFF, 1.0), urgent)
