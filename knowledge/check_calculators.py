"""`kb check` for the calculators: every constant is stated by its article, every reply number is sourced.

Two rules (see knowledge/calculators.toml):
- a constant's `quote` stands verbatim in the article it cites and states its `value` in its `unit`;
- every quantity the calculator replies (replies/calculators.toml) state in fixed text, outside
  `{placeholders}` and “examples of what to type”, appears in an article some constant cites or the reply itself names.
Separate from knowledge/check.py so the FAQ rules and these can change apart.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection

from knowledge.check import Problem
from knowledge.laws import LawLookup
from knowledge.model import Constant, KnowledgeBase
from knowledge.numerals import quantities

CONSTANTS_FILE = "calculators.toml"
REPLIES_FILE = "replies/calculators.toml"
_HALF = re.compile(r"半(个月|天|年)")
_WHITESPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_EXAMPLE = re.compile(r"“[^”]*”")  # “八个月”: an example of what to type, not a statement of law


def _squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


def stated(text: str) -> set[tuple[float, str]]:
    """The quantities `text` states, reading "半个月" as 0.5 month (see numerals.quantities)."""
    return quantities(_HALF.sub(r"0.5\1", text))


def _check_constant(constant: Constant, lookup: LawLookup) -> str | None:
    article = lookup.article(constant.ref)
    if article is None:
        return f"ref {constant.ref.cited()} does not exist in knowledge/laws"
    if _squeeze(constant.quote) not in _squeeze(article.text):
        return f"quote {constant.quote!r} is not in {constant.ref.cited()}"
    if constant.in_words:
        return None
    if (constant.value, constant.unit) not in stated(constant.quote):
        return f"quote {constant.quote!r} does not state {constant.value:g} {constant.unit}"
    return None


def check_calculators(kb: KnowledgeBase, *, required: Collection[str] = ()) -> list[Problem]:
    """Every problem of the calculators' constants and replies; an empty list means they may ship.

    Args:
        kb: the loaded knowledge base (its `constants` come from calculators.toml).
        required: the constant keys the calculators compute with; each must be declared.
    """
    lookup = LawLookup(kb.laws)
    problems: list[Problem] = []
    for key in sorted(set(required) - set(kb.constants)):
        problems.append(Problem(CONSTANTS_FILE, key, "the calculators need this constant; declare it"))
    sourced: set[tuple[float, str]] = set()
    for constant in kb.constants.values():
        message = _check_constant(constant, lookup)
        if message is not None:
            problems.append(Problem(CONSTANTS_FILE, constant.key, message))
        article = lookup.article(constant.ref)
        if article is not None:
            sourced |= stated(article.text)
    path = kb.root / REPLIES_FILE
    if not path.exists():
        return problems
    for key, template in tomllib.loads(path.read_text(encoding="utf-8")).items():
        if not isinstance(template, str):
            continue
        text = _EXAMPLE.sub(" ", _PLACEHOLDER.sub(" ", template))
        named: set[tuple[float, str]] = set()
        for match in re.finditer(r"《[^》]+》第[^条]+条", text):
            found = lookup.find(match.group(0))
            article = None if found is None else found[0].article(found[1])
            if article is None:
                problems.append(Problem(REPLIES_FILE, key, f"cites {match.group(0)}, which is not in knowledge/laws"))
            else:
                named |= stated(article.text)
        unsupported = sorted(stated(text) - sourced - named)
        if unsupported:
            shown = ", ".join(f"{value:g} {unit}" for value, unit in unsupported)
            problems.append(Problem(REPLIES_FILE, key, f"states quantities no cited article states: {shown}"))
    return problems
