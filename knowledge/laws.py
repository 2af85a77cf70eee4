"""Law texts indexed by article: parse the Markdown files and find "工会法第三条" in a worker's message."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.model import (
    ArticleChange,
    KnowledgeError,
    LawArticle,
    LawRef,
    LawStatus,
    LawText,
    TextNotAtHand,
)
from knowledge.numerals import CHINESE_NUMBER, parse_chinese

_ARTICLE_START = re.compile(rf"^第([{CHINESE_NUMBER}]+)条\s*(.*)$")
_SECTION_START = re.compile(rf"^#+\s*([{CHINESE_NUMBER}]+)(?:、|$)")


def parse_law_file(path: Path, *, sections: bool = False) -> dict[int, str]:
    """Split a law's Markdown text into articles: number → verbatim text (paragraphs joined by newlines).

    An article starts at a line "第…条" and runs until the next article or chapter heading. With
    `sections`, a document without articles (a ministry notice) is split at its numbered parts instead:
    the heading "## 二、日工资、小时工资的折算" starts article 2.
    """
    articles: dict[int, list[str]] = {}
    current: int | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        if line.startswith("#"):
            section = _SECTION_START.match(line) if sections else None
            current = parse_chinese(section.group(1)) if section else None
            if current is not None:
                articles[current] = [line.lstrip("# ")]
            continue
        match = None if sections else _ARTICLE_START.match(line)
        if match:
            number = parse_chinese(match.group(1))
            if number is None:
                raise KnowledgeError(path, line[:20], "article number is not a Chinese numeral")
            current = number
            articles[current] = [line]
        elif current is not None:
            articles[current].append(line)
    return {number: "\n".join(lines) for number, lines in articles.items()}


def _read_index(laws_dir: Path) -> tuple[Path, dict[str, Any]]:
    index = laws_dir / "laws.toml"
    try:
        return index, tomllib.loads(index.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KnowledgeError(index, "-", str(error)) from error


def _date(index: Path, key: str, value: object, *, required: bool = False) -> date | None:
    if value is None and not required:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise KnowledgeError(index, key, "must be a date like 2025-09-01 (TOML date, no quotes)")


def _status(index: Path, key: str, item: dict[str, Any]) -> LawStatus:
    return LawStatus(
        kind=str(item.get("kind", "")),
        jurisdiction=str(item.get("jurisdiction", "全国")),
        version=_date(index, f"{key}.version", item.get("version")),
        in_force=_date(index, f"{key}.in_force", item.get("in_force")),
        source=str(item.get("source", "")),
        note=str(item.get("note", "")),
    )


def _changes(index: Path, key: str, items: object) -> tuple[ArticleChange, ...]:
    if not isinstance(items, list):
        raise KnowledgeError(index, f"{key}.changes", "must be a list of tables ([[law.changes]])")
    changes: list[ArticleChange] = []
    for position, raw in enumerate(items):
        where = f"{key}.changes[{position}]"
        if not isinstance(raw, dict):
            raise KnowledgeError(index, where, "must be a table")
        kind = raw.get("kind")
        if kind not in ("repealed", "replaced"):
            raise KnowledgeError(index, f"{where}.kind", "must be 'repealed' or 'replaced'")
        article, paragraph, by = raw.get("article"), raw.get("paragraph"), raw.get("by")
        if not isinstance(article, int) or not isinstance(by, str) or not by:
            raise KnowledgeError(index, where, "needs article = <number> and by = '<what replaced it>'")
        if paragraph is not None and not isinstance(paragraph, int):
            raise KnowledgeError(index, f"{where}.paragraph", "must be a number")
        since = _date(index, f"{where}.since", raw.get("since"), required=True)
        assert since is not None  # required=True raised otherwise
        changes.append(ArticleChange(article, kind, by, since, paragraph, str(raw.get("note", ""))))
    return tuple(changes)


def load_not_at_hand(laws_dir: Path) -> tuple[TextNotAtHand, ...]:
    """The texts in force that laws.toml lists under `[[not_at_hand]]` (no wording in this folder).

    Raises:
        KnowledgeError: an entry lacks its title, names or date in force.
    """
    index, data = _read_index(laws_dir)
    texts: list[TextNotAtHand] = []
    for position, item in enumerate(data.get("not_at_hand", [])):
        key = f"not_at_hand[{position}]"
        try:
            title, names = str(item["title"]), tuple(str(name) for name in item["names"])
        except (KeyError, TypeError) as error:
            raise KnowledgeError(index, key, f"missing {error}") from error
        in_force = _date(index, f"{key}.in_force", item.get("in_force"), required=True)
        assert in_force is not None
        texts.append(TextNotAtHand(title, names, str(item.get("number", "")), in_force, str(item.get("note", ""))))
    return tuple(texts)


def load_laws(laws_dir: Path) -> tuple[LawText, ...]:
    """Load laws.toml and every law file it lists, with each law's status and its repealed articles.

    Raises:
        KnowledgeError: laws.toml or a listed file is missing or malformed.
    """
    index, data = _read_index(laws_dir)
    laws: list[LawText] = []
    for position, item in enumerate(data.get("law", [])):
        key = f"law[{position}]"
        try:
            file, title, names, intent = item["file"], item["title"], item["names"], item["intent"]
        except KeyError as error:
            raise KnowledgeError(index, key, f"missing {error}") from error
        path = laws_dir / file
        if not path.is_file():
            raise KnowledgeError(index, key, f"law file {file} not found")
        laws.append(
            LawText(
                file,
                title,
                tuple(names),
                intent,
                parse_law_file(path, sections=item.get("numbered", "articles") == "sections"),
                status=_status(index, key, item),
                changes=_changes(index, key, item.get("changes", [])),
            )
        )
    return tuple(laws)


class LawLookup:
    """Finds "<law name>第<n>条" in text, longest law name first (劳动合同法实施条例 before 劳动合同法)."""

    def __init__(self, laws: Sequence[LawText]) -> None:
        self._by_name = {name: law for law in laws for name in law.names}
        names = sorted(self._by_name, key=len, reverse=True)
        alternatives = "|".join(re.escape(name) for name in names)
        self._pattern = re.compile(
            rf"《?(?:中华人民共和国)?({alternatives})》?(?:的)?第?([{CHINESE_NUMBER}\d]+)条"
        )
        self._ref_pattern = re.compile(rf"^({alternatives})第([{CHINESE_NUMBER}\d]+)条$")

    def find(self, text: str) -> tuple[LawText, int] | None:
        """The first law article named in `text` as (law, article number), or None."""
        match = self._pattern.search(text)
        if match is None:
            return None
        number = parse_chinese(match.group(2))
        if number is None:
            return None
        return self._by_name[match.group(1)], number

    def parse_ref(self, ref: str) -> LawRef | None:
        """Parse a FAQ reference such as "劳动合同法第八十二条"; None when it is not of that form."""
        match = self._ref_pattern.match(ref.strip())
        if match is None:
            return None
        number = parse_chinese(match.group(2))
        if number is None:
            return None
        return LawRef(self._by_name[match.group(1)].short_name, number)

    def article(self, ref: LawRef) -> LawArticle | None:
        """The article a reference points to, or None when the law or the article does not exist."""
        law = self._by_name.get(ref.law)
        return None if law is None else law.article(ref.article)
