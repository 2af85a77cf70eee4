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
        slots={"options": [button.payload for button in buttons], "story": ctx.words[:1000]},
        expires_at=ctx.now + ctx.policy.form_idle,
        now=ctx.now,
    )
    best = options[0]
    reply = Reply(
        ctx.say("clarify", choices=lines), IntentId(best.entry.intent), best.score, buttons, answered=False
    )
    return Turn(reply)


def with_second_topic(turn: Turn, answered: Candidate, candidates: Sequence[Candidate], ctx: TurnContext) -> Turn:
    """The answer to the main topic, with a button for a second topic the message also raised.

    A second topic is another entry that would itself be answered (at or above its intent's threshold) and
    scores at least `second_topic` of the answered one: "公司倒闭了，我在哺乳期" gets the closure answer and a
    button for breastfeeding rights. Only a direct answer gets one; a menu or a form start is left as it is.
    """
    reply = turn.reply
    if not reply.answered or ctx.state.form is not None:
        return turn
    policy = ctx.policy
    also = next(
        (
            candidate
            for candidate in candidates
            if candidate.entry.id != answered.entry.id
            and candidate.score >= policy.threshold_for(candidate.entry.intent)
            and candidate.score >= policy.second_topic * answered.score
        ),
        None,
    )
    if also is None:
        return turn
    button = Button(also.entry.phrasings[0], payloads.faq(also.entry.id))
    return Turn(
        Reply(reply.text, reply.intent, reply.confidence, (*reply.buttons, button), reply.answered), turn.outbox
    )


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
        slots={"options": [button.payload for button in buttons], "story": ctx.words[:1000]},
        expires_at=ctx.now + ctx.policy.form_idle,
        now=ctx.now,
    )
    return Turn(Reply(text, intent, confidence, tuple(buttons)))
