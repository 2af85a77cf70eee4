"""build_services(settings) -> Services: the engine, knowledge base, matcher and dialogue policy — wiring only."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import DatabaseError, KnowledgeFileError
from bot.live_knowledge import LiveKnowledge
from bot.plan import routine_plan, workday_calendar
from bot.reach import reachable_staff
from intents import AidTier, DialoguePolicy, Matcher
from intents.calculators import LocalFigure, LocalFigures
from intents.context import Bookable, DutyShift
from intents.staff.routines import Plan
from intents.workdays import WorkdayCalendar
from knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from storage import ensure_schema, make_engine
from storage.db import DatabaseUrlError


@dataclass(frozen=True, slots=True)
class Services:
    """What the pipeline and the command line work with, built once per process."""

    settings: Settings
    engine: Engine
    knowledge: LiveKnowledge
    policy: DialoguePolicy
    clock: Clock
    plan: Plan  # the routine meetings, with the working-day calendar the policy also holds

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base as it stands now (files plus approved drafts)."""
        return self.knowledge.kb

    @property
    def matcher(self) -> Matcher:
        """The matcher built from `kb`."""
        return self.knowledge.matcher


def dialogue_policy(settings: Settings, calendar: WorkdayCalendar | None = None) -> DialoguePolicy:
    """The dialogue's slice of the settings, with the working-day calendar (read from its file when not given).

    Raises:
        ConfigError: the working-day override file is unreadable or malformed.
    """
    matching = settings.matching
    return DialoguePolicy(
        threshold=matching.threshold,
        floor=matching.floor,
        margin=matching.margin,
        intent_vote=matching.intent_vote,
        intent_thresholds=dict(matching.intent_thresholds),
        second_topic=matching.second_topic,
        choices=matching.choices,
        max_message_chars=matching.max_message_chars,
        form_idle=timedelta(minutes=settings.dialogue.form_idle_minutes),
        timezone=settings.tz,
        office_open=settings.station.office_open,
        office_close=settings.station.office_close,
        facts=settings.facts(),
        aid_tiers=tuple(AidTier(tier.min_self_paid, tier.grant) for tier in settings.aid.tiers),
        staff_ids=tuple(member.id for member in settings.staff),
        staff_names={member.id: member.name for member in settings.staff},
        staff_accounts=staff_accounts(settings),
        reachable_staff=frozenset(reachable_staff(settings)),
        duty=tuple(
            DutyShift(shift.staff, frozenset(shift.weekdays), shift.start, shift.end) for shift in settings.duty
        ),
        urgent_workers=settings.cases.urgent_workers,
        urgent_amount=settings.cases.urgent_amount,
        overdue_days=settings.cases.overdue_days,
        bookable=tuple(
            Bookable(
                key=service.key,
                name=service.name,
                words=tuple(service.words),
                place=service.place,
                minutes=service.minutes,
                weekly=tuple(
                    (int(day), time.fromisoformat(clock))
                    for day, _, clock in (item.partition(" ") for item in service.weekly)
                ),
                days_ahead=service.days_ahead,
            )
            for service in settings.appointments
        ),
        calendar=calendar or workday_calendar(settings),
        region=local_figures(settings),
    )


def local_figures(settings: Settings) -> LocalFigures:
    """The calculators' local figures (config.toml [region]), each with its year and source."""
    region = settings.region

    def figure(name: str) -> LocalFigure:
        value = getattr(region, name)
        return LocalFigure(Decimal(str(value)), getattr(region, f"{name}_year"), getattr(region, f"{name}_source"))

    return LocalFigures(
        region=region.name,
        average_monthly_wage=figure("average_monthly_wage"),
        minimum_monthly_wage=figure("minimum_monthly_wage"),
        maternity_extra_days=figure("maternity_extra_days"),
    )


def staff_accounts(settings: Settings) -> dict[tuple[str, str], str]:
    """(channel, account) → staff id for the accounts whose messages can carry staff power.

    Telegram: the webhook's secret token and the chat id Telegram vouches for. WeChat: only when an AES key is
    configured, since then only encrypted messages are taken, and their msg_signature covers the body (a
    plaintext-mode body is not signed, so anyone holding one signed query could claim to be staff). The web
    chat gives no staff power: staff sign in to the console.
    """
    accounts = {("telegram", member.telegram): member.id for member in settings.staff if member.telegram}
    if settings.wechat.aes_key:
        accounts |= {("wechat", member.wechat): member.id for member in settings.staff if member.wechat}
    return accounts


def open_database(settings: Settings) -> Engine:
    """The engine for the configured database, at the current schema.

    Raises:
        DatabaseError: the URL is unusable or the database cannot be reached.
    """
    try:
        database = settings.database
        engine = make_engine(
            database.url,
            base_dir=settings.base_dir,
            pool_size=database.pool_size,
            max_overflow=database.max_overflow,
        )
        ensure_schema(engine)
    except DatabaseUrlError as error:
        raise DatabaseError(str(error)) from error
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DatabaseError(f"cannot open database {settings.database.url}: {reason}") from error
    return engine


def load_kb(root: Path | None = None) -> KnowledgeBase:
    """The knowledge base, with a broken file reported as a KnowledgeFileError."""
    try:
        return load_knowledge(root)
    except KnowledgeError as error:
        raise KnowledgeFileError(f"knowledge file problem: {error}") from error


def build_services(
    settings: Settings, *, clock: Clock | None = None, kb: KnowledgeBase | None = None
) -> Services:
    """Wire everything from the settings; the matcher's index is cached under data/cache."""
    kb = kb or load_kb()
    engine = open_database(settings)
    cache_dir = settings.base_dir / "data" / "cache"
    knowledge = LiveKnowledge(kb, Matcher(kb, cache_dir=cache_dir), cache_dir=cache_dir)
    knowledge.reload(engine)  # approved drafts from the staff console, if any
    knowledge.matcher.warm_up()
    # The dictionaries and the index are read-only from here on: keep them out of the garbage collector's
    # scans, which would otherwise walk half a million objects in the middle of a worker's turn.
    gc.freeze()
    calendar = workday_calendar(settings)
    return Services(
        settings=settings,
        engine=engine,
        knowledge=knowledge,
        policy=dialogue_policy(settings, calendar),
        clock=clock or SystemClock(settings.tz),
        plan=routine_plan(settings, calendar),
    )
