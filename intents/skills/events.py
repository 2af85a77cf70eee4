"""Events in chat for workers: the list of open events, signup (through the signup form), cancel, "my signups",
the event buttons and numbers. Staff's /events, /export and /close are at the staff desk (intents/staff).

An event is found by what the worker calls it: its title, a part of the title, or an alias, compared on
normalised text with synonyms applied ("相亲" finds the 联谊 event) and words that name no event left out
("活动", "报名" …); failing that, by rapidfuzz's partial ratio. Several fits become numbered choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

from rapidfuzz import fuzz

from intents import payloads
from intents.clarify import offer_choices
from intents.context import TurnContext
from intents.event_text import EventText
from intents.forms.event_signup import begin_signup, refusal_text
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.normalize import fold, normalize
from intents.turn import Button, OutboxItem, Reply, Turn
from storage import events, signups
from storage.models import Event, Signup, User

LIST_LIMIT = 6  # events in one list: what fits on a phone screen
MY_SIGNUPS_LIMIT = 10
FUZZY_MIN = 80.0  # rapidfuzz partial_ratio (0–100) for a name that is not written out exactly
FUZZY_SPREAD = 5.0  # fuzzy fits this close to the best one are offered together
RECENT = timedelta(days=30)  # ended events a refusal may still name ("报名已经截止")


def _strip_generic(text: str, ctx: TurnContext) -> str:
    for word in sorted(ctx.kb.words.get("event_generic", ()), key=len, reverse=True):
        text = text.replace(word, "")
    return text


def _query(text: str, ctx: TurnContext) -> tuple[str, str]:
    """The message as names are compared with it: folded, and folded with synonyms applied."""
    return _strip_generic(fold(text), ctx), _strip_generic(ctx.matcher.prepare(text).replace(" ", ""), ctx)


def event_names(event: Event, ctx: TurnContext) -> set[str]:
    """What a worker may call the event: title, the title's parts, aliases — as written and with synonyms."""
    raw = [event.title, *normalize(event.title).split(), *ctx.matcher.prepare(event.title).split(), *event.aliases]
    names: set[str] = set()
    for name in raw:
        for form in _query(name, ctx):
            if len(form) >= 2:
                names.add(form)
    return names


def find_events(text: str, candidates: Sequence[Event], ctx: TurnContext) -> list[Event]:
    """The events among `candidates` that the message names: every exact fit, else the best fuzzy ones."""
    queries = [query for query in _query(text, ctx) if len(query) >= 2]
    if not queries:
        return []
    exact: list[Event] = []
    fuzzy: list[tuple[float, Event]] = []
    for event in candidates:
        names = event_names(event, ctx)
        # The message names the event ("报名健步走") or a part of its title ("茶艺体验课" of 职工茶艺体验课).
        if any(name in query or query in name for name in names for query in queries):
            exact.append(event)
            continue
        score = max((fuzz.partial_ratio(name, query) for name in names for query in queries), default=0.0)
        if score >= FUZZY_MIN:
            fuzzy.append((score, event))
    if exact or not fuzzy:
        return exact
    best = max(score for score, _ in fuzzy)
    return [event for score, event in fuzzy if score >= best - FUZZY_SPREAD]


def names_open_event(text: str, ctx: TurnContext) -> bool:
    """True when the message names an open event by its title, a part of it or an alias, exactly: then a
    weak match of the signup phrasings ("报名书法班" for a class staff have just put up) is still a signup."""
    queries = [query for query in _query(text, ctx) if len(query) >= 2]
    return any(
        name in query
        for event in events.open_events(session=ctx.session, now=ctx.now)
        for name in event_names(event, ctx)
        for query in queries
    )


def _id(event: Event) -> int:
    assert event.id is not None  # events come from the database
    return event.id


def _event_lines(found: Sequence[Event], ctx: TurnContext) -> tuple[str, tuple[Button, ...]]:
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    lines = [
        ctx.say(
            "event_line",
            number=number,
            title=event.title,
            when=text.when(event),
            place=event.place,
            left=text.places_left(event),
        )
        for number, event in enumerate(found, start=1)
    ]
    buttons = tuple(Button(event.title, payloads.event("signup", _id(event))) for event in found)
    return "\n".join(lines), buttons


def _offer_signup(
    found: Sequence[Event],
    intro_key: str,
    ctx: TurnContext,
    intent: IntentId,
    confidence: float,
    start: int = 0,
) -> Turn:
    """Events as numbered choices, soonest first, one screen at a time; "更多" shows the next screen."""
    if not found:
        return Turn(Reply(ctx.say("event_list_empty"), intent, confidence))
    ordered = sorted(found, key=lambda event: (event.starts_at, event.id or 0))
    page = ordered[start : start + LIST_LIMIT]
    lines, buttons = _event_lines(page, ctx)
    text = f"{ctx.say(intro_key)}\n{lines}"
    rest = len(ordered) - start - len(page)
    if rest > 0:
        text = f"{text}\n{ctx.say('event_list_more', count=rest)}"
        buttons = (*buttons, Button(ctx.say("event_more_button"), payloads.event("more", start + len(page))))
    return offer_choices(ctx, text, buttons, intent, confidence)


class EventListSkill:
    """ "最近有什么活动": open events, soonest first, with date, place and places left, as numbered choices.

    A message that names events ("这周有瑜伽吗") lists only those.
    """

    intent: ClassVar[IntentId] = IntentId.EVENT_LIST

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """List the open events."""
        open_now = events.open_events(session=ctx.session, now=ctx.now)
        named = find_events(ctx.inbound.text, open_now, ctx)
        if named:
            return _offer_signup(named, "event_list_matching", ctx, self.intent, match.score)
        return _offer_signup(open_now, "event_list_intro", ctx, self.intent, match.score)


def sign_up_by_name(text: str, ctx: TurnContext) -> Turn | None:
    """"我想报名茶艺体验课": a signup word and an open event named (or part of its title named) exactly.

    Used when the matcher is unsure: an event's own title is better evidence than the FAQ's phrasings.
    """
    folded = fold(text)
    if not any(word in folded for word in ctx.kb.words.get("event_signup_words", ())):
        return None
    open_now = events.open_events(session=ctx.session, now=ctx.now)
    queries = [query for query in _query(text, ctx) if len(query) >= 2]
    found = [
        event
        for event in open_now
        if any(name in query or query in name for name in event_names(event, ctx) for query in queries)
    ]
    if len(found) == 1:
        return begin_signup(found[0], ctx, 0.9)
    if found:
        return _offer_signup(found, "event_pick_signup", ctx, IntentId.EVENT_SIGNUP, 0.9)
    return None


class EventSignupSkill:
    """ "报名健步走": the named event's signup; choices when several or none fit; the reason when it is closed."""

    intent: ClassVar[IntentId] = IntentId.EVENT_SIGNUP

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Sign up for the event the worker names."""
        open_now = events.open_events(session=ctx.session, now=ctx.now)
        found = find_events(ctx.inbound.text, open_now, ctx) or find_events(match.phrasing, open_now, ctx)
        if len(found) == 1:
            return begin_signup(found[0], ctx, match.score)
        if found:
            return _offer_signup(found, "event_pick_signup", ctx, self.intent, match.score)
        recent = events.all_events(session=ctx.session, since=ctx.now - RECENT)
        closed = [event for event in find_events(ctx.inbound.text, recent, ctx) if event not in open_now]
        if closed:
            refusal = refusal_text(closed[0], ctx)
            if refusal is not None:
                return Turn(Reply(refusal, self.intent, match.score))
        return _offer_signup(open_now, "event_pick_signup", ctx, self.intent, match.score)


def _upcoming_signups(ctx: TurnContext) -> list[tuple[Signup, Event]]:
    mine = signups.for_user(session=ctx.session, user_id=ctx.user_pk, active_only=True)
    return [
        (signup, event)
        for signup, event in mine
        if event.status != events.EVENT_CANCELLED and _not_over(event, ctx)
    ]


def _not_over(event: Event, ctx: TurnContext) -> bool:
    return (event.ends_at or event.starts_at) > ctx.now


def cancel_signup(signup: Signup, event: Event, ctx: TurnContext, confidence: float = 1.0) -> Turn:
    """Cancel the worker's signup; the first on the waitlist moves up and is told through the outbox."""
    assert signup.id is not None
    result = signups.cancel(session=ctx.session, signup_id=signup.id, now=ctx.now)
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    outbox: tuple[OutboxItem, ...] = ()
    if result.promoted is not None:
        promoted_user = ctx.session.get(User, result.promoted.user_id)
        if promoted_user is not None:
            outbox = (text.promoted(event, promoted_user),)
    reply = ctx.say("event_cancel_done", title=event.title, when=text.when(event))
    return Turn(Reply(reply, IntentId.EVENT_CANCEL, confidence), outbox)


class EventCancelSkill:
    """ "取消我的瑜伽报名": cancels the named signup (or the only one); choices when it is not clear which."""

    intent: ClassVar[IntentId] = IntentId.EVENT_CANCEL

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Cancel the signup the worker means."""
        mine = _upcoming_signups(ctx)
        if not mine:
            return Turn(Reply(ctx.say("event_cancel_none"), self.intent, match.score))
        by_event = {event.id: (signup, event) for signup, event in mine}
        named = find_events(ctx.inbound.text, [event for _, event in mine], ctx)
        if len(named) == 1:
            signup, event = by_event[named[0].id]
            return cancel_signup(signup, event, ctx, match.score)
        lead = ""
        if not named:
            everything = events.all_events(session=ctx.session, since=ctx.now)
            if find_events(
                ctx.inbound.text, everything, ctx
            ):  # names an event the worker is not signed up for
                lead = ctx.say("event_cancel_not_signed") + "\n"
            elif len(mine) == 1:
                signup, event = mine[0]
                return cancel_signup(signup, event, ctx, match.score)
        choices = [by_event[event.id] for event in named] if named else mine
        lines = signup_lines(choices[:LIST_LIMIT], ctx)
        buttons = [Button(event.title, payloads.event("cancel", _id(event))) for _, event in choices[:LIST_LIMIT]]
        reply = lead + ctx.say("event_cancel_pick") + "\n" + "\n".join(lines)
        return offer_choices(ctx, reply, buttons, self.intent, match.score)


def signup_lines(pairs: list[tuple[Signup, Event]], ctx: TurnContext) -> list[str]:
    """Numbered lines "1. title, when, place, status" for the worker's signups."""
    text = EventText(ctx.kb, ctx.policy, ctx.now)
    return [
        ctx.say(
            "my_signups_line",
            number=number,
            title=event.title,
            when=text.when(event),
            place=event.place,
            status=signup_status(signup, event, ctx),
        )
        for number, (signup, event) in enumerate(pairs, start=1)
    ]


def signup_status(signup: Signup, event: Event, ctx: TurnContext) -> str:
    """How a signup stands, as the worker reads it (报名成功, 候补第2位, 已取消, 活动已取消, 已结束)."""
    if event.status == events.EVENT_CANCELLED:
        return ctx.say("signup_status_event_cancelled")
    if signup.status == signups.CANCELLED:
        return ctx.say("signup_status_cancelled")
    if not _not_over(event, ctx):
        return ctx.say("signup_status_ended")
    if signup.status == signups.WAITLISTED:
        return ctx.say(
            "signup_status_waitlisted", position=signups.position(session=ctx.session, signup=signup)
        )
    return ctx.say("signup_status_confirmed")


class MySignupsSkill:
    """ "我报了哪些活动": the worker's signups with their status, upcoming first."""

    intent: ClassVar[IntentId] = IntentId.MY_SIGNUPS

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """List the worker's signups."""
        mine = signups.for_user(session=ctx.session, user_id=ctx.user_pk)
        if not mine:
            return Turn(Reply(ctx.say("my_signups_none"), self.intent, match.score))
        # Upcoming ones first (soonest first), then the past ones (latest first).
        upcoming = [(signup, event) for signup, event in mine if _not_over(event, ctx)]
        past = [(signup, event) for signup, event in reversed(mine) if not _not_over(event, ctx)]
        shown = (upcoming + past)[:MY_SIGNUPS_LIMIT]
        lines = signup_lines(shown, ctx)
        parts = [ctx.say("my_signups_intro"), *lines]
        if any(signup.status in signups.ACTIVE for signup, _ in upcoming):
            parts.append(ctx.say("my_signups_footer"))
        return Turn(Reply("\n".join(parts), self.intent, match.score))


def event_payload(value: str, ctx: TurnContext) -> Turn | None:
    """A tapped (or numbered) event button: "signup:<event id>" or "cancel:<event id>"."""
    parsed = payloads.parse_event(value)
    if parsed is None:
        return None
    action, event_id = parsed
    if action == "more":
        open_now = events.open_events(session=ctx.session, now=ctx.now)
        return _offer_signup(open_now, "event_list_intro", ctx, IntentId.EVENT_LIST, 1.0, start=event_id)
    event = events.get(session=ctx.session, event_id=event_id)
    if event is None:
        intent = IntentId.EVENT_CANCEL if action == "cancel" else IntentId.EVENT_SIGNUP
        return Turn(Reply(ctx.say("event_gone"), intent, 1.0))
    if action == "signup":
        return begin_signup(event, ctx)
    if action == "waitlist":
        return begin_signup(event, ctx, waitlist_ok=True)
    signup = signups.find(session=ctx.session, event_id=event_id, user_id=ctx.user_pk)
    if signup is None or signup.status not in signups.ACTIVE:
        return Turn(Reply(ctx.say("event_cancel_none"), IntentId.EVENT_CANCEL, 1.0))
    return cancel_signup(signup, event, ctx)
