"""The dialogue's calculator step: a question that asks for a number, on a topic a calculator covers, with the
worker's facts (or an explicit "帮我算") starts that calculator's form; anything else goes on to the matcher.

A question without any fact of the worker's ("加班费怎么算", "产假有多少天") is left to the FAQ answer, which
states the rule; the calculator starts once there is something of the worker's to compute with.
"""

from __future__ import annotations

from intents.context import TurnContext
from intents.forms import FORMS, Form, start_form
from intents.forms.calculation import (
    DoubleWageForm,
    InjuryForm,
    LeaveDaysForm,
    LeavePayForm,
    MaternityForm,
    OvertimeForm,
    SeveranceForm,
)
from intents.normalize import fold, fold_all
from intents.turn import Turn

# Topic word list (replies/calculators.toml [words]) → the form it starts, in the order topics are tried.
_TOPICS = (
    ("calc_injury", InjuryForm.name),
    ("calc_maternity", MaternityForm.name),
    ("calc_double_wage", DoubleWageForm.name),
    ("calc_overtime", OvertimeForm.name),
    ("calc_annual_leave", LeaveDaysForm.name),
    ("calc_severance", SeveranceForm.name),
)


# Facts that say which case it is but give nothing to compute with: "周末加班给多少钱" names the kind of
# overtime, yet the FAQ's rule (200 %, or time off) answers it better than a form asking for numbers.
_NOT_TRIGGERS = frozenset({"kind", "termination"})


def _has(folded: str, ctx: TurnContext, words: str) -> bool:
    return any(word in folded for word in fold_all(ctx.kb.words.get(words, ())))


def calculator_for(text: str, ctx: TurnContext) -> Form | None:
    """The calculator form this message asks for, or None when it is not a calculation question."""
    folded = fold(text)
    if not _has(folded, ctx, "calc_ask") or (_has(folded, ctx, "calc_not_work") and not _has(folded, ctx, "calc_injury")):
        return None
    name = next((form for words, form in _TOPICS if _has(folded, ctx, words)), None)
    if name == LeaveDaysForm.name and _has(folded, ctx, "calc_leave_pay"):
        name = LeavePayForm.name
    if name is None:
        return None
    form = FORMS[name]
    explicit = _has(folded, ctx, "calc_explicit")
    has_fact = any(
        slot.extract is not None and slot.name not in _NOT_TRIGGERS and slot.extract(text, ctx) is not None
        for slot in form.slots
    )
    return form if explicit or has_fact else None


def calculation_turn(text: str, ctx: TurnContext) -> Turn | None:
    """Start the calculator the message asks for (answering at once when every fact is there), or None."""
    form = calculator_for(text, ctx)
    if form is None:
        return None
    return start_form(form, ctx, text, lead=ctx.say("calc_lead"))
