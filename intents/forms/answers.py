"""What an answer to a form question must look like: a name like a name, an address like a place, an amount
like money, an employer like an organisation or a person, a phone like a phone.

Each `parse_*` reads the worker's answer to that very question (None: not an answer, ask again with an
example); each `*_in` finds the same fact inside a longer message ("…有限公司，地址在西城区三里河路12号"),
so one message can fill several slots. The words that mark a place, an organisation or a question are data,
in knowledge/replies/core.toml [words].
"""

from __future__ import annotations

import re
from functools import lru_cache

from intents.context import TurnContext
from intents.normalize import clean, fold
from knowledge.numerals import NUMBER_CHARS

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff·]{2,8}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,39}$")
_SEPARATORS = re.compile(r"[，,。；;！!\n]")
MAX_FIELD = 120


def _words(ctx: TurnContext, key: str) -> tuple[str, ...]:
    return tuple(ctx.kb.words.get(key, ()))


@lru_cache(maxsize=16)
def _lead_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"^(?:{alternation})+[:\uff1a]?") if words else re.compile(r"^$")


def _strip_lead(text: str, ctx: TurnContext, key: str) -> str:
    """`text` without the words a worker puts before the fact ("地址在…", "我在…"): word list `key`."""
    return _lead_pattern(_words(ctx, key)).sub("", text)


def looks_like_question(text: str, ctx: TurnContext) -> bool:
    """True when the message asks something (怎么, 什么, 吗, ？ …) rather than stating a fact."""
    folded = clean(text)
    return any(marker in folded for marker in _words(ctx, "question_markers"))


def parse_phone(text: str, _ctx: TurnContext) -> str | None:
    """A mobile number (or a landline with its area code) anywhere in the text, digits only."""
    compact = re.sub(r"[\s-]", "", clean(text))
    found = _MOBILE.search(compact) or _LANDLINE.search(compact)
    return found.group(0) if found else None


def parse_name(text: str, ctx: TurnContext) -> str | None:
    """A person's name: 2–8 Chinese characters or a Latin name, after "我叫" and the like.

    Not a question, not a sentence ("我想去游泳"), not a number ("两万三").
    """
    value = _MOBILE.sub("", re.sub(r"[\s,，。.!！、]", "", clean(text)))
    for prefix in sorted(_words(ctx, "name_prefixes"), key=len, reverse=True):
        if value.startswith(prefix) and len(value) > len(prefix) + 1:
            value = value[len(prefix) :]
            break
    if looks_like_question(value, ctx) or any(word in value for word in _words(ctx, "name_excluded")):
        return None
    if set(value) <= NUMBER_CHARS:
        return None
    if _CJK_NAME.match(value):
        return value
    return clean(text) if _LATIN_NAME.match(clean(text)) else None


def name_in(text: str, ctx: TurnContext) -> str | None:
    """A name the worker introduces inside a longer message ("我叫李四，…")."""
    for part in _SEPARATORS.split(clean(text)):
        stripped = part.strip()
        if any(stripped.startswith(prefix) for prefix in _words(ctx, "name_intro")):
            found = parse_name(stripped[:8], ctx) or parse_name(stripped[:5], ctx) or parse_name(stripped[:4], ctx)
            if found is not None:
                return found
    return None


def _is_place(part: str, ctx: TurnContext) -> bool:
    return any(marker in part for marker in _words(ctx, "place_markers"))


def address_in(text: str, ctx: TurnContext) -> str | None:
    """The part of a message that names a place (西城区三里河路12号, 朝阳区建国路附近), or None."""
    for part in _SEPARATORS.split(clean(text)):
        stripped = _strip_lead(part.strip(), ctx, "address_lead_words")
        # The employer's own name may contain a place ("北京鑫达装饰有限公司"): that part is the employer.
        if _is_place(stripped, ctx) and not _is_employer(stripped, ctx) and not looks_like_question(stripped, ctx):
            return stripped[:MAX_FIELD]
    return None


def parse_address(text: str, ctx: TurnContext) -> str | None:
    """An answer to "where is it": a place (district, road, number, landmark), not a question.

    Unlike `address_in`, a place that is also a workplace ("朝阳区望京某工地") is accepted: it was asked for.
    """
    if looks_like_question(text, ctx):
        return None
    found = address_in(text, ctx)
    if found is not None:
        return found
    for part in _SEPARATORS.split(clean(text)):
        stripped = _strip_lead(part.strip(), ctx, "address_lead_words")
        if _is_place(stripped, ctx):
            return stripped[:MAX_FIELD]
    return None


def _is_employer(part: str, ctx: TurnContext) -> bool:
    return any(part.endswith(suffix) or suffix in part for suffix in _words(ctx, "employer_suffixes"))


def employer_in(text: str, ctx: TurnContext) -> str | None:
    """An organisation named in a message (…有限公司, …厂, …工地), or None."""
    for part in _SEPARATORS.split(clean(text)):
        stripped = part.strip()
        suffixes = sorted(_words(ctx, "employer_suffixes"), key=len, reverse=True)
        for suffix in suffixes:
            at = stripped.find(suffix)
            if at <= 0:
                continue
            name = _strip_lead(stripped[: at + len(suffix)], ctx, "employer_lead_words")
            if len(name) > len(suffix) and not looks_like_question(name, ctx):
                return name[:MAX_FIELD]
    return None


def parse_employer(text: str, ctx: TurnContext) -> str | None:
    """Who owes the wages: an organisation (…公司/厂/店/工地) or a person (包工头老王, 张老板).

    A question, a number or a sentence about something else is no employer.
    """
    if looks_like_question(text, ctx):
        return None
    found = employer_in(text, ctx)
    if found is not None:
        return found
    value = _strip_lead(re.sub(r"\s+", "", clean(text)), ctx, "employer_lead_words")
    if set(value) <= NUMBER_CHARS or parse_phone(value, ctx) is not None:
        return None
    person = any(word in value for word in _words(ctx, "employer_people"))
    if person and 2 <= len(value) <= 24:
        return value
    # A bare name ("鑫达装饰", "王建国"): short, no digits, not a sentence about something else.
    plain = not any(char.isdigit() for char in value) and not _is_place(value, ctx)
    if plain and 2 <= len(fold(value)) <= 16 and not any(w in value for w in _words(ctx, "employer_excluded")):
        return value
    return None
