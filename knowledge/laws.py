"""Law texts indexed by article: parse the Markdown files and find "工会法第三条" in a worker's message."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from knowledge.model import KnowledgeError, LawArticle, LawRef, LawText
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


def load_laws(laws_dir: Path) -> tuple[LawText, ...]:
    """Load laws.toml and every law file it lists.

    Raises:
        KnowledgeError: laws.toml or a listed file is missing or malformed.
    """
    index = laws_dir / "laws.toml"
    try:
        data = tomllib.loads(index.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KnowledgeError(index, "-", str(error)) from error
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
        sections = item.get("numbered", "articles") == "sections"
        laws.append(LawText(file, title, tuple(names), intent, parse_law_file(path, sections=sections)))
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
