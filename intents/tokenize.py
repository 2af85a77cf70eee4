"""Tokenising with a dedicated jieba Tokenizer that knows union and labour terms (initialised once, lazily)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class Tokenizer:
    """jieba word segmentation with the union dictionary; the global jieba dictionary is never modified."""

    def __init__(self, user_dict: Path | None, extra_words: Iterable[str] = ()) -> None:
        self._user_dict = user_dict
        self._extra_words = tuple(extra_words)
        self._jieba: Any = None

    def _load(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        if self._user_dict is not None:
            tokenizer.load_userdict(str(self._user_dict))
        for word in self._extra_words:
            tokenizer.add_word(word)
        return tokenizer

    def words(self, text: str) -> list[str]:
        """The words of `text` (already normalised), spaces dropped."""
        if self._jieba is None:
            self._jieba = self._load()
        return [word for word in self._jieba.lcut(text, HMM=True) if word.strip()]
