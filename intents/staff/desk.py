"""The staff desk: who is working (a staff member, the server's operator or the scheduler), in which
transaction, at what time, with which replies and local facts. Every back-office action takes one.

Front ends build a Desk once per request — chat through `Desk.for_account` (the one staff check), the web
console through `Desk.for_staff`, the command line and the scheduler through `Desk.for_operator` — call the
functions of `intents.staff.cases`, `.tickets`, `.events`, and render what comes back. A request the desk
cannot do raises `Refusal`, whose reply key and values every front end renders the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from intents.context import DialoguePolicy, Speaks
from intents.outbox import write as write_outbox
from intents.turn import OutboxItem
from knowledge import KnowledgeBase
from storage.models import User

log = logging.getLogger(__name__)

OPERATOR = "cli"  # the person running the server, at the command line
SYSTEM = "system"  # the scheduler


class Refusal(Exception):
    """What the desk will not do, as a replies/*.toml key and the values its sentence needs."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values: Mapping[str, object] = values

    def render(self, say: Callable[..., str]) -> str:
        """The refusal as staff read it, with `say` (Desk.say or TurnContext.say)."""
        return say(self.key, **self.values)


@dataclass(frozen=True, slots=True)
class Desk(Speaks):
    """One staff request: the session (the caller commits), replies, policy (staff, duty, facts), time, actor."""

    session: Session
    kb: KnowledgeBase
    policy: DialoguePolicy
    now: datetime
    staff: str  # a staff id from config.toml, OPERATOR or SYSTEM: recorded as who made each change

    @classmethod
    def for_account(
        cls,
        *,
        session: Session,
        kb: KnowledgeBase,
        policy: DialoguePolicy,
        now: datetime,
        channel: str,
        user_id: str,
        command: str,
    ) -> Desk:
        """The desk of a chat account listed under [[staff]] in config.toml, for `command`.

        Raises:
            Refusal: ("staff_only") the account is no staff member's; the attempt is logged.
        """
        staff = policy.staff_id(channel, user_id)
        if staff is None:
            log.warning("refused staff command /%s from %s user %s", command, channel, user_id)
            raise Refusal("staff_only")
        return cls(session, kb, policy, now, staff)

    @classmethod
    def for_staff(
        cls, *, session: Session, kb: KnowledgeBase, policy: DialoguePolicy, now: datetime, staff: str
    ) -> Desk:
        """The desk of a staff member the front end has already authenticated (the web console).

        Raises:
            Refusal: ("staff_only") `staff` is not a staff id in config.toml.
        """
        if staff not in policy.staff_ids:
            log.warning("refused staff desk for unknown staff id %r", staff)
            raise Refusal("staff_only")
        return cls(session, kb, policy, now, staff)

    @classmethod
    def for_operator(
        cls,
        *,
        session: Session,
        kb: KnowledgeBase,
        policy: DialoguePolicy,
        now: datetime,
        staff: str = OPERATOR,
    ) -> Desk:
        """The desk of whoever runs the server (command line, scheduler); `staff` names who acts."""
        return cls(session, kb, policy, now, staff)

    def joined(self, words: Iterable[str]) -> str:
        """Words joined the way a Chinese list is written (调解中、已结案); "-" for none."""
        return self.kb.reply("list_joiner").join(words) or "-"

    def local(self, moment: datetime) -> datetime:
        """`moment` in the station's time zone."""
        return moment.astimezone(self.policy.timezone)

    def staff_name(self, staff: str) -> str:
        """How staff and workers call a staff member (李老师); ids not in config.toml stay as they are."""
        if staff in (OPERATOR, SYSTEM):
            return self.say(f"actor_{staff}")
        return self.policy.staff_names.get(staff, staff)

    def find_staff(self, name: str) -> str:
        """A staff id from an id or a name as config.toml writes it.

        Raises:
            Refusal: ("staff_unknown_staff") nobody of that name or id.
        """
        if name in self.policy.staff_names:
            return name
        for staff, staff_name in self.policy.staff_names.items():
            if staff_name == name:
                return staff
        raise Refusal("staff_unknown_staff", name=name, known=self.joined(self.policy.staff_names.values()))

    def to_worker(self, user_id: int, text: str, reason: str) -> OutboxItem | None:
        """An outbox item to the worker on the channel they wrote from (None if the worker is gone)."""
        worker = self.session.get(User, user_id)
        if worker is None:
            return None
        return OutboxItem(worker.channel, worker.external_id, text, reason)

    def send(self, items: Iterable[OutboxItem | None]) -> int:
        """Write the items as outbox rows in the desk's transaction; returns how many rows were added."""
        return write_outbox(session=self.session, items=items, now=self.now)
