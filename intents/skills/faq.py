"""Answers from the FAQ entries, with their law citation and local facts filled in."""

from __future__ import annotations

from typing import ClassVar

from intents import payloads
from intents.context import TurnContext, render
from intents.ids import IntentId
from intents.matcher import Candidate
from intents.turn import Button, Reply, Turn
from knowledge import FaqEntry


def detail_text(entry: FaqEntry, ctx: TurnContext) -> str | None:
    """The longer explanation of an entry: its own detail (steps, what to bring), then the full text of the
    articles its answer cites; None when the subject has nothing more to say."""
    parts = [render(entry.detail, ctx.policy.facts)] if entry.detail else []
    articles = []
    for ref in entry.refs:
        law = ctx.kb.law(ref.law)
        article = law.article(ref.article) if law is not None else None
        if article is not None:
            articles.append(ctx.say("detail_article", cited=ref.cited(), text=article.text))
    if articles:
        parts.append("\n".join([ctx.say("detail_articles_intro"), *articles]))
    return "\n\n".join(parts) or None


def answer_entry(entry: FaqEntry, ctx: TurnContext, confidence: float, lead: str = "") -> Turn:
    """The entry's answer (local facts filled in), a 详细说明 button when there is more to say; remembers the
    topic."""
    text = render(entry.answer, ctx.policy.facts)
    if lead:
        text = f"{lead}\n{text}"
    buttons: tuple[Button, ...] = ()
    if detail_text(entry, ctx) is not None:
        buttons = (Button(ctx.say("detail_button"), payloads.detail(entry.id)),)
    ctx.state.last_entry = entry.id
    return Turn(Reply(text, IntentId(entry.intent), confidence, buttons))


def detail_turn(ctx: TurnContext, entry_id: str | None) -> Turn:
    """The longer explanation of a topic (the one named, or the last one answered)."""
    entry = ctx.kb.entry(entry_id) if entry_id else None
    detail = detail_text(entry, ctx) if entry is not None else None
    if entry is None or detail is None:
        intent = IntentId(entry.intent) if entry else IntentId.HELP
        return Turn(Reply(ctx.say("no_detail"), intent, 1.0))
    return Turn(Reply(detail, IntentId(entry.intent), 1.0))


class FaqSkill:
    """The default skill: answer with the matched entry."""

    intent: ClassVar[IntentId | None] = None

    def respond(self, match: Candidate, ctx: TurnContext) -> Turn:
        """Answer with the entry."""
        return answer_entry(match.entry, ctx, match.score)
