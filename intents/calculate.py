"""The dialogue's calculator step: a question that asks for a number, on a topic a calculator covers, with the
worker's facts (or an explicit "帮我算") starts that calculator's form; anything else goes on to the matcher.

A question without any fact of the worker's ("加班费怎么算", "产假有多少天") is left to the FAQ answer, which
states the rule; the calculator starts once there is something of the worker's to compute with. A yes/no
question ("能要二倍工资吗") asks for no number and gets the rule too. A question on two topics ("没签合同，干了
一年半被辞退了，能赔多少") computes the first and then starts the second with the facts already given.
"""

from __future__ import annotations

from intents.context import TurnContext
from intents.forms import FORMS, Form, start_form
from intents.forms.calculation import (
    FIRST_TEXT,
    THEN,
    DoubleWageForm,
    InjuryForm,
    LeaveDaysForm,
    LeavePayForm,
    MaternityForm,
    OvertimeForm,
    SeveranceForm,
    calculator_lead,
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
# A second topic must be named plainly ("<list>_also" when a topic's list has words too loose for that,
# as 补偿 is for dismissal: "加班没补休能拿多少补偿" asks one thing).
_ALSO = "_also"


# Facts that say which case it is but give nothing to compute with: "周末加班给多少钱" names the kind of
# overtime, yet the FAQ's rule (200 %, or time off) answers it better than a form asking for numbers.
_NOT_TRIGGERS = frozenset({"kind", "termination"})


def _has(folded: str, ctx: TurnContext, words: str) -> bool:
    return any(word in folded for word in fold_all(ctx.kb.words.get(words, ())))


def _topics(folded: str, ctx: TurnContext) -> list[str]:
    """The calculator forms the message names, first the one it names first in topic order."""
    names = [form for words, form in _TOPICS if _has(folded, ctx, words)]
    if not names:
        return []
    also = [form for words, form in _TOPICS if _has(folded, ctx, words + _ALSO if words + _ALSO in ctx.kb.words else words)]
    first = LeavePayForm.name if names[0] == LeaveDaysForm.name and _has(folded, ctx, "calc_leave_pay") else names[0]
    found = [first, *(name for name in also if name not in (names[0], first))]
    # "…被开除了，能赔多少" asks about the dismissal above all: that one is computed first.
    if SeveranceForm.name in found[1:] and _has(folded, ctx, "calc_severance_first"):
        found.remove(SeveranceForm.name)
        found.insert(0, SeveranceForm.name)
    return found


def calculator_for(text: str, ctx: TurnContext) -> Form | None:
    """The calculator form this message asks for, or None when it is not a calculation question."""
    found = _calculators(text, ctx)
    return found[0] if found else None


def _calculators(text: str, ctx: TurnContext) -> list[Form]:
    folded = fold(text)
    if not _has(folded, ctx, "calc_ask") or (_has(folded, ctx, "calc_not_work") and not _has(folded, ctx, "calc_injury")):
        return []
    names = _topics(folded, ctx)
    if not names:
        return []
    form = FORMS[names[0]]
    explicit = _has(folded, ctx, "calc_explicit")
    has_fact = any(
        slot.extract is not None and slot.name not in _NOT_TRIGGERS and slot.extract(text, ctx) is not None
        for slot in form.slots
    )
    return [FORMS[name] for name in names] if explicit or has_fact else []


def calculation_turn(text: str, ctx: TurnContext) -> Turn | None:
    """Start the calculator the message asks for (answering at once when every fact is there), or None."""
    forms = _calculators(text, ctx)
    if not forms:
        return None
    if len(forms) == 1:
        return start_form(forms[0], ctx, text, lead=calculator_lead(forms[0].name, text, ctx))
    first, then = forms[0], forms[1]
    lead = ctx.say("calc_lead_two", first=ctx.say(f"calc_topic_{first.name}"), then=ctx.say(f"calc_topic_{then.name}"))
    return start_form(first, ctx, text, lead=lead, initial={THEN: then.name, FIRST_TEXT: text})
