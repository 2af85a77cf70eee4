"""Wage arrears and case status: explain the route and offer mediation, run the intake, show a worker's cases."""

from __future__ import annotations

from typing import ClassVar

from intents import payloads
from intents.context import TurnContext
from intents.forms import FORMS, start_form
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.pending import PendingKind
from intents.skills.faq import answer_entry
from intents.staff.cases import mediator_name, status_label
from intents.turn import Button, OutboxItem, Reply, Turn
from storage import cases, dialogue_state
from storage.models import Case

OPEN_CASE = "open_case"  # FAQ entry actions
ADD_INFO = "case_add_info"
WITHDRAW = "case_withdraw"


def start_intake(ctx: TurnContext, text: str) -> Turn:
    """Begin the intake; facts already in `text` are taken and not asked again."""
    return start_form(FORMS["wage_arrears"], ctx, text, lead=ctx.say("intake_start"))


class WageArrearsSkill:
    """Explains the route (mediation → inspection → arbitration, with the articles) and offers to open a case."""

    intent: ClassVar[IntentId] = IntentId.WAGE_ARREARS

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Start the intake when the worker asks for it; otherwise explain and offer it with a button."""
        if match.entry.action == OPEN_CASE:
            return start_intake(ctx, ctx.words)
        turn = answer_entry(match.entry, ctx, match.score)
        dialogue_state.start_form(
            session=ctx.session,
            state=ctx.state,
            form=PendingKind.OFFER,
            slots={"form": "wage_arrears", "text": ctx.words[:1000]},
            expires_at=ctx.now + ctx.policy.form_idle,
            now=ctx.now,
        )
        reply = turn.reply
        buttons = (*reply.buttons, Button(ctx.say("intake_offer_button"), payloads.intake("wage_arrears")))
        return Turn(Reply(reply.text, reply.intent, reply.confidence, buttons), turn.outbox)


def _latest_open_case(ctx: TurnContext) -> Case | None:
    own = cases.cases_for_user(session=ctx.session, user_id=ctx.user_pk)
    return next(
        (case for case in own if case.status in cases.OPEN_STATUSES or case.status == cases.FAILED), None
    )


class CaseStatusSkill:
    """Shows the worker's own cases; adds information to or withdraws the latest open one."""

    intent: ClassVar[IntentId] = IntentId.CASE_STATUS

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Answer by the entry's action: list (default), add information, withdraw."""
        action = match.entry.action
        if action in (ADD_INFO, WITHDRAW):
            case = _latest_open_case(ctx)
            if case is None:
                return Turn(Reply(ctx.say("case_none_open"), self.intent, match.score))
            form, key = (
                (PendingKind.CASE_ADD_INFO, "add_info_ask")
                if action == ADD_INFO
                else (PendingKind.CASE_WITHDRAW, "withdraw_ask")
            )
            dialogue_state.start_form(
                session=ctx.session,
                state=ctx.state,
                form=form,
                slots={"number": case.number},
                expires_at=ctx.now + ctx.policy.form_idle,
                now=ctx.now,
            )
            return Turn(Reply(ctx.say(key, number=case.number), self.intent, match.score))
        own = cases.cases_for_user(session=ctx.session, user_id=ctx.user_pk)
        if not own:
            return answer_entry(match.entry, ctx, match.score, lead=ctx.say("case_status_none"))
        tz = ctx.policy.timezone
        lines = [
            ctx.say(
                "case_status_line",
                number=case.number,
                status=status_label(case.status, ctx.say),
                updated=case.updated_at.astimezone(tz).strftime("%m-%d %H:%M"),
                mediator=mediator_name(case, ctx.say, ctx.policy.staff_names),
            )
            for case in own
        ]
        text = "\n".join([ctx.say("case_status_header"), *lines, ctx.say("case_status_footer")])
        return Turn(Reply(text, self.intent, match.score))


def continue_case_action(ctx: TurnContext, text: str) -> Turn:
    """The worker's answer after "补充案件材料" or "撤回调解" (state form case_add_info / case_withdraw)."""
    from intents.forms.engine import is_cancel
    from intents.forms.profile_delete import parse_yes_no

    state = ctx.state
    number = str(state.slots.get("number", ""))
    form = state.form
    dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
    case = cases.get_case(session=ctx.session, number=number)
    intent = IntentId.CASE_STATUS
    if case is None or case.user_id != ctx.user_pk:
        return Turn(Reply(ctx.say("case_none_open"), intent, 1.0))
    staff = (case.assigned_staff,) if case.assigned_staff else ctx.policy.on_duty(ctx.local_now())
    if form == PendingKind.CASE_ADD_INFO:
        if is_cancel(text, ctx):
            return Turn(Reply(ctx.say("form_cancelled"), intent, 1.0))
        cases.add_info(session=ctx.session, case=case, text=text[:1000], now=ctx.now)
        alert = ctx.say("add_info_staff", number=number, text=text[:200])
        outbox = tuple(OutboxItem("staff", member, alert, "case_info") for member in staff)
        return Turn(Reply(ctx.say("add_info_done", number=number), intent, 1.0), outbox)
    if parse_yes_no(text, ctx) is not True:
        return Turn(Reply(ctx.say("withdraw_kept", number=number), intent, 1.0))
    try:
        cases.set_status(
            session=ctx.session, case=case, status=cases.WITHDRAWN, actor="worker", note="", now=ctx.now
        )
    except cases.CaseError:
        return Turn(Reply(ctx.say("case_none_open"), intent, 1.0))
    alert = ctx.say("withdraw_staff", number=number)
    outbox = tuple(OutboxItem("staff", member, alert, "case_withdrawn") for member in staff)
    return Turn(Reply(ctx.say("withdraw_done", number=number), intent, 1.0), outbox)
