"""What a turn may use: the database session, the knowledge base, the matcher, the user, the time, the policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from intents.matcher import Matcher
from intents.turn import Inbound
from knowledge import KnowledgeBase
from storage.models import DialogueState, User


@dataclass(frozen=True, slots=True)
class AidTier:
    """Hardship aid for serious illness: a yearly self-paid cost from which a one-off grant is paid."""

    min_self_paid: int
    grant: int


@dataclass(frozen=True, slots=True)
class DialoguePolicy:
    """The slice of the settings the dialogue needs, built once by bot/app.py from config.toml."""

    threshold: float = 0.38
    floor: float = 0.25
    margin: float = 0.02
    intent_vote: float = 0.3
    choices: int = 3
    max_message_chars: int = 500
    form_idle: timedelta = timedelta(minutes=30)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    office_open: time = time(8, 30)
    office_close: time = time(17, 30)
    facts: Mapping[str, str] = field(default_factory=dict)  # {placeholders} answers may use
    aid_tiers: tuple[AidTier, ...] = ()
    staff_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class TurnContext:
    """Everything one turn works with. `session` belongs to the caller, who commits once per turn."""

    session: Session
    kb: KnowledgeBase
    matcher: Matcher
    policy: DialoguePolicy
    inbound: Inbound
    user: User
    state: DialogueState
    now: datetime

    @property
    def user_pk(self) -> int:
        """The user's database id."""
        assert self.user.id is not None
        return self.user.id

    def say(self, key: str, **values: object) -> str:
        """The fixed sentence `key` from replies/*.toml, filled with local facts and `values`."""
        return render(self.kb.reply(key), self.policy.facts, **values)

    def local_now(self) -> datetime:
        """The current time in the station's time zone."""
        return self.now.astimezone(self.policy.timezone)


def render(template: str, facts: Mapping[str, str], **values: object) -> str:
    """Fill `{placeholders}` from the local facts and the given values; the result is stripped."""
    return template.format_map({**facts, **values}).strip()
