"""`python -m bot events …` as staff use it, and `eval --events`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.cli import main
from storage import make_engine, session_scope, signups
from storage.models import Event, Outbox, Signup
from storage.users import get_or_create_user, set_contact
from tests.support.clock import SHANGHAI

EVENTS = """
[[event]]
key = "yoga"
title = "午间瑜伽（周二）"
aliases = ["瑜伽"]
starts_at = 2099-12-01T12:00:00
ends_at = 2099-12-01T13:00:00
place = "街道社区文体中心二层"
capacity = 1
signup_deadline = 2099-11-30T18:00:00
members_only = true
description = "自带瑜伽垫。"

[[event]]
key = "walk"
title = "职工健步走"
aliases = ["健步走"]
starts_at = 2099-12-05T09:00:00
place = "玉渊潭公园东门"
capacity = 120
"""

NOW = datetime(2099, 11, 1, 10, 0, tzinfo=SHANGHAI)


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, out)
    return status, out.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.toml"
    path.write_text(EVENTS, encoding="utf-8")
    return path


def _sign_up(db: str, event_key: str, names: list[str]) -> None:
    engine = make_engine(db)
    with session_scope(engine) as session:
        event = session.exec(select(Event).where(Event.key == event_key)).one()
        assert event.id is not None
        for number, name in enumerate(names):
            user = get_or_create_user(session=session, channel="telegram", external_id=f"t{number}", now=NOW)
            set_contact(
                session=session,
                user=user,
                now=NOW,
                name=name,
                phone=f"1381234567{number}",
                work_unit="月坛科技",
            )
            assert user.id is not None
            signups.sign_up(session=session, event_id=event.id, user_id=user.id, now=NOW, member=True)
    engine.dispose()


def _rows(db: str, model: type[Event] | type[Signup] | type[Outbox]) -> list[object]:
    engine = make_engine(db)
    with Session(engine) as session:
        rows: list[object] = list(session.exec(select(model)).all())
    engine.dispose()
    return rows


def test_import_then_list_as_json(db: str, events_file: Path) -> None:
    status, out = _run(["--db", db, "events", "import", str(events_file)])
    assert status == 0 and "新增2个" in out
    status, out = _run(["--db", db, "events", "list", "--json"])
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["key"] for row in rows] == ["yoga", "walk"]
    assert set(rows[0]) >= {"key", "title", "starts_at", "capacity", "taken", "waitlist"}
    assert rows[0]["starts_at"] == "2099-12-01T12:00+08:00"


def test_importing_again_updates_by_key_and_keeps_signups(db: str, events_file: Path, tmp_path: Path) -> None:
    _run(["--db", db, "events", "import", str(events_file)])
    _sign_up(db, "yoga", ["张三", "李四"])  # one place: 李四 waits
    changed = tmp_path / "changed.toml"
    changed.write_text(
        EVENTS.replace("capacity = 1", "capacity = 2").replace("午间瑜伽（周二）", "午间瑜伽"), "utf-8"
    )
    status, out = _run(["--db", db, "events", "import", str(changed)])
    assert status == 0 and "更新2个" in out and "候补转正1人" in out
    _, listing = _run(["--db", db, "events", "list", "--json"])
    yoga = json.loads(listing.splitlines()[0])
    assert (yoga["title"], yoga["capacity"], yoga["taken"], yoga["waitlist"]) == ("午间瑜伽", 2, 2, 0)
    assert len(_rows(db, Signup)) == 2
    told = [row for row in _rows(db, Outbox) if isinstance(row, Outbox) and row.reason == "waitlist_promoted"]
    assert [row.recipient for row in told] == ["t1"]


def test_export_writes_csv_and_xlsx(db: str, events_file: Path, tmp_path: Path) -> None:
    _run(["--db", db, "events", "import", str(events_file)])
    _sign_up(db, "yoga", ["张三", "李四"])
    status, _ = _run(["--db", db, "events", "export", "yoga", "--csv", str(tmp_path / "yoga.csv")])
    assert status == 0
    with (tmp_path / "yoga.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["姓名", "电话", "单位", "报名时间", "状态"]
    assert rows[1][:3] == ["张三", "13812345670", "月坛科技"] and rows[1][4] == "报名成功"
    assert rows[2][0] == "李四" and rows[2][4] == "候补第1位"

    status, _ = _run(["--db", db, "events", "export", "yoga", "--xlsx", str(tmp_path / "yoga.xlsx")])
    assert status == 0
    from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]

    sheet = load_workbook(tmp_path / "yoga.xlsx").active
    assert [cell.value for cell in sheet[2]][:2] == ["张三", "13812345670"]


def test_cancel_tells_everyone_signed_up(db: str, events_file: Path) -> None:
    _run(["--db", db, "events", "import", str(events_file)])
    _sign_up(db, "yoga", ["张三", "李四"])
    status, out = _run(["--db", db, "events", "cancel", "yoga", "--reason", "场地维修"])
    assert status == 0 and "报名的2位职工会收到通知" in out
    told = [row for row in _rows(db, Outbox) if isinstance(row, Outbox) and row.reason == "event_cancelled"]
    assert sorted(row.recipient for row in told) == ["t0", "t1"]
    assert "场地维修" in told[0].text and "午间瑜伽（周二）" in told[0].text


def test_close_and_unknown_key(db: str, events_file: Path) -> None:
    _run(["--db", db, "events", "import", str(events_file)])
    assert _run(["--db", db, "events", "close", "walk"])[0] == 0
    _, listing = _run(["--db", db, "events", "list", "--json"])
    assert json.loads(listing.splitlines()[1])["status"] == "closed"
    assert _run(["--db", db, "events", "close", "nope"])[0] == 1


def test_add_a_weekly_session_and_open_it_ahead(db: str) -> None:
    status, out = _run(
        [
            "--db", db, "events", "add", "--key", "yoga-tue", "--title", "午间瑜伽（周二）",
            "--starts-at", "2099-12-01T12:00", "--capacity", "20", "--deadline", "2099-11-30T18:00",
            "--alias", "瑜伽", "--weekly", "--weeks", "1",
        ]
    )  # fmt: skip
    assert status == 0 and "已添加" in out
    assert _run(["--db", db, "events", "recur", "--weeks", "1"])[1] == "没有需要开放的每周场次。\n"  # not yet due
    rows = [row for row in _rows(db, Event) if isinstance(row, Event)]
    assert [row.key for row in rows] == ["yoga-tue"]


def test_a_broken_events_file_is_one_error_line(db: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[event]]\nkey = "x"\ntitle = "t"\n', encoding="utf-8")
    assert _run(["--db", db, "events", "import", str(broken)])[0] == 1


def test_eval_imports_events_first(events_file: Path, tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text(
        '{"text": "最近有什么活动", "intent": "event_list", "reply_any": ["健步走"]}\n'
        '{"text": "我要报名健步走", "intent": "event_signup", "reply_any": ["职工健步走"]}\n',
        encoding="utf-8",
    )
    status, out = _run(["eval", "--json", "--events", str(events_file), str(items)])
    report = json.loads(out)
    assert status == 0
    assert report["intent_accuracy"] == 1.0 and report["reply_fact_rate"] == 1.0
