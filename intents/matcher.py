"""Ranking FAQ entries for a message: idf-weighted overlap of words, character bigrams and pinyin bigrams
(retrieval over an inverted index, BM25 idf), re-ranked with rapidfuzz.

Why three kinds of feature: jieba words carry meaning; character bigrams survive segmentation errors and
unknown words; pinyin bigrams make homophone typos (公会法, 报鸣, 加班费怎么酸) match the right words.
"""

from __future__ import annotations

import heapq
import math
import pickle
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz

from intents.normalize import SynonymRewriter, normalize
from intents.tokenize import Tokenizer, write_atomically
from knowledge import FaqEntry, KnowledgeBase
from knowledge.laws import LawLookup
from knowledge.numerals import NUMBER_CHARS

INDEX_VERSION = 6
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.6
PINYIN_WEIGHT = 0.4
UNIGRAM_WEIGHT = 0.5
FUZZ_SHARE = 0.3
COMMON_SHARE = 0.15  # a feature in more than this share of phrasings carries no information: skipped
RERANK_DEPTH = 40  # phrasings re-ranked with rapidfuzz after retrieval
LONG_MESSAGE_CHARS = 16  # meaningful characters from which a message counts as a story, not a question
CLAUSE_DISCOUNT = 0.85  # a clause matching alone counts less than the whole message matching
MIN_CLAUSE_WORDS_CHARS = 3  # a clause must say this much (stopwords aside) to be ranked on its own


@dataclass(frozen=True, slots=True)
class Candidate:
    """One FAQ entry with how well the message matches it (0–1) and the phrasing that matched best."""

    entry: FaqEntry
    score: float
    phrasing: str


def _is_number(word: str) -> bool:
    return all(char in NUMBER_CHARS for char in word)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _pinyin_table() -> dict[str, str]:
    from pypinyin import Style, lazy_pinyin

    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    syllables = lazy_pinyin(chars, style=Style.NORMAL, errors=lambda _item: "?")
    return {char: syllable for char, syllable in zip(chars, syllables, strict=True) if syllable != "?"}


@dataclass(slots=True)
class _Index:
    fingerprint: str
    version: int
    pinyin: dict[str, str]
    doc_entry: list[int]  # doc → entry position
    doc_slot: list[int]  # doc → phrasing position within its entry
    doc_text: list[str]  # doc → content string (for rapidfuzz)
    doc_norm: list[float]  # doc → sum of weights of its features
    postings: dict[str, list[int]]
    idf: dict[str, float]
    common: frozenset[str]  # features in too many phrasings to tell them apart: ignored
    default_idf: float


class Matcher:
    """Ranks the knowledge base's entries for a message; built once per process, read-only afterwards."""

    def __init__(self, kb: KnowledgeBase, *, cache_dir: Path | None = None) -> None:
        self._kb = kb
        law_names = [name for law in kb.laws for name in law.names]
        self.rewriter = SynonymRewriter(kb.synonyms)
        self.laws = LawLookup(kb.laws)
        self.tokenizer = Tokenizer(kb.user_dict, extra_words=law_names, cache_dir=cache_dir)
        self._stopwords = kb.stopwords
        self._entries = kb.entries
        self._index = self._load_or_build(cache_dir)

    # ---- features -------------------------------------------------------------------------

    def prepare(self, text: str) -> str:
        """Normalise and rewrite synonyms: the form every other step works on."""
        return self.rewriter.rewrite(normalize(text))

    def content(self, prepared: str) -> list[str]:
        """The words that carry meaning: stopwords and bare numbers (3, 二十多个) dropped.

        A message made only of such words ("在吗") keeps them all: they are then all it says.
        """
        words = self.tokenizer.words(prepared)
        meaningful = [word for word in words if word not in self._stopwords and not _is_number(word)]
        return meaningful or words

    def _features(self, words: Iterable[str], pinyin: dict[str, str]) -> dict[str, float]:
        features: dict[str, float] = {}
        runs: list[str] = []
        run = ""
        for word in words:
            features["w:" + word] = WORD_WEIGHT
            if all(_is_cjk(char) for char in word):
                run += word
            else:
                runs.append(run)
                run = ""
        runs.append(run)
        for text in runs:
            if len(text) == 1:
                features.setdefault("u:" + text, UNIGRAM_WEIGHT)
            for left, right in pairwise(text):
                features.setdefault("b:" + left + right, BIGRAM_WEIGHT)
                features.setdefault(f"p:{pinyin.get(left, left)}_{pinyin.get(right, right)}", PINYIN_WEIGHT)
        return features

    # ---- index ----------------------------------------------------------------------------

    def _build(self) -> _Index:
        pinyin = _pinyin_table()
        doc_entry: list[int] = []
        doc_slot: list[int] = []
        doc_text: list[str] = []
        doc_features: list[dict[str, float]] = []
        for position, entry in enumerate(self._entries):
            for slot, phrasing in enumerate(entry.phrasings):
                words = self.content(self.prepare(phrasing))
                doc_entry.append(position)
                doc_slot.append(slot)
                doc_text.append("".join(words))
                doc_features.append(self._features(words, pinyin))
        count = max(len(doc_features), 1)
        df: dict[str, int] = defaultdict(int)
        for features in doc_features:
            for feature in features:
                df[feature] += 1
        idf = {feature: math.log(1 + (count - n + 0.5) / (n + 0.5)) for feature, n in df.items()}
        common = {feature for feature, n in df.items() if n > COMMON_SHARE * count and count > 50}
        postings: dict[str, list[int]] = defaultdict(list)
        doc_norm: list[float] = []
        for doc, features in enumerate(doc_features):
            norm = 0.0
            for feature, weight in features.items():
                if feature in common:
                    continue
                postings[feature].append(doc)
                norm += weight * idf[feature]
            doc_norm.append(norm)
        return _Index(
            fingerprint=self._kb.fingerprint,
            version=INDEX_VERSION,
            pinyin=pinyin,
            doc_entry=doc_entry,
            doc_slot=doc_slot,
            doc_text=doc_text,
            doc_norm=doc_norm,
            postings=dict(postings),
            idf={feature: value for feature, value in idf.items() if feature not in common},
            common=frozenset(common),
            default_idf=math.log(1 + (count + 0.5) / 0.5),
        )

    def _load_or_build(self, cache_dir: Path | None) -> _Index:
        path = cache_dir / f"index-{self._kb.fingerprint}.pickle" if cache_dir else None
        if path is not None and path.exists():
            try:
                with path.open("rb") as file:
                    cached = pickle.load(file)
                if isinstance(cached, _Index) and cached.version == INDEX_VERSION:
                    return cached
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                pass  # a damaged or stale cache is rebuilt below
        index = self._build()
        if path is not None:
            self._store(index, path)
        return index

    @staticmethod
    def _store(index: _Index, path: Path) -> None:
        write_atomically(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        for stale in path.parent.glob("index-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)

    def warm_up(self) -> None:
        """Load the word dictionary now, so the first worker does not wait for it."""
        self.tokenizer.load()

    # ---- ranking --------------------------------------------------------------------------

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        """The best `limit` entries for `text`, best first, one candidate per entry.

        A long message that tells a story in several clauses ("老板拖欠工资，我叫李四，……没签合同") is also
        ranked clause by clause: each topic it raises then scores as if asked alone (a little lower than a
        whole-message match), so two topics surface side by side instead of a blur of both.
        """
        prepared = self.prepare(text)
        best = {candidate.entry.id: candidate for candidate in self._rank_prepared(prepared, limit)}
        clauses = [
            clause
            for clause in prepared.split(" ")
            if len("".join(self.content(clause))) >= MIN_CLAUSE_WORDS_CHARS
        ]
        if len(prepared) >= LONG_MESSAGE_CHARS and len(clauses) >= 2:
            for clause in clauses:
                for candidate in self._rank_prepared(clause, limit):
                    scored = Candidate(candidate.entry, round(candidate.score * CLAUSE_DISCOUNT, 4), candidate.phrasing)
                    if scored.entry.id not in best or scored.score > best[scored.entry.id].score:
                        best[scored.entry.id] = scored
        return sorted(best.values(), key=lambda candidate: candidate.score, reverse=True)[:limit]

    def _rank_prepared(self, prepared: str, limit: int) -> list[Candidate]:
        index = self._index
        words = self.content(prepared)
        features = self._features(words, index.pinyin)
        query_norm = 0.0
        overlap: dict[int, float] = defaultdict(float)
        for feature, weight in features.items():
            idf = index.idf.get(feature)
            if idf is None:
                if feature in index.common or not feature.startswith(("w:", "b:")):
                    continue  # a too-common feature, or an unseen pinyin/unigram: no evidence either way
                idf = index.default_idf  # an unknown word: evidence the message is about something else
            query_norm += weight * idf
            for doc in index.postings.get(feature, ()):
                overlap[doc] += weight * idf
        if not overlap or query_norm == 0:
            return []
        # Retrieval: idf-weighted F-measure of shared features, for every phrasing sharing any feature.
        query_text = "".join(words)
        retrieved: list[tuple[float, int]] = []
        for doc, shared in overlap.items():
            recall = shared / query_norm
            precision = shared / index.doc_norm[doc] if index.doc_norm[doc] else 0.0
            retrieved.append((2 * precision * recall / (precision + recall), doc))
        # Re-rank only the best few with rapidfuzz (the costly part), one candidate per entry.
        best: dict[int, tuple[float, int]] = {}
        for f_score, doc in heapq.nlargest(RERANK_DEPTH, retrieved):
            score = (1 - FUZZ_SHARE) * f_score + FUZZ_SHARE * fuzz.ratio(
                query_text, index.doc_text[doc]
            ) / 100
            entry = index.doc_entry[doc]
            if entry not in best or score > best[entry][0]:
                best[entry] = (score, doc)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:limit]
        return [
            Candidate(
                self._entries[entry], round(score, 4), self._entries[entry].phrasings[index.doc_slot[doc]]
            )
            for entry, (score, doc) in ranked
        ]
