"""Typed, immutable model of the knowledge base: FAQ entries, law texts by article, fixed replies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class KnowledgeError(Exception):
    """A knowledge file is missing or malformed; names the file and the key at fault."""

    def __init__(self, file: Path | str, key: str, message: str) -> None:
        super().__init__(f"{file}: {key}: {message}")
        self.file = str(file)
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class LawRef:
    """A reference to one article: the law's canonical short name and the article number."""

    law: str
    article: int

    def cited(self) -> str:
        """The reference as an answer names it, e.g. 《劳动法》第四十四条."""
        from knowledge.numerals import to_chinese

        return f"《{self.law}》第{to_chinese(self.article)}条"


@dataclass(frozen=True, slots=True)
class LawArticle:
    """One article of a law, verbatim."""

    law: str  # canonical short name, e.g. "工会法"
    title: str  # full title, e.g. "中华人民共和国工会法"
    number: int
    text: str
    intent: str  # the intent a question about this law belongs to


@dataclass(frozen=True, slots=True)
class LawText:
    """One law: its names, the intent it belongs to and its articles by number."""

    file: str
    title: str
    names: tuple[str, ...]  # first is canonical
    intent: str
    articles: Mapping[int, str]

    @property
    def short_name(self) -> str:
        """The canonical short name (the first of `names`)."""
        return self.names[0]

    def article(self, number: int) -> LawArticle | None:
        """The article with this number, or None when the law has no such article."""
        text = self.articles.get(number)
        if text is None:
            return None
        return LawArticle(self.short_name, self.title, number, text, self.intent)


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One answerable topic: the phrasings a worker may type and the answer with its law references."""

    id: str
    intent: str
    phrasings: tuple[str, ...]
    answer: str
    refs: tuple[LawRef, ...] = ()
    detail: str = ""
    source: str = ""  # file name, for error messages
    action: str = ""  # what the skill does besides answering, e.g. "open_case" (see intents/skills)


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Words a worker may use for one thing; matching rewrites each variant to `canonical`."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """A legal concept and the everyday words that mean it (knowledge/concepts.toml).

    `domain` is "labour" or another field of law (marriage, traffic …); `weight` is how strongly a hit marks
    its domain when the bot decides whether a question is about labour law at all.
    """

    name: str
    domain: str
    words: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything the dialogue answers from, loaded once and shared read-only."""

    root: Path
    entries: tuple[FaqEntry, ...]
    laws: tuple[LawText, ...]
    replies: Mapping[str, str]
    words: Mapping[str, tuple[str, ...]]  # word lists from replies/*.toml: cancel, yes, no, detail …
    synonyms: tuple[SynonymGroup, ...]
    crisis_phrases: tuple[str, ...]
    stopwords: frozenset[str]
    user_dict: Path | None
    fingerprint: str  # hash of every file read: a cache built from this base is valid while it matches
    by_id: Mapping[str, FaqEntry] = field(default_factory=dict)
    concepts: tuple[Concept, ...] = ()
    domain_entries: Mapping[str, str] = field(default_factory=dict)  # non-labour domain → pointer entry id

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The entry with this id, or None."""
        return self.by_id.get(entry_id)

    def reply(self, key: str) -> str:
        """The fixed sentence stored under `key` in replies/*.toml.

        Raises:
            KeyError: the key is in no replies file (a programming error, caught by tests).
        """
        return self.replies[key]

    def law(self, name: str) -> LawText | None:
        """The law known by this short name (any of its names), or None."""
        for law in self.laws:
            if name in law.names:
                return law
        return None
