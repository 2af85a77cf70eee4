"""Layers are enforced here: bot → intents → knowledge, storage; never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PLATFORM = {"telegram", "wechatpy", "starlette", "apscheduler", "httpx", "uvicorn", "fastapi"}
FORBIDDEN = {
    "intents": {"bot"} | PLATFORM,
    "knowledge": {"bot", "intents", "storage"} | PLATFORM,
    "storage": {"bot", "intents", "knowledge"} | PLATFORM,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_outer_layers(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (REPO / package).rglob("*.py")
        if _imports(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_intents_never_read_the_clock() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "intents").rglob("*.py")
        if ".now(" in path.read_text(encoding="utf-8") and "ctx.now" not in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_adapters_and_skills_hold_no_chinese_sentences() -> None:
    """Chinese the worker reads lives in knowledge/ (replies/*.toml and FAQ files), not in code."""
    offenders = []
    for package in ("bot", "intents"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    han = sum("\u4e00" <= ch <= "\u9fff" for ch in node.value)
                    if han >= 6 and not _is_docstring_like(node.value):
                        offenders.append(f"{path.relative_to(REPO)}: {node.value[:20]}")
    assert offenders == []


def _is_docstring_like(value: str) -> bool:
    # Docstrings may quote a worker's words as examples (they are English sentences); character sets
    # (all characters distinct) and regular expressions are not sentences either.
    english = sum(ch.isascii() and ch.isalpha() for ch in value) > 10
    character_set = len(set(value)) == len(value)
    pattern = any(mark in value for mark in "()[]|\\")
    return english or character_set or pattern
