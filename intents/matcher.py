"""Ranking FAQ entries for a message: idf-weighted overlap of words, character bigrams and pinyin bigrams
(retrieval over an inverted index, BM25 idf), re-ranked with rapidfuzz.

Why three kinds of feature: jieba words carry meaning; character bigrams survive segmentation errors and
unknown words; pinyin bigrams make homophone typos (公会法, 报鸣, 加班费怎么酸) match the right words.
"""

from __future__ import annotations

import heapq
import math
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz

from intents.concepts import ConceptLexicon
from intents.normalize import SynonymRewriter, normalize
from intents.tokenize import Tokenizer, write_atomically
from knowledge import FaqEntry, KnowledgeBase
from knowledge.laws import LawLookup
from knowledge.model import ANSWER_BASIS
from knowledge.numerals import NUMBER_CHARS

INDEX_VERSION = 8
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
RANKED_CLAUSES = 3  # a long story's clauses ranked on their own: the three that say the most
# Retrieval by meaning: each entry is also one document made of all its phrasings, its answer and detail
# (at ANSWER_SHARE), words and concepts (knowledge/concepts.toml) alike; the message is compared with it by
# tf-idf cosine. The final score blends the best phrasing's score with this one.
MEANING_SHARE = 0.45
ANSWER_SHARE = 0.3
CONCEPT_WEIGHT = 2.0
FOCUS_WEIGHT = 1.6  # the clauses that ask the question count this much more than the background
FOCUS_MIN_CHARS = 10  # a question span shorter than this takes in the clause before it ("这合法吗")
FOCUS_MAX_CHARS = 20  # a longer span is a run-on story: only the words around its question word are its focus
FOCUS_REACH = 10  # characters kept each side of that question word
CANDIDATE_DEPTH = 12
READING_CACHE = 32  # texts whose reading is kept: one turn reads its text several times
_CITATION = re.compile(rf"{ANSWER_BASIS.pattern}|\{{[a-z_]+\}}")


@dataclass(frozen=True, slots=True)
class Reading:
    """A message as the matcher reads it: normalised, rewritten, tokenised and its concepts found, once."""

    prepared: str  # normalised, synonyms rewritten, clauses separated by spaces
    folded: str  # normalised without spaces (concepts, domains)
    words: tuple[str, ...]  # content words of the whole message
    clauses: tuple[tuple[str, ...], ...]  # content words clause by clause
    concepts: Counter[str]  # concept name → hits
    domains: dict[str, float]  # field of law → weight of its distinct concepts
    meaning: dict[str, float]  # words and concepts with counts, the question's clauses weighted up
    focus: tuple[str, ...]  # content words of the question span (question_span), empty when none
    focus_domains: dict[str, float]  # field of law → weight of its concepts within the question span


def question_words(kb: KnowledgeBase) -> re.Pattern[str]:
    """Words that turn a clause into the question (words.question_words): the worker's ask, not the story."""
    return re.compile("|".join(map(re.escape, kb.words.get("question_words", ()))) or "(?!)")


def question_span(prepared: str, asks: re.Pattern[str]) -> str:
    """The words that ask the question: the last clause with a question word, with the clauses before it while
    the span is too short to name a topic ("这合法吗"); in a long run-on clause, the words around its last
    question word ("……住院怎样申请工伤认定"). Empty when nothing asks or the question is the whole message."""
    pieces = prepared.split(" ")
    asking = [number for number, piece in enumerate(pieces) if asks.search(piece)]
    if not asking:
        return ""
    last = start = asking[-1]
    while start > 0 and len("".join(pieces[start : last + 1])) < FOCUS_MIN_CHARS:
        start -= 1
    span = " ".join(pieces[start : last + 1])
    if len(span) > FOCUS_MAX_CHARS:
        *_, asked = asks.finditer(span)
        span = span[max(0, asked.start() - FOCUS_REACH) : asked.end() + FOCUS_REACH].strip()
    return "" if span == prepared else span


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
    meaning_postings: dict[str, list[tuple[int, float]]]  # feature → (entry, weight in its unit vector)
    meaning_idf: dict[str, float]


class Matcher:
    """Ranks the knowledge base's entries for a message; built once per process, read-only afterwards."""

    def __init__(self, kb: KnowledgeBase, *, cache_dir: Path | None = None) -> None:
        self._kb = kb
        law_names = [name for law in kb.laws for name in law.names]
        self.rewriter = SynonymRewriter(kb.synonyms)
        self.laws = LawLookup(kb.laws)
        self.concepts = ConceptLexicon(kb.concepts)
        self.tokenizer = Tokenizer(kb.user_dict, extra_words=law_names, cache_dir=cache_dir)
        self._stopwords = kb.stopwords
        self._entries = kb.entries
        self._asks = question_words(kb)
        # Concepts that show a message is about a job (words.work_concepts, e.g. the job-relationship concept).
        self.work_concepts = frozenset(kb.words.get("work_concepts", ()))
        self._index = self._load_or_build(cache_dir)
        self._position = {entry.id: position for position, entry in enumerate(self._entries)}
        self._readings: dict[str, Reading] = {}

    # ---- features -------------------------------------------------------------------------

    def prepare(self, text: str) -> str:
        """Normalise and rewrite synonyms: the form every other step works on."""
        return self.rewriter.rewrite(normalize(text))

    def question_core(self, text: str) -> str:
        """What a question is about: its meaningful words, prepared, run together (for grouping questions)."""
        return "".join(self.content(self.prepare(text)))

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
        meaning_postings, meaning_idf = self._build_meaning()
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
            meaning_postings=meaning_postings,
            meaning_idf=meaning_idf,
        )

    def meaning_features(self, text: str) -> Counter[str]:
        """Words ("w:") and concepts ("c:") of a piece of text, with counts: what an entry and a message mean."""
        prepared = self.prepare(text)
        found = Counter("w:" + word for word in self.content(prepared))
        concepts = self.concepts.find(normalize(text).replace(" ", ""))
        concepts |= self.concepts.find(prepared.replace(" ", ""))
        for name, hits in concepts.items():
            found["c:" + name] += hits
        return found

    def _build_meaning(self) -> tuple[dict[str, list[tuple[int, float]]], dict[str, float]]:
        raw: list[dict[str, float]] = []
        for entry in self._entries:
            weights: dict[str, float] = defaultdict(float)
            for phrasing in entry.phrasings:
                for feature, hits in self.meaning_features(phrasing).items():
                    weights[feature] += hits
            told = _CITATION.sub(" ", f"{entry.answer}\n{entry.detail}")
            for feature, hits in self.meaning_features(told).items():
                weights[feature] += ANSWER_SHARE * hits
            raw.append(weights)
        count = max(len(raw), 1)
        df = Counter(feature for weights in raw for feature in weights)
        idf = {feature: math.log(1 + count / n) for feature, n in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, weights in enumerate(raw):
            vector = {
                feature: (1 + math.log(1 + tf)) * idf[feature] * (CONCEPT_WEIGHT if feature[0] == "c" else 1.0)
                for feature, tf in weights.items()
            }
            norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
            for feature, value in vector.items():
                postings[feature].append((position, value / norm))
        return dict(postings), idf

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

    def read(self, text: str) -> Reading:
        """The message as every step reads it, computed once per text (kept for the last few texts).

        One turn asks about the same text several times (the domain check, the ranking, the intake check);
        normalising, rewriting synonyms, tokenising and finding concepts happen once.
        """
        cached = self._readings.get(text)
        if cached is not None:
            return cached
        reading = self._read(text)
        if len(self._readings) >= READING_CACHE:
            self._readings.pop(next(iter(self._readings)), None)
        self._readings[text] = reading
        return reading

    def _read(self, text: str) -> Reading:
        normal = normalize(text)
        folded = normal.replace(" ", "")
        prepared = self.rewriter.rewrite(normal)
        raw = self.tokenizer.clauses(prepared)
        clauses = tuple(
            tuple(word for word in words if word not in self._stopwords and not _is_number(word)) for words in raw
        )
        words = tuple(word for clause in clauses for word in clause) or tuple(word for words in raw for word in words)
        concepts = self.concepts.find(folded) | self.concepts.find(prepared.replace(" ", ""))
        meaning: dict[str, float] = dict(Counter("w:" + word for word in words))
        for name, hits in concepts.items():
            meaning["c:" + name] = meaning.get("c:" + name, 0.0) + hits
        span = question_span(prepared, self._asks)
        focus: tuple[str, ...] = ()
        focus_domains: dict[str, float] = {}
        if span:  # the question's words weigh more than the background
            focus = tuple(
                word
                for words in self.tokenizer.clauses(span)
                for word in words
                if word not in self._stopwords and not _is_number(word)
            )
            for word in focus:
                meaning["w:" + word] = meaning.get("w:" + word, 0.0) + FOCUS_WEIGHT - 1
            focus_domains = self.concepts.domains(span.replace(" ", ""))
            for name, hits in self.concepts.find(span.replace(" ", "")).items():
                meaning["c:" + name] = meaning.get("c:" + name, 0.0) + (FOCUS_WEIGHT - 1) * hits
        return Reading(
            prepared=prepared,
            folded=folded,
            words=words,
            clauses=clauses,
            concepts=concepts,
            domains=self.concepts.domains(folded),
            meaning=meaning,
            focus=focus,
            focus_domains=focus_domains,
        )

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        """The best `limit` entries for `text`, best first, one candidate per entry.

        Two views are blended: the best single phrasing (words, bigrams, pinyin, rapidfuzz) and the entry as a
        whole (phrasings, answer, concepts) by meaning. A long message that tells a story in several clauses
        ("老板拖欠工资，我叫李四，……没签合同") is also ranked clause by clause (its three most telling clauses), so
        each topic it raises scores as if asked alone; the clauses that ask the question weigh more than the
        background in the meaning view.
        """
        reading = self.read(text)
        phrased = {candidate.entry.id: candidate for candidate in self._rank_words(reading.words, CANDIDATE_DEPTH)}
        clauses = [words for words in reading.clauses if len("".join(words)) >= MIN_CLAUSE_WORDS_CHARS]
        if len(clauses) > RANKED_CLAUSES:  # only the clauses that say the most (idf of their words) are ranked
            idf = self._index.idf
            said = [sum(idf.get("w:" + word, 0.0) for word in words) for words in clauses]
            kept = sorted(sorted(range(len(clauses)), key=lambda number: -said[number])[:RANKED_CLAUSES])
            clauses = [clauses[number] for number in kept]
        if reading.focus and reading.focus not in clauses and len("".join(reading.focus)) >= MIN_CLAUSE_WORDS_CHARS:
            clauses.append(reading.focus)  # the question itself, ranked as if asked alone
        if len(reading.prepared) >= LONG_MESSAGE_CHARS and len(clauses) >= 2:
            for words in clauses:
                for candidate in self._rank_words(words, limit):
                    scored = Candidate(candidate.entry, round(candidate.score * CLAUSE_DISCOUNT, 4), candidate.phrasing)
                    if scored.entry.id not in phrased or scored.score > phrased[scored.entry.id].score:
                        phrased[scored.entry.id] = scored
        meaning = self._meaning(reading)
        blended: dict[int, float] = {}
        for entry_id, candidate in phrased.items():
            blended[self._position[entry_id]] = (1 - MEANING_SHARE) * candidate.score
        for position, similarity in meaning.items():
            blended[position] = blended.get(position, 0.0) + MEANING_SHARE * similarity
        best = heapq.nlargest(limit, blended.items(), key=lambda item: item[1])
        return [
            Candidate(
                self._entries[position],
                round(score, 4),
                phrased[self._entries[position].id].phrasing
                if self._entries[position].id in phrased
                else self._entries[position].phrasings[0],
            )
            for position, score in best
        ]

    def _meaning(self, reading: Reading) -> dict[int, float]:
        """Entry position → cosine between the message and the entry's whole document (words and concepts)."""
        index = self._index
        vector: dict[str, float] = {}
        for feature, tf in reading.meaning.items():
            idf = index.meaning_idf.get(feature)
            if idf is None:
                continue
            vector[feature] = (1 + math.log(1 + tf)) * idf * (CONCEPT_WEIGHT if feature[0] == "c" else 1.0)
        norm = math.sqrt(sum(value * value for value in vector.values()))
        if not norm:
            return {}
        similarity: dict[int, float] = defaultdict(float)
        for feature, value in vector.items():
            for position, weight in index.meaning_postings.get(feature, ()):
                similarity[position] += weight * value / norm
        return similarity

    def _rank_words(self, words: Sequence[str], limit: int) -> list[Candidate]:
        index = self._index
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
        # (F = 2PR/(P+R) with P = shared/doc_norm, R = shared/query_norm, i.e. 2·shared/(query_norm + doc_norm).)
        doc_norm = index.doc_norm
        retrieved = [(2 * shared / (query_norm + doc_norm[doc]), doc) for doc, shared in overlap.items()]
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
