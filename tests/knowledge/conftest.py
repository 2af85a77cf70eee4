"""Fixtures for knowledge tests: a throw-away copy of the shipped knowledge folder to write entries into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_ROOT


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """The shipped laws, replies and dictionaries with no FAQ entries: a test writes the entries it needs."""
    root = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for faq in (root / "faq").glob("*.toml"):
        faq.unlink()
    return root
