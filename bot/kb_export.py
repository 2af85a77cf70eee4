"""Approved knowledge drafts written into the FAQ files (tomlkit keeps their comments and layout)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit

from knowledge import KnowledgeBase
from knowledge.amend import Amendment
from knowledge.check import phrasing_key


def _multiline(text: str) -> object:
    item = tomlkit.string("\n" + text.strip() + "\n", multiline=True)
    return item


def export(base: KnowledgeBase, amendments: Sequence[Amendment], faq_dir: Path) -> dict[str, int]:
    """Apply `amendments` to the files under `faq_dir`; returns changes written per file name.

    Idempotent: a phrasing already in its entry, or an entry whose id a file under `faq_dir` has (looked up
    in the files themselves, so an export into another checkout is idempotent too), is not written again.
    """
    in_files = {
        str(table.get("id"))
        for path in sorted(faq_dir.glob("*.toml"))
        for table in tomlkit.parse(path.read_text(encoding="utf-8")).get("entry", [])
    }
    documents: dict[Path, tomlkit.TOMLDocument] = {}
    written: dict[str, int] = {}

    def document(path: Path) -> tomlkit.TOMLDocument:
        if path not in documents:
            documents[path] = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
        return documents[path]

    def entries_of(path: Path) -> Any:
        doc = document(path)
        if "entry" not in doc:
            doc.append("entry", tomlkit.aot())
        return doc["entry"]

    for amendment in amendments:
        if amendment.kind == "phrasings":
            entry = base.entry(amendment.entry_id)
            if entry is None or entry.source == "console":
                continue
            path = faq_dir / entry.source
            table = next((item for item in entries_of(path) if item.get("id") == amendment.entry_id), None)
            if table is None:
                continue
            phrasings = table["phrasings"]
            known = {phrasing_key(str(text)) for text in phrasings}
            for text in amendment.phrasings:
                if phrasing_key(text) not in known:
                    phrasings.append(text)
                    known.add(phrasing_key(text))
                    written[path.name] = written.get(path.name, 0) + 1
        else:
            if amendment.entry_id in in_files:
                continue
            in_files.add(amendment.entry_id)
            same_intent = next((e.source for e in base.entries if e.intent == amendment.intent and e.source != "console"), None)
            path = faq_dir / (same_intent or f"{amendment.intent}.toml")
            table = tomlkit.table()
            table["id"] = amendment.entry_id
            table["intent"] = amendment.intent
            phrasings = tomlkit.array()
            phrasings.multiline(True)
            phrasings.extend(amendment.phrasings)
            table["phrasings"] = phrasings
            table["answer"] = _multiline(amendment.answer)
            table["refs"] = list(amendment.refs)
            if amendment.reviewed is not None:
                table["reviewed"] = amendment.reviewed
            entries_of(path).append(table)
            written[path.name] = written.get(path.name, 0) + 1
    for path, doc in documents.items():
        if path.name in written:
            path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return written
