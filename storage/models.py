"""Every table of the service, as sqlmodel classes. Times are stored as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    Index,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every database: stored in UTC, always read back aware.

    PostgreSQL keeps the zone itself (timestamptz); SQLite has no zone, so the UTC value is stored bare
    and the zone put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """To UTC; bare on SQLite. A naive datetime is a bug and is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Aware UTC, whatever the database returned."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _aware() -> Any:
    return Column(AwareDateTime(), nullable=False)


def _aware_nullable() -> Any:
    return Column(AwareDateTime(), nullable=True)


class User(SQLModel, table=True):
    """A worker or staff member as one channel knows them; personal fields are optional and deletable."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_external"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    name: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    work_unit: str | None = Field(default=None, max_length=128)
    consent_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    created_at: datetime = Field(sa_column=_aware())
    deleted_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class InboundMessage(SQLModel, table=True):
    """Every message a user sent, stored before it is processed; (channel, message_id) dedups retries."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id", name="uq_inbound_channel_message"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    message_id: str = Field(max_length=128)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(default="text", max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    payload: str | None = Field(default=None, max_length=256)
    received_at: datetime = Field(sa_column=_aware())


class ReplyLog(SQLModel, table=True):
    """The bot's reply to one inbound message, with the intent and confidence it answered with."""

    __tablename__ = "replies"

    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_messages.id", unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    buttons: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    intent: str = Field(max_length=32, index=True)
    confidence: float
    answered: bool
    created_at: datetime = Field(sa_column=_aware())


class DialogueState(SQLModel, table=True):
    """Where one user's conversation stands: the active form and its slots, pending choices, last topic."""

    __tablename__ = "dialogue_state"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    form: str | None = Field(default=None, max_length=32)
    slots: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_entry: str | None = Field(default=None, max_length=64)
    misses: int = 0
    updated_at: datetime = Field(sa_column=_aware())


class Outbox(SQLModel, table=True):
    """A message to send later or to someone else, written in the same transaction as its cause."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16, index=True)
    recipient: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(max_length=32)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    not_before: datetime = Field(sa_column=_aware())
    created_at: datetime = Field(sa_column=_aware())
    sent_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_error: str | None = Field(default=None, max_length=500)
    dedup_key: str | None = Field(default=None, max_length=128, unique=True)
    priority: int = Field(default=2, index=True)  # 0 danger to life, 1 urgent case, 2 normal, 3 follow-ups
    coalesce_key: str | None = Field(default=None, max_length=128, index=True)  # later alerts join a pending row
    tried: str = Field(default="", max_length=64)  # staff rows: the member's channels given up on, comma-separated


class RequestNonce(SQLModel, table=True):
    """A signed platform request already seen (WeChat nonce + timestamp + signature): the replay store every
    process shares. The body's hash tells a platform retry (same body) from a replay with another body."""

    __tablename__ = "request_nonces"

    key: str = Field(primary_key=True, max_length=128)
    body_sha256: str = Field(max_length=64)
    seen_at: datetime = Field(sa_column=Column(AwareDateTime(), nullable=False, index=True))


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for statements the ORM would only slow down (inserts on the hot path)."""
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


class DailyCounter(SQLModel, table=True):
    """A per-day sequence (case numbers QX-YYYYMMDD-NNN), advanced atomically by one upsert."""

    __tablename__ = "daily_counters"

    name: str = Field(primary_key=True, max_length=32)  # e.g. "case:20261126"
    last: int = 0


class Case(SQLModel, table=True):
    """A wage-arrears mediation case a worker opened in chat; personal fields are cleared on deletion."""

    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    status: str = Field(max_length=24, index=True)
    urgent: bool = False
    employer_name: str | None = Field(default=None, max_length=128)
    employer_address: str | None = Field(default=None, max_length=256)
    worker_name: str | None = Field(default=None, max_length=64)
    worker_phone: str | None = Field(default=None, max_length=32)
    amount_owed: int | None = None
    period: str | None = Field(default=None, max_length=128)
    workers_affected: int | None = None
    has_contract: bool | None = None
    evidence: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    employment: str | None = Field(default=None, max_length=128)
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    assigned_staff: str | None = Field(default=None, max_length=64)
    consent_at: datetime = Field(sa_column=_aware())
    opened_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())
    overdue_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class CaseEvent(SQLModel, table=True):
    """One change to a case: who, when, what (status, assignment, information, note)."""

    __tablename__ = "case_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = Field(sa_column=_aware())
    actor: str = Field(max_length=64)  # a staff id, "worker" or "system"
    kind: str = Field(max_length=16)  # "opened" | "status" | "assigned" | "info" | "note" | "overdue"
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str | None = Field(default=None, max_length=24)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Ticket(SQLModel, table=True):
    """A hand-off to a person: opened on request, on danger to life, or after the bot failed twice."""

    __tablename__ = "tickets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    status: str = Field(default="open", max_length=16, index=True)
    reason: str = Field(max_length=32)  # "request" | "crisis" | "not_understood"
    opened_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())
    closed_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    first_reply_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class TicketMessage(SQLModel, table=True):
    """One line of a ticket's thread: the worker's words, or a staff member's answer."""

    __tablename__ = "ticket_messages"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    at: datetime = Field(sa_column=_aware())
    author: str = Field(max_length=64)  # "worker", "bot" or a staff id
    text: str = Field(sa_column=Column(Text, nullable=False))


class KvToken(SQLModel, table=True):
    """A shared credential (the WeChat access token) every process reads, and a lease for its one refresher."""

    __tablename__ = "kv_tokens"

    key: str = Field(primary_key=True, max_length=128)
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    expires_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    updated_at: datetime = Field(sa_column=_aware())
    lease_until: datetime | None = Field(default=None, sa_column=_aware_nullable())


class Event(SQLModel, table=True):
    """A union event workers sign up for; `taken` counts confirmed places and never exceeds `capacity`
    through a signup (storage.signups raises it only with a conditional UPDATE).

    A weekly series (yoga every Tuesday) is one definition with `repeat_weekly` set; its generated
    occurrences carry the definition's key in `series_key`.
    """

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=128)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts_at: datetime = Field(sa_column=_aware())
    ends_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    place: str = Field(default="", max_length=128)
    capacity: int
    taken: int = 0
    signup_deadline: datetime | None = Field(default=None, sa_column=_aware_nullable())
    members_only: bool = False
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=16, index=True)  # "open" | "closed" | "cancelled"
    cancel_reason: str | None = Field(default=None, max_length=256)
    repeat_weekly: bool = False
    series_key: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())


class Signup(SQLModel, table=True):
    """One worker's place (or waitlist position, by `signed_up_at`) at one event; one row per (event, user)."""

    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("event_id", "user_id", name="uq_signups_event_user"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    status: str = Field(max_length=16, index=True)  # "confirmed" | "waitlisted" | "cancelled"
    member: bool | None = None  # the worker's answer to "are you a union member" (members-only events)
    signed_up_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())
    cancelled_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class RoutineReminder(SQLModel, table=True):
    """One staff member's reminder of one routine meeting: written once per (routine, meeting, staff) — the
    scheduler's idempotency row — then marked repeated and acknowledged ("收到")."""

    __tablename__ = "routine_reminders"
    __table_args__ = (
        UniqueConstraint("routine", "meeting_at", "staff_id", name="uq_routine_reminders_occurrence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    routine: str = Field(max_length=32)
    meeting_at: datetime = Field(sa_column=_aware())
    staff_id: str = Field(max_length=64, index=True)
    title: str = Field(max_length=128)
    sent_at: datetime = Field(sa_column=_aware())
    repeat_after: datetime | None = Field(default=None, sa_column=_aware_nullable())  # None: never repeated
    repeated_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    acknowledged_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class SchedulerJob(SQLModel, table=True):
    """The scheduler's record of each job: when it last ran, how it ended, who ran it (shared by every process)."""

    __tablename__ = "scheduler_jobs"

    job_id: str = Field(primary_key=True, max_length=64)
    runs: int = 0
    last_started_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_finished_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    last_result: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=500)
    runner: str | None = Field(default=None, max_length=128)  # host:pid of the scheduler that ran it


class StaffAccount(SQLModel, table=True):
    """A staff member's console sign-in: the Argon2 hash of their password and the wrong-password lock.

    The person is the `[[staff]]` entry of config.toml with the same id; this row only holds what the
    console needs to let them in.
    """

    __tablename__ = "staff_accounts"

    staff_id: str = Field(primary_key=True, max_length=64)
    password_hash: str = Field(max_length=256)
    failed_attempts: int = 0  # wrong passwords in a row; reset by a right one or when a lock ends
    locked_until: datetime | None = Field(default=None, sa_column=_aware_nullable())
    password_set_at: datetime = Field(sa_column=_aware())
    last_sign_in_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class StaffSession(SQLModel, table=True):
    """One signed-in browser: the cookie carries the signed token whose hash is `token_hash`.

    Kept in the database so signing out (or a new password) ends the session in every process at once.
    """

    __tablename__ = "staff_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: str = Field(max_length=64, index=True)
    created_at: datetime = Field(sa_column=_aware())
    expires_at: datetime = Field(sa_column=_aware())
    ended_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class StaffAudit(SQLModel, table=True):
    """Who did what, when: one row per staff action, written in the same transaction as the action."""

    __tablename__ = "staff_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_aware())
    staff_id: str = Field(max_length=64, index=True)
    action: str = Field(max_length=48)  # "sign_in", "case_status", "ticket_reply", "kb_approve" …
    target: str = Field(default="", max_length=64)  # a case or ticket number, an event key, an entry id
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))


class KnowledgeChange(SQLModel, table=True):
    """A staff draft for the knowledge base: new phrasings for an entry, or a new entry with its law refs.

    A second staff member approves it; approved changes are laid over the knowledge files at load time
    (and `kb export` writes them into the files).
    """

    __tablename__ = "knowledge_changes"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "phrasings" (added to an existing entry) | "entry" (a new one)
    entry_id: str = Field(max_length=64, index=True)
    intent: str | None = Field(default=None, max_length=32)
    phrasings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    refs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16, index=True)  # "pending" | "approved" | "rejected"
    drafted_by: str = Field(max_length=64)
    drafted_at: datetime = Field(sa_column=_aware())
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = Field(default=None, sa_column=_aware_nullable())
    review_note: str | None = Field(default=None, max_length=256)


class AppointmentSlot(SQLModel, table=True):
    """A time staff offer for one service (调解员, 律师, 心理咨询 …); at most one worker holds it.

    `booked` is raised only by a conditional UPDATE (storage.appointments) and the partial unique index on
    `appointments.slot_id` refuses a second active booking whatever the race. (service, starts_at) is unique,
    so publishing the same time twice (config and a command) makes one slot.
    """

    __tablename__ = "appointment_slots"
    __table_args__ = (UniqueConstraint("service", "starts_at", name="uq_appointment_slots_service_start"),)

    id: int | None = Field(default=None, primary_key=True)
    service: str = Field(max_length=32, index=True)
    starts_at: datetime = Field(sa_column=_aware())
    minutes: int = 30
    place: str = Field(default="", max_length=128)
    booked: bool = False
    status: str = Field(default="open", max_length=16)  # "open" | "withdrawn"
    published_by: str = Field(default="config", max_length=64)  # "config" or the staff id
    created_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())


class Appointment(SQLModel, table=True):
    """A worker's booking of one slot; cancelled and moved bookings stay as history."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_active_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="appointment_slots.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    status: str = Field(max_length=16, index=True)  # "booked" | "cancelled" | "moved"
    topic: str | None = Field(default=None, max_length=256)
    booked_at: datetime = Field(sa_column=_aware())
    updated_at: datetime = Field(sa_column=_aware())
    cancelled_at: datetime | None = Field(default=None, sa_column=_aware_nullable())


class MeetingMove(SQLModel, table=True):
    """One occurrence of a routine meeting moved by a staff member: from its usual time to another, and why.

    Keyed by the routine and the time the rules give it, so moving it again replaces the row; reminders are
    sent for `moved_to` and carry the reason.
    """

    __tablename__ = "meeting_moves"
    __table_args__ = (UniqueConstraint("routine", "original_at", name="uq_meeting_moves_occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    routine: str = Field(max_length=32)
    original_at: datetime = Field(sa_column=_aware())
    moved_to: datetime = Field(sa_column=_aware())
    reason: str = Field(max_length=256)
    moved_by: str = Field(max_length=64)
    moved_at: datetime = Field(sa_column=_aware())
