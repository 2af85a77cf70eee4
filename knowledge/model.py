"""Typed, immutable model of the knowledge base: FAQ entries, law texts by article, fixed replies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# How answers cite: a law named in an answer (《劳动法》第…), and the basis note that ends an answer (（依据…）).
CITED_LAW = re.compile(r"《([^》]{2,30})》第")
ANSWER_BASIS = re.compile(r"（依据[^）]*）")


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
class ArticleChange:
    """An article (or one paragraph of it) that was repealed or replaced, and what replaced it.

    `by` names the provision now in force, written like a FAQ ref ("国务院关于职工工作时间的规定第三条");
    it may name a text that is not at hand (see `TextNotAtHand`).
    """

    article: int
    kind: str  # "repealed" | "replaced"
    by: str
    since: date  # the day the change took effect
    paragraph: int | None = None  # None: the whole article
    note: str = ""

    def describe(self) -> str:
        """The change as one line for the person editing an entry."""
        from knowledge.numerals import to_chinese

        part = f"第{to_chinese(self.paragraph)}款" if self.paragraph else ""
        verb = "repealed" if self.kind == "repealed" else "replaced"
        note = f" ({self.note})" if self.note else ""
        return f"{part or 'the article'} was {verb} by {self.by} from {self.since.isoformat()}{note}"


@dataclass(frozen=True, slots=True)
class LawStatus:
    """Where a law text comes from and which version it is: what `kb check` and `kb review` reason about."""

    kind: str = ""  # 法律 | 行政法规 | 司法解释 | 部门规章 | 地方性法规 …
    jurisdiction: str = "全国"  # 全国, or the region of a local rule (北京)
    version: date | None = None  # the version's date (latest amendment)
    in_force: date | None = None  # the day this version took effect
    source: str = ""  # where the text was taken from
    note: str = ""


@dataclass(frozen=True, slots=True)
class TextNotAtHand:
    """A text in force whose wording is not in knowledge/laws (no public source at hand).

    Answers may say that it exists and when it took effect, never what its articles say: for that point they
    send the worker to 12333 / 12351.
    """

    title: str
    names: tuple[str, ...]
    number: str  # document number, e.g. 法释〔2025〕12号
    in_force: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class LawText:
    """One law: its names, the intent it belongs to, its articles by number and its status."""

    file: str
    title: str
    names: tuple[str, ...]  # first is canonical
    intent: str
    articles: Mapping[int, str]
    status: LawStatus = field(default_factory=LawStatus)
    changes: tuple[ArticleChange, ...] = ()

    def changes_of(self, number: int) -> tuple[ArticleChange, ...]:
        """The repeals and replacements that touch article `number` (empty when it stands as written)."""
        return tuple(change for change in self.changes if change.article == number)

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
    reviewed: date | None = None  # the day a person last read the answer against its texts


@dataclass(frozen=True, slots=True)
class LocalRule:
    """A local figure an answer may use as a placeholder, with the local rule it comes from.

    Built from config.toml's `[[local_rules]]`; `kb check` requires an answer using it to say whose rule it
    is (the region, e.g. "北京规定") and to name the rule; `kb review` compares `since` with an entry's review.
    """

    key: str
    value: str
    region: str  # 北京
    rule: str  # the rule's title, e.g. 北京市人口与计划生育条例
    since: date  # the day the figure took effect in this version of the rule
    source: str = ""


@dataclass(frozen=True, slots=True)
class Constant:
    """A number a calculator computes with, and the article that states it (knowledge/calculators.toml).

    `quote` is the article's own words for it; `kb check` proves the quote is in the article and states
    `value` in `unit` (day, month, year, hour or percent), unless `in_words` says the article states it
    in words only (e.g. "包含…正常工作期间的工资收入" for the 100 % already paid).
    """

    key: str
    value: float
    unit: str
    ref: LawRef
    quote: str
    in_words: bool = False


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Words a worker may use for one thing; matching rewrites each variant to `canonical`."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """A legal concept and the everyday words that mean it (knowledge/concepts.toml).

    `domain` is "labour" or another field of law (marriage, traffic …); `weight` is how strongly a hit marks
    its domain when the bot decides whether a question is about labour law at all. `answer`, when set, is the
    FAQ entry that answers a work story about this concept whose question matches no entry clearly (an
    injury told in full gets the steps after a work injury rather than a menu).
    """

    name: str
    domain: str
    words: tuple[str, ...]
    weight: float = 1.0
    answer: str = ""


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
    not_at_hand: tuple[TextNotAtHand, ...] = ()  # texts in force whose wording is not in laws/
    constants: Mapping[str, Constant] = field(default_factory=dict)  # calculators.toml, by key

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

    def cite(self, provision: str) -> str:
        """A provision written like a ref ("劳动争议司法解释二第二十一条") with the text's full title, for a worker.

        Works for laws at hand and texts not at hand; an unknown name is kept as written.
        """
        name, mark, rest = provision.partition("第")
        article = mark + rest if mark and rest.endswith("条") else ""
        name = name if article else provision
        titles = {n: law.title for law in self.laws for n in law.names}
        titles |= {n: other.title for other in self.not_at_hand for n in other.names}
        return f"《{titles.get(name, name)}》{article}"
