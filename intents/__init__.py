"""The dialogue layer: text in, replies out. Pure logic over storage; never imports bot/ or a platform library."""

from intents.context import AidTier, DialoguePolicy, TurnContext
from intents.dialogue import handle
from intents.ids import IntentId
from intents.matcher import Candidate, Matcher
from intents.turn import Button, Inbound, OutboxItem, Reply, Turn

__all__ = [
    "AidTier",
    "Button",
    "Candidate",
    "DialoguePolicy",
    "Inbound",
    "IntentId",
    "Matcher",
    "OutboxItem",
    "Reply",
    "Turn",
    "TurnContext",
    "handle",
]
