"""handle(ctx) -> Turn: the order in which a message is understood, top to bottom in one function.

channel events → button payloads (ON_PAYLOAD) → crisis → staff command → staff's "收到" → (open ticket: copy to
staff) → a pending question (PENDING: choice, offer, case actions) or an active form (FORMS), or their expiry →
"详细说明" → a law article by number → a calculation with the worker's numbers → matcher → confidence and
margin → skill → clarify or "not understood" (twice in a row: a ticket for a person).
"""

from __future__ import annotations

from collections.abc import Callable

from intents import payloads, tickets
from intents.calculate import calculation_turn
from intents.clarify import clarify, not_understood, with_second_topic
from intents.context import TurnContext
from intents.crisis import crisis_turn, is_crisis
from intents.forms import FORMS, Form, continue_form, form_payload
from intents.forms.engine import Interrupt, pause_for
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.normalize import clean, fold, fold_all, normalize
from intents.payloads import PayloadKind
from intents.pending import Pending, PendingKind
from intents.reminders import acknowledge
from intents.skills import SKILLS, skill_for
from intents.skills.appointments import appointment_payload
from intents.skills.cases import continue_case_action, start_intake
from intents.skills.events import event_payload, names_open_event, sign_up_by_name
from intents.skills.faq import detail_turn
from intents.skills.smalltalk import menu_buttons
from intents.staff import staff_command
from intents.turn import Reply, Turn
from intents.understand import founded, lacks_labour_evidence, story_turn, topic_turn
from knowledge.numerals import parse_chinese, to_chinese
from storage import dialogue_state, messages
from storage.tickets import ticket_number

MISSES_BEFORE_HANDOFF = 2


def handle(ctx: TurnContext) -> Turn:
    """Understand the turn's inbound message and produce the reply and outbox rows.

    Pure over its inputs: no network, no clock of its own (ctx.now), writes only through ctx.session.
    """
    inbound = ctx.inbound
    text = clean(inbound.text)[: ctx.policy.max_message_chars]
    if inbound.kind in ("subscribe", "unsubscribe") or (inbound.kind == "menu" and not inbound.payload):
        return _channel_event(ctx)
    if inbound.kind in ("button", "menu") and inbound.payload:
        state = ctx.state
        open_form = FORMS.get(state.form or "")
        if state.expires_at is not None and state.expires_at <= ctx.now:
            open_form = None
        values = dict(state.slots)
        turn = _on_payload(inbound.payload, ctx)
        if turn is not None:
            parsed = payloads.parse(inbound.payload)
            if open_form is not None and parsed is not None and parsed.kind != PayloadKind.FORM:
                # A menu tap mid-form answers, and says the form is still there (继续填写 / 算了).
                turn = pause_for(open_form, values, turn, ctx)
            return turn
    if not normalize(text):
        return Turn(Reply(ctx.say("empty_message"), IntentId.OUT_OF_SCOPE, 0.0, answered=False))
    if is_crisis(text, ctx.kb.crisis_phrases):
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return crisis_turn(ctx)
    command = staff_command(text, ctx)
    if command is not None:
        return command
    # A staff member's "收到" acknowledges their latest routine-meeting reminder (no repeat then).
    acknowledged = acknowledge(text, ctx)
    if acknowledged is not None:
        return acknowledged
    # While a hand-off ticket is open, the worker's words also go to the staff; the bot still answers.
    follow_ups = tickets.follow_up(ctx, text)
    turn = _converse(text, ctx)
    return Turn(turn.reply, turn.outbox + follow_ups) if follow_ups else turn


def _converse(text: str, ctx: TurnContext) -> Turn:
    """A pending question or an active form first (or the notice that it lapsed), then the message afresh."""
    lead = ""
    state = ctx.state
    form = state.form
    if form is not None:
        pending = PENDING.get(form)
        if state.expires_at is not None and state.expires_at <= ctx.now:
            if pending is None or pending.expiry_notice:
                lead = ctx.say("form_expired")
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
        elif pending is not None:
            resumed = pending.resume(ctx, text)
            if resumed is not None:
                return resumed
        elif form in FORMS:
            return continue_form(FORMS[form], ctx, text, _interrupt(FORMS[form], ctx))
        else:  # a form this version no longer has: forget it
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)

    turn = _count_misses(_understand(text, ctx), ctx)
    if lead:
        reply = turn.reply
        turn = Turn(
            Reply(f"{lead}\n{reply.text}", reply.intent, reply.confidence, reply.buttons, reply.answered),
            turn.outbox,
        )
    return turn


_NEVER_INTERRUPTS = frozenset({IntentId.HELP, IntentId.THANKS, IntentId.GREETING, IntentId.OUT_OF_SCOPE})


def _interrupt(form: Form, ctx: TurnContext) -> Interrupt:
    """How a form asks whether an answer is plainly a new question, and has it answered.

    A topic of the form's own intent is an answer ("老板一直说没钱" in the wage intake), as are greetings.
    Choices and offers the answer leaves pending give way to the form again: their buttons work without them.
    """

    def answer(text: str, minimum: float) -> Turn | None:
        candidates = ctx.matcher.rank(text, limit=1)
        if not candidates or candidates[0].score < minimum:
            return None
        best = candidates[0]
        intent = IntentId(best.entry.intent)
        if intent == form.intent or intent in _NEVER_INTERRUPTS:
            return None
        state = ctx.state
        kept = (state.form, dict(state.slots), state.expires_at)
        turn = skill_for(best.entry).respond(best, ctx)
        if state.form in PENDING:
            state.form, state.slots, state.expires_at = kept
        return turn

    return answer


def _handoff(ctx: TurnContext) -> Turn:
    entry = next(entry for entry in ctx.kb.entries if entry.intent == IntentId.HANDOFF)
    return SKILLS[IntentId.HANDOFF].respond(Candidate(entry, 1.0, entry.phrasings[0]), ctx)


def _form_payload(value: str, ctx: TurnContext) -> Turn | None:
    """A tapped form button; one from an older message, whose form is over, says so."""
    action, _, answer = value.partition(":")
    state = ctx.state
    form = FORMS.get(state.form or "")
    if form is None or (state.expires_at is not None and state.expires_at <= ctx.now):
        return Turn(Reply(ctx.say("form_button_stale"), IntentId.HELP, 1.0))
    return form_payload(form, action, answer, ctx, person=lambda: _handoff(ctx))


def _count_misses(turn: Turn, ctx: TurnContext) -> Turn:
    """The second reply in a row that did not understand the worker opens a ticket for a person."""
    state = ctx.state
    if turn.reply.answered:
        state.misses = 0
        return turn
    state.misses += 1
    if state.misses < MISSES_BEFORE_HANDOFF:
        return turn
    state.misses = 0
    ticket, outbox = tickets.open_for_worker(ctx, "not_understood")
    reached = ctx.policy.can_alert(item.user_id for item in outbox)
    note = ctx.say("handoff_twice_not_understood" if reached else "handoff_ticket_unreached", ticket=ticket_number(ticket))
    reply = turn.reply
    return Turn(
        Reply(f"{reply.text}\n{note}", reply.intent, reply.confidence, reply.buttons, reply.answered),
        turn.outbox + outbox,
    )


def _understand(text: str, ctx: TurnContext) -> Turn:
    if fold(text) in fold_all(ctx.kb.words.get("detail", ())):
        return detail_turn(ctx, ctx.state.last_entry)
    article = _law_article(text, ctx)
    if article is not None:
        return article
    decided = story_turn(text, ctx)  # another field of law, or a wage story complete enough for the intake
    if decided is not None:
        return decided
    calculated = calculation_turn(text, ctx)  # "干了五年，月薪八千，能赔多少": the worker's own numbers
    if calculated is not None:
        return calculated
    candidates = founded(text, ctx.matcher.rank(text, limit=max(ctx.policy.choices, 5)), ctx)
    # An event's own title is better evidence than the FAQ's phrasings when the matcher is unsure.
    best = candidates[0] if candidates else None
    if best is None or best.entry.intent == IntentId.EVENT_SIGNUP or best.score < ctx.policy.threshold_for(
        best.entry.intent
    ):
        by_name = sign_up_by_name(text, ctx)
        if by_name is not None:
            return by_name
    if lacks_labour_evidence(text, candidates, ctx):
        return not_understood(ctx, candidates[0].score)
    return _decide(text, candidates, ctx)


def _decide(text: str, candidates: list[Candidate], ctx: TurnContext) -> Turn:
    """Answer, offer choices or say "not understood", from the ranked entries.

    Intents vote: an intent's weight is its best entry's score plus `intent_vote` times its second-best
    entry's, so two good entries of one intent outweigh a single lucky match of another. Only entries at or
    above their intent's threshold may answer (a weak match of 电话 or 你好 in a story is no request for the
    contact card or a greeting); the best of the winning intent answers when that intent leads the other
    answerable ones by the margin, or else the best single entry when it leads the others' best by the margin.
    A menu is left for topics genuinely close; a close second topic comes as a button beside the answer.
    A work story that answers neither way but is about a topic with an overview entry (an injury) gets it.
    """
    policy = ctx.policy
    if not candidates or candidates[0].score < policy.floor:
        return topic_turn(text, candidates, ctx) or not_understood(ctx, candidates[0].score if candidates else 0.0)
    by_intent: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_intent.setdefault(candidate.entry.intent, []).append(candidate)
    weight = {
        intent: found[0].score + policy.intent_vote * (found[1].score if len(found) > 1 else 0.0)
        for intent, found in by_intent.items()
        if found[0].score >= policy.threshold_for(intent)
    }
    if weight:
        winner = max(weight, key=lambda intent: weight[intent])
        rival = max((value for intent, value in weight.items() if intent != winner), default=0.0)
        leaders = sorted((by_intent[intent][0] for intent in weight), key=_score, reverse=True)
        clear = weight[winner] - rival >= policy.margin
        best = by_intent[winner][0] if clear else leaders[0]
        # Close votes still answer when one entry leads every other intent's best by the margin.
        if clear or len(leaders) < 2 or best.score - leaders[1].score >= policy.margin:
            turn = skill_for(best.entry).respond(best, ctx)
            return with_second_topic(turn, best, candidates, ctx)
        candidates = [best] + [candidate for candidate in candidates if candidate is not best]
    top = candidates[0]
    if top.entry.intent == IntentId.EVENT_SIGNUP and names_open_event(ctx.inbound.text, ctx):
        # Signup phrasings name the kinds of event a station holds; a new one is known by its name instead.
        return SKILLS[IntentId.EVENT_SIGNUP].respond(top, ctx)
    return topic_turn(text, candidates, ctx) or clarify(ctx, candidates)


def _score(candidate: Candidate) -> float:
    return candidate.score


def _law_article(text: str, ctx: TurnContext) -> Turn | None:
    found = ctx.matcher.laws.find(ctx.matcher.prepare(text).replace(" ", ""))
    if found is None:
        return None
    law, number = found
    intent = IntentId(law.intent)
    article = law.article(number)
    if article is None:
        missing = ctx.say("law_article_missing", title=law.title, number=number, count=len(law.articles))
        return Turn(Reply(missing, intent, 0.9))
    text = ctx.say("law_article", title=law.title, article=article.text)
    # A repealed or replaced provision is still quoted (workers read it in old contracts), but never as the law now.
    for change in law.changes_of(number):
        part = (
            ctx.say("law_part_paragraph", number=to_chinese(change.paragraph))
            if change.paragraph
            else ctx.say("law_part_article")
        )
        since = ctx.say("law_date", year=change.since.year, month=change.since.month, day=change.since.day)
        text += "\n" + ctx.say(f"law_article_{change.kind}", part=part, by=ctx.kb.cite(change.by), since=since)
    return Turn(Reply(text, intent, 1.0))


def _resume_choice(ctx: TurnContext, text: str) -> Turn | None:
    """"2" or "第二个" after numbered choices acts like tapping that button; anything else is read afresh."""
    # Cleared before acting: the choice may start a form of its own (an event signup).
    options = [str(option) for option in ctx.state.slots.get("options", [])]
    ctx.story = str(ctx.state.slots.get("story", ""))  # the facts told before the choices go on with it
    dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
    folded = fold(text)
    ordinals = [fold(word) for word in ctx.kb.words.get("ordinals", ())]
    number = ordinals.index(folded) + 1 if folded in ordinals else None
    number = number or (parse_chinese(folded) if len(folded) <= 2 else None)
    if number is None or not 1 <= number <= len(options):
        return None
    option = options[number - 1]
    if payloads.parse(option) is None:  # a choice stored before choices kept payloads: a bare entry id
        return _answer_entry_with_skill(option, ctx)
    return _on_payload(option, ctx)


def _resume_offer(ctx: TurnContext, text: str) -> Turn | None:
    """"好" after the offer of mediation starts the intake with what the worker first wrote."""
    offered = str(ctx.state.slots.get("text", ""))
    dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
    if fold(text) in fold_all(ctx.kb.words.get("intake_yes", ())):
        return start_intake(ctx, f"{offered}\n{text}")
    return None


PENDING: dict[str, Pending] = {
    PendingKind.CHOICE: Pending(_resume_choice, expiry_notice=False),
    PendingKind.OFFER: Pending(_resume_offer),
    PendingKind.CASE_ADD_INFO: Pending(continue_case_action),
    PendingKind.CASE_WITHDRAW: Pending(continue_case_action),
}


def _answer_entry_with_skill(entry_id: str, ctx: TurnContext) -> Turn | None:
    entry = ctx.kb.entry(entry_id)
    if entry is None:
        return None
    return skill_for(entry).respond(Candidate(entry, 1.0, entry.phrasings[0]), ctx)


def _close_choice(ctx: TurnContext) -> None:
    if ctx.state.form == PendingKind.CHOICE:
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)


def _faq_payload(value: str, ctx: TurnContext) -> Turn | None:
    _close_choice(ctx)
    return _answer_entry_with_skill(value, ctx)


def _intake_payload(value: str, ctx: TurnContext) -> Turn | None:  # noqa: ARG001 - one intake form today
    offered = str(ctx.state.slots.get("text", "")) if ctx.state.form == PendingKind.OFFER else ""
    return start_intake(ctx, offered)


def _event_payload(value: str, ctx: TurnContext) -> Turn | None:
    _close_choice(ctx)
    return event_payload(value, ctx)


def _menu_payload(value: str, ctx: TurnContext) -> Turn | None:
    if not value:
        return None
    # A menu tap right after the worker told their story is about that story (its facts are kept).
    ctx.story = ctx.story or messages.last_words(
        session=ctx.session,
        user=ctx.user,
        since=ctx.now - ctx.policy.form_idle,
        exclude_message_id=ctx.inbound.message_id,
    )
    return _understand(value, ctx)


def _appointment_payload(value: str, ctx: TurnContext) -> Turn | None:
    _close_choice(ctx)
    return appointment_payload(value, ctx)


ON_PAYLOAD: dict[PayloadKind, Callable[[str, TurnContext], Turn | None]] = {
    PayloadKind.FAQ: _faq_payload,
    PayloadKind.INTAKE: _intake_payload,
    PayloadKind.EVENT: _event_payload,
    PayloadKind.DETAIL: lambda value, ctx: detail_turn(ctx, value),
    PayloadKind.MENU: _menu_payload,
    PayloadKind.FORM: _form_payload,
    PayloadKind.APPOINTMENT: _appointment_payload,
}


def _on_payload(raw: str, ctx: TurnContext) -> Turn | None:
    """A tapped button (or a numbered choice standing for one); None for a payload this version does not know."""
    payload = payloads.parse(raw)
    if payload is None:
        return None
    if ctx.state.form == PendingKind.CHOICE:  # a tap on one of the choices: the story they were offered for
        ctx.story = ctx.story or str(ctx.state.slots.get("story", ""))
    return ON_PAYLOAD[payload.kind](payload.value, ctx)


def _channel_event(ctx: TurnContext) -> Turn:
    """A follow (/start), an unfollow, or a request for the menu: no text to understand."""
    kind = ctx.inbound.kind
    if kind == "subscribe":
        return Turn(Reply(ctx.say("welcome"), IntentId.GREETING, 1.0, menu_buttons(ctx)))
    if kind == "menu":
        return Turn(Reply(ctx.say("menu_intro"), IntentId.HELP, 1.0, menu_buttons(ctx)))
    # Unfollowed: nothing can be delivered any more; the row is kept so the figures count it.
    return Turn(Reply("", IntentId.GREETING, 1.0))
