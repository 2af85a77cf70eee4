from __future__ import annotations

import json
from io import StringIO

import pytest

from bot.cli import main


def test_reminders_list_json() -> None:
    out = StringIO()
    assert main(["reminders", "list", "--from", "2026-10-08", "--days", "3", "--json"], out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(row["routine"], row["meeting_at"]) for row in rows] == [
        ("morning_meeting", "2026-10-08T08:45+08:00"),
        ("monthly_meeting", "2026-10-08T14:00+08:00"),
        ("morning_meeting", "2026-10-09T08:45+08:00"),
        ("morning_meeting", "2026-10-10T08:45+08:00"),  # Saturday make-up working day
    ]
    assert rows[1]["remind_at"] == "2026-10-08T08:30+08:00"
    assert rows[1]["attendees"] == ["wang", "li"] and rows[1]["delay_reason"] == "national_day"
    assert set(rows[0]) >= {"routine", "title", "meeting_at", "remind_at", "attendees"}


def test_reminders_list_text() -> None:
    out = StringIO()
    assert main(["reminders", "list", "--from", "2026-12-01", "--days", "1"], out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and "weekly_study" in lines[2] and "王老师、李老师" in lines[2]
    assert "时间冲突" in lines[2] and "月例会（14:00）" in lines[2] and "时间冲突" not in lines[0]


def test_bad_month_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--month", "2026-13"], StringIO())
    assert "2026-13" in capsys.readouterr().err
