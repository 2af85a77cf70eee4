"""Intents whose capability lands in a later issue (events: issue 4; cases: issue 3): an honest reply meanwhile."""

from __future__ import annotations

from typing import ClassVar

from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.turn import Reply, Turn


class NotYetSkill:
    """Recognises the intent and says how the worker can get it done today (phone the station)."""

    intent: ClassVar[IntentId | None] = None

    def __init__(self, reply_key: str) -> None:
        self.reply_key = reply_key

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """The replies/*.toml sentence for this capability, reported under the matched intent."""
        return Turn(Reply(ctx.say(self.reply_key), IntentId(match.entry.intent), match.score))
