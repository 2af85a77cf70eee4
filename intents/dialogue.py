"""handle(inbound, ctx) -> Turn: the order in which a message is understood, top to bottom in one function.

crisis → button payloads → active form (or its expiry) → pending choice → "详细说明" → a law article by
number → matcher → confidence and margin → skill → clarify or "not understood".
"""

from __future__ import annotations

from intents.clarify import CHOICE_FORM, clarify, not_understood
from intents.context import TurnContext
from intents.crisis import crisis_turn, is_crisis
from intents.forms import FORMS, continue_form
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.normalize import clean, fold, fold_all, normalize
from intents.skills import SKILLS
from intents.skills.faq import DETAIL_PAYLOAD, detail_turn
from intents.skills.smalltalk import MENU_PAYLOAD
from intents.turn import Reply, Turn
from knowledge.numerals import parse_chinese
from storage import dialogue_state

_ORDINALS = {"第一个": 1, "第二个": 2, "第三个": 3, "第四个": 4, "第五个": 5}


def handle(ctx: TurnContext) -> Turn:
    """Understand the turn's inbound message and produce the reply and outbox rows.

    Pure over its inputs: no network, no clock of its own (ctx.now), writes only through ctx.session.
    """
    inbound = ctx.inbound
    text = clean(inbound.text)[: ctx.policy.max_message_chars]
    if inbound.kind == "button" and inbound.payload:
        turn = _payload(inbound.payload, ctx)
        if turn is not None:
            return turn
    if not normalize(text):
        return Turn(Reply(ctx.say("empty_message"), IntentId.OUT_OF_SCOPE, 0.0, answered=False))
    if is_crisis(text, ctx.kb.crisis_phrases):
        dialogue_state.clear_form(session=ctx.session, state=ctx.state, now=ctx.now)
        return crisis_turn(ctx, text)

    lead = ""
    state = ctx.state
    if state.form is not None:
        expired = state.expires_at is not None and state.expires_at <= ctx.now
        if expired:
            if state.form != CHOICE_FORM:
                lead = ctx.say("form_expired")
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
        elif state.form == CHOICE_FORM:
            picked = _pick_choice(text, ctx)
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)
            if picked is not None:
                return picked
        elif state.form in FORMS:
            return continue_form(FORMS[state.form], ctx, text)
        else:  # a form this version no longer has: forget it
            dialogue_state.clear_form(session=ctx.session, state=state, now=ctx.now)

    turn = _understand(text, ctx)
    if lead:
        reply = turn.reply
        turn = Turn(
            Reply(f"{lead}\n{reply.text}", reply.intent, reply.confidence, reply.buttons, reply.answered),
            turn.outbox,
        )
    return turn


def _understand(text: str, ctx: TurnContext) -> Turn:
    if fold(text) in fold_all(ctx.kb.words.get("detail", ())):
        return detail_turn(ctx, ctx.state.last_entry)
    article = _law_article(text, ctx)
    if article is not None:
        return article
    candidates = ctx.matcher.rank(text, limit=max(ctx.policy.choices, 5))
    return _decide(candidates, ctx)


def _decide(candidates: list[Candidate], ctx: TurnContext) -> Turn:
    """Answer, offer choices or say "not understood", from the ranked entries.

    Intents vote: an intent's weight is its best entry's score plus `intent_vote` times its second-best
    entry's, so two good entries of one intent outweigh a single lucky match of another. The best entry of
    the winning intent answers when it is sure enough and the winning intent leads by the margin.
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
    }
    winner = max(weight, key=lambda intent: weight[intent])
    best = by_intent[winner][0]
    rival = max((value for intent, value in weight.items() if intent != winner), default=0.0)
    if best.score >= policy.threshold and weight[winner] - rival >= policy.margin:
        return SKILLS[IntentId(best.entry.intent)].respond(best, ctx)
    ordered = [best] + [candidate for candidate in candidates if candidate is not best]
    return clarify(ctx, ordered)


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
    return Turn(Reply(ctx.say("law_article", title=law.title, article=article.text), intent, 1.0))


def _pick_choice(text: str, ctx: TurnContext) -> Turn | None:
    options = list(ctx.state.slots.get("options", []))
    folded = fold(text)
    number = _ORDINALS.get(folded) or (parse_chinese(folded) if len(folded) <= 2 else None)
    if number is None or not 1 <= number <= len(options):
        return None
    entry = ctx.kb.entry(options[number - 1])
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
    if kind == DETAIL_PAYLOAD:
        return detail_turn(ctx, value)
    if kind == MENU_PAYLOAD and value:
        return _understand(value, ctx)
    return None
