"""Data the bot answers from (FAQ entries, law texts, fixed replies, synonyms) and the code that loads and checks it."""

from knowledge.loader import load_knowledge
from knowledge.model import (
    Concept,
    FaqEntry,
    KnowledgeBase,
    KnowledgeError,
    LawArticle,
    LawRef,
    LawText,
    SynonymGroup,
)

__all__ = [
    "Concept",
    "FaqEntry",
    "KnowledgeBase",
    "KnowledgeError",
    "LawArticle",
    "LawRef",
    "LawText",
    "SynonymGroup",
    "load_knowledge",
]
