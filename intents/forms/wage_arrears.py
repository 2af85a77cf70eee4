"""The wage-arrears intake: collects what a mediator needs, confirms it with the worker, opens a case."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from typing import Any, ClassVar

from intents.context import TurnContext
from intents.forms.answers import (
    address_in,
    employer_in,
    looks_like_question,
    name_in,
    parse_address,
    parse_employer,
    parse_name,
    parse_phone,
)
from intents.forms.engine import CONFIRM_SLOT, Slot, parse_confirm
from intents.forms.numbers import parse_amount, parse_count
from intents.ids import IntentId
from intents.normalize import clean, fold, fold_all
from intents.turn import OutboxItem, Reply, Turn
from knowledge.numerals import PERIOD_PATTERN
from storage import cases, users

_PERIOD = re.compile(PERIOD_PATTERN)
MAX_TEXT = 500


@lru_cache(maxsize=32)
def _pattern(template: str, words: tuple[str, ...]) -> re.Pattern[str]:
    """`template` with {words} replaced by an alternation of `words` (in their order), compiled once."""
    return re.compile(template.replace("{words}", "|".join(re.escape(word) for word in words)))


def _words_pattern(ctx: TurnContext, key: str, template: str = "{words}") -> re.Pattern[str]:
    """A pattern over the word list `key` of the knowledge base (replies/cases.toml [words])."""
    return _pattern(template, ctx.kb.words.get(key, ()))


def _mentions(folded: str, ctx: TurnContext, key: str) -> bool:
    return any(word in folded for word in fold_all(ctx.kb.words.get(key, ())))


def story_facts(text: str, ctx: TurnContext) -> int:
    """How many of the facts a mediator needs first (amount, employer, phone) a free-text story gives."""
    found = (_amount_in(text, ctx), employer_in(text, ctx), parse_phone(text, ctx))
    return sum(value is not None for value in found)


def _text(minimum: int) -> Any:
    """Free text of at least `minimum` characters ("没有" is an answer too)."""

    def parse(text: str, ctx: TurnContext) -> str | None:
        value = clean(text)[:MAX_TEXT]
        if fold(value) in fold_all(ctx.kb.words.get("nothing", ())):
            return ctx.kb.reply("nothing")
        # A free account may well contain 什么 or 怎么; a message that is plainly another question is caught
        # by the engine's interruption check before it gets here as an answer.
        return value if len(fold(value)) >= minimum else None

    return parse


def _amount(text: str, _ctx: TurnContext) -> int | None:
    amount = parse_amount(text)
    return amount if amount is not None and amount > 0 else None


def _amount_in(text: str, ctx: TurnContext) -> int | None:
    # In free text only money with a unit counts ("三个月" is a period, "8000元" an amount).
    return _amount(text, ctx) if _words_pattern(ctx, "money_units").search(text) else None


def _period(text: str, ctx: TurnContext) -> str | None:
    # An answer about time: a span of months or dates, or at least a number with 月/年/天/周.
    found = _period_in(text, ctx)
    if found is not None:
        return clean(text)[:120] if len(clean(text)) <= 40 else found
    value = clean(text)
    if looks_like_question(value, ctx) or not _mentions(value, ctx, "period_units"):
        return None
    return value[:120]


def _period_in(text: str, _ctx: TurnContext) -> str | None:
    found = _PERIOD.search(clean(text).replace(" ", ""))
    return found.group(0) if found else None


def _workers(text: str, ctx: TurnContext) -> int | None:
    count = parse_count(text)
    if count is None:
        stripped = fold(text)
        if stripped.isdigit():
            count = int(stripped)
        elif stripped in fold_all(ctx.kb.words.get("only_me", ())):
            count = 1
    return count if count is not None and 0 < count < 100_000 else None


def _workers_in(text: str, _ctx: TurnContext) -> int | None:
    count = parse_count(text)
    return count if count is not None and 0 < count < 100_000 else None


def _contract(text: str, ctx: TurnContext) -> bool | None:
    folded = fold(text)
    if folded in fold_all(ctx.kb.words.get("contract_no", ())) or _mentions(folded, ctx, "contract_no_phrases"):
        return False
    if folded in fold_all(ctx.kb.words.get("contract_yes", ())) or _mentions(folded, ctx, "contract_yes_phrases"):
        return True
    return None


def _contract_in(text: str, ctx: TurnContext) -> bool | None:
    folded = fold(text)
    if not _mentions(folded, ctx, "contract_topic"):
        return None
    if _mentions(folded, ctx, "contract_no_phrases"):
        return False
    return True if _mentions(folded, ctx, "contract_yes_phrases") else None


def _employment(text: str, ctx: TurnContext) -> str | None:
    value = clean(text)[:120]
    folded = fold(value)
    if _mentions(folded, ctx, "left_words"):
        return ctx.say("left_job_said", said=value) if len(folded) > 2 else ctx.kb.reply("left_job")
    if _mentions(folded, ctx, "employed_words"):
        return ctx.kb.reply("still_employed")
    return value if len(folded) >= 2 else None


def _employment_in(text: str, ctx: TurnContext) -> str | None:
    if _mentions(fold(text), ctx, "left_job_phrases"):
        return ctx.kb.reply("left_job")
    return None


def _name_or_profile(text: str, ctx: TurnContext) -> str | None:
    # A name the worker gave before (kept with consent) is not asked again; the summary shows it.
    return name_in(text, ctx) or ctx.user.name


def _phone_or_profile(text: str, ctx: TurnContext) -> str | None:
    return parse_phone(text, ctx) or ctx.user.phone


def _summary(values: Mapping[str, Any], ctx: TurnContext) -> dict[str, object]:
    return {
        **values,
        "contract": ctx.kb.reply("contract_yes")
        if values.get("has_contract")
        else ctx.kb.reply("contract_no"),
    }


class WageArrearsForm:
    """Collects the facts of an unpaid-wage case; facts already in the first message are not asked again."""

    name: ClassVar[str] = "wage_arrears"
    intent: ClassVar[IntentId] = IntentId.WAGE_ARREARS
    title_key: ClassVar[str] = "intake_title"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot(
            "employer_name",
            "ask_employer_name",
            parse_employer,
            extract=employer_in,
            problem_key="bad_employer",
            label_key="label_employer",
        ),
        Slot(
            "employer_address",
            "ask_employer_address",
            parse_address,
            extract=address_in,
            problem_key="bad_address",
            skippable=True,
            label_key="label_address",
        ),
        Slot(
            "worker_name",
            "ask_worker_name",
            parse_name,
            extract=_name_or_profile,
            problem_key="bad_name",
            label_key="label_name",
        ),
        Slot(
            "worker_phone",
            "ask_phone",
            parse_phone,
            extract=_phone_or_profile,
            problem_key="bad_phone",
            label_key="label_phone",
        ),
        Slot(
            "amount_owed",
            "ask_amount",
            _amount,
            extract=_amount_in,
            problem_key="bad_amount",
            label_key="label_amount",
        ),
        Slot(
            "period",
            "ask_period",
            _period,
            extract=_period_in,
            problem_key="bad_period",
            skippable=True,
            label_key="label_period",
        ),
        Slot(
            "workers_affected",
            "ask_workers",
            _workers,
            extract=_workers_in,
            problem_key="bad_workers",
            label_key="label_workers",
        ),
        Slot(
            "has_contract",
            "ask_contract",
            _contract,
            extract=_contract_in,
            problem_key="bad_contract",
            label_key="label_contract",
        ),
        Slot(
            "evidence",
            "ask_evidence",
            _text(1),
            problem_key="bad_evidence",
            skippable=True,
            label_key="label_evidence",
        ),
        Slot(
            "employment",
            "ask_employment",
            _employment,
            extract=_employment_in,
            problem_key="bad_employment",
            skippable=True,
            label_key="label_employment",
        ),
        Slot(
            "description",
            "ask_description",
            _text(1),
            problem_key="bad_text",
            skippable=True,
            label_key="label_description",
        ),
        Slot(CONFIRM_SLOT, "intake_summary", parse_confirm, problem_key="bad_confirm", describe=_summary),
    )
    idle_expiry: ClassVar[timedelta] = timedelta(hours=2)
    cancel_key: ClassVar[str] = "intake_cancelled"

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Open the case on "确认" (with consent recorded), alert the staff, tell the worker what happens next."""
        if not values[CONFIRM_SLOT]:
            return Turn(Reply(ctx.say("intake_cancelled"), self.intent, 1.0))
        policy = ctx.policy
        urgent = (
            values["workers_affected"] >= policy.urgent_workers
            or values["amount_owed"] >= policy.urgent_amount
        )
        facts = cases.CaseFacts(
            employer_name=values["employer_name"],
            employer_address=values["employer_address"],
            worker_name=values["worker_name"],
            worker_phone=values["worker_phone"],
            amount_owed=values["amount_owed"],
            period=values["period"],
            workers_affected=values["workers_affected"],
            has_contract=values["has_contract"],
            evidence=values["evidence"],
            employment=values["employment"],
            description=values["description"],
        )
        case = cases.open_case(
            session=ctx.session,
            user_id=ctx.user_pk,
            facts=facts,
            urgent=urgent,
            local_day=ctx.local_now().date(),
            now=ctx.now,
        )
        users.set_contact(
            session=ctx.session, user=ctx.user, now=ctx.now, name=facts.worker_name, phone=facts.worker_phone
        )
        alert = ctx.say(
            "staff_new_case",
            number=case.number,
            urgent=ctx.say("urgent_mark") if urgent else "",
            employer_name=facts.employer_name,
            amount_owed=facts.amount_owed,
            workers_affected=facts.workers_affected,
        )
        recipients = policy.staff_ids if urgent else policy.on_duty(ctx.local_now())
        reason = "case_urgent" if urgent else "case_opened"
        outbox = tuple(OutboxItem("staff", staff, alert, reason) for staff in recipients)
        text = ctx.say("case_opened", number=case.number, phone=facts.worker_phone)
        if urgent:
            text = f"{text}\n{ctx.say('case_opened_urgent')}"
        return Turn(Reply(text, self.intent, 1.0), outbox)
