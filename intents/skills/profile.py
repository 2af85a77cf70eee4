"""profile_delete: explain, then ask for confirmation through the profile form."""

from __future__ import annotations

from typing import ClassVar

from intents.context import TurnContext
from intents.forms import FORMS, start_form
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.turn import Turn


class ProfileDeleteSkill:
    """Starts the confirmation form; nothing is deleted before the worker confirms."""

    intent: ClassVar[IntentId] = IntentId.PROFILE_DELETE

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:  # noqa: ARG002
        """Ask for confirmation."""
        return start_form(FORMS["profile_delete"], ctx, "")
