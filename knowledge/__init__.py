"""Data the bot answers from (FAQ entries, law texts, fixed replies, synonyms) and the code that loads and checks it."""

from knowledge.loader import load_knowledge
from knowledge.model import (
    ArticleChange,
    Concept,
    Constant,
    FaqEntry,
    KnowledgeBase,
    KnowledgeError,
    LawArticle,
    LawRef,
    LawStatus,
    LawText,
    LocalRule,
    SynonymGroup,
    TextNotAtHand,
)

__all__ = [
    "ArticleChange",
    "Concept",
    "Constant",
    "FaqEntry",
    "KnowledgeBase",
    "KnowledgeError",
    "LawArticle",
    "LawRef",
    "LawStatus",
    "LawText",
    "LocalRule",
    "SynonymGroup",
    "TextNotAtHand",
    "load_knowledge",
]
