"""Danger to life: detect the phrases in knowledge/crisis.toml and hand the worker to a person at once."""

from __future__ import annotations

from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import OutboxItem, Reply, Turn


def is_crisis(text: str, phrases: tuple[str, ...]) -> bool:
    """True when the message contains a danger-to-life phrase (compared after normalisation, spaces ignored)."""
    folded = fold(text)
    return any(phrase in folded for phrase in fold_all(phrases))


def crisis_turn(ctx: TurnContext, text: str) -> Turn:
    """The hotlines for the worker now, and an alert to every staff member, day or night."""
    alert = ctx.say(
        "crisis_staff_alert", channel=ctx.inbound.channel, user=ctx.inbound.user_id, text=text[:200]
    )
    outbox = tuple(OutboxItem("staff", staff, alert, "crisis_alert") for staff in ctx.policy.staff_ids)
    return Turn(Reply(ctx.say("crisis"), IntentId.HANDOFF, 1.0), outbox)
