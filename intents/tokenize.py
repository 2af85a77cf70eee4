"""Tokenising with a dedicated jieba Tokenizer that knows union and labour terms (initialised once, lazily).

jieba's own start-up reads its 9 MB dictionary cache with `marshal.load(file)`, which is three times slower
than reading the bytes first; we keep our own cache of the dictionary *with the union terms applied* and
load it with `marshal.loads`, so a process is ready in a third of the time.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CACHE_VERSION = 1


class Tokenizer:
    """jieba word segmentation with the union dictionary; the global jieba dictionary is never modified."""

    def __init__(
        self, user_dict: Path | None, extra_words: Iterable[str] = (), cache_dir: Path | None = None
    ) -> None:
        self._user_dict = user_dict
        self._extra_words = tuple(extra_words)
        self._cache_dir = cache_dir
        self._jieba: Any = None

    def _cache_path(self) -> Path | None:
        if self._cache_dir is None:
            return None
        import jieba

        digest = hashlib.sha256(f"{CACHE_VERSION} {jieba.__version__}".encode())
        if self._user_dict is not None:
            digest.update(self._user_dict.read_bytes())
        digest.update("\n".join(self._extra_words).encode())
        return self._cache_dir / f"jieba-{digest.hexdigest()[:16]}.marshal"

    def _load(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        cache = self._cache_path()
        if cache is not None and cache.exists():
            try:
                tokenizer.FREQ, tokenizer.total = marshal.loads(cache.read_bytes())
                tokenizer.initialized = True
                return tokenizer
            except (OSError, EOFError, ValueError, TypeError):
                pass  # a damaged cache is rebuilt below
        tokenizer.initialize()
        if self._user_dict is not None:
            tokenizer.load_userdict(str(self._user_dict))
        for word in self._extra_words:
            tokenizer.add_word(word)
        if cache is not None:
            write_atomically(cache, marshal.dumps((tokenizer.FREQ, tokenizer.total)))
            for stale in cache.parent.glob("jieba-*.marshal"):
                if stale != cache:
                    stale.unlink(missing_ok=True)
        return tokenizer

    def load(self) -> None:
        """Load the dictionary now rather than on the first message (a server warms up before serving)."""
        if self._jieba is None:
            self._jieba = self._load()

    def words(self, text: str) -> list[str]:
        """The words of `text` (already normalised), spaces dropped."""
        if self._jieba is None:
            self._jieba = self._load()
        return [word for word in self._jieba.lcut(text, HMM=True) if word.strip()]

    def clauses(self, text: str) -> list[list[str]]:
        """The words of each space-separated clause of `text` (already normalised), in one jieba pass.

        jieba cuts at every space anyway, so this equals tokenising clause by clause, at the cost of once.
        """
        if self._jieba is None:
            self._jieba = self._load()
        found: list[list[str]] = [[]]
        for word in self._jieba.lcut(text, HMM=True):
            if word.strip():
                found[-1].append(word)
            elif found[-1]:
                found.append([])
        return [clause for clause in found if clause]


def write_atomically(path: Path, data: bytes) -> None:
    """Write-then-rename, so a process starting at the same moment reads a whole file or none."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache is slower, not wrong
