"""Hardship aid: the FAQ answer, and when the worker names a self-paid medical cost, the grant it brings."""

from __future__ import annotations

from typing import ClassVar

from intents.context import TurnContext
from intents.forms.numbers import parse_amount
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.skills.faq import answer_entry
from intents.turn import Turn


def aid_estimate(amount: int, ctx: TurnContext) -> str:
    """One sentence: the grant the local tiers give for this yearly self-paid cost."""
    tiers = sorted(ctx.policy.aid_tiers, key=lambda tier: tier.min_self_paid)
    eligible = [tier for tier in tiers if amount >= tier.min_self_paid]
    if eligible:
        return ctx.say("aid_estimate", amount=amount, grant=eligible[-1].grant)
    return ctx.say("aid_below_threshold", amount=amount, minimum=tiers[0].min_self_paid if tiers else 0)


class HardshipAidSkill:
    """Answers hardship-aid questions; computes the illness grant from config.toml when an amount is given."""

    intent: ClassVar[IntentId] = IntentId.HARDSHIP_AID

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """The entry's answer, led by the grant for the amount in the message if there is one."""
        amount = parse_amount(ctx.inbound.text)
        lead = aid_estimate(amount, ctx) if amount and amount >= 100 and ctx.policy.aid_tiers else ""
        return answer_entry(match.entry, ctx, match.score, lead)
