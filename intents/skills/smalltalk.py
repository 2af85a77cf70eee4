"""Greeting, help and contact: the entry's answer plus the service menu as buttons."""

from __future__ import annotations

from typing import ClassVar

from intents import payloads
from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.skills.faq import answer_entry
from intents.turn import Button, Reply, Turn


def menu_buttons(ctx: TurnContext) -> tuple[Button, ...]:
    """The service menu: each button sends a typical question (labels and questions from replies/*.toml)."""
    items = ctx.kb.words.get("menu", ())
    return tuple(Button(item.split("|")[0], payloads.menu(item.split("|")[-1])) for item in items)


class MenuSkill:
    """Answers with the entry and offers the service menu."""

    intent: ClassVar[IntentId | None] = None

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """The entry's answer with the menu buttons."""
        turn = answer_entry(match.entry, ctx, match.score)
        reply = turn.reply
        return Turn(Reply(reply.text, reply.intent, reply.confidence, menu_buttons(ctx)), turn.outbox)
