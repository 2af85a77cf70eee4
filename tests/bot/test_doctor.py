"""`python -m bot doctor` as whoever runs the server uses it: what is wrong, in words, and the exit status."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import text

from bot.cli import main
from bot.config import Settings, StaffMember, TelegramSettings
from bot.doctor import diagnose
from storage import ensure_schema, make_engine

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "A" * 35


def _doctor(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


def _ready(settings: Settings, tmp_path: Path) -> Settings:
    """Telegram on, both staff members on it, the database migrated, next year's days listed."""
    overrides = tmp_path / "workdays.toml"
    overrides.write_text("holidays = [2027-01-01]\n", encoding="utf-8")
    staff = [member.model_copy(update={"telegram": f"90{n}"}) for n, member in enumerate(settings.staff)]
    scheduler = settings.scheduler.model_copy(update={"workday_overrides": overrides})
    telegram = TelegramSettings(token=TOKEN, secret="s3cret", webhook_url="https://bot.example.org/telegram")
    ready = settings.model_copy(update={"staff": staff, "telegram": telegram, "scheduler": scheduler})
    ensure_schema(make_engine(ready.database.url))
    return ready


def _levels(settings: Settings) -> dict[str, list[str]]:
    report = diagnose(settings, date(2026, 11, 30))
    found: dict[str, list[str]] = {"ok": [], "warn": [], "fail": []}
    for level, line in report.lines:
        found[level].append(line)
    return found


def test_the_shipped_config_fails_because_no_staff_member_can_be_alerted(tmp_path: Path) -> None:
    status, out = _doctor(["--db", f"sqlite:///{tmp_path}/d.db", "doctor"])
    assert status == 1
    assert "FAIL no staff member is reachable" in out
    assert "WARN staff li (李老师): not reachable" in out
    assert "1 problem(s)" in out


def test_a_deployment_with_reachable_staff_passes(settings: Settings, tmp_path: Path) -> None:
    found = _levels(_ready(settings, tmp_path))
    assert found["fail"] == []
    assert any(line.startswith("staff li (李老师): telegram") for line in found["ok"])
    assert any("schema at" in line for line in found["ok"])


def test_each_problem_is_named(settings: Settings, tmp_path: Path) -> None:
    ready = _ready(settings, tmp_path)
    engine = make_engine(ready.database.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    broken = ready.model_copy(
        update={
            "telegram": TelegramSettings(token="not-a-token", secret="s", webhook_url="http://plain"),
            "staff": [ready.staff[0], StaffMember(id="li", name="李老师")],
            "scheduler": settings.scheduler.model_copy(update={"workday_overrides": tmp_path / "none.toml"}),
        }
    )
    found = _levels(broken)
    joined = "\n".join(found["fail"])
    assert "schema at 0005" in joined
    assert "not a bot token" in joined and "https://" in joined
    warned = "\n".join(found["warn"])
    assert "li is not reachable, new cases and tickets in that shift reach nobody" in warned
    assert "calendar: 2027 not known" in warned


def test_an_unreachable_database_is_a_problem_and_its_password_is_not_printed() -> None:
    url = "postgresql://union:hunter2pw@127.0.0.1:1/nowhere"
    status, out = _doctor(["--db", url, "doctor"])
    assert status == 1 and "unreachable" in out and "hunter2pw" not in out
