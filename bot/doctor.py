"""`python -m bot doctor`: is this deployment fit to serve? Checked offline, printed for whoever runs it.

Configuration; database reachable and at the migration head; each channel's credentials as far as their form
can be checked without the platform; which staff are reachable on which channel, and which roles nobody
reachable would be alerted for; whether the working-day calendar covers the next 12 months. Exit status 1
when there is a problem (warnings alone: 0). `serve` logs the same reachability warnings at start.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, TextIO

from bot.config import Settings
from bot.errors import BotError

Level = Literal["ok", "warn", "fail"]
_TELEGRAM_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
_WECHAT_APPID = re.compile(r"^wx[0-9a-f]{16}$")
_WECHAT_TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")
_MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@dataclass(slots=True)
class Report:
    """Findings in the order they were made."""

    lines: list[tuple[Level, str]] = field(default_factory=list)

    def add(self, level: Level, text: str) -> None:
        """Record one finding."""
        self.lines.append((level, text))

    @property
    def failed(self) -> bool:
        """True when any finding is a problem."""
        return any(level == "fail" for level, _ in self.lines)


def check_database(settings: Settings, report: Report) -> None:
    """Reachable, and at the newest migration (without migrating: doctor changes nothing)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.masking import mask_secrets
    from storage import make_engine
    from storage.db import DatabaseUrlError
    from storage.schema import current_revision, head_revision

    url = mask_secrets(settings.database.url)
    try:
        engine = make_engine(settings.database.url, base_dir=settings.base_dir)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except DatabaseUrlError as error:
        report.add("fail", f"database: {error}")
        return
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        report.add("fail", f"database {url}: unreachable: {mask_secrets(reason)}")
        return
    head = head_revision()
    if revision == head:
        report.add("ok", f"database {url}: reachable, schema at {head}")
    elif revision is None:
        report.add("warn", f"database {url}: empty; `serve` creates the schema ({head}) at start")
    else:
        report.add("fail", f"database {url}: schema at {revision}, code expects {head}; start `serve` to migrate")


def check_channels(settings: Settings, report: Report) -> None:
    """The credentials' form: what can be known without asking the platforms."""
    if settings.server.web_chat:
        report.add("ok", f"web chat on http://{settings.server.host}:{settings.server.port}/")
        if not settings.console.secret:
            report.add("ok", "web chat and console: cookies signed with a key kept in the database")
    telegram = settings.telegram
    if telegram.enabled:
        if not _TELEGRAM_TOKEN.match(telegram.token):
            report.add("fail", "telegram: UNIONBOT_TELEGRAM_TOKEN is not a bot token (<digits>:<35 characters>)")
        else:
            report.add("ok", "telegram: token and webhook secret set")
        if telegram.webhook_url and not telegram.webhook_url.startswith("https://"):
            report.add("fail", "telegram: webhook_url must be https:// (Telegram refuses anything else)")
        if not telegram.webhook_url:
            report.add("warn", "telegram: no webhook_url; register the webhook yourself or run `poll`")
    else:
        report.add("ok", "telegram: off (set UNIONBOT_TELEGRAM_TOKEN and _SECRET to switch it on)")
    wechat = settings.wechat
    if not wechat.enabled:
        report.add("ok", "wechat: off (set UNIONBOT_WECHAT_TOKEN, _APPID, _SECRET and _AES_KEY to switch it on)")
        return
    problems = []
    if not _WECHAT_APPID.match(wechat.appid):
        problems.append("appid is not wx + 16 hex characters")
    if not _WECHAT_TOKEN.match(wechat.token):
        problems.append("token must be 3-32 letters and digits")
    if wechat.aes_key:
        try:
            if len(base64.b64decode(wechat.aes_key + "=", validate=True)) != 32:
                problems.append("aes_key does not decode to a 32-byte key")
        except (binascii.Error, ValueError):
            problems.append("aes_key is not base64")
    for problem in problems:
        report.add("fail", f"wechat: {problem}")
    if not problems:
        report.add("ok", f"wechat: appid {wechat.appid}, {'safe mode (AES)' if wechat.aes_key else 'plaintext'}")
    if not wechat.aes_key:
        report.add(
            "warn",
            "wechat: plaintext mode: message bodies are not signed, so staff commands over WeChat are off; "
            "set UNIONBOT_WECHAT_AES_KEY and choose safe mode in the WeChat admin",
        )
    if not wechat.reminder_template_id:
        report.add("warn", "wechat: no reminder_template_id: meeting reminders reach staff only within 48 hours")


def check_staff(settings: Settings, report: Report) -> None:
    """Each staff member's routes, then the roles nobody reachable would be alerted for."""
    from bot.reach import gaps, routes

    for member in settings.staff:
        found = routes(member, settings)
        if found:
            report.add("ok", f"staff {member.id} ({member.name}): {', '.join(route.channel for route in found)}")
        else:
            report.add("warn", f"staff {member.id} ({member.name}): not reachable on any channel that is on")
    problems, warnings = gaps(settings)
    for text in problems:
        report.add("fail", text)
    for text in warnings:
        report.add("warn", text)


def check_calendar(settings: Settings, report: Report, today: date) -> None:
    """Every year of the next 12 months known to the working-day calendar (package or override file)."""
    from bot.plan import workday_calendar

    path = settings.scheduler.workday_overrides
    path = path if path.is_absolute() else settings.base_dir / path
    try:
        calendar = workday_calendar(settings)
    except BotError as error:
        report.add("fail", f"calendar: {error}")
        return
    years = sorted({today.year, (today + timedelta(days=365)).year})
    missing = [year for year in years if not calendar.covers(year)]
    if missing:
        report.add(
            "warn",
            f"calendar: {', '.join(map(str, missing))} not known (holidays and make-up working days unknown; Monday-Friday "
            f"assumed): upgrade chinese-calendar or list the days in {path}",
        )
    else:
        report.add("ok", f"calendar: working days known to the end of {years[-1]}")


def diagnose(settings: Settings, today: date) -> Report:
    """Every check, on settings already loaded."""
    report = Report()
    report.add("ok", f"config: loaded ({len(settings.staff)} staff, {len(settings.routines)} routine meetings)")
    check_database(settings, report)
    check_channels(settings, report)
    check_staff(settings, report)
    check_calendar(settings, report, today)
    return report


def register(commands: Any) -> None:
    """Add the `doctor` sub-command."""
    doctor = commands.add_parser("doctor", help="check config, database, channels, staff reach and calendar")
    doctor.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    """Print every finding; exit 1 on a problem."""
    from datetime import datetime

    from bot.config import load_settings
    from bot.masking import mask_secrets

    try:
        settings = load_settings(args.config, database_url=args.db)
    except BotError as error:
        print(f"{_MARK['fail']} config: {error}", file=out)
        return 1
    report = diagnose(settings, datetime.now(settings.tz).date())
    for level, text in report.lines:
        print(f"{_MARK[level]} {mask_secrets(text, settings.secret_values())}", file=out)
    problems = sum(level == "fail" for level, _ in report.lines)
    warnings = sum(level == "warn" for level, _ in report.lines)
    print(f"{problems} problem(s), {warnings} warning(s)", file=out)
    return 1 if problems else 0
