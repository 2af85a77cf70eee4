"""What the bot is waiting for when it is not a form: the kinds of pending question kept in DialogueState.form.

`DialogueState.form` names either a real form (intents.forms.FORMS) or one of these. How each is resumed on the
worker's next message is the PENDING table in intents/dialogue.py, read in the same step as FORMS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from intents.context import TurnContext
from intents.turn import Turn


class PendingKind(StrEnum):
    """A question the bot asked that the next message may answer."""

    CHOICE = "choice"  # numbered choices (clarify, events, signups): "2" acts like tapping the second button
    OFFER = "offer"  # "现在申请调解?" after the wage-arrears answer: "好" starts the intake
    CASE_ADD_INFO = "case_add_info"  # "补充案件材料": the next message is the addition
    CASE_WITHDRAW = "case_withdraw"  # "撤回调解": the next message confirms or keeps the case


@dataclass(frozen=True, slots=True)
class Pending:
    """How a pending question is resumed.

    `resume` returns the turn, or None when the message does not answer it (it is then understood afresh).
    `expiry_notice`: when it lapsed, the reply starts with "form_expired" (a choice list lapses silently).
    """

    resume: Callable[[TurnContext, str], Turn | None]
    expiry_notice: bool = True
