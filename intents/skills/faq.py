"""Answers from the FAQ entries, with their law citation and local facts filled in."""

from __future__ import annotations

from typing import ClassVar

from intents import payloads
from intents.context import TurnContext, render
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.turn import Button, Reply, Turn
from knowledge import FaqEntry


def answer_entry(entry: FaqEntry, ctx: TurnContext, confidence: float, lead: str = "") -> Turn:
    """The entry's answer (local facts filled in), a 详细说明 button when it has a detail; remembers the topic."""
    text = render(entry.answer, ctx.policy.facts)
    if lead:
        text = f"{lead}\n{text}"
    buttons: tuple[Button, ...] = ()
    if entry.detail:
        buttons = (Button(ctx.say("detail_button"), payloads.detail(entry.id)),)
    ctx.state.last_entry = entry.id
    return Turn(Reply(text, IntentId(entry.intent), confidence, buttons))


def detail_turn(ctx: TurnContext, entry_id: str | None) -> Turn:
    """The longer explanation of a topic (the one named, or the last one answered)."""
    entry = ctx.kb.entry(entry_id) if entry_id else None
    if entry is None or not entry.detail:
        intent = IntentId(entry.intent) if entry else IntentId.HELP
        return Turn(Reply(ctx.say("no_detail"), intent, 1.0))
    return Turn(Reply(render(entry.detail, ctx.policy.facts), IntentId(entry.intent), 1.0))


class FaqSkill:
    """The default skill: answer with the matched entry."""

    intent: ClassVar[IntentId | None] = None

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Answer with the entry."""
        return answer_entry(match.entry, ctx, match.score)
