"""The knowledge base and matcher a turn reads, rebuilt and swapped whole when staff approve a draft.

Every process polls the database for approved drafts (`refresh`), so an approval in one `serve` process
reaches the others within seconds; the process that approved reloads at once. A turn takes one snapshot
(`current`) and keeps it, so it never sees a half-built index.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from intents import Matcher
from intents.staff.drafts import approved_amendments
from knowledge import KnowledgeBase, KnowledgeError
from knowledge.amend import amend
from storage import drafts, session_scope

log = logging.getLogger(__name__)


class LiveKnowledge:
    """The files' knowledge base with the approved drafts laid over it, and the matcher built from both."""

    def __init__(self, base: KnowledgeBase, matcher: Matcher, *, cache_dir: Path | None = None) -> None:
        self.base = base
        self.cache_dir = cache_dir
        self._current: tuple[KnowledgeBase, Matcher] = (base, matcher)
        self._version: tuple[int, int] = (0, 0)
        self._lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base turns answer from now."""
        return self._current[0]

    @property
    def matcher(self) -> Matcher:
        """The matcher built from `kb`."""
        return self._current[1]

    def current(self) -> tuple[KnowledgeBase, Matcher]:
        """Both at once, from the same build: what one turn should hold on to."""
        return self._current

    def refresh(self, engine: Engine) -> bool:
        """Reload when the approved drafts in the database changed since the last load; True when it did."""
        with session_scope(engine) as session:
            version = drafts.approved_version(session=session)
        if version == self._version:
            return False
        return self.reload(engine)

    def reload(self, engine: Engine) -> bool:
        """Rebuild from the files and every approved draft (about two seconds), then swap; True when swapped.

        A draft that no longer applies (its law reference was removed from the files) keeps the previous
        build serving and is logged, rather than taking the bot down.
        """
        with self._lock:
            with session_scope(engine) as session:
                version = drafts.approved_version(session=session)
                amendments = approved_amendments(session=session)
            try:
                kb = amend(self.base, amendments)
            except KnowledgeError as error:
                log.error("approved drafts do not apply to the knowledge files: %s", error)
                return False
            if kb.fingerprint != self.kb.fingerprint:
                matcher = Matcher(kb, cache_dir=self.cache_dir)
                matcher.warm_up()
                self._current = (kb, matcher)
                log.info("knowledge reloaded: %d approved drafts, %d entries", version[0], len(kb.entries))
            self._version = version
            return True
