"""The calculator forms: ask for each missing fact (one question at a time), then answer with the worker's numbers.

Each form is run by the form engine (its state in dialogue_state, like every form); `complete` calls the pure
arithmetic in intents.calculators and words the result from replies/calculators.toml: the result, the formula
with the worker's numbers, the articles, what could change it, and what to do next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from intents import payloads
from intents.calculators import (
    LocalFigure,
    LocalFigures,
    OvertimeKind,
    Rules,
    Severance,
    Termination,
    double_wage,
    injury_grant,
    leave_days,
    maternity_leave,
    months_before_law,
    overtime,
    reading,
    severance,
    untaken_leave_pay,
)
from intents.context import TurnContext
from intents.forms.engine import Slot, start_form
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import Button, Reply, Turn
from knowledge.numerals import parse_chinese

IDLE = timedelta(minutes=30)
MONTHS_PER_YEAR = 12


# --- reading answers (parse) and facts in the first message (extract) ---


def _has(text: str, ctx: TurnContext, words: str) -> bool:
    folded = fold(text)
    return any(word in folded for word in fold_all(ctx.kb.words.get(words, ())))


def _service(text: str, ctx: TurnContext) -> int | None:
    found = reading.duration(text, ctx.local_now().date())
    return None if found is None or found.vague else found.months


def _years_worked(text: str, ctx: TurnContext) -> int | None:
    # For annual leave "八年多" is enough: the days change only at whole years.
    found = reading.duration(text, ctx.local_now().date())
    return None if found is None else found.months + (1 if found.vague else 0)


def _wage(text: str, _ctx: TurnContext) -> int | None:
    found = reading.wage(text, bare=True)
    return None if found is None else int(found)


def _wage_in(text: str, _ctx: TurnContext) -> int | None:
    found = reading.wage(text)
    return None if found is None else int(found)


def _choice(options: tuple[str, ...], words: tuple[str, ...]) -> Callable[[str, TurnContext], str | None]:
    """A parser for a numbered question: "2" / "第二个" or a word list that means one of the options."""

    def parse(text: str, ctx: TurnContext) -> str | None:
        folded = fold(text)
        ordinals = [fold(word) for word in ctx.kb.words.get("ordinals", ())]
        number = ordinals.index(folded) + 1 if folded in ordinals else None
        number = number or (parse_chinese(folded) if len(folded) == 1 else None)
        if number is not None and 1 <= number <= len(options):
            return options[number - 1]
        return next((option for option, key in zip(options, words, strict=True) if _has(text, ctx, key)), None)

    return parse


def _extract(options: tuple[str, ...], words: tuple[str, ...]) -> Callable[[str, TurnContext], str | None]:
    """Like `_choice`, but only words count (a digit in the first message is not an answer)."""

    def extract(text: str, ctx: TurnContext) -> str | None:
        return next((option for option, key in zip(options, words, strict=True) if _has(text, ctx, key)), None)

    return extract


_TERMINATIONS = (Termination.UNLAWFUL, Termination.NO_NOTICE, Termination.LAWFUL, Termination.UNKNOWN)
_TERMINATION_WORDS = ("calc_unlawful", "calc_no_notice", "calc_lawful", "calc_unknown")
_KINDS = (OvertimeKind.WEEKDAY, OvertimeKind.REST_DAY, OvertimeKind.HOLIDAY)
_KIND_WORDS = ("calc_weekday", "calc_rest_day", "calc_holiday")


def _months(text: str, ctx: TurnContext) -> int | None:
    found = reading.duration(text, ctx.local_now().date())
    if found is not None:
        return found.months
    number = reading.whole_number(text)
    return int(number) if number is not None and number == int(number) and 0 <= number <= 600 else None


def _gap(found: reading.ContractGap | None) -> list[int | bool] | None:
    return None if found is None else [found.months, found.signed]


def _contract_months(text: str, ctx: TurnContext) -> list[int | bool] | None:
    months = _months(text, ctx)
    found = reading.contract_gap(text, ctx.local_now().date())
    return _gap(found) or (None if months is None else [months, False])


def _contract_months_in(text: str, ctx: TurnContext) -> list[int | bool] | None:
    return _gap(reading.contract_gap(text, ctx.local_now().date()))


def _quantity(text: str, _ctx: TurnContext) -> list[str] | None:
    found = reading.quantity(text)
    return None if found is None else [str(found[0]), found[1]]


def _days(text: str, _ctx: TurnContext) -> str | None:
    number = reading.whole_number(text)
    return str(number) if number is not None and 0 < number <= 366 else None


def _days_in(text: str, _ctx: TurnContext) -> str | None:
    found = reading.quantity(text)
    return str(found[0]) if found is not None and found[1] == "day" and found[0] <= 366 else None


def _level(text: str, _ctx: TurnContext) -> int | None:
    level = reading.disability_level(text)
    if level is None:
        number = reading.whole_number(text)
        level = int(number) if number is not None and number == int(number) and 1 <= number <= 10 else None
    return level


def _difficult(text: str, ctx: TurnContext) -> bool | None:
    if _has(text, ctx, "calc_difficult"):
        return True
    return False if _has(text, ctx, "calc_normal_birth") else None


def _babies(text: str, _ctx: TurnContext) -> int | None:
    return reading.babies(text, bare=True)


def _babies_in(text: str, _ctx: TurnContext) -> int | None:
    # In the first message a bare "一个" may count anything; "一个孩子", 单胎, 双胞胎 say the birth.
    return reading.babies(text)


# --- wording results ---


def yuan(amount: Decimal) -> str:
    """An amount as a worker reads it: 16,000 or 2,942.53."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def plain(number: Decimal) -> str:
    """A count without trailing zeros: 5.5, 6, 0.5."""
    text = format(number.normalize(), "f")
    return text


def _service_text(months: int, ctx: TurnContext, key: str = "calc_service") -> str:
    """工作5年3个月 (calc_service), or the bare length 5年3个月 (calc_span)."""
    years, rest = divmod(months, MONTHS_PER_YEAR)
    if years and rest:
        return ctx.say(key, years=years, months=rest)
    if years:
        return ctx.say(f"{key}_years", years=years)
    return ctx.say(f"{key}_months", months=rest)


def _local(figure: LocalFigure, region: str) -> dict[str, object]:
    return {"region": region, "year": figure.year, "source": figure.source, "value": yuan(figure.value)}


def _reply(ctx: TurnContext, body: str, next_key: str, buttons: tuple[Button, ...]) -> Turn:
    lines = [line for line in body.splitlines() if line.strip()]
    lines.append(ctx.say(next_key))
    return Turn(Reply("\n".join(lines), IntentId.LABOR_LAW, 1.0, buttons))


def _money_buttons(ctx: TurnContext) -> tuple[Button, ...]:
    person = ctx.say("calc_button_person")
    return (
        Button(ctx.say("calc_button_mediation"), payloads.intake("wage_arrears")),
        Button(person, payloads.menu(person)),
    )


def _person_button(ctx: TurnContext) -> tuple[Button, ...]:
    return _money_buttons(ctx)[1:]


# A question about two calculations ("没签合同，干了一年半被辞退了，能赔多少") computes one, then starts the
# other with the same first message and the facts already given: these keys in the form's values say which.
THEN = "then"
FIRST_TEXT = "text"


class _CalculatorForm:
    """What every calculator form shares: labour-law intent, idle expiry, the cancel sentence, and going on
    to a second calculation the same question asked for."""

    name: ClassVar[str]
    intent: ClassVar[IntentId] = IntentId.LABOR_LAW
    title_key: ClassVar[str] = "calc_form_title"
    idle_expiry: ClassVar[timedelta] = IDLE
    cancel_key: ClassVar[str] = "calc_cancelled"
    slots: ClassVar[tuple[Slot, ...]]

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Compute and word the result from every slot's value."""
        raise NotImplementedError

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """The result; when the question also asked for another calculation, that one starts right after."""
        turn = self.compute(values, ctx)
        then = next((form for form in CALCULATOR_FORMS if form.name == values.get(THEN)), None)
        if then is None:
            return turn
        names = {slot.name for slot in then.slots}
        carried = {name: value for name, value in values.items() if name in names and name not in (THEN, FIRST_TEXT)}
        follow = start_form(then, ctx, str(values.get(FIRST_TEXT, "")), initial=carried)
        reply = follow.reply
        first = turn.reply.text.rsplit("\n", 1)[0]  # what happens next is said once, after the second
        text = f"{first}\n\n{ctx.say(f'calc_then_{then.name}')}\n{reply.text}"
        buttons = reply.buttons or turn.reply.buttons  # the second result's, or the first's while it asks
        return Turn(Reply(text, turn.reply.intent, turn.reply.confidence, buttons), turn.outbox + follow.outbox)


class SeveranceForm(_CalculatorForm):
    """经济补偿 N, 代通知金 N+1, 赔偿金 2N: length of service, average wage, how the contract ended."""

    name: ClassVar[str] = "calc_severance"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("service_months", "calc_ask_service", _service, extract=_service, problem_key="calc_bad_service"),
        Slot("wage", "calc_ask_average_wage", _wage, extract=_wage_in, problem_key="calc_bad_wage"),
        Slot(
            "termination",
            "calc_ask_termination",
            _choice(tuple(_TERMINATIONS), _TERMINATION_WORDS),
            extract=_extract(tuple(_TERMINATIONS), _TERMINATION_WORDS),
            problem_key="calc_bad_choice",
        ),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Compute and word N, N+1 or 2N (all three when the worker cannot say how it ended).

        Service before 2008 is not priced with today's formula: compensation (N, N+1) counts only the years
        since the Labour Contract Law, and the reply says the earlier years follow the rules of the time;
        damages (2N) count from the first day (实施条例第二十五条).
        """
        rules, region = Rules.from_constants(ctx.kb.constants), ctx.policy.region
        months, wage = int(values["service_months"]), Decimal(values["wage"])
        termination = Termination(values["termination"])
        before = months_before_law(months, ctx.local_now().date(), rules)
        whole = severance(months, wage, rules, region)
        result = severance(months - before, wage, rules, region) if before else whole
        service_key = "calc_since_law" if before else "calc_service"
        service = _service_text(result.months_worked, ctx, service_key)
        common = {"service": service, "months": plain(result.pay_months), "wage": yuan(result.wage_counted)}
        notes = [ctx.say("calc_note_bonus"), *_severance_notes(whole, region, ctx)]
        if before and termination is not Termination.UNLAWFUL:
            notes.append(ctx.say("calc_note_before_law", span=_service_text(before, ctx, "calc_span")))
        if before and termination is Termination.UNLAWFUL:
            notes.append(ctx.say("calc_note_before_law_unlawful"))
        if before and termination is Termination.UNKNOWN:
            notes.append(
                ctx.say(
                    "calc_note_before_law_damages",
                    service=_service_text(months, ctx),
                    months=plain(whole.pay_months),
                    wage=yuan(whole.wage_counted),
                    amount=yuan(whole.damages),
                )
            )
        if termination is Termination.UNKNOWN:
            body = ctx.say(
                "calc_severance_all",
                service=service,
                wage=yuan(result.wage_counted),
                n=yuan(result.compensation),
                n1=yuan(result.amount(Termination.NO_NOTICE)),
                n2=yuan(whole.damages),
                formula=ctx.say("calc_formula_n", **common, amount=yuan(result.compensation)),
                notes="\n".join(notes),
            )
            return _reply(ctx, body, "calc_next_money", _money_buttons(ctx))
        if termination is Termination.UNLAWFUL:
            result = whole
            common |= {"service": _service_text(months, ctx), "months": plain(whole.pay_months)}
        amount = result.amount(termination)
        if termination is Termination.NO_NOTICE:
            formula = ctx.say("calc_formula_n1", **common, notice=yuan(result.notice_pay), amount=yuan(amount))
            notes.append(ctx.say("calc_note_notice_pay"))
            notes.append(ctx.say("calc_note_no_notice_reason"))
        elif termination is Termination.UNLAWFUL:
            formula = ctx.say("calc_formula_2n", **common, amount=yuan(amount))
            notes.append(ctx.say("calc_note_unlawful"))
        else:
            formula = ctx.say("calc_formula_n", **common, amount=yuan(amount))
            notes.append(ctx.say("calc_note_lawful"))
        body = ctx.say(
            "calc_severance_result",
            label=ctx.say(f"calc_label_{termination.value}"),
            amount=yuan(amount),
            formula=formula,
            articles=ctx.say(f"calc_articles_{termination.value}"),
            notes="\n".join(notes),
        )
        return _reply(ctx, body, "calc_next_money", _money_buttons(ctx))


def _severance_notes(result: Severance, region: LocalFigures, ctx: TurnContext) -> list[str]:
    """What bounded the wage counted: the high-earner cap (or that it could not be checked), the minimum."""
    notes = []
    if result.capped:
        average = region.average_monthly_wage
        notes.append(
            ctx.say("calc_note_cap", **_local(average, region.region), average=yuan(average.value), cap=yuan(result.wage_counted))
        )
    elif result.cap_unchecked:
        notes.append(ctx.say("calc_note_cap_unknown"))
    if result.raised_to_minimum:
        minimum = region.minimum_monthly_wage
        notes.append(ctx.say("calc_note_minimum", **_local(minimum, region.region), minimum=yuan(minimum.value)))
    return notes


class DoubleWageForm(_CalculatorForm):
    """未签书面合同的二倍工资: months without a written contract, monthly wage."""

    name: ClassVar[str] = "calc_double_wage"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("months", "calc_ask_contract_months", _contract_months, extract=_contract_months_in, problem_key="calc_bad_months"),
        Slot("wage", "calc_ask_monthly_wage", _wage, extract=_wage_in, problem_key="calc_bad_wage"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the extra wage owed, or why none is owed yet."""
        rules = Rules.from_constants(ctx.kb.constants)
        gap = values["months"]
        months, signed = (int(gap[0]), bool(gap[1])) if isinstance(gap, list) else (int(gap), False)
        result = double_wage(months, Decimal(values["wage"]), rules)
        if result.months_owed == 0:
            return _reply(ctx, ctx.say("calc_double_wage_none"), "calc_next_leave", _person_button(ctx))
        if signed:
            notes = [ctx.say("calc_note_double_wage_signed_at", span=_service_text(months, ctx, "calc_span"))]
        else:
            notes = [ctx.say("calc_note_double_wage_signed")]
        if result.open_ended and not signed:
            notes.append(ctx.say("calc_note_open_ended"))
        notes.append(ctx.say("calc_note_limitation"))
        body = ctx.say(
            "calc_double_wage_result",
            amount=yuan(result.amount),
            months=result.months_owed,
            max_months=result.max_months,
            wage=yuan(Decimal(values["wage"])),
            notes="\n".join(notes),
        )
        return _reply(ctx, body, "calc_next_money", _money_buttons(ctx))


class OvertimeForm(_CalculatorForm):
    """加班费: when, how much (days or hours), monthly wage."""

    name: ClassVar[str] = "calc_overtime"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot(
            "kind",
            "calc_ask_overtime_kind",
            _choice(tuple(_KINDS), _KIND_WORDS),
            extract=_extract(tuple(_KINDS), _KIND_WORDS),
            problem_key="calc_bad_choice",
        ),
        Slot("quantity", "calc_ask_overtime_quantity", _quantity, extract=_quantity, problem_key="calc_bad_quantity"),
        Slot("wage", "calc_ask_monthly_wage", _wage, extract=_wage_in, problem_key="calc_bad_wage"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the overtime pay at the statutory minimum rate."""
        rules = Rules.from_constants(ctx.kb.constants)
        kind = OvertimeKind(values["kind"])
        quantity, unit = Decimal(values["quantity"][0]), str(values["quantity"][1])
        result = overtime(kind, quantity, unit, Decimal(values["wage"]), rules)
        formula = ctx.say(
            f"calc_formula_overtime_{unit}",
            wage=yuan(Decimal(values["wage"])),
            unit_wage=yuan(result.unit_wage),
            quantity=plain(quantity),
            rate=plain(result.rate_percent),
            amount=yuan(result.amount),
        )
        notes = [ctx.say("calc_note_overtime_base")]
        if kind is OvertimeKind.WEEKDAY and unit == "day":
            notes.append(ctx.say("calc_note_weekday_days"))
        if kind is OvertimeKind.REST_DAY:
            notes.append(ctx.say("calc_note_rest_day"))
        elif kind is OvertimeKind.HOLIDAY:
            notes.append(ctx.say("calc_note_holiday"))
        body = ctx.say(
            "calc_overtime_result",
            kind=ctx.say(f"calc_kind_{kind.value}"),
            amount=yuan(result.amount),
            formula=formula,
            notes="\n".join(notes),
        )
        return _reply(ctx, body, "calc_next_money", _money_buttons(ctx))


class LeaveDaysForm(_CalculatorForm):
    """年休假天数: cumulative years worked."""

    name: ClassVar[str] = "calc_leave_days"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("service_months", "calc_ask_total_years", _years_worked, extract=_years_worked, problem_key="calc_bad_years"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the days of annual leave."""
        rules = Rules.from_constants(ctx.kb.constants)
        months = int(values["service_months"])
        days = leave_days(Decimal(months) / MONTHS_PER_YEAR, rules)
        if days == 0:
            return _reply(ctx, ctx.say("calc_leave_days_none"), "calc_next_leave", _person_button(ctx))
        body = ctx.say("calc_leave_days_result", service=_service_text(months, ctx, "calc_span"), days=days)
        return _reply(ctx, body, "calc_next_leave", _person_button(ctx))


class LeavePayForm(_CalculatorForm):
    """未休年休假工资报酬: untaken days, monthly wage."""

    name: ClassVar[str] = "calc_leave_pay"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("days", "calc_ask_untaken_days", _days, extract=_days_in, problem_key="calc_bad_days"),
        Slot("wage", "calc_ask_leave_wage", _wage, extract=_wage_in, problem_key="calc_bad_wage"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the pay for untaken days: the whole 300 % and what is still owed."""
        rules = Rules.from_constants(ctx.kb.constants)
        days = Decimal(values["days"])
        result = untaken_leave_pay(days, Decimal(values["wage"]), rules)
        body = ctx.say(
            "calc_leave_pay_result",
            days=plain(days),
            total=yuan(result.total),
            owed=yuan(result.still_owed),
            wage=yuan(Decimal(values["wage"])),
            daily=yuan(result.daily),
            rate=plain(rules.untaken_leave_percent),
            extra_rate=plain(rules.untaken_leave_percent - rules.leave_normal_pay_percent),
            notes="\n".join((ctx.say("calc_note_leave_wage"), ctx.say("calc_note_leave_refused"))),
        )
        return _reply(ctx, body, "calc_next_money", _money_buttons(ctx))


class InjuryForm(_CalculatorForm):
    """一次性伤残补助金: disability level, the wage before the injury; with the application deadlines."""

    name: ClassVar[str] = "calc_injury"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("level", "calc_ask_level", _level, extract=lambda text, _ctx: reading.disability_level(text), problem_key="calc_bad_level"),
        Slot("wage", "calc_ask_injury_wage", _wage, extract=_wage_in, problem_key="calc_bad_wage"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the one-off grant, how the local average bounded the wage, and the deadlines."""
        rules, region = Rules.from_constants(ctx.kb.constants), ctx.policy.region
        level = int(values["level"])
        result = injury_grant(level, Decimal(values["wage"]), rules, region)
        average = region.average_monthly_wage
        notes = []
        if result.wage_adjusted:
            key = f"calc_note_injury_{result.wage_adjusted}"
            notes.append(ctx.say(key, **_local(average, region.region), average=yuan(average.value)))
        elif not average.known:
            notes.append(ctx.say("calc_note_injury_unknown"))
        notes.append(ctx.say("calc_note_injury_severe" if level <= 4 else "calc_note_injury_more"))
        notes.append(ctx.say("calc_note_injury_deadline"))
        body = ctx.say(
            "calc_injury_result",
            level=level,
            months=plain(result.months),
            wage=yuan(result.wage_counted),
            amount=yuan(result.amount),
            notes="\n".join(notes),
        )
        return _reply(ctx, body, "calc_next_injury", _person_button(ctx))


class MaternityForm(_CalculatorForm):
    """产假: difficult birth or not, how many babies; plus local extra days."""

    name: ClassVar[str] = "calc_maternity"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("difficult", "calc_ask_difficult", _difficult, extract=_difficult, problem_key="calc_bad_birth"),
        Slot("babies", "calc_ask_babies", _babies, extract=_babies_in, problem_key="calc_bad_babies"),
    )

    def compute(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Word the days of maternity leave, national and local."""
        rules, region = Rules.from_constants(ctx.kb.constants), ctx.policy.region
        babies = int(values["babies"])
        result = maternity_leave(difficult=bool(values["difficult"]), babies=babies, rules=rules, local=region)
        parts = [ctx.say("calc_formula_maternity_base")]
        if result.difficult_days:
            parts.append(ctx.say("calc_formula_maternity_difficult"))
        if result.extra_baby_days:
            parts.append(ctx.say("calc_formula_maternity_babies", babies=babies - 1, days=result.extra_baby_days))
        formula = ctx.say("calc_formula_maternity_total", parts=" + ".join(parts), total=result.national)
        extra = region.maternity_extra_days
        local = (
            ctx.say("calc_maternity_local", **_local(extra, region.region), days=result.local_days, total=result.total)
            if result.local_days
            else ctx.say("calc_maternity_local_unknown")
        )
        body = ctx.say("calc_maternity_result", national=result.national, formula=formula, local=local)
        return _reply(ctx, body, "calc_next_leave", _person_button(ctx))


CALCULATOR_FORMS = (
    SeveranceForm(),
    DoubleWageForm(),
    OvertimeForm(),
    LeaveDaysForm(),
    LeavePayForm(),
    InjuryForm(),
    MaternityForm(),
)


def calculator_lead(form: str, text: str, ctx: TurnContext) -> str:
    """What a calculator says before its first question.

    When the first message already settles the rule ("我是七级伤残能赔多少"), the worker reads it at once (13
    months of 本人工资) before being asked for the wage: a worker who stops there still has the answer.
    """
    if form == InjuryForm.name:
        level = reading.disability_level(text)
        if level is not None:
            months = Rules.from_constants(ctx.kb.constants).injury_grant_months(level)
            return ctx.say("calc_lead_injury_level", level=level, months=plain(months))
    return ctx.say("calc_lead")
