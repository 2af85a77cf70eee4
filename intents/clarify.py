"""When the bot is not sure: the closest topics as numbered choices, or a plain "not understood" with the human line."""

from __future__ import annotations

from collections.abc import Sequence

from intents import payloads
from intents.context import TurnContext
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.pending import PendingKind
from intents.turn import Button, Reply, Turn
from storage import dialogue_state


def clarify(ctx: TurnContext, candidates: Sequence[Candidate]) -> Turn:
    """Offer the closest distinct topics; the worker answers with a number or a tap.

    The reply reports the best candidate's intent with its (low) confidence: the bot's best guess.
    """
    options = list(candidates[: ctx.policy.choices])
    lines = "\n".join(
        ctx.say("choice_line", number=number, title=option.entry.phrasings[0])
        for number, option in enumerate(options, start=1)
    )
    buttons = tuple(Button(option.entry.phrasings[0], payloads.faq(option.entry.id)) for option in options)
    dialogue_state.start_form(
        session=ctx.session,
        state=ctx.state,
        form=PendingKind.CHOICE,
        slots={"options": [button.payload for button in buttons]},
        expires_at=ctx.now + ctx.policy.form_idle,
        now=ctx.now,
    )
    best = options[0]
    reply = Reply(
        ctx.say("clarify", choices=lines), IntentId(best.entry.intent), best.score, buttons, answered=False
    )
    return Turn(reply)


def not_understood(ctx: TurnContext, confidence: float = 0.0) -> Turn:
    """Say plainly that the bot did not understand, with examples and the human line."""
    return Turn(Reply(ctx.say("not_understood"), IntentId.OUT_OF_SCOPE, confidence, answered=False))


def offer_choices(
    ctx: TurnContext, text: str, buttons: Sequence[Button], intent: IntentId, confidence: float = 1.0
) -> Turn:
    """A reply with numbered choices (events to sign up for, signups to cancel …) as buttons.

    The buttons' payloads are kept in the choice state: on the next turn the worker's number acts exactly
    as a tap on that button would (dialogue._resume_choice), clarify's FAQ choices included.
    """
    dialogue_state.start_form(
        session=ctx.session,
        state=ctx.state,
        form=PendingKind.CHOICE,
        slots={"options": [button.payload for button in buttons]},
        expires_at=ctx.now + ctx.policy.form_idle,
        now=ctx.now,
    )
    return Turn(Reply(text, intent, confidence, tuple(buttons)))
