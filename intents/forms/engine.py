"""The form engine: ask for each slot in turn, check the answer, re-ask with an example, leave on "算了",
pause for a new question, offer "跳过" and a person after two failed answers, let the worker change one field
at the summary, expire when idle.

A form is data (its slots, their prompts and parsers) plus a `complete` step; its state lives in the
dialogue_state row of the user, saved in the turn's transaction, so any process can serve the next answer.
Keys of the stored slots that start with "_" are the engine's own bookkeeping, never a fact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from intents import payloads
from intents.context import TurnContext
from intents.forms.answers import looks_like_question
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import Button, Reply, Turn
from storage import dialogue_state

Parser = Callable[[str, TurnContext], Any]
# Answers a message that is plainly a new question, if the bot is at least this sure of it; None otherwise.
Interrupt = Callable[[str, float], Turn | None]

FAILS_BEFORE_HELP = 2
CONFIRM_SLOT = "confirm"
_FAILS, _PAUSED, _EDITING, _RESUME = "_fails", "_paused", "_editing", "_resume"


@dataclass(frozen=True, slots=True)
class Slot:
    """One fact a form collects.

    Attributes:
        name: key in the stored slots.
        prompt_key: replies/*.toml key of the question that asks for it.
        parse: reads the worker's answer to that question; None means "not an answer, ask again".
        extract: finds the fact in free text (the first message, or an answer to another question);
            None when the slot is only filled by answering its question.
        problem_key: replies/*.toml key of the sentence that says why an answer was not accepted, with an
            example of a good one.
        describe: the values the prompt shows, from the slots collected so far (e.g. a summary to
            confirm); None when the prompt needs none.
        skippable: the worker may answer "跳过" / "不知道" (offered as a button after two failed answers).
        label_key: replies key naming the field in the "修改" list; None when it cannot be changed there.
    """

    name: str
    prompt_key: str
    parse: Parser
    extract: Parser | None = None
    problem_key: str = "form_invalid"
    describe: Callable[[Mapping[str, Any], TurnContext], Mapping[str, object]] | None = None
    skippable: bool = False
    label_key: str | None = None


class Form(Protocol):
    """A declarative form; `complete` runs once every slot has a value."""

    name: ClassVar[str]
    intent: ClassVar[IntentId]
    title_key: ClassVar[str]  # replies key: what the worker is filling in ("欠薪调解登记")
    slots: ClassVar[tuple[Slot, ...]]
    idle_expiry: ClassVar[timedelta]
    cancel_key: ClassVar[str]  # replies/*.toml key said when the worker leaves the form

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Act on the collected values and say what happens next."""
        ...


def _is(text: str, ctx: TurnContext, key: str) -> bool:
    return fold(text) in fold_all(ctx.kb.words.get(key, ()))


def is_cancel(text: str, ctx: TurnContext) -> bool:
    """True when the whole message is a way of saying "leave this" (算了, 取消, 不办了 …)."""
    return _is(text, ctx, "cancel")


def parse_confirm(text: str, ctx: TurnContext) -> bool | None:
    """A summary's confirmation as people give it (确认, 确认无误, 对, 没问题, 是的, 提交, 好 …)."""
    if _is(text, ctx, "confirm_yes"):
        return True
    if _is(text, ctx, "no"):
        return False
    return None


def facts(values: Mapping[str, Any]) -> dict[str, Any]:
    """The collected facts without the engine's bookkeeping."""
    return {key: value for key, value in values.items() if not key.startswith("_")}


def _prompt(slot: Slot, values: Mapping[str, Any], ctx: TurnContext) -> str:
    extra = slot.describe(facts(values), ctx) if slot.describe is not None else {}
    return ctx.say(slot.prompt_key, **extra)


def _confirm_buttons(ctx: TurnContext) -> tuple[Button, ...]:
    return (
        Button(ctx.say("form_confirm_button"), payloads.form("answer", ctx.say("form_confirm_button"))),
        Button(ctx.say("form_edit_button"), payloads.form("edit")),
        Button(ctx.say("form_cancel_button"), payloads.form("cancel")),
    )


def _slot_buttons(slot: Slot, ctx: TurnContext) -> tuple[Button, ...]:
    return _confirm_buttons(ctx) if slot.name == CONFIRM_SLOT else ()


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


def _finish(ctx: TurnContext, values: Mapping[str, Any], turn: Turn) -> Turn:
    """After a form ends: a form it interrupted comes back, paused, with the offer to go on with it."""
    resume = values.get(_RESUME)
    if not isinstance(resume, dict) or ctx.state.form is not None:
        return turn
    dialogue_state.start_form(
        session=ctx.session,
        state=ctx.state,
        form=str(resume["form"]),
        slots={**resume["slots"], _PAUSED: True},
        expires_at=ctx.now + timedelta(hours=2),
        now=ctx.now,
    )
    return _with_resume_offer(turn, str(resume["title"]), ctx)


def _with_resume_offer(turn: Turn, title: str, ctx: TurnContext) -> Turn:
    reply = turn.reply
    text = f"{reply.text}\n{ctx.say('form_paused', title=title)}"
    buttons = (
        *reply.buttons,
        Button(ctx.say("form_continue_button"), payloads.form("continue")),
        Button(ctx.say("form_cancel_button"), payloads.form("cancel")),
    )
    return Turn(Reply(text, reply.intent, reply.confidence, buttons, reply.answered), turn.outbox)


def _ask_or_complete(form: Form, values: dict[str, Any], ctx: TurnContext, lead: str = "") -> Turn:
    slot = _next_slot(form, values)
    if slot is None:
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return _finish(ctx, values, form.complete(facts(values), ctx))
    _keep(form, values, ctx)
    text = "\n".join(part for part in (lead, _prompt(slot, values, ctx)) if part)
    return Turn(Reply(text, form.intent, 1.0, _slot_buttons(slot, ctx)))


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


def _leave(form: Form, ctx: TurnContext) -> Turn:
    values = dict(ctx.state.slots)
    dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
    return _finish(ctx, values, Turn(Reply(ctx.say(form.cancel_key), form.intent, 1.0)))


def _reask(form: Form, slot: Slot, values: dict[str, Any], ctx: TurnContext) -> Turn:
    """Say why the answer was not taken, with an example; after two misses offer 跳过 and a person."""
    fails = int(values.get(_FAILS, 0)) + 1
    values[_FAILS] = fails
    _keep(form, values, ctx)
    text = ctx.say("form_reask", problem=ctx.say(slot.problem_key), prompt=_prompt(slot, values, ctx))
    buttons = _slot_buttons(slot, ctx)
    if fails >= FAILS_BEFORE_HELP:
        help_buttons = []
        if slot.skippable:
            help_buttons.append(Button(ctx.say("form_skip_button"), payloads.form("skip")))
        help_buttons.append(Button(ctx.say("form_person_button"), payloads.form("person")))
        help_buttons.append(Button(ctx.say("form_cancel_button"), payloads.form("cancel")))
        key = "form_stuck_skippable" if slot.skippable else "form_stuck"
        text = f"{text}\n{ctx.say(key)}"
        buttons = tuple(help_buttons) if slot.name != CONFIRM_SLOT else buttons
    return Turn(Reply(text, form.intent, 1.0, buttons))


def _accept(form: Form, slot: Slot, value: Any, text: str, values: dict[str, Any], ctx: TurnContext) -> Turn:
    values[slot.name] = value
    values.pop(_FAILS, None)
    values.pop(_PAUSED, None)
    if slot.name != CONFIRM_SLOT:
        _extract_all(form, text, ctx, values)
    return _ask_or_complete(form, values, ctx)


def _pause(form: Form, values: dict[str, Any], answer: Turn, ctx: TurnContext) -> Turn:
    """The worker asked something else: answer it, keep the form, and ask whether to go on with it."""
    values[_PAUSED] = True
    title = ctx.say(form.title_key)
    started = ctx.state.form
    if started is not None and started != form.name:
        # The answer started a form of its own (an event signup): this one waits inside it and comes
        # back when that one ends.
        dialogue_state.start_form(
            session=ctx.session,
            state=ctx.state,
            form=started,
            slots={**ctx.state.slots, _RESUME: {"form": form.name, "slots": values, "title": title}},
            expires_at=ctx.state.expires_at or ctx.now + form.idle_expiry,
            now=ctx.now,
        )
        return answer
    _keep(form, values, ctx)
    return _with_resume_offer(answer, title, ctx)


def pause_for(form: Form, values: Mapping[str, Any], answer: Turn, ctx: TurnContext) -> Turn:
    """A tap elsewhere (a menu item, another topic's button) answered while `form` was open with `values`:
    the form is kept, paused, and the worker is asked whether to go on with it."""
    if ctx.state.form is None:
        return answer  # the tap ended the form itself
    return _pause(form, dict(values), answer, ctx)


def continue_form(form: Form, ctx: TurnContext, text: str, interrupt: Interrupt | None = None) -> Turn:
    """Take the worker's answer to the current question, then ask the next one or complete.

    Args:
        interrupt: answers a message that is plainly a new question (the dialogue's matcher and skills);
            the form then pauses and the worker is asked whether to go on with it.
    """
    if is_cancel(text, ctx):
        return _leave(form, ctx)
    values = dict(ctx.state.slots)
    if values.get(_EDITING):
        return _pick_field(form, text, values, ctx)
    slot = _next_slot(form, values)
    if slot is None:  # every slot filled but not completed (state from an older form version)
        return _ask_or_complete(form, values, ctx)
    if values.get(_PAUSED) and _is(text, ctx, "form_continue"):
        values.pop(_PAUSED)
        return _ask_or_complete(form, values, ctx, lead=ctx.say("form_resumed"))
    if slot.name == CONFIRM_SLOT and _is(text, ctx, "confirm_edit"):
        return _edit_menu(form, values, ctx)
    if slot.skippable and _is(text, ctx, "skip"):
        return _accept(form, slot, ctx.say("form_skipped_value"), "", values, ctx)
    value = slot.parse(text, ctx)
    question = looks_like_question(text, ctx)
    if interrupt is not None and (value is None or question):
        policy = ctx.policy
        minimum = policy.interrupt_question if value is None and question else policy.interrupt_score
        answer = interrupt(text, minimum)
        if answer is not None:
            return _pause(form, values, answer, ctx)
    if value is None:
        return _reask(form, slot, values, ctx)
    return _accept(form, slot, value, text, values, ctx)


def _editable(form: Form, values: Mapping[str, Any]) -> list[Slot]:
    return [slot for slot in form.slots if slot.label_key is not None and slot.name in values]


def _edit_menu(form: Form, values: dict[str, Any], ctx: TurnContext) -> Turn:
    """"修改": the fields as numbered choices; the one picked is asked again, the rest kept."""
    fields = _editable(form, values)
    values[_EDITING] = True
    _keep(form, values, ctx)
    lines = [
        ctx.say("choice_line", number=number, title=ctx.say(slot.label_key or ""))
        for number, slot in enumerate(fields, start=1)
    ]
    buttons = tuple(Button(ctx.say(slot.label_key or ""), payloads.form("field", slot.name)) for slot in fields)
    return Turn(Reply("\n".join([ctx.say("form_edit_pick"), *lines]), form.intent, 1.0, buttons))


def _pick_field(form: Form, text: str, values: dict[str, Any], ctx: TurnContext) -> Turn:
    fields = _editable(form, values)
    folded = fold(text)
    chosen = next((slot for slot in fields if slot.name == text or fold(ctx.say(slot.label_key or "")) == folded), None)
    if chosen is None and folded.isdigit() and 1 <= int(folded) <= len(fields):
        chosen = fields[int(folded) - 1]
    if chosen is None:
        values.pop(_EDITING)
        return _edit_menu(form, values, ctx)
    values.pop(_EDITING)
    values.pop(chosen.name, None)
    values.pop(CONFIRM_SLOT, None)
    _keep(form, values, ctx)
    return Turn(Reply(_prompt(chosen, values, ctx), form.intent, 1.0))


def form_payload(form: Form, action: str, value: str, ctx: TurnContext, person: Callable[[], Turn]) -> Turn:
    """A tapped form button: 继续填写, 算了, 跳过, 修改, a field to change, a quick answer, or a person.

    Args:
        person: hands the worker to staff (the dialogue's hand-off); the form stays, paused.
    """
    if action == "cancel":
        return _leave(form, ctx)
    values = dict(ctx.state.slots)
    if action == "continue":
        values.pop(_PAUSED, None)
        return _ask_or_complete(form, values, ctx, lead=ctx.say("form_resumed"))
    if action == "edit":
        return _edit_menu(form, values, ctx)
    if action == "field":
        values[_EDITING] = True
        return _pick_field(form, value, values, ctx)
    slot = _next_slot(form, values)
    if action == "skip" and slot is not None and slot.skippable:
        return _accept(form, slot, ctx.say("form_skipped_value"), "", values, ctx)
    if action == "person":
        values[_PAUSED] = True
        values.pop(_FAILS, None)
        _keep(form, values, ctx)
        return _with_resume_offer(person(), ctx.say(form.title_key), ctx)
    return continue_form(form, ctx, value)


def describe_active(ctx: TurnContext, forms: Mapping[str, Form]) -> str | None:
    """"您正在填写…" for the worker's active form (what a reloaded page shows), or None."""
    state = ctx.state
    form = forms.get(state.form or "")
    if form is None or (state.expires_at is not None and state.expires_at <= ctx.now):
        return None
    slot = _next_slot(form, state.slots)
    question = _prompt(slot, state.slots, ctx) if slot is not None else ""
    return ctx.say("form_active", title=ctx.say(form.title_key), question=question)
