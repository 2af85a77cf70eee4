"""What a reply is: the replies/*.toml sentence or the FAQ answer its text starts with, or None for a text the
bot has no source for (an echo, a traceback, a half-built sentence)."""

from __future__ import annotations

import re
import string

from intents import Reply
from knowledge import KnowledgeBase

_MIN_LITERAL = 2  # a template of placeholders and punctuation only ("{problem}\n{prompt}") says nothing


def _pattern(template: str) -> re.Pattern[str] | None:
    parts = []
    literal_chars = 0
    for literal, field, _, _ in string.Formatter().parse(template.strip()):
        parts.append(re.escape(literal))
        literal_chars += sum(ch.isalnum() for ch in literal)
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts), re.DOTALL) if literal_chars >= _MIN_LITERAL else None


_CACHE: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}


def _sources(kb: KnowledgeBase) -> tuple[tuple[str, re.Pattern[str]], ...]:
    if kb.fingerprint in _CACHE:
        return _CACHE[kb.fingerprint]
    found = [(f"reply:{key}", _pattern(text)) for key, text in kb.replies.items()]
    found += [(f"faq:{entry.id}", _pattern(entry.answer)) for entry in kb.entries]
    sources = tuple((name, pattern) for name, pattern in found if pattern is not None)
    _CACHE[kb.fingerprint] = sources
    return sources


def reply_kind(reply: Reply, kb: KnowledgeBase) -> str | None:
    """The "reply:<key>" or "faq:<entry id>" the reply's text starts with; None when it starts with none."""
    for name, pattern in _sources(kb):
        if pattern.match(reply.text):
            return name
    return None
