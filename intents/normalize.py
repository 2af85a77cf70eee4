"""Text normalisation before matching: width, traditional → simplified, case, punctuation and emoji; synonyms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from knowledge import SynonymGroup

_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff%.]+")
_STRAY_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def clean(text: str) -> str:
    """Text fit to store and show: no control characters, surrounding white space removed."""
    return _CONTROL.sub("", text).strip()


def normalize(text: str) -> str:
    """Fold a message to the form matching compares: 加班費 怎麼算？！ → "加班费 怎么算".

    Full-width letters and digits become half-width, traditional characters simplified, Latin letters lower
    case; punctuation, emoji and symbols become single spaces (a decimal point and % are kept for amounts).
    """
    text = unicodedata.normalize("NFKC", text)
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        text = _t2s().convert(text)
    text = _NOT_WORD.sub(" ", text.lower())
    text = _STRAY_DOT.sub(" ", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Normalised with spaces removed: how whole-message words (算了, 详细说明) and phrases are compared."""
    return normalize(text).replace(" ", "")


@lru_cache(maxsize=64)
def fold_all(words: tuple[str, ...]) -> frozenset[str]:
    """Every word folded, computed once per word list (word lists come from the read-only knowledge base)."""
    return frozenset(fold(word) for word in words)


class SynonymRewriter:
    """Rewrites every variant to its canonical word (longest variant first), in phrasings and messages alike."""

    def __init__(self, groups: Iterable[SynonymGroup]) -> None:
        self._canonical: dict[str, str] = {}
        for group in groups:
            for variant in group.variants:
                key = normalize(variant).replace(" ", "")
                if key and key != group.canonical:
                    self._canonical.setdefault(key, group.canonical)
        variants = sorted(self._canonical, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, variants))) if variants else None

    def rewrite(self, text: str) -> str:
        """`text` (already normalised) with synonyms replaced by their canonical word."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: self._canonical[match.group(0)], text)
