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


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def chinese_in_code(path: Path) -> list[str]:
    """String literals written with Chinese characters in them, docstrings aside (they may quote a worker).

    A character written as an escape ("\\u4e00") is a code point, not Chinese text, and passes.
    """
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            literal = ast.get_source_segment(source, node) or ""
            if _han(literal):
                name = path.relative_to(REPO) if path.is_relative_to(REPO) else path.name
                found.append(f"{name}:{node.lineno}: {node.value[:20]}")
    return found


def test_code_holds_no_chinese_every_word_lives_in_knowledge() -> None:
    """Chinese a worker or staff member reads, and the words the bot reads them by, live in knowledge/.

    knowledge/ itself holds the data and the code that reads Chinese grammar (numerals, law citations).
    """
    offenders = [
        found
        for package in ("bot", "intents", "storage")
        for path in sorted((REPO / package).rglob("*.py"))
        for found in chinese_in_code(path)
    ]
    assert offenders == []


def test_the_chinese_check_catches_a_single_character(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docstrings may say 周一."""\n\nDAY = "周"\nRANGE = "\\u4e00"\n', encoding="utf-8")
    assert [line.split(": ")[0] for line in chinese_in_code(sample)] == ["sample.py:3"]
