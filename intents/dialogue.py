"""handle(inbound, ctx) -> Turn: the order in which a message is understood, top to bottom in one function.

channel events → button payloads → crisis → staff command → staff's "收到" → (open ticket: copy to staff) → active form,
pending offer or choice (or their expiry) → "详细说明" → a law article by number → a calculation with the
worker's numbers → matcher → confidence and
margin → skill → clarify or "not understood" (twice in a row: a ticket for a person).
"""

from __future__ import annotations

from intents import tickets
from intents.calculate import calculation_turn
from intents.clarify import CHOICE_FORM, clarify, not_understood, with_second_topic
from intents.context import TurnContext
from intents.crisis import crisis_turn, is_crisis
from intents.forms import FORMS, continue_form
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.normalize import clean, fold, fold_all, normalize
from intents.reminders import acknowledge
from intents.skills import SKILLS
from intents.skills.cases import (
    ADD_INFO_FORM,
    INTAKE_PAYLOAD,
    OFFER_FORM,
    WITHDRAW_FORM,
    continue_case_action,
    start_intake,
)
from intents.skills.events import EVENT_PAYLOAD, event_payload
from intents.skills.faq import DETAIL_PAYLOAD, detail_turn
from intents.skills.smalltalk import MENU_PAYLOAD, menu_buttons
from intents.staff import staff_command
from intents.turn import Reply, Turn
from intents.understand import lacks_labour_evidence, story_turn
from knowledge.numerals import parse_chinese, to_chinese
from storage import dialogue_state
from storage.tickets import ticket_number

MISSES_BEFORE_HANDOFF = 2
_ORDINALS = {"第一个": 1, "第二个": 2, "第三个": 3, "第四个": 4, "第五个": 5}


def handle(ctx: TurnContext) -> Turn:
    """Understand the turn's inbound message and produce the reply and outbox rows.

    Pure over its inputs: no network, no clock of its own (ctx.now), writes only through ctx.session.
    """
    inbound = ctx.inbound
    text = clean(inbound.text)[: ctx.policy.max_message_chars]
    if inbound.kind in ("subscribe", "unsubscribe") or (inbound.kind == "menu" and not inbound.payload):
        return _channel_event(ctx)
    if inbound.kind in ("button", "menu") and inbound.payload:
        turn = _payload(inbound.payload, ctx)
        if turn is not None:
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
    """Forms and pending questions first, then understanding the message afresh."""
    lead = ""
    state = ctx.state
    if state.form is not None:
        expired = state.expires_at is not None and state.expires_at <= ctx.now
        if expired:
            if state.form != CHOICE_FORM:
                lead = ctx.say("form_expired")
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
        elif state.form == CHOICE_FORM:
            # Cleared before acting: the choice may start a form of its own (an event signup).
            options = [str(option) for option in state.slots.get("options", [])]
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
            picked = _pick_choice(text, options, ctx)
            if picked is not None:
                return picked
        elif state.form == OFFER_FORM:
            offered = str(state.slots.get("text", ""))
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
            if fold(text) in fold_all(ctx.kb.words.get("intake_yes", ())):
                return start_intake(ctx, f"{offered}\n{text}")
        elif state.form in (ADD_INFO_FORM, WITHDRAW_FORM):
            return continue_case_action(ctx, text)
        elif state.form in FORMS:
            return continue_form(FORMS[state.form], ctx, text)
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
    candidates = ctx.matcher.rank(text, limit=max(ctx.policy.choices, 5))
    if lacks_labour_evidence(text, candidates, ctx):
        return not_understood(ctx, candidates[0].score)
    return _decide(candidates, ctx)


def _decide(candidates: list[Candidate], ctx: TurnContext) -> Turn:
    """Answer, offer choices or say "not understood", from the ranked entries.

    Intents vote: an intent's weight is its best entry's score plus `intent_vote` times its second-best
    entry's, so two good entries of one intent outweigh a single lucky match of another. Only entries at or
    above their intent's threshold may answer (a weak match of 电话 or 你好 in a story is no request for the
    contact card or a greeting); the best of the winning intent answers when that intent leads the other
    answerable ones by the margin, or else the best single entry when it leads the others' best by the margin.
    A menu is left for topics genuinely close; a close second topic comes as a button beside the answer.
    """
    policy = ctx.policy
    if not candidates or candidates[0].score < policy.floor:
        return not_understood(ctx, candidates[0].score if candidates else 0.0)
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
            turn = SKILLS[IntentId(best.entry.intent)].respond(best, ctx)
            return with_second_topic(turn, best, candidates, ctx)
        candidates = [best] + [candidate for candidate in candidates if candidate is not best]
    return clarify(ctx, candidates)


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
        part = f"第{to_chinese(change.paragraph)}款" if change.paragraph else "本条"
        since = f"{change.since.year}年{change.since.month}月{change.since.day}日"
        text += "\n" + ctx.say(f"law_article_{change.kind}", part=part, by=ctx.kb.cite(change.by), since=since)
    return Turn(Reply(text, intent, 1.0))


def _pick_choice(text: str, options: list[str], ctx: TurnContext) -> Turn | None:
    folded = fold(text)
    number = _ORDINALS.get(folded) or (parse_chinese(folded) if len(folded) <= 2 else None)
    if number is None or not 1 <= number <= len(options):
        return None
    option = options[number - 1]
    if ":" in option:  # a button payload (offer_choices); clarify's FAQ choices are bare entry ids
        return _payload(option, ctx)
    entry = ctx.kb.entry(option)
    if entry is None:
        return None
    return _answer_entry_with_skill(entry.id, ctx)


def _answer_entry_with_skill(entry_id: str, ctx: TurnContext) -> Turn | None:
    entry = ctx.kb.entry(entry_id)
    if entry is None:
        return None
    return SKILLS[IntentId(entry.intent)].respond(Candidate(entry, 1.0, entry.phrasings[0]), ctx)


def _payload(payload: str, ctx: TurnContext) -> Turn | None:
    kind, _, value = payload.partition(":")
    if kind == "faq":
        if ctx.state.form == CHOICE_FORM:
            dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return _answer_entry_with_skill(value, ctx)
    if kind == INTAKE_PAYLOAD:
        offered = str(ctx.state.slots.get("text", "")) if ctx.state.form == OFFER_FORM else ""
        return start_intake(ctx, offered)
    if kind == EVENT_PAYLOAD:
        if ctx.state.form == CHOICE_FORM:
            dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return event_payload(value, ctx)
    if kind == DETAIL_PAYLOAD:
        return detail_turn(ctx, value)
    if kind == MENU_PAYLOAD and value:
        return _understand(value, ctx)
    return None


def _channel_event(ctx: TurnContext) -> Turn:
    """A follow (/start), an unfollow, or a request for the menu: no text to understand."""
    kind = ctx.inbound.kind
    if kind == "subscribe":
        return Turn(Reply(ctx.say("welcome"), IntentId.GREETING, 1.0, menu_buttons(ctx)))
    if kind == "menu":
        return Turn(Reply(ctx.say("menu_intro"), IntentId.HELP, 1.0, menu_buttons(ctx)))
    # Unfollowed: nothing can be delivered any more; the row is kept so the figures count it.
    return Turn(Reply("", IntentId.GREETING, 1.0))
