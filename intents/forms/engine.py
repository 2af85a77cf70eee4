"""The form engine: ask for each slot in turn, validate, re-ask, leave on "算了", expire when idle.

A form is data (its slots, their prompts and parsers) plus a `complete` step; its state lives in the
dialogue_state row of the user, saved in the turn's transaction, so any process can serve the next answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from intents.context import TurnContext
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import Reply, Turn
from storage import dialogue_state

Parser = Callable[[str, TurnContext], Any]


@dataclass(frozen=True, slots=True)
class Slot:
    """One fact a form collects.

    Attributes:
        name: key in the stored slots.
        prompt_key: replies/*.toml key of the question that asks for it.
        parse: reads the worker's answer to that question; None means "not understood, ask again".
        extract: finds the fact in free text (the first message, or an answer to another question);
            None when the slot is only filled by answering its question.
        problem_key: replies/*.toml key of the sentence that says why an answer was not accepted.
        describe: the values the prompt shows, from the slots collected so far (e.g. a summary to
            confirm); None when the prompt needs none.
    """

    name: str
    prompt_key: str
    parse: Parser
    extract: Parser | None = None
    problem_key: str = "form_invalid"
    describe: Callable[[Mapping[str, Any], TurnContext], Mapping[str, object]] | None = None


def _prompt(slot: Slot, values: Mapping[str, Any], ctx: TurnContext) -> str:
    extra = slot.describe(values, ctx) if slot.describe is not None else {}
    return ctx.say(slot.prompt_key, **extra)


class Form(Protocol):
    """A declarative form; `complete` runs once every slot has a value."""

    name: ClassVar[str]
    intent: ClassVar[IntentId]
    slots: ClassVar[tuple[Slot, ...]]
    idle_expiry: ClassVar[timedelta]
    cancel_key: ClassVar[str]  # replies/*.toml key said when the worker leaves the form

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Act on the collected values and say what happens next."""
        ...


def is_cancel(text: str, ctx: TurnContext) -> bool:
    """True when the whole message is a way of saying "leave this" (算了, 取消, 不办了 …)."""
    return fold(text) in fold_all(ctx.kb.words.get("cancel", ()))


def _extract_all(form: Form, text: str, ctx: TurnContext, values: dict[str, Any]) -> None:
    for slot in form.slots:
        if slot.name in values or slot.extract is None:
            continue
        found = slot.extract(text, ctx)
        if found is not None:
            values[slot.name] = found


def _next_slot(form: Form, values: Mapping[str, Any]) -> Slot | None:
    return next((slot for slot in form.slots if slot.name not in values), None)


def _keep(form: Form, values: dict[str, Any], ctx: TurnContext) -> None:
    """Store the form's progress; the idle clock restarts with every answer."""
    dialogue_state.start_form(
        session=ctx.session,
        state=ctx.state,
        form=form.name,
        slots=values,
        expires_at=ctx.now + form.idle_expiry,
        now=ctx.now,
    )


def _ask_or_complete(form: Form, values: dict[str, Any], ctx: TurnContext, lead: str = "") -> Turn:
    slot = _next_slot(form, values)
    if slot is None:
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return form.complete(values, ctx)
    _keep(form, values, ctx)
    text = "\n".join(part for part in (lead, _prompt(slot, values, ctx)) if part)
    return Turn(Reply(text, form.intent, 1.0))


def start_form(
    form: Form, ctx: TurnContext, text: str, lead: str = "", initial: Mapping[str, Any] | None = None
) -> Turn:
    """Begin `form`: take every fact the first message already gives, then ask for the first missing one.

    `initial` holds values known before the form starts (facts kept from an earlier form, the event being
    signed up for); slots already in it are not asked.
    """
    values: dict[str, Any] = dict(initial or {})
    _extract_all(form, text, ctx, values)
    return _ask_or_complete(form, values, ctx, lead)


def continue_form(form: Form, ctx: TurnContext, text: str) -> Turn:
    """Take the worker's answer to the current question (or "算了"), then ask the next one or complete."""
    if is_cancel(text, ctx):
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return Turn(Reply(ctx.say(form.cancel_key), form.intent, 1.0))
    values = dict(ctx.state.slots)
    slot = _next_slot(form, values)
    if slot is None:  # every slot filled but not completed (state from an older form version)
        return _ask_or_complete(form, values, ctx)
    value = slot.parse(text, ctx)
    if value is None:
        _keep(form, values, ctx)
        reask = ctx.say("form_reask", problem=ctx.say(slot.problem_key), prompt=_prompt(slot, values, ctx))
        return Turn(Reply(reask, form.intent, 1.0))
    values[slot.name] = value
    _extract_all(form, text, ctx, values)
    return _ask_or_complete(form, values, ctx)
