"""Settings: config.toml plus UNIONBOT_<SECTION>_<KEY> environment overrides, validated once at start."""

from __future__ import annotations

import contextlib
import os
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.errors import ConfigError
from intents.ids import IntentId
from knowledge import LocalRule

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StationSettings(_Section):
    """Facts about the service station that answers quote (never hard-coded in answers)."""

    union_name: str
    name: str
    address: str
    phone: str
    hours: str
    office_open: time = time(8, 30)
    office_close: time = time(17, 30)
    union_hotline: str = "12351"
    labor_hotline: str = "12333"
    legal_aid_hotline: str = "12348"
    crisis_hotline: str = "12356"
    housing_fund_hotline: str = "12329"


class DatabaseSettings(_Section):
    """Where the data lives: SQLite by default, PostgreSQL by URL."""

    url: str = "sqlite:///data/unionbot.db"
    # PostgreSQL connections kept per process (and allowed on top in a burst). A process runs at most
    # `pool_size` turns at once (bot/runtime.py); N processes need N × (pool_size + max_overflow) +
    # scheduler connections under the server's max_connections. Ignored for SQLite (one writer).
    pool_size: int = Field(8, ge=1, le=100)
    max_overflow: int = Field(4, ge=0, le=100)


class MatchingSettings(_Section):
    """How sure the matcher must be before it answers."""

    threshold: float = Field(0.38, ge=0, le=1)
    floor: float = Field(0.25, ge=0, le=1)
    margin: float = Field(0.02, ge=0, le=1)
    intent_vote: float = Field(0.3, ge=0, le=1)
    # intent → the score it needs to answer directly, where that differs from `threshold`
    intent_thresholds: dict[str, float] = Field(default_factory=dict)
    # a second topic scoring this share of the answered one is offered as a button beside the answer
    second_topic: float = Field(0.85, ge=0, le=1)
    max_message_chars: int = Field(500, ge=10, le=20000)
    choices: int = Field(3, ge=1, le=9)

    @model_validator(mode="after")
    def _floor_below_threshold(self) -> MatchingSettings:
        if self.floor > self.threshold:
            raise ValueError("matching.floor must not be above matching.threshold")
        unknown = set(self.intent_thresholds) - {intent.value for intent in IntentId}
        if unknown:
            raise ValueError(f"matching.intent_thresholds names unknown intents: {', '.join(sorted(unknown))}")
        if any(not 0 <= value <= 1 for value in self.intent_thresholds.values()):
            raise ValueError("matching.intent_thresholds must lie between 0 and 1")
        return self


class DialogueSettings(_Section):
    """Form behaviour."""

    form_idle_minutes: int = Field(30, ge=1, le=24 * 60)


class AidTierSettings(_Section):
    """One tier of the hardship grant for serious illness."""

    min_self_paid: int = Field(ge=0)
    grant: int = Field(ge=0)


class AidSettings(_Section):
    """Local hardship-aid policy; `tier_sentence` words one tier for answers ({min_self_paid}, {grant})."""

    tiers: list[AidTierSettings] = Field(min_length=1)
    tier_sentence: str
    tier_joiner: str = "；"


class MembershipSettings(_Section):
    """Local membership facts."""

    dues: str


class MutualAidSettings(_Section):
    """The in-service workers' medical mutual-aid plan as run locally."""

    plan: str
    fee: str
    benefit: str


class StaffMember(_Section):
    """A member of staff who receives alerts and may use staff commands."""

    id: str
    name: str
    role: str = ""
    telegram: str = ""
    wechat: str = ""


class DutySettings(_Section):
    """Who covers which weekdays and hours: new cases and hand-offs alert the staff on duty."""

    staff: str
    weekdays: list[int] = Field(min_length=1)  # 1 = Monday … 7 = Sunday
    start: time
    end: time

    @field_validator("weekdays")
    @classmethod
    def _weekday_numbers(cls, value: list[int]) -> list[int]:
        if any(day not in range(1, 8) for day in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return value


class AppointmentService(_Section):
    """A service workers book a time for (`[[appointments]]`): the mediator, the lawyer, counselling …

    `weekly` lists the standing times ("2 14:00" = every Tuesday 14:00), published `days_ahead` ahead; staff
    add single times in chat with /slot.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: str
    words: list[str] = Field(min_length=1)  # what a worker calls it: 律师, 调解员, 心理咨询
    place: str
    minutes: int = Field(30, ge=5, le=480)
    weekly: list[str] = []
    days_ahead: int = Field(14, ge=1, le=90)

    @field_validator("weekly")
    @classmethod
    def _weekly_times(cls, value: list[str]) -> list[str]:
        for item in value:
            day, _, clock = item.partition(" ")
            if not day.isdigit() or int(day) not in range(1, 8):
                raise ValueError(f"weekly time {item!r}: start with the weekday 1 (Monday) to 7 (Sunday)")
            time.fromisoformat(clock)
        return value


class CasesSettings(_Section):
    """Wage-arrears cases: when a case is collective (urgent) and when it is overdue."""

    urgent_workers: int = Field(10, ge=2)
    urgent_amount: int = Field(100_000, ge=0)
    overdue_days: int = Field(15, ge=1)


class RegionSettings(_Section):
    """Local figures the calculators use, each with the year it applies to and where it was published.

    A figure left at 0 is "not filled in": the calculators then say so instead of applying it (the cap of
    《劳动合同法》第四十七条, the minimum-wage floor, local extra maternity days).
    """

    name: str = ""  # e.g. 北京市: the region whose figures these are
    average_monthly_wage: float = Field(0, ge=0)  # 上年度职工月平均工资 (yuan)
    average_monthly_wage_year: int = 0
    average_monthly_wage_source: str = ""
    minimum_monthly_wage: float = Field(0, ge=0)  # 月最低工资标准 (yuan)
    minimum_monthly_wage_year: int = 0
    minimum_monthly_wage_source: str = ""
    maternity_extra_days: int = Field(0, ge=0, le=365)  # days local rules add to the national 98
    maternity_extra_days_year: int = 0
    maternity_extra_days_source: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> RegionSettings:
        for figure in ("average_monthly_wage", "minimum_monthly_wage", "maternity_extra_days"):
            if getattr(self, figure) and not (getattr(self, f"{figure}_year") and getattr(self, f"{figure}_source")):
                raise ValueError(f"region.{figure} is set: set region.{figure}_year and region.{figure}_source too")
        return self


class ServerSettings(_Section):
    """The HTTP server of `python -m bot serve`."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    max_body_bytes: int = Field(65536, ge=1024)
    passive_reply_seconds: float = Field(4.0, gt=0, lt=5)  # WeChat drops the connection after 5 s
    # A WeChat message that cannot be stored (database locked or down) is tried again this many times, waiting
    # from `store_retry_seconds` doubling to a minute (about ten minutes in all), then answered by the 客服 API.
    store_attempts: int = Field(14, ge=1, le=100)
    store_retry_seconds: float = Field(1.0, gt=0)
    web_chat: bool = True  # the web chat page at / and /api/chat
    workers: int = Field(1, ge=1, le=64)  # serve processes on one port (PostgreSQL only; `serve --workers`)


class ConsoleSettings(_Section):
    """The staff console at /staff/: sessions, the wrong-password lock, how often knowledge drafts are polled."""

    enabled: bool = True
    secret: str = ""  # UNIONBOT_CONSOLE_SECRET signs session cookies; unset: a random key kept in the database
    session_hours: float = Field(12, gt=0, le=24 * 30)
    max_failures: int = Field(5, ge=1)
    lockout_minutes: float = Field(15, gt=0)
    reload_seconds: float = Field(10, gt=0)  # approved knowledge drafts reach every process within this


class WechatSettings(_Section):
    """The WeChat official account; on when token and appid are set (secrets from UNIONBOT_WECHAT_*)."""

    token: str = ""
    appid: str = ""
    secret: str = ""
    aes_key: str = ""  # EncodingAESKey (43 characters): with it only encrypted (safe/compatible) messages are taken
    api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    timestamp_window_seconds: int = Field(300, ge=30, le=3600)  # a signed request older or newer is refused
    # Template messages (模板消息) reach staff outside the 48-hour window: the ids of the templates chosen in the
    # official account's back office, and which of the template's fields carry our text (new-style templates
    # name them thing1, time2 …; a field is cut to `template_field_chars`).
    alert_template_id: str = ""  # staff alerts (new cases, tickets, danger to life)
    reminder_template_id: str = ""  # routine meeting reminders
    template_fields: dict[str, str] = Field(
        default_factory=lambda: {"title": "thing1", "text": "thing2", "time": "time3"}
    )
    template_field_chars: int = Field(20, ge=5, le=200)
    template_url: str = ""  # where tapping the template message leads (the staff console), optional

    @property
    def enabled(self) -> bool:
        """True when the account is configured."""
        return bool(self.token or self.appid or self.secret or self.aes_key)

    @model_validator(mode="after")
    def _complete_or_off(self) -> WechatSettings:
        if self.enabled:
            missing = [name for name in ("token", "appid", "secret") if not getattr(self, name)]
            if missing:
                raise ValueError(f"wechat is half-configured: set {', '.join(missing)} too")
        if self.aes_key and len(self.aes_key) != 43:
            raise ValueError("wechat.aes_key must be the 43-character EncodingAESKey")
        if not self.api_base_url.endswith("/"):
            raise ValueError("wechat.api_base_url must end with '/'")
        return self


class TelegramSettings(_Section):
    """The Telegram bot; on when token is set (secrets from UNIONBOT_TELEGRAM_*)."""

    token: str = ""
    secret: str = ""  # X-Telegram-Bot-Api-Secret-Token of the webhook
    webhook_url: str = ""  # when set, setWebhook at start
    base_url: str = ""  # a Bot API server other than the public one, e.g. http://127.0.0.1:8081/bot

    @property
    def enabled(self) -> bool:
        """True when the bot is configured."""
        return bool(self.token or self.secret or self.webhook_url)

    @model_validator(mode="after")
    def _complete_or_off(self) -> TelegramSettings:
        if self.enabled:
            missing = [name for name in ("token", "secret") if not getattr(self, name)]
            if missing:
                raise ValueError(f"telegram is half-configured: set {', '.join(missing)} too")
            if not all(ch.isalnum() or ch in "_-" for ch in self.secret) or not 1 <= len(self.secret) <= 256:
                raise ValueError("telegram.secret: 1-256 characters A-Z, a-z, 0-9, _ and -")
        return self


class OutboxSettings(_Section):
    """How the sender delivers outbox rows: polling, batch, back-off, give-up."""

    poll_seconds: float = Field(1.0, gt=0)  # the first wait after an empty round; it doubles while idle …
    idle_poll_seconds: float = Field(5.0, gt=0)  # … up to this (PostgreSQL also wakes senders by NOTIFY)
    batch: int = Field(20, ge=1, le=500)
    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(5.0, gt=0)
    backoff_max_seconds: float = Field(3600.0, gt=0)
    claim_seconds: float = Field(60.0, gt=0)  # a claimed row comes back if its sender died


class EventsSettings(_Section):
    """Union events: when the reminder goes out, how far ahead weekly series are generated."""

    remind_before_hours: int = Field(24, ge=1, le=24 * 14)  # the reminder "the day before"
    series_weeks_ahead: int = Field(4, ge=1, le=52)  # weekly sessions (yoga every Tuesday) open this far ahead


class RoutineSettings(_Section):
    """A routine meeting staff are reminded of (`[[routines]]`); rules are listed in intents/staff/routines.py."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    title: str
    rule: str
    time: time
    place: str = ""
    attendees: list[str] = Field(default_factory=lambda: ["all"], min_length=1)  # staff ids, or ["all"]
    remind_before_minutes: int = Field(15, ge=0, le=7 * 24 * 60)
    repeat_after_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)  # repeat once if not acknowledged
    with_figures: bool = False  # the reminder carries last month's figures (the monthly meeting)

    @model_validator(mode="after")
    def _known_rule(self) -> RoutineSettings:
        from intents.staff.routines import parse_rule

        parse_rule(self.rule, self.key)  # RuleError (a ValueError) names the routine
        return self


class SchedulerSettings(_Section):
    """The scheduler of `serve` / `schedule run`: grace for late jobs, leader election, forms, calendar."""

    misfire_grace_seconds: int = Field(600, ge=1)  # a job this late still runs (then once: coalesced)
    poll_seconds: int = Field(60, ge=1)  # how often routine reminders are looked for
    standby_seconds: float = Field(10.0, gt=0)  # how often a process without the leader lock tries to take it
    abandoned_form_hours: int = Field(24, ge=1)  # a form idle this long past its expiry is cleared (with its data)
    workday_overrides: Path = Path("data/workdays.toml")  # staff-editable; relative to config.toml's folder
    report_dir: Path = Path("data/reports")  # where `report` writes by default


class LocalRuleSettings(_Section):
    """A local figure answers quote (`[[local_rules]]`): its value and the local rule, date and source behind it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")  # the `{placeholder}` answers write
    value: str = Field(min_length=1)
    region: str = Field(min_length=1)  # whose rule it is; the answer must say so ("北京规定…")
    rule: str = Field(min_length=1)  # the rule's title, named in the answer
    since: date  # the day this figure took effect
    source: str = Field(min_length=1)  # where it was checked (issuer, document number, amendment date)


class Settings(BaseSettings):
    """Every setting of the service; built once by `load_settings` and passed down in slices."""

    model_config = SettingsConfigDict(
        env_prefix="UNIONBOT_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
        frozen=True,
    )

    timezone: str = "Asia/Shanghai"
    station: StationSettings
    database: DatabaseSettings = DatabaseSettings()
    matching: MatchingSettings = MatchingSettings()
    dialogue: DialogueSettings = DialogueSettings()
    aid: AidSettings
    membership: MembershipSettings
    mutual_aid: MutualAidSettings
    staff: list[StaffMember] = []
    duty: list[DutySettings] = []
    cases: CasesSettings = CasesSettings()
    region: RegionSettings = RegionSettings()
    server: ServerSettings = ServerSettings()
    console: ConsoleSettings = ConsoleSettings()
    wechat: WechatSettings = WechatSettings()
    telegram: TelegramSettings = TelegramSettings()
    outbox: OutboxSettings = OutboxSettings()
    events: EventsSettings = EventsSettings()
    appointments: list[AppointmentService] = []
    scheduler: SchedulerSettings = SchedulerSettings()
    routines: list[RoutineSettings] = []
    local_rules: list[LocalRuleSettings] = []
    base_dir: Path = Path(".")  # the config file's folder: relative paths (SQLite file, cache) resolve here

    @model_validator(mode="after")
    def _duty_names_staff(self) -> Settings:
        known = {member.id for member in self.staff}
        unknown = sorted({shift.staff for shift in self.duty} - known)
        if unknown:
            raise ValueError(f"duty names staff not in [[staff]]: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _routines_name_staff(self) -> Settings:
        known = {member.id for member in self.staff} | {"all"}
        keys = [routine.key for routine in self.routines]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"routine key used twice: {', '.join(twice)}")
        for routine in self.routines:
            unknown = sorted(set(routine.attendees) - known)
            if unknown:
                raise ValueError(f"routine {routine.key}: attendees not in [[staff]]: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _local_rule_keys_unique(self) -> Settings:
        keys = [rule.key for rule in self.local_rules]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"local_rules key used twice: {', '.join(twice)}")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment variables override the TOML file; arguments override both."""
        toml_file = settings_cls.model_config.get("toml_file")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @property
    def tz(self) -> ZoneInfo:
        """The station's time zone."""
        return ZoneInfo(self.timezone)

    def secret_values(self) -> list[str]:
        """Every credential in the settings (for log masking): channel tokens and secrets, keys, DB password."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        values = [
            self.telegram.token,
            self.telegram.secret,
            self.wechat.token,
            self.wechat.secret,
            self.wechat.aes_key,
            self.console.secret,
        ]
        with contextlib.suppress(ArgumentError):
            values.append(make_url(self.database.url).password or "")
        return [value for value in values if value]

    def facts(self) -> dict[str, str]:
        """The local facts FAQ answers may use as `{placeholders}` (see knowledge/faq/README.md)."""
        station = self.station
        tiers = sorted(self.aid.tiers, key=lambda tier: tier.min_self_paid)
        aid_tiers = self.aid.tier_joiner.join(
            self.aid.tier_sentence.format(min_self_paid=tier.min_self_paid, grant=tier.grant)
            for tier in tiers
        )
        return {
            "union_name": station.union_name,
            "station_name": station.name,
            "station_address": station.address,
            "station_phone": station.phone,
            "station_hours": station.hours,
            "union_hotline": station.union_hotline,
            "labor_hotline": station.labor_hotline,
            "legal_aid_hotline": station.legal_aid_hotline,
            "crisis_hotline": station.crisis_hotline,
            "housing_fund_hotline": station.housing_fund_hotline,
            "aid_tiers": aid_tiers,
            "membership_dues": self.membership.dues,
            "mutual_aid_plan": self.mutual_aid.plan,
            "mutual_aid_fee": self.mutual_aid.fee,
            "mutual_aid_benefit": self.mutual_aid.benefit,
        } | {rule.key: rule.value for rule in self.local_rules}

    def local_rules_by_key(self) -> dict[str, LocalRule]:
        """The local figures with their rule, region and date, keyed by placeholder (for kb check and review)."""
        return {
            rule.key: LocalRule(rule.key, rule.value, rule.region, rule.rule, rule.since, rule.source)
            for rule in self.local_rules
        }


def load_settings(path: Path | None = None, *, database_url: str | None = None) -> Settings:
    """Read `path` (default: $UNIONBOT_CONFIG, else the repository's config.toml) and the environment.

    Raises:
        ConfigError: the file is missing or unreadable, or a value is invalid; the message names the key.
    """
    path = path or Path(os.environ.get("UNIONBOT_CONFIG", DEFAULT_CONFIG))
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from error

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    overrides: dict[str, object] = {"base_dir": path.resolve().parent}
    try:
        settings = _FromFile(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise ConfigError(f"invalid settings in {path}: {problems}") from error
    except ValueError as error:  # TOML syntax errors surface as ValueError (tomllib.TOMLDecodeError)
        raise ConfigError(f"cannot parse {path}: {error}") from error
    if database_url:
        settings = settings.model_copy(update={"database": DatabaseSettings(url=database_url)})
    return Settings.model_validate(settings.model_dump())
