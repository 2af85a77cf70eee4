"""Parse and validate the knowledge files into model objects; every error names its file and key."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.laws import LawLookup, load_laws, load_not_at_hand
from knowledge.model import Concept, Constant, FaqEntry, KnowledgeBase, KnowledgeError, LawRef, SynonymGroup

DEFAULT_ROOT = Path(__file__).resolve().parent


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise KnowledgeError(path, "-", "file not found") from error
    except (OSError, UnicodeDecodeError) as error:
        raise KnowledgeError(path, "-", f"cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeError(path, "-", f"not valid TOML: {error}") from error


def _strings(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KnowledgeError(path, key, "must be a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def _reviewed(path: Path, key: str, value: object) -> date | None:
    """A `reviewed` date: the file's default (top-level key) or an entry's own, as a TOML date."""
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise KnowledgeError(path, key, "must be a date like 2026-11-30 (TOML date, no quotes)")


def _entries(path: Path, lookup: LawLookup) -> list[FaqEntry]:
    data = _read_toml(path)
    # One `reviewed = …` at the top of a file covers its entries; an entry's own `reviewed` overrides it,
    # so reviewing one answer touches one line and two people editing a file rarely collide.
    file_reviewed = _reviewed(path, "reviewed", data.get("reviewed"))
    entries: list[FaqEntry] = []
    for position, item in enumerate(data.get("entry", [])):
        key = f"entry[{position}]"
        if not isinstance(item, dict):
            raise KnowledgeError(path, key, "must be a table")
        for required in ("id", "intent", "phrasings", "answer"):
            if required not in item:
                raise KnowledgeError(path, f"{key}.{required}", "missing")
        entry_id = str(item["id"])
        key = f"entry {entry_id!r}"
        refs: list[LawRef] = []
        for raw in _strings(path, f"{key}.refs", item.get("refs", [])):
            ref = lookup.parse_ref(raw)
            if ref is None:
                raise KnowledgeError(path, f"{key}.refs", f"{raw!r} is not '<law>第<n>条' with a known law")
            refs.append(ref)
        entries.append(
            FaqEntry(
                id=entry_id,
                intent=str(item["intent"]),
                phrasings=_strings(path, f"{key}.phrasings", item["phrasings"]),
                answer=str(item["answer"]).strip(),
                refs=tuple(refs),
                detail=str(item.get("detail", "")).strip(),
                source=path.name,
                action=str(item.get("action", "")).strip(),
                reviewed=_reviewed(path, f"{key}.reviewed", item.get("reviewed")) or file_reviewed,
            )
        )
    return entries


def _synonyms(path: Path) -> tuple[SynonymGroup, ...]:
    if not path.exists():
        return ()
    groups = []
    for position, item in enumerate(_read_toml(path).get("group", [])):
        key = f"group[{position}]"
        if "canonical" not in item:
            raise KnowledgeError(path, key, "missing canonical")
        groups.append(
            SynonymGroup(str(item["canonical"]), _strings(path, f"{key}.variants", item.get("variants", [])))
        )
    return tuple(groups)


def _concepts(path: Path) -> tuple[tuple[Concept, ...], dict[str, str]]:
    if not path.exists():
        return (), {}
    data = _read_toml(path)
    concepts = []
    for number, item in enumerate(data.get("concept", []), start=1):
        key = f"concept[{number}]"
        try:
            concepts.append(
                Concept(
                    name=str(item["name"]),
                    domain=str(item["domain"]),
                    words=_strings(path, f"{key}.words", item["words"]),
                    weight=float(item.get("weight", 1.0)),
                    answer=str(item.get("answer", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KnowledgeError(path, key, f"needs name, domain, words (and a numeric weight): {error}") from error
    domains = {}
    for number, item in enumerate(data.get("domain", []), start=1):
        try:
            domains[str(item["name"])] = str(item["entry"])
        except (KeyError, TypeError) as error:
            raise KnowledgeError(path, f"domain[{number}]", f"needs name and entry: {error}") from error
    return tuple(concepts), domains


CONSTANT_UNITS = ("day", "month", "year", "hour", "percent")


def _constants(path: Path, lookup: LawLookup) -> dict[str, Constant]:
    """The calculators' constants by key; each must name an article of a known law."""
    if not path.exists():
        return {}
    constants: dict[str, Constant] = {}
    for position, item in enumerate(_read_toml(path).get("constant", [])):
        key = f"constant[{position}]"
        try:
            name, value, unit, raw_ref, quote = (
                str(item["key"]), item["value"], str(item["unit"]), str(item["ref"]), str(item["quote"])
            )
        except KeyError as error:
            raise KnowledgeError(path, key, f"missing {error}") from error
        key = f"constant {name!r}"
        if name in constants:
            raise KnowledgeError(path, key, "defined twice")
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise KnowledgeError(path, f"{key}.value", "must be a number, not negative")
        if unit not in CONSTANT_UNITS:
            raise KnowledgeError(path, f"{key}.unit", f"must be one of {', '.join(CONSTANT_UNITS)}")
        ref = lookup.parse_ref(raw_ref)
        if ref is None:
            raise KnowledgeError(path, f"{key}.ref", f"{raw_ref!r} is not '<law>第<n>条' with a known law")
        constants[name] = Constant(name, float(value), unit, ref, quote.strip(), bool(item.get("in_words", False)))
    return constants


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Load the whole knowledge base from `root` (default: this package's folder).

    Raises:
        KnowledgeError: a file is missing, not valid TOML or has a malformed key.
    """
    root = root or DEFAULT_ROOT
    laws = load_laws(root / "laws")
    lookup = LawLookup(laws)
    faq_files = sorted((root / "faq").glob("*.toml"))
    entries = [entry for file in faq_files for entry in _entries(file, lookup)]

    replies: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    reply_files = sorted((root / "replies").glob("*.toml"))
    for replies_path in reply_files:
        replies_data = _read_toml(replies_path)
        for key, value in replies_data.items():
            if key == "words":
                for name, items in value.items():
                    if name in words:
                        raise KnowledgeError(replies_path, f"words.{name}", "already defined in another replies file")
                    words[str(name)] = _strings(replies_path, f"words.{name}", items)
            elif isinstance(value, str):
                if key in replies:
                    raise KnowledgeError(replies_path, key, "already defined in another replies file")
                replies[str(key)] = value.strip()

    crisis_path = root / "crisis.toml"
    crisis = _strings(crisis_path, "phrases", _read_toml(crisis_path).get("phrases", []))
    stop_path = root / "dict" / "stopwords.txt"
    stopwords = frozenset(
        line.strip() for line in stop_path.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    user_dict = root / "dict" / "union_terms.txt"
    synonyms_path = root / "synonyms.toml"
    concepts_path = root / "concepts.toml"
    concepts, domain_entries = _concepts(concepts_path)

    files = [*faq_files, *reply_files, crisis_path, stop_path, root / "laws" / "laws.toml"]
    files += sorted((root / "laws").glob("*.md"))
    constants_path = root / "calculators.toml"
    files += [path for path in (user_dict, synonyms_path, concepts_path, constants_path) if path.exists()]
    return KnowledgeBase(
        root=root,
        entries=tuple(entries),
        laws=laws,
        replies=replies,
        words=words,
        synonyms=_synonyms(synonyms_path),
        crisis_phrases=crisis,
        stopwords=stopwords,
        user_dict=user_dict if user_dict.exists() else None,
        fingerprint=_fingerprint(files),
        by_id={entry.id: entry for entry in entries},
        concepts=concepts,
        domain_entries=domain_entries,
        not_at_hand=load_not_at_hand(root / "laws"),
        constants=_constants(constants_path, lookup),
    )
